"""Finding and registering patients."""

import calendar
from datetime import date

from sqlalchemy import (
    ColumnElement,
    Integer,
    SQLColumnExpression,
    and_,
    column,
    func,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.permissions import Action, require
from models.errors import ValidationFailed
from models.language import _
from models.records.people import Patient
from models.values.name_search import search_key
from models.values.rows import Actor, PatientRow


def patient_row(patient: Patient) -> PatientRow:
    return PatientRow(
        id=patient.id,
        identifier=patient.identifier,
        full_name=patient.full_name,
        date_of_birth=patient.date_of_birth,
        fitzpatrick=patient.fitzpatrick,
    )


def add_patient(
    db: Session,
    actor: Actor,
    *,
    identifier: str,
    full_name: str,
    date_of_birth: date | None,
    fitzpatrick: int | None,
    today: date | None = None,
) -> PatientRow:
    require(actor, Action.REGISTER_PATIENT, "patient")
    identifier, full_name = identifier.strip(), full_name.strip()
    today = today or date.today()
    problems: dict[str, str] = {}
    if not identifier:
        problems["identifier"] = _("A patient needs an identifier (e.g. the clinic's file "
                                   "number)")
    else:
        taken = db.scalar(select(Patient).where(Patient.identifier == identifier))
        if taken is not None:
            problems["identifier"] = _("{identifier} is already registered to {name}").format(
                identifier=identifier, name=taken.full_name)
    if not full_name:
        problems["full_name"] = _("Enter the patient's name")
    if date_of_birth is not None and date_of_birth > today:
        problems["date_of_birth"] = _("The date of birth cannot be in the future")
    elif date_of_birth is not None and date_of_birth.year < 1900:
        problems["date_of_birth"] = _("The date of birth must be after 1900")
    if fitzpatrick is not None and not 1 <= fitzpatrick <= 6:
        problems["fitzpatrick"] = _("The Fitzpatrick skin type is I to VI")
    if problems:
        raise ValidationFailed(problems)
    patient = Patient(
        identifier=identifier,
        full_name=full_name,
        date_of_birth=date_of_birth,
        fitzpatrick=fitzpatrick,
        created_by_id=actor.id,
    )
    db.add(patient)
    db.flush()
    audit_chain.record(
        db,
        actor_id=actor.id,
        action="patient.create",
        entity="patient",
        entity_id=patient.id,
        new={
            "identifier": identifier,
            "full_name": full_name,
            "date_of_birth": date_of_birth.isoformat() if date_of_birth else None,
            "fitzpatrick": fitzpatrick,
        },
    )
    return patient_row(patient)


def find_patients(db: Session, query: str, limit: int = 20) -> list[PatientRow]:
    """Patients whose identifier starts with what was typed (in any case), then those whose
    name contains it (in any case, accents ignored: "muller" finds "Müller"; with fewer than
    three letters, whose name starts with it), in the order of their names so folded.

    Each is read by an index, never by a scan of the patients: identifiers by their lower
    case, names by ``search_name`` (``models.values.name_search``) and its trigram index
    (SQLite's FTS5 table ``patients_search``; pg_trgm on PostgreSQL)."""
    query = query.strip()
    key = search_key(query)
    if not query or not key:
        return []
    postgres = db.get_bind().dialect.name == "postgresql"
    identifier = _byte_order(func.lower(Patient.identifier), postgres)
    typed = query.lower()
    found = list(db.scalars(select(Patient).where(identifier >= typed, identifier < typed + LAST)
                            .order_by(identifier).limit(limit)))
    name = _byte_order(Patient.search_name, postgres)  # in its index's order
    if len(key) >= TRIGRAM:
        name_matches = _name_contains(key, postgres)
    else:
        name_matches = and_(name >= key, name < key + LAST)
    by_name = select(Patient).where(name_matches).order_by(name, Patient.id)
    seen = {patient.id for patient in found}
    found += [p for p in db.scalars(by_name.limit(limit)) if p.id not in seen]
    return [patient_row(p) for p in found[:limit]]


TRIGRAM = 3  # the fewest letters a trigram index can look up
LAST = "\U0010ffff"  # after every text that starts the same: prefix + LAST ends a prefix range
_SQLITE_SEARCH = table("patients_search", column("rowid", Integer))


def _byte_order(expression: SQLColumnExpression[str], postgres: bool
                ) -> SQLColumnExpression[str]:
    """``expression`` compared byte by byte, as its index has it (SQLite compares so anyway;
    in PostgreSQL's "C" collation a prefix is one range of the index)."""
    return expression.collate("C") if postgres else expression


def _name_contains(key: str, postgres: bool) -> ColumnElement[bool]:
    if postgres:  # pg_trgm's GIN index serves LIKE with wildcards on both sides
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return Patient.search_name.like(f"%{escaped}%", escape="\\")
    phrase = '"' + key.replace('"', '""') + '"'  # a phrase of trigrams: the exact substring
    return Patient.id.in_(select(_SQLITE_SEARCH.c.rowid).where(
        text("patients_search MATCH :phrase").bindparams(phrase=phrase)))


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Jan + 1
    month is 28 or 29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
