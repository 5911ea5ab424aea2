"""Alembic migrations. ``HEAD`` names the newest revision so a start-up can see that the
schema is current without importing Alembic; a test keeps it equal to Alembic's own head.

``GUARDS`` names the triggers the migrations leave, per database, so that ``verify`` sees
one dropped; a test keeps them equal to what a fresh database has."""

HEAD = "0023"

_SQLITE_GUARDS = """
anaesthetics_kept_when_signed anaesthetics_unchanged_when_signed audit_events_never_changed
audit_events_never_deleted device_log_never_changed device_log_never_deleted
device_tips_never_deleted devices_never_deleted import_batch_sessions_unchanged_when_signed
import_batches_never_deleted import_profiles_never_deleted incidents_never_deleted
parameter_settings_kept_when_signed parameter_settings_unchanged_when_signed
patients_never_deleted pulse_traces_never_deleted pulse_traces_unchanged_when_signed
reaction_follow_ups_never_changed reaction_follow_ups_never_deleted reactions_kept_when_signed
reactions_unchanged_when_signed screenings_kept_when_signed screenings_unchanged_when_signed
session_amendments_never_changed session_amendments_never_deleted test_patch_rules_never_deleted
test_patches_never_deleted
session_photos_kept_when_signed session_photos_unchanged_when_signed
photo_images_kept_when_signed photo_images_never_changed signed_consents_never_deleted
signed_consents_unchanged consent_documents_never_deleted consent_documents_unchanged
treated_areas_kept_when_signed treated_areas_unchanged_when_signed
treatment_sessions_never_deleted treatment_sessions_unchanged_when_signed users_never_deleted
"""
_POSTGRES_GUARDS = """
anaesthetics_guard anaesthetics_kept_when_signed anaesthetics_unchanged_when_signed
audit_events_guard device_log_guard device_tips_guard devices_guard
import_batch_sessions_unchanged_when_signed import_batches_guard import_profiles_guard
incidents_guard parameter_settings_guard parameter_settings_kept_when_signed
parameter_settings_unchanged_when_signed patients_guard pulse_traces_guard
pulse_traces_unchanged_when_signed reaction_follow_ups_guard reactions_guard
reactions_kept_when_signed reactions_unchanged_when_signed screenings_guard
screenings_kept_when_signed screenings_unchanged_when_signed session_amendments_guard
test_patch_rules_guard test_patches_guard treated_areas_guard treated_areas_kept_when_signed
treated_areas_unchanged_when_signed treatment_sessions_guard
treatment_sessions_unchanged_when_signed users_guard
session_photos_kept_when_signed photo_images_kept_when_signed signed_consents_kept
consent_documents_kept session_photos_guard photo_images_guard signed_consents_guard
consent_documents_guard
"""
GUARDS = {"sqlite": frozenset(_SQLITE_GUARDS.split()),
          "postgresql": frozenset(_POSTGRES_GUARDS.split())}
#: The revision that added each guard, where later than 0014 (an older database lacks it).
ADDED_IN = {name: "0015" for names in GUARDS.values() for name in names
            if name.endswith("_unchanged_when_signed")} | {
    "test_patch_rules_never_deleted": "0020", "test_patch_rules_guard": "0020"} | {
    name: "0021" for names in GUARDS.values() for name in names
    if name.startswith(("session_photos_", "photo_images_", "signed_consents_",
                        "consent_documents_"))}

#: What migration 0017 adds for the patient search beyond what the entities describe: SQLite's
#: FTS5 table (and the tables FTS5 keeps for it) with the triggers that keep it current, and
#: indexes on expressions or with a collation or operator class of one database.
SEARCH_TRIGGERS = {"sqlite": frozenset({"patients_search_added", "patients_search_renamed",
                                        "patients_search_removed"}),
                   "postgresql": frozenset()}
SEARCH_TABLE = "patients_search"  # and its FTS5 shadow tables, patients_search_*
SEARCH_INDEXES = frozenset({"ix_patients_identifier_lower", "ix_patients_search_name",
                            "ix_patients_search_name_trgm"})


def guards_expected(dialect: str, revision: str | None) -> frozenset[str]:
    """The guard triggers a database of ``revision`` has when nobody touched it."""
    if revision is None or not revision.isdigit():
        return GUARDS[dialect]
    return frozenset(name for name in GUARDS[dialect]
                     if int(ADDED_IN.get(name, "0")) <= int(revision))
