"""What a supervisor narrows the history to: dates, room, technician, patient, area, device,
reaction and grade, status, and a quick search. The same conditions serve the page query,
the COUNT, and the exports, so a filter means the same everywhere."""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    ColumnElement,
    ColumnExpressionArgument,
    CompoundSelect,
    Select,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from models.access import care, permissions
from models.access.permissions import Action
from models.errors import LaserLogError
from models.language import _
from models.records import area_day_counts
from models.records.equipment import Device
from models.records.people import Patient, User
from models.records.treatment import Reaction, TreatedArea, TreatmentSession
from models.values.rows import Actor
from models.values.vocabulary import Area


@dataclass(frozen=True)
class HistoryFilter:
    since: datetime | None = None  # started at or after
    until: datetime | None = None  # started before
    room: str | None = None
    technician_id: int | None = None
    patient: str | None = None  # a patient's identifier, else part of patients' names
    area: str | None = None
    device_id: int | None = None
    reaction: str | None = None  # a reaction kind; with min_grade, "at least that grade"
    min_grade: int | None = None  # any reaction of at least this grade when no kind is given
    status: str | None = None
    search: str | None = None  # part of the patient's identifier or name, technician, room
    oldest_first: bool = False


def local_days(first: date | None, last: date | None
               ) -> tuple[datetime | None, datetime | None]:
    """Calendar days from ``first`` to ``last`` inclusive, in this PC's time zone, as the
    half-open ``since``/``until`` a filter takes (either end may be open). A day at the edge
    of the calendar (0001-01-01, 9999-12-31) leaves its end open: nothing lies beyond it."""
    def start(day: date) -> datetime | None:
        try:
            return datetime.combine(day, time()).astimezone()
        except (OverflowError, ValueError, OSError):
            return None

    def after(day: date) -> datetime | None:
        begun = start(day)
        try:
            return None if begun is None else begun + timedelta(days=1)
        except OverflowError:
            return None

    return (None if first is None else start(first), None if last is None else after(last))


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(column: ColumnExpressionArgument[str], text: str) -> ColumnElement[bool]:
    return func.lower(column).like(_like(text), escape="\\")


def apply_filter[*Ts](statement: Select[*Ts], f: HistoryFilter, actor: Actor | None
                      ) -> Select[*Ts]:
    """``statement`` (over TreatmentSession) narrowed to ``f`` and to what ``actor`` may see."""
    session = TreatmentSession
    if actor is not None and not permissions.may(actor, Action.VIEW_ALL_SESSIONS):
        permissions.require(actor, Action.VIEW_OWN_PATIENTS_SESSIONS, "treatment_session")
        statement = statement.where(care.treats(actor, session.patient_id))
    if f.since is not None:
        statement = statement.where(session.started_at >= f.since)
    if f.until is not None:
        statement = statement.where(session.started_at < f.until)
    if f.room:
        statement = statement.where(func.lower(session.room) == f.room.strip().lower())
    if f.technician_id is not None:
        statement = statement.where(session.technician_id == f.technician_id)
    if f.device_id is not None:
        statement = statement.where(session.device_id == f.device_id)
    if f.status:
        statement = statement.where(session.status == f.status)
    if f.patient and f.patient.strip():
        text = f.patient.strip()
        # An identifier is looked up in its unique index; names are searched only when no
        # patient has exactly that identifier.
        known = exists().where(Patient.identifier == text)
        patients: CompoundSelect[int] | Select[int]
        patients = select(Patient.id).where(Patient.identifier == text).union_all(
            select(Patient.id).where(~known, _contains(Patient.full_name, text)))
        statement = statement.where(session.patient_id.in_(patients))
    # Checked session by session as the page walks the date index, so the first page of a
    # common area stops after about a hundred matches instead of gathering all of them.
    if f.area:
        statement = statement.where(exists().where(
            TreatedArea.session_id == session.id, TreatedArea.area == f.area,
            TreatedArea.superseded_in.is_(None)))
    if f.reaction or f.min_grade:
        conditions = [Reaction.session_id == session.id, Reaction.superseded_in.is_(None),
                      Reaction.grade >= (f.min_grade or 1)]
        if f.reaction:
            conditions.append(Reaction.kind == f.reaction)
        statement = statement.where(exists().where(*conditions))
    if f.search and f.search.strip():
        text = f.search.strip()
        patients = select(Patient.id).where(or_(_contains(Patient.identifier, text),
                                                _contains(Patient.full_name, text)))
        technicians = select(User.id).where(_contains(User.full_name, text))
        statement = statement.where(or_(session.patient_id.in_(patients),
                                        session.technician_id.in_(technicians),
                                        _contains(session.room, text)))
    return statement


def count_sessions(db: Session, actor: Actor | None, f: HistoryFilter) -> int:
    """How many sessions the filter finds: one COUNT (an area alone is read from the kept
    day counts, as it would otherwise count a seventh of every session)."""
    sees_all = actor is None or permissions.may(actor, Action.VIEW_ALL_SESSIONS)
    if sees_all and f.area and replace(f, area=None, oldest_first=False) == HistoryFilter():
        return area_day_counts.area_total(db, f.area)
    statement = apply_filter(select(func.count()).select_from(TreatmentSession), f, actor)
    return db.scalar(statement) or 0


@dataclass(frozen=True)
class FilterChoices:
    """What the history's filters can be set to, as the lists to pick from."""

    rooms: tuple[str, ...]
    technicians: tuple[tuple[int, str], ...]
    devices: tuple[tuple[int, str], ...]


def filter_choices(db: Session) -> FilterChoices:
    rooms = db.scalars(select(TreatmentSession.room).where(TreatmentSession.room != "")
                       .distinct().order_by(TreatmentSession.room)).all()
    technicians = db.execute(select(User.id, User.full_name).where(User.role == "technician")
                             .order_by(User.full_name)).all()
    devices = db.execute(select(Device.id, Device.make, Device.model, Device.serial)
                         .order_by(Device.make, Device.model)).all()
    return FilterChoices(
        tuple(rooms), tuple((i, name) for i, name in technicians),
        tuple((i, f"{make} {model} ({serial})") for i, make, model, serial in devices))


def technician_id(db: Session, name: str) -> int:
    """A technician by user name or full name, for the command line's --technician."""
    found = db.scalars(select(User.id).where(or_(func.lower(User.username) == name.lower(),
                                                 func.lower(User.full_name) == name.lower()))
                       ).all()
    if len(found) != 1:
        raise LaserLogError(_("No single user is called {name}; use the user name (python "
                              "main.py user list)").format(name=repr(name)))
    return found[0]


def area_code(text: str) -> str:
    """An area by its code or its label, for the command line's --area."""
    for area in Area:
        if text.lower() in (area.value, area.label.lower(), area.source_label.lower()):
            return area.value
    raise LaserLogError(_("No treated area {area}; the areas are: {areas}").format(
        area=repr(text), areas=", ".join(area.value for area in Area)))
