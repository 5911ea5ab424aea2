"""A clinic chain's worth of sessions for the benchmarks, made fast and kept.

Staff and devices are added through the operations: a technician per 10,000 sessions (two
per room, a device in each room), a supervisor per ten technicians. Patients then come as a
chain's patients do: a course of sessions about three weeks apart over one to three areas,
most patients finishing it and some coming back months later for another, some dropping
out (their courses lapse), and those in the middle of one at the end are due or overdue.

Everything the sessions leave is inserted in bulk, in the order it happened: the session
and its areas, settings, reactions, anaesthetic and screening; its courses, kept counted
as ``courses.recount`` keeps them; follow-ups and incidents after the rare severe
reactions; sign-off by a supervisor for nearly every session a few days later; and the
audit events of all of it (sign-ins, registrations, drafts, signing with the content
digest, aftercare, reviews, filing), hash-chained in time order, so ``verify`` passes. A
finished database is marked with its size and reused by the next run.
"""

import heapq
import json
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import batched
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from devices.simulated.demo_clinic import BENCH_CLINIC_MARK, DEMO_PASSWORD, ROOMS, TECHNICIANS
from devices.simulated.treatment_device import SIMULATED_MODELS, SimulatedDevice
from models.access import accounts
from models.access.audit_chain import GENESIS_HASH, canonical_json, event_hash
from models.clinic import clinic_settings, device_register, patients
from models.clinic.clinic_settings import ClinicRules
from models.reading.session_content import content_digests
from models.records import area_day_counts
from models.records.adverse_events import FollowUp, Incident
from models.records.audit_events import AuditEvent
from models.records.patient_plans import Course
from models.records.people import Patient, User
from models.records.treatment import (
    Anaesthetic,
    ParameterSetting,
    Reaction,
    Screening,
    TreatedArea,
    TreatmentSession,
)
from models.storage.base import Base
from models.storage.database import Database
from models.values.parameters import SETTINGS
from models.values.rows import Actor
from models.values.screening import ChecklistItem, Contraindication, ScreeningInput
from models.values.screening import as_json as screening_json
from models.values.session_input import AreaInput
from models.values.vocabulary import COMMON_TOPICAL_AGENTS, Area, ReactionKind, Role
from models.workflow.aftercare import FACE
from models.workflow.incidents import INCIDENT_GRADE
from models.workflow.session_logging import (
    CONTENT_KEY,
    SIGNED_WITH_KEY,
    SIGNED_WITH_PASSWORD,
)

CHUNK = 20_000
GENERATION = 3  # what the clinic holds; a cached clinic of another generation is not reused
MARK = BENCH_CLINIC_MARK  # a settings-free marker: the patient identifier prefix
SETTINGS_VARIANTS = 64  # settings drawn per area, device model and skin type, then reused
DIGEST_BATCH = 5_000  # sessions digested per query (SQLite's limit on bound values)

# The chain's staff, in proportion to its sessions over two years.
SESSIONS_PER_TECHNICIAN = 10_000  # about 14 a working day
TECHNICIANS_PER_ROOM = 2
TECHNICIANS_PER_SUPERVISOR = 10

# How patients come back: (value, weight) pairs, drawn from a list repeating each value.
PLANNED_SESSIONS = (3,) + (4,) * 2 + (5,) * 2 + (6,) * 12 + (8,) * 3
INTERVAL_DAYS = (14,) + (21,) * 6 + (28,) * 2 + (30,)
LATENESS_DAYS = (-2, -1, 0, 0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 7, 10)  # after the planned day
AREAS_PER_COURSE = (1, 1, 2, 2, 3)
FINISHED_SHARE = 0.78  # the others drop out part way and their courses lapse
RETURN_SHARE = 0.55  # a patient who finished a course starts another, months later
RETURN_AFTER_DAYS = (60, 300)
MOST_COURSES = 4
USUAL_TECHNICIAN_SHARE = 0.85  # the others are seen by a colleague in the same room

# What a session leaves beyond its settings.
REVIEWED_SHARE = 0.96  # the rest are never signed off and stay in the queue
REVIEW_DELAY_DAYS = (0, 1, 1, 1, 2, 2, 3, 4, 7)
AFTERCARE_SHARE = 0.9
ANAESTHETIC_SHARE = 0.3
WARNING_SHARE = 0.04  # a contraindication found and the reason to go ahead recorded
NOTE_SHARE = 0.1
INCIDENT_FILED_SHARE = 0.93  # the others stay open (and, after a day, overdue)
CONSENT_VERSION = "LL-consent v3"

