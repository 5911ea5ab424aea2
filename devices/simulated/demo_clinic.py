"""Realistic demo data: staff, devices, patients and a year of sessions from the simulated
device, and what supervisors and administrators did with them (``demo_oversight``).

Patients follow courses (a few sessions some three weeks apart) on one device; the first few
patients' courses are placed so that one is under way, one due this week, one overdue and
one lapsed on the demo's day. The same seed always gives the same clinic, down to the
session UUIDs.
"""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from devices.simulated import demo_oversight, demo_signatures
from devices.simulated.demo_oversight import LoggedSession, Oversight
from devices.simulated.demo_photos import demo_photo
from devices.simulated.live_session import LiveRecording
from devices.simulated.treatment_device import SIMULATED_MODELS, SimulatedDevice
from models.access import accounts
from models.clinic import clinic_settings, consent_forms, device_register, patients, photo_poses
from models.clinic.clinic_settings import ClinicRules
from models.errors import LaserLogError
from models.language import _
from models.records.people import Patient, User
from models.storage.database import Database
from models.values.images import clean_image
from models.values.rows import Actor, DeviceRow, PatientRow, Signature
from models.values.screening import ChecklistItem, Contraindication, ScreeningInput
from models.values.session_input import AreaInput, ReactionInput, SessionInput, area_key
from models.values.vocabulary import (
    COMMON_TOPICAL_AGENTS,
    Area,
    PatchResult,
    ReactionKind,
    ReactionOnset,
    Role,
)
from models.workflow import (
    carried_forward,
    import_recording,
    patch_tests,
    session_logging,
    session_photos,
)

DEMO_PASSWORD = "laserlog-demo"
FIRST_NAMES = ("Anna", "Maria", "Sofia", "Laura", "Elena", "Julia", "Clara", "Nina", "Paula",
               "Irene", "Marta", "Lucia", "Sara", "Eva", "Rosa", "Daniel", "Marco", "Pablo")
LAST_NAMES = ("García", "Rossi", "Müller", "Novak", "Silva", "Dubois", "Jensen", "Kowalski",
              "Costa", "Berger", "Moreau", "Fischer", "Santos", "Horvat", "Lindqvist")
BENCH_CLINIC_MARK = "bench-clinic-sessions"  # the synthetic clinic's patients (the bench's)
TECHNICIANS = (("demo.tech1", "Carmen Ortiz"), ("demo.tech2", "Lena Vogel"),
               ("demo.tech3", "Priya Nair"))
#: Days each technician's certification still runs: current, expiring within the staff
#: report's notice, current.
CERTIFIED_FOR_DAYS = (240, 18, 400)
#: A technician whose certification lapsed: listed in red, logs no sessions.
LAPSED_TECHNICIAN = ("demo.tech4", "Tomás Reyes")
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
#: Grade 3 reactions placed through the year (an incident each) and a grade 4 last week.
SEVERE_REACTIONS = (
    ReactionInput(ReactionKind.BLISTERING, 3, "Two small blisters at the edge of a pass",
                  ReactionOnset.IMMEDIATELY),
    ReactionInput(ReactionKind.BRUISING, 3, "Bruise spreading under the jaw line"),
    ReactionInput(ReactionKind.HYPERPIGMENTATION, 3, "Darkening along the pulse lines",
                  ReactionOnset.IMMEDIATELY),
)
SERIOUS_REACTION = ReactionInput(ReactionKind.BURN, 4, "Superficial burn, 1 cm, where the "
                                 "handpiece lost contact; cooled at once", ReactionOnset.DURING)
#: Areas treated together in one course, and how often each region is asked for.
REGIONS = (
    (Area.FOREHEAD, Area.PERIORBITAL, Area.CHEEKS, Area.PERIORAL, Area.JAWLINE),
    (Area.JAWLINE, Area.SUBMENTAL, Area.NECK, Area.DECOLLETAGE),
    (Area.ABDOMEN, Area.ARMS, Area.THIGHS, Area.BUTTOCKS, Area.KNEES),
    (Area.HANDS, Area.ARMS),
)
REGION_WEIGHTS = (5, 3, 3, 1)
#: The device model whose older unit did the first months, then was retired.
REPLACED_MODEL = 0
REPLACED_DAYS_AGO = 200
#: Test-patch rules the administrator sets: (model, area); None for any area. The last is
#: retired at the end.
PATCH_RULES = ((1, None), (0, Area.PERIORBITAL), (2, Area.NECK))
PATCH_NOTE = "No redness or swelling at 48 hours"


