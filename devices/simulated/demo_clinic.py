"""Realistic demo data: staff, devices, patients and sessions from the simulated device.

The same seed always gives the same clinic, down to the session UUIDs.
"""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from devices.simulated.live_session import LiveRecording
from devices.simulated.treatment_device import SIMULATED_MODELS, SimulatedDevice
from models.access import accounts
from models.clinic import device_register, patients
from models.errors import LaserLogError
from models.records.people import Patient, User
from models.storage.database import Database
from models.values.rows import Actor
from models.values.screening import ChecklistItem, Contraindication, ScreeningInput
from models.values.session_input import ReactionInput, SessionInput, area_key
from models.values.vocabulary import COMMON_TOPICAL_AGENTS, Area, ReactionKind, Role
from models.workflow import carried_forward, import_recording, session_logging

DEMO_PASSWORD = "laserlog-demo"
FIRST_NAMES = ("Anna", "Maria", "Sofia", "Laura", "Elena", "Julia", "Clara", "Nina", "Paula",
               "Irene", "Marta", "Lucia", "Sara", "Eva", "Rosa", "Daniel", "Marco", "Pablo")
LAST_NAMES = ("García", "Rossi", "Müller", "Novak", "Silva", "Dubois", "Jensen", "Kowalski",
              "Costa", "Berger", "Moreau", "Fischer", "Santos", "Horvat", "Lindqvist")
BENCH_CLINIC_MARK = "bench-clinic-sessions"  # the synthetic clinic's patients (the bench's)
TECHNICIANS = (("demo.tech1", "Carmen Ortiz"), ("demo.tech2", "Lena Vogel"),
               ("demo.tech3", "Priya Nair"))
SUPERVISOR = ("demo.supervisor", "Samira Haddad")
ROOMS = ("Room 1", "Room 2", "Room 3")
COMMON_REACTIONS = (ReactionKind.ERYTHEMA, ReactionKind.OEDEMA, ReactionKind.PAIN)
DEMO_WARNINGS = (
    (Contraindication.HERPES, "No outbreak for two years; antiviral cover started"),
    (Contraindication.SUN_EXPOSURE, "Light tan only; settings lowered for the area"),
    (Contraindication.KELOIDS, "Old scar only; area treated is away from it"),
)
CHANGE_REASON = "Adjusted to the response at the previous session"
LATE_REASON = "Demo data: logged from the paper record"
RARE_REACTIONS = (ReactionKind.BRUISING, ReactionKind.BLISTERING,
                  ReactionKind.HYPERPIGMENTATION, ReactionKind.HYPOPIGMENTATION)


@dataclass(frozen=True)
class DemoSummary:
    sessions: int
    patients: int
    technicians: tuple[str, ...]
    admin_created: bool


def _staff(db: Session) -> tuple[Actor, list[Actor], bool]:
    """The administrator who adds the demo data and the demo technicians (made if missing)."""
    admin_created = False
    admin = db.scalars(select(User).where(User.role == Role.ADMIN, User.active)).first()
    if admin is None:
        admin_actor = accounts.create_user(
            db, username="admin", full_name="Demo Administrator", role=Role.ADMIN,
            password=DEMO_PASSWORD, created_by=None,
        )
        admin_created = True
    else:
        admin_actor = accounts.actor_of(admin)
    technicians = []
    for number, (username, full_name) in enumerate(TECHNICIANS, start=1):
        user = db.scalars(select(User).where(User.username == username)).first()
        if user is None:
            technicians.append(accounts.create_user(
                db, username=username, full_name=full_name, role=Role.TECHNICIAN,
                password=DEMO_PASSWORD, created_by=admin_actor))
            accounts.record_certification(db, admin_actor, username, f"LT-DEMO-{number}",
                                          date.today() + timedelta(days=120 * number))
        else:
            technicians.append(accounts.actor_of(user))
    username, full_name = SUPERVISOR
    if db.scalars(select(User).where(User.username == username)).first() is None:
        accounts.create_user(db, username=username, full_name=full_name,
                             role=Role.SUPERVISOR, password=DEMO_PASSWORD,
                             created_by=admin_actor)
    return admin_actor, technicians, admin_created


def _screening(rnd: random.Random, fitzpatrick: int | None, day: date) -> ScreeningInput:
    """A screening as a careful technician records it: now and then a warning, with why
    treatment went ahead."""
    found: dict[str, str] = {}
    if rnd.random() < 0.12:
        code, reason = rnd.choice(DEMO_WARNINGS)
        found[code] = reason
    return ScreeningInput(fitzpatrick=fitzpatrick or 3, found=frozenset(found), reasons=found,
                          consent_version="LL-consent v3",
                          consent_signed_on=day - timedelta(days=rnd.randint(0, 30)),
                          checklist=frozenset(ChecklistItem))


def _with_change_reasons(db: Session, patient_id: int, entry: SessionInput) -> SessionInput:
    """The entry with a reason on each area whose setting moved beyond the limit."""
    assert entry.started_at is not None  # build_demo always gives the start
    needing = carried_forward.reasons_missing(db, patient_id, entry.started_at, entry)
    return replace(entry, areas=tuple(
        replace(area, change_reason=CHANGE_REASON)
        if area_key(area.area, "change_reason") in needing else area
        for area in entry.areas))