# Reactions: (share of sessions, the kinds seen at that grade); the rest show none.
GRADES = (
    (4, 0.0002, (ReactionKind.BURN, ReactionKind.BURN, ReactionKind.SCARRING)),
    (3, 0.003, (ReactionKind.BLISTERING,) * 4 + (ReactionKind.BURN,) * 2
     + (ReactionKind.HYPERPIGMENTATION, ReactionKind.HYPOPIGMENTATION)),
    (2, 0.06, (ReactionKind.ERYTHEMA,) * 3 + (ReactionKind.OEDEMA,) * 3
     + (ReactionKind.BRUISING,) * 2 + (ReactionKind.PAIN, ReactionKind.HYPERPIGMENTATION)),
    (1, 0.34, (ReactionKind.ERYTHEMA,) * 6 + (ReactionKind.OEDEMA,) * 3
     + (ReactionKind.PAIN, ReactionKind.BRUISING)),
)
FOLLOW_UP_SHARE = {4: 1.0, 3: 0.95, 2: 0.4, 1: 0.02}
WARNINGS = (
    (Contraindication.HERPES, "No outbreak for two years; antiviral cover started"),
    (Contraindication.SUN_EXPOSURE, "Light tan only; settings lowered for the area"),
    (Contraindication.KELOIDS, "Old scar only; area treated is away from it"),
)
NOTES = ("Patient tolerated well", "Cooling gel applied after", "Asked about the next session",
         "Slight discomfort on the bony areas; passes slowed", "Photos discussed")
FOLLOW_UP_NOTES = ("Receding", "Settling with cold compresses", "Resolved", "Reviewed on the phone")
REPORTS = ("Reaction after the session; treated in clinic, aftercare reinforced, patient "
           "called the next day and is recovering. Settings reviewed for the next session.",
           "Reported on the follow-up call; seen in clinic, photographed and referred to the "
           "patient's GP. Course paused until it resolves.")

AREA_CODES = [area.value for area in Area]
EPOCH = date(1970, 1, 1)
DAY_S = 24 * 3600
OPENS_S, CLOSES_S = 7 * 3600, 18 * 3600  # the first and the last start of a day (UTC)
# Supervisors sign off after the day's last session has started (so every event a session
# brings comes after its start, less EARLIEST_LEAD_S: see ``build``).
REVIEWS_S = 18 * 3600 + 30 * 60
EARLIEST_LEAD_S = 600  # a sign-in comes this long before the session it is for
EMPTY_SCREENING = screening_json(ScreeningInput())  # as a draft opened with nothing typed
# Names as a European clinic chain's patients have them: accents, several alphabets' letters
# written in Latin script, double surnames; about 80,000 patients share these combinations.
GIVEN_NAMES = (
    "Anna", "Maria", "Sofia", "Laura", "Elena", "Julia", "Clara", "Nina", "Paula", "Irene",
    "Marta", "Lucía", "Sara", "Eva", "Rosa", "Daniel", "Marco", "Pablo", "José", "Zoë",
    "Renée", "Chloé", "Inès", "Hélène", "Jürgen", "Jörg", "Björn", "Søren", "Åsa", "Ágnes",
    "Łucja", "Małgorzata", "Agnieszka", "Tomáš", "Jiří", "Dorota", "Ines", "Noémie", "Emma",
    "Leonie", "Mia", "Hanna", "Olivia", "Amélie", "Raphaël", "Matteo", "Giulia", "Andrés",
    "Ramón", "Begoña", "Núria", "João", "Conceição", "Sinéad", "Siobhán", "Ólafur",
    "Þóra", "Ayşe", "Zeynep", "Emre", "Kateřina", "Ľubica", "Mihály", "Zsófia", "Dóra",
)
FAMILY_NAMES = (
    "Müller", "Schäfer", "Groß", "Köhler", "Weiß", "Schröder", "Bäcker", "Jäger", "García",
    "Martínez", "Fernández", "López", "Sánchez", "Gómez", "Pérez", "Muñoz", "Núñez", "Ibáñez",
    "Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamiński", "Łukasiewicz", "Żak", "Dvořák",
    "Novák", "Svoboda", "Černá", "Procházka", "Ødegaard", "Østergaard", "Sørensen",
    "Bjørnstad", "Ångström", "Lindqvist", "Åberg", "Nyström", "Dubois", "Lefèvre", "Thévenin",
    "Gérard", "Benoît", "François", "Rossi", "Bianchi", "Esposito", "Romano", "Nicolò",
    "Silva", "Gonçalves", "Conceição", "Simões", "Çelik", "Şahin", "Yılmaz", "Öztürk",
    "Horváth", "Kovács", "Szabó", "Tóth", "O'Brien", "Ó Súilleabháin", "Nguyễn", "Trần",
    "Jensen", "Hansen", "Berger", "Fischer", "Moreau", "Costa", "Santos", "Horvat", "Smith",
    "Brown", "Wilson", "Taylor", "Meyer", "Wagner", "Becker", "Hoffmann", "Schulz", "Bauer",
)


def size_of(database: Database) -> int:
    """How many sessions a finished bench clinic was built with (0 when there is none)."""
    with database.read() as db:
        finished = db.scalar(select(Patient.created_at)
                             .where(Patient.identifier == f"{MARK}-done"))
        if finished is None:
            return 0
        # Sessions logged since (``bench loop`` signs some) are not the clinic's size.
        return db.scalar(select(func.count()).select_from(TreatmentSession)
                         .where(TreatmentSession.created_at <= finished)) or 0