@dataclass(frozen=True)
class DemoSummary:
    sessions: int
    patients: int
    technicians: tuple[str, ...]
    admin_created: bool


@dataclass(frozen=True)
class _Visit:
    """A session to log: how many days before the demo's day, whose, on which areas, with
    which device (model) and technician (indexes)."""

    days_ago: int
    patient: int
    areas: tuple[str, ...]
    model: int
    technician: int
    course_session: int = 0  # its place in its course (0: the first)
    course_length: int = 1


@dataclass(frozen=True)
class _Staff:
    admin: Actor
    technicians: list[Actor]
    supervisor: Actor
    admin_created: bool


def _user(db: Session, username: str) -> User | None:
    return db.scalars(select(User).where(User.username == username)).first()


def _staff(db: Session, today: date) -> _Staff:
    """The administrator who adds the demo data and the demo staff (made if missing): each
    technician's certification current, expiring soon or (one who logs nothing) expired."""
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
        user = _user(db, username)
        if user is None:
            technicians.append(accounts.create_user(
                db, username=username, full_name=full_name, role=Role.TECHNICIAN,
                password=DEMO_PASSWORD, created_by=admin_actor))
            accounts.record_certification(
                db, admin_actor, username, f"LT-DEMO-{number}",
                today + timedelta(days=CERTIFIED_FOR_DAYS[number - 1]), today=today)
        else:
            technicians.append(accounts.actor_of(user))
    username, full_name = LAPSED_TECHNICIAN
    if _user(db, username) is None:
        accounts.create_user(db, username=username, full_name=full_name,
                             role=Role.TECHNICIAN, password=DEMO_PASSWORD,
                             created_by=admin_actor)
        # Recorded, as it was, a year before it ran out three weeks ago.
        expired = today - timedelta(days=21)
        accounts.record_certification(db, admin_actor, username, "LT-DEMO-4", expired,
                                      today=expired - timedelta(days=365))
    username, full_name = SUPERVISOR
    supervisor = _user(db, username)
    supervisor_actor = accounts.actor_of(supervisor) if supervisor else accounts.create_user(
        db, username=username, full_name=full_name, role=Role.SUPERVISOR,
        password=DEMO_PASSWORD, created_by=admin_actor)
    return _Staff(admin_actor, technicians, supervisor_actor, admin_created)


def _screening(rnd: random.Random, fitzpatrick: int | None) -> ScreeningInput:
    """A screening as a careful technician records it: now and then a warning, with why
    treatment went ahead. The consent is the one the patient signed on screen, which
    completion finds for itself."""
    found: dict[str, str] = {}
    if rnd.random() < 0.12:
        code, reason = rnd.choice(DEMO_WARNINGS)
        found[code] = reason
    return ScreeningInput(fitzpatrick=fitzpatrick or 3, found=frozenset(found), reasons=found,
                          checklist=frozenset(ChecklistItem))


def _consented(db: Session, technician: Actor, signature: Signature, patient: PatientRow,
               started: datetime, since: datetime | None, rnd: random.Random) -> None:
    """The patient signs the consent form in force on screen, witnessed by the technician,
    unless the one they signed is valid on the session's day: at the consultation a few days
    before their first session, else on the day (after their last session)."""
    on_file = consent_forms.consent_on_file(db, patient.id, started.astimezone().date())
    if on_file is not None and on_file.in_force:
        return
    signed_at = started - timedelta(days=rnd.randint(2, 12) if since is None else 0, hours=1)
    if since is not None:
        signed_at = max(signed_at, since + timedelta(minutes=5))
    demo_signatures.sign_in_force(db, technician, signature, patient.id, patient.full_name,
                                  rnd, signed_at)


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
    """Add ``sessions`` completed sessions over the past year, with what they need, and what
    the supervisor, the administrator and the technicians did after (``demo_oversight``).

    Sessions fall in clinic hours on days before ``now``'s date, so one seed gives the same
    data all day; reviews, incidents, courses and certifications are placed relative to it.
    """
    with database.write() as db:  # one transaction: a failed demo leaves nothing behind
        return _build(db, sessions, seed, progress, now)