def build_demo(
    database: Database,
    sessions: int = 200,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Add ``sessions`` completed sessions over the past year, with what they need.

    Sessions fall in clinic hours on days before ``now``'s date, so one seed gives the same
    data all day.
    """
    with database.write() as db:  # one transaction: a failed demo leaves nothing behind
        return _build(db, sessions, seed, progress, now)


def _refuse_a_clinics_records(db: Session, seed: int) -> None:
    """Demo accounts have a published password: never beside a clinic's own records."""
    if db.scalar(select(Patient.id).where(Patient.identifier.startswith(f"DEMO{seed}-"))):
        raise LaserLogError(f"Demo data for seed {seed} is already in this database")
    theirs = db.scalar(select(Patient.id).where(
        ~Patient.identifier.startswith("DEMO"),
        ~Patient.identifier.startswith(BENCH_CLINIC_MARK)).limit(1))
    if theirs is not None:
        raise LaserLogError(
            "This database holds a clinic's own patients: demo data, whose accounts have a "
            "published password, is never mixed with them; make a new database for the demo "
            "(python main.py --db sqlite:///demo.db init)")


def _build(db: Session, sessions: int, seed: int, progress: Callable[[int, int], None] | None,
           now: datetime | None) -> DemoSummary:
    rnd = random.Random(seed)
    today = (now or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)
    prefix = f"DEMO{seed}-"
    _refuse_a_clinics_records(db, seed)
    admin, technicians, admin_created = _staff(db)

    devices = []
    for number, model in enumerate(SIMULATED_MODELS, start=1):
        row = device_register.add_device(
            db, admin, make=model.make, model=model.model,
            serial=f"SIM-{seed}-{number:03d}", kind=model.kind,
        )
        devices.append((row, SimulatedDevice(model.kind, seed * 100 + number)))
    patient_count = max(1, sessions // 4)
    demo_patients = [
        patients.add_patient(
            db, admin,
            identifier=f"{prefix}{n:05d}",
            full_name=f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}",
            date_of_birth=date(rnd.randint(1958, 1996), rnd.randint(1, 12), rnd.randint(1, 28)),
            fitzpatrick=rnd.choices(range(1, 7), weights=(8, 20, 25, 22, 15, 10))[0],
        )
        for n in range(1, patient_count + 1)
    ]

    areas = list(Area)
    # Each technician signs with the demo password, confirmed once for the whole run.
    signatures = {t.id: accounts.confirm_signature(db, t, DEMO_PASSWORD) for t in technicians}
    last_start: dict[int, datetime] = {}  # by patient: a session never starts before the last
    # Logged oldest first, as a clinic logs them, so courses and carried-forward settings
    # follow the calendar.
    days_ago = sorted((rnd.randint(1, 365) for _ in range(sessions)), reverse=True)
    for index in range(sessions):
        patient = rnd.choice(demo_patients)
        technician = rnd.choice(technicians)
        device, simulator = rnd.choice(devices)
        picked = rnd.sample(areas, rnd.choice((1, 1, 2, 2, 3)))
        started = today - timedelta(days=days_ago[index]) + timedelta(
            hours=rnd.randint(8, 18), minutes=rnd.choice((0, 15, 30, 45))
        )
        if patient.id in last_start and started <= last_start[patient.id]:
            started = last_start[patient.id] + timedelta(hours=1)  # two the same day
        last_start[patient.id] = started
        anaesthetic = rnd.random() < 0.4
        reactions = [ReactionInput(kind, rnd.choice((1, 1, 2)))
                     for kind in COMMON_REACTIONS if rnd.random() < 0.35]
        if rnd.random() < 0.04:
            reactions.append(ReactionInput(rnd.choice(RARE_REACTIONS), rnd.choice((1, 2, 3))))
        planned = [simulator.settings_for(a, patient.fitzpatrick or 3) for a in picked]
        recording = LiveRecording(simulator.kind, planned)
        for pulse in simulator.pulses(planned):
            recording.add(pulse)
        minutes = max(simulator.minutes_for(picked), -(-recording.duration_s // 60))
        entry = SessionInput(
            device_id=device.id,
            room=rnd.choice(ROOMS),
            started_at=started,
            duration_s=minutes * 60,
            anaesthetic_agent=rnd.choice(COMMON_TOPICAL_AGENTS) if anaesthetic else None,
            anaesthetic_applied_at=started - timedelta(minutes=rnd.choice((20, 30, 45)))
            if anaesthetic else None,
            areas=tuple(recording.areas()),
            reactions=tuple(reactions),
            notes=rnd.choice(("", "", "Tolerated well.", "Aftercare sheet given.",
                              "Patient reported warmth only.")),
            screening=_screening(rnd, patient.fitzpatrick, started.date()),
            late_reason=LATE_REASON,
        )
        session_uuid = uuid.UUID(int=rnd.getrandbits(128), version=4)
        entry = _with_change_reasons(db, patient.id, entry)
        draft = session_logging.start_draft(db, technician, patient.id, entry, session_uuid)
        import_recording.record_device_pulses(
            db, technician, draft.summary.id, device.id,
            device_session=f"{device.serial} {started:%Y-%m-%d %H:%M}",
            areas=recording.areas(), duration_s=recording.duration_s,
            pulses=recording.pulses, flagged=recording.flagged, traces=recording.chunks())
        session_logging.complete_session(db, technician, draft.summary.id, entry,
                                         signatures[technician.id])
        if progress:
            progress(index + 1, sessions)
    return DemoSummary(sessions, len(demo_patients), tuple(t.username for t in technicians),
                       admin_created)
