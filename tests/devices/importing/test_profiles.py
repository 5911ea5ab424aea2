"""Import profiles: the shipped ones load; a malformed one is named with its bad key."""

from datetime import date

import pytest

from devices.importing.profiles import ProfileError, builtin_profiles, load_profile
from devices.importing.units import UnknownUnit, conversion


def test_the_shipped_profiles_cover_every_format():
    profiles = builtin_profiles()
    assert {p.format for p in profiles.values()} == {"csv", "json", "xml"}
    assert {"generic-csv", "generic-json", "generic-xml", "simulated-csv", "simulated-json",
            "simulated-xml"} <= set(profiles)


MINIMAL_FIELDS = ('[fields]\nsession = "s"\nserial = "n"\ntime = "t"\narea = "a"\n'
                  'fluence_j_cm2 = { column = "f", unit = "J/cm2" }')


@pytest.mark.parametrize("text, key", [
    ('format = "yaml"\n[fields]\nsession = "s"', "format"),
    ('format = "csv"\n[fields]\nsession = "s"\nserial = "n"\ntime = "t"\narea = "a"\n'
     'fluence_j_cm2 = { column = "f", unit = "mJ/cm3" }', "fields.fluence_j_cm2.unit"),
    ('format = "csv"\n[fields]\nsession = "s"\nserial = "n"\ntime = "t"\n'
     'fluence_j_cm2 = { column = "f", unit = "J/cm2" }', "fields.area"),
    ('format = "csv"\n[fields]\nsession = "s"\nserial = "n"\ntime = "t"\narea = "a"\n'
     'fluence_j_cm2 = { column = "f", unit = "J/cm2", range = [5, 900] }',
     "fields.fluence_j_cm2.range"),
    ('format = "csv"\ncolour = "red"\n[fields]\nsession = "s"', "colour"),
    ('format = "csv"\n[fields]\nsession = "s"\nserial = "n"\ntime = "t"\narea = "a"\n'
     'fluence_j_cm2 = { column = "f", unit = "J/cm2" }\n[areas]\n"Ear" = "ears"', "areas.Ear"),
    ('format = "csv"\n[fields\n', "-"),
    (f'format = "csv"\nearliest_date = "yesterday"\n{MINIMAL_FIELDS}', "earliest_date"),
    (f'format = "csv"\nearliest_date = 1900-01-01\n{MINIMAL_FIELDS}', "earliest_date"),
    (f'format = "csv"\nhours_ahead = -1\n{MINIMAL_FIELDS}', "hours_ahead"),
    (f'format = "csv"\nhours_ahead = "a day"\n{MINIMAL_FIELDS}', "hours_ahead"),
    ('format = "csv"\n[fields]\nsession = "s"\nserial = "n"\ntime = "t"\narea = "a"\n'
     'fluence_j_cm2 = { column = "f", unit = "J/cm2", required = "yes" }',
     "fields.fluence_j_cm2.required"),
])
def test_a_malformed_profile_names_itself_and_the_key(tmp_path, text, key):
    path = tmp_path / "clinic-device.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert str(error.value).startswith(f"Import profile 'clinic-device', key {key!r}: ")


@pytest.mark.parametrize("quantity, unit, value, canonical", [
    ("fluence", "mJ/cm²", 32500, 32.5), ("fluence", "kJ/m2", 325, 32.5),
    ("duration", "µs", 350, 0.35), ("length", "cm", 1.5, 15), ("energy", "mJ", 90, 0.09),
    ("temperature", "K", 310.15, 37.0), ("temperature", "°F", 98.6, 37.0),
])
def test_unit_conversions(quantity, unit, value, canonical):
    assert conversion(quantity, unit)(value) == pytest.approx(canonical)


def test_an_unknown_unit_lists_the_accepted_ones():
    with pytest.raises(UnknownUnit, match=r"unknown unit 'furlong' for length \(accepted: "):
        conversion("length", "furlong")


@pytest.mark.parametrize("window, earliest, hours", [
    ("earliest_date = 1980-01-01\nhours_ahead = 0", date(1980, 1, 1), 0.0),
    ('earliest_date = "2001-06-30"\nhours_ahead = 48.5', date(2001, 6, 30), 48.5),
    ("", date(1990, 1, 1), 24.0),
])
def test_a_profile_may_set_the_dates_a_pulse_may_carry(tmp_path, window, earliest, hours):
    path = tmp_path / "clinic-device.toml"
    path.write_text(f'format = "csv"\n{window}\n{MINIMAL_FIELDS}', encoding="utf-8")
    profile = load_profile(path)
    assert (profile.earliest_date, profile.hours_ahead) == (earliest, hours)
    assert profile.fields["session"].required and not profile.fields["fluence_j_cm2"].required