def _refuse_a_clinics_records(db: Session, seed: int) -> None:
    """Demo accounts have a published password: never beside a clinic's own records."""
    if db.scalar(select(Patient.id).where(Patient.identifier.startswith(f"DEMO{seed}-"))):
        raise LaserLogError(_("Demo data for seed {seed} is already in this database").format(
            seed=seed))
    theirs = db.scalar(select(Patient.id).where(
        ~Patient.identifier.startswith("DEMO"),
        ~Patient.identifier.startswith(BENCH_CLINIC_MARK)).limit(1))
    if theirs is not None:
        raise LaserLogError(_(
            "This database holds a clinic's own patients: demo data, whose accounts have a "
            "published password, is never mixed with them; make a new database for the demo "
            "(python main.py --db sqlite:///demo.db init)"))


def _schedule(rnd: random.Random, patient_count: int, sessions: int, rules: ClinicRules
              ) -> list[_Visit]:
    """``sessions`` visits, oldest first: each patient follows a course (up to the clinic's
    plan of sessions, every interval or a few days more, on one device), some a second one on
    other areas; the first patients' last sessions fall where their course shows each state."""
    interval = rules.course_interval_days
    lapse = interval * rules.course_lapse_intervals
    showcase = ((2, max(2, interval - 10)),  # under way: next due in over a week
                (interval - 6, interval - 1),  # due within the week
                (interval + 3, max(interval + 3, lapse - 5)),  # overdue, not lapsed
                (lapse + 10, lapse + 90))  # lapsed
    courses: list[list[_Visit]] = []
    spans: dict[int, list[tuple[int, int]]] = {}  # by patient: (last, first) days ago
    used: dict[int, set[str]] = {}  # by patient: the areas their courses treated

    def add(patient: int, days: list[int], areas: tuple[str, ...]) -> None:
        model, technician = rnd.randrange(len(SIMULATED_MODELS)), rnd.randrange(3)
        courses.append([_Visit(day, patient, areas, model,
                               technician if rnd.random() < 0.85 else rnd.randrange(3),
                               number, len(days))
                        for number, day in enumerate(days)])
        spans.setdefault(patient, []).append((days[-1], days[0]))
        used.setdefault(patient, set()).update(areas)

    def areas_for(patient: int) -> tuple[str, ...]:
        """One to three areas of one region the patient has not had a course on yet."""
        regions = [[a for a in region if a not in used.get(patient, set())]
                   for region in REGIONS]
        weights = [weight * bool(free) for weight, free in zip(REGION_WEIGHTS, regions,
                                                                 strict=True)]
        if not any(weights):
            return ()
        free = rnd.choices(regions, weights)[0]
        return tuple(rnd.sample(free, min(len(free), rnd.choice((1, 1, 2, 2, 3)))))

    for patient, (nearest, furthest) in enumerate(showcase[:patient_count]):
        last = rnd.randint(nearest, furthest)
        days = [last]
        for _visit in range(rnd.randint(1, 3)):
            days.insert(0, days[0] + interval + rnd.randint(0, 3))
        add(patient, days, areas_for(patient))
    total = sum(map(len, courses))
    for _round in range(4):
        for patient in range(patient_count):
            if total >= sessions:
                break
            if patient < len(showcase) and _round == 0:
                continue  # placed above
            areas = areas_for(patient)
            first = rnd.randint(1, 365)
            length = rnd.choices((6, 5, 4, 3, 2, 1), weights=(50, 10, 10, 10, 10, 10))[0]
            days = [first]
            while len(days) < length and days[-1] - interval >= 1:
                days.append(days[-1] - interval - rnd.randint(0, 5))
            days = [day for day in days if day >= 1]
            apart = all(days[-1] - span_first >= 30 or span_last - days[0] >= 30
                        for span_last, span_first in spans.get(patient, []))
            if areas and apart:
                add(patient, days, areas)
                total += len(days)
    while total < sessions:  # a clinic too small for whole courses: single sessions
        add(rnd.randrange(patient_count), [rnd.randint(1, 365)],
            (rnd.choice(rnd.choices(REGIONS, REGION_WEIGHTS)[0]),))
        total += 1
    visits = [visit for course in courses for visit in course][:sessions]
    return sorted(visits, key=lambda visit: -visit.days_ago)  # stable: a course keeps order


def _placed_reactions(visits: list[_Visit]) -> dict[int, ReactionInput]:
    """By visit index: the severe reactions placed through the year, and the serious one
    last week (an incident each)."""
    older = [i for i, visit in enumerate(visits) if visit.days_ago > 14]
    placed = {older[int(len(older) * share)]: reaction
              for share, reaction in zip((0.35, 0.6, 0.85), SEVERE_REACTIONS, strict=True)
              if older}
    recent = ([i for i, visit in enumerate(visits) if 2 <= visit.days_ago <= 6]
              or [i for i, visit in enumerate(visits) if 1 <= visit.days_ago <= 13])
    if recent:
        placed[recent[-1]] = SERIOUS_REACTION
    return placed