def patient_name(rnd: random.Random) -> str:
    """A given name and one family name, or now and then two (hyphenated, or Spanish style)."""
    given, family = rnd.choice(GIVEN_NAMES), rnd.choice(FAMILY_NAMES)
    if rnd.random() < 0.08:
        family = f"{family}{rnd.choice(('-', ' '))}{rnd.choice(FAMILY_NAMES)}"
    return f"{given} {family}"


@dataclass(frozen=True)
class _Staff:
    admin: Actor
    technicians: list[int]
    supervisors: list[int]
    rooms: list[str]
    devices: list[tuple[int, int]]  # each room's: (device id, index in SIMULATED_MODELS)

    def room_technicians(self, room: int) -> list[int]:
        return self.technicians[room::len(self.rooms)]


def _staff(database: Database, sessions: int) -> _Staff:
    technician_count = max(len(TECHNICIANS), sessions // SESSIONS_PER_TECHNICIAN)
    room_count = max(len(ROOMS), technician_count // TECHNICIANS_PER_ROOM)
    rooms = [*ROOMS, *(f"Room {n}" for n in range(len(ROOMS) + 1, room_count + 1))]
    named = [*TECHNICIANS, *((f"bench.tech{n}", f"{GIVEN_NAMES[n % len(GIVEN_NAMES)]} "
                                                f"{FAMILY_NAMES[7 * n % len(FAMILY_NAMES)]}")
                             for n in range(len(TECHNICIANS) + 1, technician_count + 1))]
    expires = date.today() + timedelta(days=365)
    with database.write() as db:
        admin = accounts.create_user(db, username="bench-admin", full_name="Bench Admin",
                                     role=Role.ADMIN, password=DEMO_PASSWORD, created_by=None)
        technicians = []
        for username, full_name in named:
            technicians.append(accounts.create_user(
                db, username=username, full_name=full_name, role=Role.TECHNICIAN,
                password=DEMO_PASSWORD, created_by=admin).id)
            accounts.record_certification(db, admin, username, f"BENCH-{username}", expires)
        supervisors = [accounts.create_user(
            db, username="bench-supervisor" + (f"{n}" if n else ""),
            full_name="Bench Supervisor" + (f" {n}" if n else ""), role=Role.SUPERVISOR,
            password=DEMO_PASSWORD, created_by=admin).id
            for n in range(max(1, technician_count // TECHNICIANS_PER_SUPERVISOR))]
        devices = []
        for n in range(room_count):
            model = SIMULATED_MODELS[n % len(SIMULATED_MODELS)]
            device = device_register.add_device(db, admin, make=model.make, model=model.model,
                                                serial=f"BENCH-{n}", kind=model.kind)
            devices.append((device.id, n % len(SIMULATED_MODELS)))
    return _Staff(admin, technicians, supervisors, rooms, devices)


@dataclass
class _Plan:
    """One course of a patient: the areas treated together (a ``Course`` row each), and the
    sessions they came to, as (start in seconds since the epoch, technician id)."""

    areas: tuple[str, ...]
    planned: int
    interval_days: int
    visits: list[tuple[int, int]]


@dataclass
class _Patient:
    name: str
    room: int
    fitzpatrick: int
    born: date
    plans: list[_Plan]
    # Where the next session in time order is: (plan, visit) indexes.
    plan: int = 0
    visit: int = 0

    @property
    def sessions(self) -> int:
        return sum(len(plan.visits) for plan in self.plans)

    def first_start(self) -> int:
        return self.plans[0].visits[0][0]

    def next_visit(self) -> tuple[_Plan, int]:
        """The plan and the index of the session that comes next, and move past it."""
        plan, index = self.plans[self.plan], self.visit
        self.visit += 1
        if self.visit == len(plan.visits):
            self.plan, self.visit = self.plan + 1, 0
        return plan, index


def _plans(rnd: random.Random, arrival_day: int, last_start: int,
           room_technicians: list[int]) -> list[_Plan]:
    """A patient's courses from their first day on, up to ``last_start``."""
    usual = rnd.choice(room_technicians)
    plans: list[_Plan] = []
    day = arrival_day
    while True:
        planned = rnd.choice(PLANNED_SESSIONS)
        interval = rnd.choice(INTERVAL_DAYS)
        attended = planned if rnd.random() < FINISHED_SHARE else rnd.randint(1, planned - 1)
        areas = tuple(rnd.sample(AREA_CODES, rnd.choice(AREAS_PER_COURSE)))
        visits: list[tuple[int, int]] = []
        for _ in range(attended):
            start = day * DAY_S + rnd.randrange(OPENS_S, CLOSES_S, 300)
            if start > last_start:
                break
            visits.append((start, usual if rnd.random() < USUAL_TECHNICIAN_SHARE
                           else rnd.choice(room_technicians)))
            day += interval + rnd.choice(LATENESS_DAYS)
        if visits:
            plans.append(_Plan(areas, planned, interval, visits))
        if (len(visits) < planned or len(plans) >= MOST_COURSES
                or rnd.random() >= RETURN_SHARE):
            return plans
        day = visits[-1][0] // DAY_S + rnd.randint(*RETURN_AFTER_DAYS)


def _patients(rnd: random.Random, sessions: int, staff: _Staff, first_day: int,
              last_start: int) -> list[_Patient]:
    """Patients coming from ``first_day`` on, until they have had ``sessions`` sessions
    between them (the last one's latest are left out), in the order of their first one."""
    found: list[_Patient] = []
    total = 0
    while total < sessions:
        room = rnd.randrange(len(staff.rooms))
        arrival = first_day + rnd.randrange(last_start // DAY_S - first_day + 1)
        plans = _plans(rnd, arrival, last_start, staff.room_technicians(room))
        age_days = int(rnd.triangular(25, 70, 45) * 365.25)  # ideally 30 to 60
        patient = _Patient(patient_name(rnd), room, rnd.randint(1, 6),
                           EPOCH + timedelta(days=arrival - age_days), plans)
        extra = total + patient.sessions - sessions
        while extra > 0:  # the last patient: only as many sessions as are wanted
            plans[-1].visits.pop()
            if not plans[-1].visits:
                plans.pop()
            extra -= 1
        if plans:
            found.append(patient)
            total += patient.sessions
    found.sort(key=_Patient.first_start)
    return found


@dataclass
class _Event:
    """An audit event waiting for its place in the chain; ``seals`` names the session whose
    content digest its values take once the session's rows are stored."""

    at: int
    order: int
    actor_id: int
    action: str
    entity: str
    entity_id: object
    old: dict[str, Any]
    new: dict[str, Any]
    seals: int | None = None


@dataclass
class _Rows:
    """One chunk's rows, table by table, and the audit events they bring."""

    sessions: list[dict[str, Any]] = field(default_factory=list)
    areas: list[dict[str, Any]] = field(default_factory=list)
    settings: list[dict[str, Any]] = field(default_factory=list)
    reactions: list[dict[str, Any]] = field(default_factory=list)
    anaesthetics: list[dict[str, Any]] = field(default_factory=list)
    screenings: list[dict[str, Any]] = field(default_factory=list)
    courses: list[dict[str, Any]] = field(default_factory=list)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    follow_ups: list[dict[str, Any]] = field(default_factory=list)
    events: list[_Event] = field(default_factory=list)

    def store(self, db: Session) -> None:
        for entity, rows in ((TreatmentSession, self.sessions), (TreatedArea, self.areas),
                             (ParameterSetting, self.settings), (Reaction, self.reactions),
                             (Anaesthetic, self.anaesthetics), (Screening, self.screenings),
                             (Course, self.courses), (Incident, self.incidents),
                             (FollowUp, self.follow_ups)):
            if rows:
                db.execute(insert(_table(entity)), rows)


def _table(entity: type[Base]) -> Table:
    """The entity's table, for Core inserts: the ORM's bulk insert splits a list of rows
    into a statement per run of rows whose None values fall in the same columns."""
    return Base.metadata.tables[entity.__tablename__]


@dataclass(slots=True)
class _Link:
    """What ``audit_chain.event_hash`` reads of an event: hashing these is a third of the
    cost of hashing transient ``AuditEvent`` objects, for millions of events."""

    seq: int
    occurred_at: datetime
    actor_id: int
    action: str
    entity: str
    entity_id: str
    old_values: str
    new_values: str
    reason: str
    prev_hash: str


def _moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _local_day(seconds: int) -> date:
    """The day in this PC's time zone, as ``courses`` counts sessions by it."""
    return datetime.fromtimestamp(seconds).date()


class _Clinic:
    """Logs the patients' sessions in time order, a chunk at a time, with everything each
    leaves, and chains the audit events as their time comes."""

    def __init__(self, rnd: random.Random, staff: _Staff, patients_: list[_Patient],
                 first_patient_id: int, end: int, rules: ClinicRules) -> None:
        self.rnd, self.staff, self.patients = rnd, staff, patients_
        self.first_patient_id, self.end, self.rules = first_patient_id, end, rules
        self.simulators = [SimulatedDevice(model.kind, n)
                           for n, model in enumerate(SIMULATED_MODELS)]
        self.variants: dict[tuple[int, str, int], list[AreaInput]] = {}
        self.ids = {"session": 0, "area": 0, "course": 0, "incident": 0}
        self.order = 0
        self.pending: list[tuple[int, int, int, str, str, str, str, str]] = []  # a heap
        self.signed_in: set[tuple[int, int]] = set()  # (user id, day)
        self.seq, self.last_hash = 0, GENESIS_HASH

    def start_ids(self, db: Session) -> None:
        for key, table in (("session", "treatment_sessions"), ("area", "treated_areas"),
                           ("course", "treatment_courses"), ("incident", "incidents")):
            self.ids[key] = db.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}")) or 0
        last = db.execute(select(AuditEvent.seq, AuditEvent.hash)
                          .order_by(AuditEvent.seq.desc()).limit(1)).first()
        if last is not None:
            self.seq, self.last_hash = last.seq, last.hash

    def _next(self, key: str) -> int:
        self.ids[key] += 1
        return self.ids[key]

    def _event(self, rows: _Rows, at: int, actor_id: int, action: str, entity: str,
               entity_id: object, old: dict[str, Any] | None = None,
               new: dict[str, Any] | None = None, seals: int | None = None) -> None:
        self.order += 1
        rows.events.append(_Event(at, self.order, actor_id, action, entity, entity_id,
                                  old or {}, new or {}, seals))

    def _sign_in(self, rows: _Rows, user_id: int, at: int) -> None:
        """A sign-in the first time the user works on a day."""
        if (user_id, at // DAY_S) not in self.signed_in:
            self.signed_in.add((user_id, at // DAY_S))
            self._event(rows, at, user_id, "login", "user", user_id)

    # -- one session -------------------------------------------------------------------

    def log(self, rows: _Rows, patient_index: int) -> None:
        """The patient's next session, with all it leaves."""
        rnd = self.rnd
        patient = self.patients[patient_index]
        patient_id = self.first_patient_id + patient_index
        plan, index = patient.next_visit()
        start, technician = plan.visits[index]
        session_id = self._next("session")
        session_uuid = uuid.UUID(int=rnd.getrandbits(128), version=4)
        device_id, model = self.staff.devices[patient.room]
        room = self.staff.rooms[patient.room]
        self._sign_in(rows, technician, start - EARLIEST_LEAD_S)
        if plan is patient.plans[0] and index == 0:
            self._event(rows, start - EARLIEST_LEAD_S // 2, technician, "patient.create",
                        "patient", patient_id,
                        new={"identifier": _identifier(patient_index),
                             "full_name": patient.name,
                             "date_of_birth": patient.born.isoformat(),
                             "fitzpatrick": patient.fitzpatrick})
        started = _moment(start)
        self._event(rows, start, technician, "session.start", "treatment_session",
                    session_uuid, new={
                        "patient_id": patient_id, "technician_id": technician,
                        "device_id": None, "room": "", "status": "draft",
                        "started_at": started.isoformat(), "duration_s": None,
                        "anaesthetic": None, "areas": [], "reactions": [], "notes": "",
                        "late_entry_reason": "", "aftercare_given_at": None,
                        "screening": EMPTY_SCREENING})
        if index == 0:
            self._courses(rows, patient, patient_id, plan, start, technician, room)
        areas = self._areas(rows, session_id, plan, model, patient.fitzpatrick)
        anaesthetic = self._anaesthetic(rows, session_id, start)
        screening = self._screening(rows, session_id, patient, plan)
        minutes = sum(rnd.randint(12, 20) if area in FACE else rnd.randint(20, 35)
                      for area in plan.areas)
        duration = min(90, max(15, minutes + rnd.randint(0, 10))) * 60
        self._event(rows, start + duration // 2, technician, "session.save_draft",
                    "treatment_session", session_uuid,
                    old={"device_id": None, "room": "", "areas": [],
                         "screening": EMPTY_SCREENING}
                    | ({"anaesthetic": None} if anaesthetic else {}),
                    new={"device_id": device_id, "room": room, "areas": areas,
                         "screening": screening}
                    | ({"anaesthetic": anaesthetic} if anaesthetic else {}))
        completed = start + duration + rnd.randint(60, 240)
        notes = rnd.choice(NOTES) if rnd.random() < NOTE_SHARE else ""
        reactions = self._reactions(rows, session_id, start)
        self._event(rows, completed, technician, "session.complete", "treatment_session",
                    session_uuid,
                    old={"status": "draft", "duration_s": None}
                    | ({"reactions": []} if reactions else {}) | ({"notes": ""} if notes else {}),
                    new={"status": "completed", "duration_s": duration}
                    | ({"reactions": reactions} if reactions else {})
                    | ({"notes": notes} if notes else {}),
                    seals=session_id)
        for reaction in reactions:
            self._adverse_events(rows, session_id, session_uuid, reaction, start, completed,
                                 technician, patient.room)
        aftercare = completed + 60 if rnd.random() < AFTERCARE_SHARE else None
        if aftercare is not None:
            self._event(rows, aftercare, technician, "session.aftercare", "treatment_session",
                        session_uuid, old={"aftercare_given_at": None},
                        new={"aftercare_given_at": _moment(aftercare).isoformat()})
        reviewed = self._review(rows, session_uuid, start, completed, patient.room)
        rows.sessions.append({
            "id": session_id, "uuid": session_uuid, "patient_id": patient_id,
            "technician_id": technician, "device_id": device_id, "room": room,
            "status": "reviewed" if reviewed else "completed", "started_at": started,
            "duration_s": duration, "notes": notes, "created_at": started,
            "updated_at": _moment(completed), "completed_at": _moment(completed),
            "reviewed_at": _moment(reviewed[0]) if reviewed else None,
            "reviewed_by_id": reviewed[1] if reviewed else None,
            "aftercare_given_at": _moment(aftercare) if aftercare else None,
            # written at the start, the draft's save, signing, aftercare, sign-off
            "version": 3 + (aftercare is not None) + (reviewed is not None),
            "void_reason": "", "late_entry_reason": ""})

    def _courses(self, rows: _Rows, patient: _Patient, patient_id: int, plan: _Plan,
                 start: int, technician: int, room: str) -> None:
        """The plan's courses, opened at its first session and kept counted as
        ``courses.recount`` leaves them after the patient's last session (an earlier course
        on an area another one follows is superseded: never due again)."""
        later = {area for other in patient.plans[patient.plans.index(plan) + 1:]
                 for area in other.areas}
        started_on = _local_day(start)
        last_start, last_technician = plan.visits[-1]
        last_on = _local_day(last_start)
        done = len(plan.visits)
        default = (plan.planned, plan.interval_days) == (self.rules.course_sessions,
                                                         self.rules.course_interval_days)
        first = plan is patient.plans[0]
        for area in plan.areas:
            course_id = self._next("course")
            current = area not in later
            rows.courses.append({
                "id": course_id, "patient_id": patient_id, "area": area,
                "planned_sessions": plan.planned, "interval_days": plan.interval_days,
                "started_on": started_on, "created_by_id": technician,
                "created_at": _moment(start + 60), "done": done, "last_on": last_on,
                "next_due": (last_on + timedelta(days=plan.interval_days)
                             if current and done < plan.planned else None),
                "lapses_on": (last_on + timedelta(days=plan.interval_days
                                                  * self.rules.course_lapse_intervals)
                              if current else None),
                "last_technician_id": last_technician, "last_room": room})
            if not default or not first:  # planned by hand, not opened at signing
                self._event(rows, start + 60, technician, "course.plan", "treatment_course",
                            course_id, new={
                                "patient_id": patient_id, "area": area,
                                "planned_sessions": plan.planned,
                                "interval_days": plan.interval_days,
                                "started_on": started_on.isoformat()})

    def _areas(self, rows: _Rows, session_id: int, plan: _Plan, model: int,
               skin: int) -> list[dict[str, Any]]:
        """The session's areas and their settings; as the audit trail's snapshot has them."""
        snapshot = []
        for position, area in enumerate(plan.areas):
            area_id = self._next("area")
            key = (model, area, skin)
            if key not in self.variants:
                self.variants[key] = [self.simulators[model].settings_for(area, skin)
                                      for _ in range(SETTINGS_VARIANTS)]
            planned = self.rnd.choice(self.variants[key])
            settings = {spec.key: planned.settings.get(spec.key) for spec in SETTINGS}
            rows.areas.append({"id": area_id, "session_id": session_id, "area": area,
                               "position": position, "passes": planned.passes,
                               "pulses": planned.pulses})
            rows.settings.append({"treated_area_id": area_id, "source": "simulated",
                                  **settings})
            stored: dict[str, Any] = {"source": "simulated", "pass": None, "batch": None}
            snapshot.append({"area": area, "pulses": planned.pulses, "passes": planned.passes,
                             "change_reason": "", "settings": [stored | settings]})
        return snapshot

    def _anaesthetic(self, rows: _Rows, session_id: int, start: int
                     ) -> dict[str, Any] | None:
        if self.rnd.random() >= ANAESTHETIC_SHARE:
            return None
        agent = self.rnd.choice(COMMON_TOPICAL_AGENTS)
        applied = _moment(start - self.rnd.randint(20, 45) * 60)
        rows.anaesthetics.append({"session_id": session_id, "agent": agent,
                                  "applied_at": applied})
        return {"agent": agent, "applied_at": applied.isoformat()}

    def _screening(self, rows: _Rows, session_id: int, patient: _Patient, plan: _Plan
                   ) -> dict[str, Any]:
        """Screened and consented (at the course's first session), the checklist ticked."""
        reasons = dict([self.rnd.choice(WARNINGS)]) if self.rnd.random() < WARNING_SHARE \
            else {}
        signed_on = _local_day(plan.visits[0][0])
        checklist = sorted(ChecklistItem)
        rows.screenings.append({
            "session_id": session_id, "fitzpatrick": patient.fitzpatrick,
            "found": json.dumps(sorted(reasons)), "reasons": json.dumps(reasons, sort_keys=True),
            "consent_version": CONSENT_VERSION, "consent_signed_on": signed_on,
            "checklist": json.dumps(checklist)})
        return {"fitzpatrick": patient.fitzpatrick, "found": sorted(reasons),
                "reasons": reasons, "consent_version": CONSENT_VERSION,
                "consent_signed_on": signed_on.isoformat(), "checklist": checklist}

    def _reactions(self, rows: _Rows, session_id: int, start: int) -> list[dict[str, Any]]:
        """The reactions seen during the session, as the snapshot lists them."""
        draw = self.rnd.random()
        found = []
        for grade, share, kinds in GRADES:
            if draw < share:
                found.append((self.rnd.choice(kinds), grade))
                if grade == 1 and self.rnd.random() < 0.1:  # redness and swelling together
                    found.append((ReactionKind.OEDEMA if found[0][0] != ReactionKind.OEDEMA
                                  else ReactionKind.ERYTHEMA, 1))
                break
            draw -= share
        listed = []
        for kind, grade in found:
            onset = "during" if kind in (ReactionKind.ERYTHEMA, ReactionKind.PAIN) \
                else "immediately"
            rows.reactions.append({"session_id": session_id, "kind": kind.value,
                                   "grade": grade, "onset": onset, "note": "",
                                   "observed_at": _moment(start + 600)})
            listed.append({"kind": kind.value, "grade": grade, "onset": onset, "note": ""})
        return listed

    def _adverse_events(self, rows: _Rows, session_id: int, session_uuid: uuid.UUID,
                        reaction: dict[str, Any], start: int, completed: int,
                        technician: int, room: int) -> None:
        """The incident a severe reaction opens (filed by a supervisor within a day or two,
        now and then not yet), and the follow-ups of the worse reactions."""
        rnd, kind, grade = self.rnd, reaction["kind"], reaction["grade"]
        supervisor = self.staff.supervisors[room % len(self.staff.supervisors)]
        if grade >= INCIDENT_GRADE:
            incident_id = self._next("incident")
            due = start + 24 * 3600
            filed = completed + rnd.randint(2, 40) * 3600
            filed_now = filed <= self.end and rnd.random() < INCIDENT_FILED_SHARE
            report = rnd.choice(REPORTS)
            rows.incidents.append({
                "id": incident_id, "session_id": session_id, "kind": kind, "grade": grade,
                "opened_at": _moment(completed), "due_at": _moment(due),
                "filed_at": _moment(filed) if filed_now else None,
                "filed_by_id": supervisor if filed_now else None,
                "report": report if filed_now else ""})
            self._event(rows, completed, technician, "incident.open", "incident", incident_id,
                        new={"session": str(session_uuid), "kind": kind, "grade": grade,
                             "due_at": _moment(due).isoformat()})
            if filed_now:
                self._event(rows, filed, supervisor, "incident.file", "incident", incident_id,
                            new={"report": report})
        if rnd.random() >= FOLLOW_UP_SHARE[grade]:
            return
        seen = [(rnd.randint(2, 10), min(grade - 1, 2))]
        if grade >= INCIDENT_GRADE:
            seen.append((rnd.randint(14, 30), 0))
        for days, graded in seen:
            at = (start // DAY_S + days) * DAY_S + rnd.randrange(OPENS_S, CLOSES_S, 60)
            if at > self.end:
                return
            observed_on = _local_day(at)
            resolved_on = observed_on if graded == 0 else None
            note = rnd.choice(FOLLOW_UP_NOTES)
            rows.follow_ups.append({
                "session_id": session_id, "kind": kind, "grade": graded,
                "observed_on": observed_on, "resolved_on": resolved_on, "note": note,
                "recorded_by_id": technician, "recorded_at": _moment(at)})
            self._event(rows, at, technician, "session.follow_up", "treatment_session",
                        session_uuid, new={
                            "kind": kind, "grade": graded,
                            "observed_on": observed_on.isoformat(),
                            "resolved_on": resolved_on.isoformat() if resolved_on else None,
                            "note": note})

    def _review(self, rows: _Rows, session_uuid: uuid.UUID, start: int, completed: int,
                room: int) -> tuple[int, int] | None:
        """The sign-off at the end of a day soon after, as (when, supervisor); None when it
        has not come by now or never will."""
        rnd = self.rnd
        day = start // DAY_S + rnd.choice(REVIEW_DELAY_DAYS)
        at = day * DAY_S + REVIEWS_S + rnd.randrange(0, 5400, 30)
        if at < completed + 600:
            day += 1
            at += DAY_S
        if at > self.end or rnd.random() >= REVIEWED_SHARE:
            return None
        supervisor = self.staff.supervisors[room % len(self.staff.supervisors)]
        self._sign_in(rows, supervisor, day * DAY_S + REVIEWS_S - EARLIEST_LEAD_S)
        self._event(rows, at, supervisor, "session.review", "treatment_session", session_uuid,
                    old={"status": "completed"}, new={"status": "reviewed"})
        return at, supervisor

    # -- the audit chain ---------------------------------------------------------------

    def queue_events(self, db: Session, rows: _Rows) -> None:
        """The chunk's events into time order, a signing with its session's digest (its
        rows are stored by now, so it is read back as ``verify`` will read it)."""
        sealed = [event.seals for event in rows.events if event.seals is not None]
        digests: dict[int, str] = {}
        for batch in batched(sealed, DIGEST_BATCH):
            digests.update((content.id, content.digest)
                           for content in content_digests(db, list(batch)))
        for event in rows.events:
            new = event.new
            if event.seals is not None:
                new = new | {CONTENT_KEY: digests[event.seals],
                             SIGNED_WITH_KEY: SIGNED_WITH_PASSWORD}
            heapq.heappush(self.pending, (
                event.at, event.order, event.actor_id, event.action, event.entity,
                str(event.entity_id), canonical_json(event.old), canonical_json(new)))

    def write_events(self, db: Session, before: int | None) -> None:
        """Chain and store every waiting event that happened before ``before`` (None:
        all): nothing logged later can come before them."""
        chained = []
        while self.pending and (before is None or self.pending[0][0] < before):
            at, _order, actor_id, action, entity, entity_id, old, new = \
                heapq.heappop(self.pending)
            self.seq += 1
            link = _Link(self.seq, _moment(at), actor_id, action, entity, entity_id, old, new,
                         "", self.last_hash)
            self.last_hash = event_hash(cast(AuditEvent, link))
            chained.append({"seq": link.seq, "occurred_at": link.occurred_at,
                            "actor_id": actor_id, "action": action, "entity": entity,
                            "entity_id": entity_id, "old_values": old, "new_values": new,
                            "reason": "", "prev_hash": link.prev_hash,
                            "hash": self.last_hash})
        if chained:
            db.execute(insert(_table(AuditEvent)), chained)


def _identifier(patient_index: int) -> str:
    return f"{MARK}-{patient_index:07d}"


def _patient_rows(rnd: random.Random, found: list[_Patient], first_id: int
                  ) -> Iterator[dict[str, Any]]:
    """Each registered by the technician of their first session, just before it."""
    for n, patient in enumerate(found):
        first_start, technician = patient.plans[0].visits[0]
        yield {"id": first_id + n, "uuid": uuid.UUID(int=rnd.getrandbits(128), version=4),
               "identifier": _identifier(n), "full_name": patient.name,
               "date_of_birth": patient.born, "fitzpatrick": patient.fitzpatrick,
               "created_at": _moment(first_start - EARLIEST_LEAD_S // 2),
               "created_by_id": technician}


def build(database: Database, sessions: int, seed: int = 1,
          progress: Callable[[int, int], None] | None = None) -> None:
    """Fill an empty database with ``sessions`` signed sessions over two years and all they
    leave."""
    rnd = random.Random(seed)
    staff = _staff(database, sessions)
    end = int(datetime.now(UTC).replace(minute=0, second=0, microsecond=0).timestamp())
    first_day = (end - 2 * 365 * DAY_S) // DAY_S
    found = _patients(rnd, sessions, staff, first_day, end - 2 * 3600)
    with database.write() as db:
        first_patient_id = (db.scalar(select(func.max(Patient.id))) or 0) + 1
        db.execute(insert(_table(Patient)), list(_patient_rows(rnd, found, first_patient_id)))
        clinic = _Clinic(rnd, staff, found, first_patient_id, end, clinic_settings.rules(db))
        clinic.start_ids(db)
    order = sorted(((start, n) for n, patient in enumerate(found)
                    for plan in patient.plans for start, _technician in plan.visits))
    for first in range(0, sessions, CHUNK):
        rows = _Rows()
        for _start, patient_index in order[first:first + CHUNK]:
            clinic.log(rows, patient_index)
        with database.write() as db:
            rows.store(db)
            clinic.queue_events(db, rows)
            # Every event a session brings comes after its start, less EARLIEST_LEAD_S:
            # those before the next chunk's first session less that are all known now.
            last = first + CHUNK >= sessions
            clinic.write_events(db, None if last else order[first + CHUNK][0]
                                - EARLIEST_LEAD_S)
        if progress is not None:
            progress(min(first + CHUNK, sessions), sessions)
    with database.write() as db:
        area_day_counts.recount_all(db)  # the bulk insert went round the operations
        if not database.is_sqlite:  # the ids given above: the next ones follow them
            for table in ("treatment_sessions", "treated_areas", "patients",
                          "treatment_courses", "incidents"):
                db.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT coalesce(max(id), 1) FROM {table}))"))
        patients.add_patient(db, staff.admin, identifier=f"{MARK}-done",
                             full_name="(complete)", date_of_birth=None, fitzpatrick=None)
    if not database.is_sqlite:
        with database.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    else:
        with database.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def supervisor(database: Database) -> Actor:
    with database.read() as db:
        user = db.scalars(select(User).where(User.username == "bench-supervisor")).one()
        return accounts.actor_of(user)


def technician(database: Database) -> Actor:
    """The first technician (``bench loop`` signs in as them)."""
    with database.read() as db:
        user = db.scalars(select(User).where(User.username == TECHNICIANS[0][0])).one()
        return accounts.actor_of(user)