def _patch_first(db: Session, technician: Actor, patient_id: int, device_id: int,
                 planned: list[AreaInput], day: date, rnd: random.Random, today: date) -> None:
    """The test patches a rule asks for before this session, done a week or so before it at
    the area's setting and read two days later with no reaction."""
    missing = patch_tests.patches_missing(db, patient_id, device_id,
                                          [area.area for area in planned], day)
    for area in planned:
        if area.area not in missing:
            continue
        done = day - timedelta(days=rnd.randint(5, 12))
        patch = patch_tests.record_test_patch(
            db, technician, patient_id, device_id, area.area, done,
            area.settings.get("fluence_j_cm2"), area.settings.get("energy_j"),
            patch_tests.DEFAULT_READ_AFTER_DAYS, today=today)
        patch_tests.read_test_patch(db, technician, patch.id, patch.readable_on,
                                    PatchResult.NO_REACTION, PATCH_NOTE, today=today)


@dataclass(frozen=True)
class _Equipment:
    """The demo's devices in use (with their simulators, by ``SIMULATED_MODELS`` index) and
    the older unit that did the replaced model's sessions until ``REPLACED_DAYS_AGO``."""

    devices: list[tuple[DeviceRow, SimulatedDevice]]
    old_unit: tuple[DeviceRow, SimulatedDevice]

    def for_visit(self, visit: _Visit) -> tuple[DeviceRow, SimulatedDevice]:
        if visit.model == REPLACED_MODEL and visit.days_ago > REPLACED_DAYS_AGO:
            return self.old_unit
        return self.devices[visit.model]


def _equipment(db: Session, admin: Actor, seed: int) -> _Equipment:
    """One device of each simulated model, a second unit of the replaced model, and the
    test-patch rules (set before any session they cover)."""
    devices = []
    for number, model in enumerate(SIMULATED_MODELS, start=1):
        row = device_register.add_device(
            db, admin, make=model.make, model=model.model,
            serial=f"SIM-{seed}-{number:03d}", kind=model.kind,
        )
        devices.append((row, SimulatedDevice(model.kind, seed * 100 + number)))
    replaced = SIMULATED_MODELS[REPLACED_MODEL]
    old_unit = device_register.add_device(db, admin, make=replaced.make, model=replaced.model,
                                          serial=f"SIM-{seed}-OLD", kind=replaced.kind)
    for model_index, area in PATCH_RULES:
        patch_tests.require_test_patch(db, admin, devices[model_index][0].id, area)
    return _Equipment(devices, (old_unit, SimulatedDevice(replaced.kind, seed * 100)))


#: The areas whose front photo shows the patient's face: one becomes their portrait.
FACE = frozenset({"forehead", "periorbital", "cheeks", "perioral", "jawline"})


def _photograph(db: Session, rnd: random.Random, technician: Actor, draft_id: int,
                patient: PatientRow, visit: _Visit, started: datetime) -> None:
    """The photos a clinic takes: before photos of each area's standard poses at a course's
    first session, and a progress photo of the front now and then as it goes on."""
    first = visit.course_session == 0
    if not first and rnd.random() > 0.4:
        return
    share = visit.course_session / max(1, visit.course_length - 1)
    for area in visit.areas:
        poses = photo_poses.poses_of(db, area)[:2 if first else 1]
        for pose in poses:
            image = clean_image(demo_photo(rnd, area, pose, patient.fitzpatrick, share,
                                           started))
            photo = session_photos.add_photo(db, technician, draft_id, area,
                                             "before" if first else "progress", pose, image,
                                             source="camera folder")
            if first and area in FACE and pose == poses[0]:  # tells the patient apart
                session_photos.set_portrait(db, technician, patient.id, photo.id)


def _log_visit(db: Session, rnd: random.Random, visit: _Visit, started: datetime,
               patient: PatientRow, technician: Actor, signature: Signature,
               equipment: _Equipment, placed: ReactionInput | None,
               today: date) -> LoggedSession:
    """Log the visit as a technician does with the simulated device connected: the test
    patches it needs first, then the draft, the device's pulses and the signed completion."""
    device, simulator = equipment.for_visit(visit)
    anaesthetic = rnd.random() < 0.4
    reactions = [ReactionInput(kind, rnd.choice((1, 1, 2)))
                 for kind in COMMON_REACTIONS if rnd.random() < 0.35]
    if rnd.random() < 0.04:
        reactions.append(ReactionInput(rnd.choice(RARE_REACTIONS), rnd.choice((1, 2, 3))))
    if placed is not None:
        reactions = [r for r in reactions if r.kind != placed.kind] + [placed]
    planned = [simulator.settings_for(a, patient.fitzpatrick or 3) for a in visit.areas]
    recording = LiveRecording(simulator.kind, planned)
    for pulse in simulator.pulses(planned):
        recording.add(pulse)
    minutes = max(simulator.minutes_for(visit.areas), -(-recording.duration_s // 60))
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
        screening=_screening(rnd, patient.fitzpatrick),
        late_reason=LATE_REASON,
    )
    session_uuid = uuid.UUID(int=rnd.getrandbits(128), version=4)
    entry = _with_change_reasons(db, patient.id, entry)
    _patch_first(db, technician, patient.id, device.id, planned, started.astimezone().date(),
                 rnd, today)
    draft = session_logging.start_draft(db, technician, patient.id, entry, session_uuid)
    _photograph(db, rnd, technician, draft.summary.id, patient, visit, started)
    import_recording.record_device_pulses(
        db, technician, draft.summary.id, device.id,
        device_session=f"{device.serial} {started:%Y-%m-%d %H:%M}",
        areas=recording.areas(), duration_s=recording.duration_s,
        pulses=recording.pulses, flagged=recording.flagged, traces=recording.chunks())
    session_logging.complete_session(db, technician, draft.summary.id, entry, signature)
    return LoggedSession(draft.summary.id, started, technician, entry.reactions)


def _build(db: Session, sessions: int, seed: int, progress: Callable[[int, int], None] | None,
           now: datetime | None) -> DemoSummary:
    rnd = random.Random(seed)
    moment = now or datetime.now(UTC)
    today = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    local_today = moment.astimezone().date()
    prefix = f"DEMO{seed}-"
    _refuse_a_clinics_records(db, seed)
    staff = _staff(db, local_today)
    admin, technicians = staff.admin, staff.technicians
    equipment = _equipment(db, admin, seed)
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

    # Each technician signs with the demo password, confirmed once for the whole run.
    signatures = {t.id: accounts.confirm_signature(db, t, DEMO_PASSWORD) for t in technicians}
    last_start: dict[int, datetime] = {}  # by patient: a session never starts before the last
    logged: list[LoggedSession] = []
    # Logged oldest first, as a clinic logs them, so courses and carried-forward settings
    # follow the calendar.
    visits = _schedule(rnd, patient_count, sessions, clinic_settings.rules(db))
    placed = _placed_reactions(visits)
    for index, visit in enumerate(visits):
        patient = demo_patients[visit.patient]
        technician = technicians[visit.technician]
        started = today - timedelta(days=visit.days_ago) + timedelta(
            hours=rnd.randint(8, 18), minutes=rnd.choice((0, 15, 30, 45))
        )
        previous = last_start.get(patient.id)
        if previous is not None and started <= previous:
            started = previous + timedelta(hours=1)  # two the same day
        last_start[patient.id] = started
        _consented(db, technician, signatures[technician.id], patient, started, previous, rnd)
        logged.append(_log_visit(db, rnd, visit, started, patient, technician,
                                 signatures[technician.id], equipment, placed.get(index),
                                 local_today))
        if progress:
            progress(index + 1, sessions)

    who = Oversight(admin, staff.supervisor,
                    accounts.confirm_signature(db, staff.supervisor, DEMO_PASSWORD), moment)
    demo_oversight.add_oversight(db, who, logged, seed)
    demo_oversight.add_device_upkeep(db, who, technicians[0], [
        (row.id, row.kind) for row, _simulator in equipment.devices])
    model_index, area = PATCH_RULES[-1]
    dropped = next(rule.id for rule in patch_tests.list_rules(db, admin) if (
        rule.device_id, rule.area) == (equipment.devices[model_index][0].id, area))
    successor = equipment.devices[REPLACED_MODEL][0].display_name
    demo_oversight.retire_records(db, who, (equipment.old_unit[0].id, successor), dropped)
    return DemoSummary(sessions, len(demo_patients), tuple(t.username for t in technicians),
                       staff.admin_created)
