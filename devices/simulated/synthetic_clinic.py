"""A clinic chain's worth of sessions for the history benchmark, made fast and kept.

Staff, devices and patients are added through the operations; the sessions themselves are
inserted in bulk (settings from the simulated device, by area and skin type), without audit
events: this is measuring data, never a clinical record. A finished database is marked with
its size and reused by the next run.
"""

import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, text

from devices.simulated.demo_clinic import BENCH_CLINIC_MARK, DEMO_PASSWORD, ROOMS, TECHNICIANS
from devices.simulated.treatment_device import SIMULATED_MODELS, SimulatedDevice
from models.access import accounts
from models.clinic import device_register, patients
from models.records import area_day_counts
from models.records.people import Patient, User
from models.records.treatment import ParameterSetting, Reaction, TreatedArea, TreatmentSession
from models.storage.database import Database
from models.values.rows import Actor
from models.values.session_input import AreaInput
from models.values.vocabulary import Area, ReactionKind, Role

CHUNK = 20_000
GENERATION = 2  # what the clinic holds; a cached clinic of another generation is not reused
MARK = BENCH_CLINIC_MARK  # a settings-free marker: the patient identifier prefix
PATIENTS_PER_SESSION = 1 / 12
SETTINGS_VARIANTS = 64  # settings drawn per area, device and skin type, then reused
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


def _staff(
    database: Database,
) -> tuple[list[int], list[tuple[int, SimulatedDevice]], list[Actor]]:
    with database.write() as db:
        admin = accounts.create_user(db, username="bench-admin", full_name="Bench Admin",
                                     role=Role.ADMIN, password=DEMO_PASSWORD, created_by=None)
        technicians = [accounts.create_user(db, username=name, full_name=full,
                                            role=Role.TECHNICIAN, password=DEMO_PASSWORD,
                                            created_by=admin).id
                       for name, full in TECHNICIANS]
        accounts.create_user(db, username="bench-supervisor", full_name="Bench Supervisor",
                             role=Role.SUPERVISOR, password=DEMO_PASSWORD, created_by=admin)
        devices = [(device_register.add_device(db, admin, make=m.make, model=m.model,
                                               serial=f"BENCH-{n}", kind=m.kind).id,
                    SimulatedDevice(m.kind, n))
                   for n, m in enumerate(SIMULATED_MODELS)]
    return technicians, devices, [admin]


def build(database: Database, sessions: int, seed: int = 1,
          progress: Callable[[int, int], None] | None = None) -> None:
    """Fill an empty database with ``sessions`` completed sessions over two years."""
    rnd = random.Random(seed)
    technicians, devices, (admin,) = _staff(database)
    patient_count = max(1, int(sessions * PATIENTS_PER_SESSION))
    with database.write() as db:
        db.execute(insert(Patient), [
            {"uuid": uuid.UUID(int=rnd.getrandbits(128), version=4),
             "identifier": f"{MARK}-{n:07d}", "full_name": patient_name(rnd),
             "fitzpatrick": rnd.randint(1, 6), "created_by_id": admin.id}
            for n in range(patient_count)])
        patient_rows = db.execute(select(Patient.id, Patient.fitzpatrick)
                                  .where(Patient.identifier.like(f"{MARK}-%"))).all()
    areas = list(Area)
    variants: dict[tuple[int, str, int], list[AreaInput]] = {}
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    span_s = 2 * 365 * 24 * 3600
    session_id = area_id = 0
    with database.read() as db:
        session_id = db.scalar(text("SELECT coalesce(max(id), 0) FROM treatment_sessions"))
        area_id = db.scalar(text("SELECT coalesce(max(id), 0) FROM treated_areas"))
    for start in range(0, sessions, CHUNK):
        rows, area_rows, setting_rows, reaction_rows = [], [], [], []
        for _ in range(min(CHUNK, sessions - start)):
            session_id += 1
            patient_id, skin = rnd.choice(patient_rows)
            device_id, simulator = rnd.choice(devices)
            started = end - timedelta(seconds=rnd.randrange(span_s))
            rows.append({
                "id": session_id, "uuid": uuid.UUID(int=rnd.getrandbits(128), version=4),
                "patient_id": patient_id, "technician_id": rnd.choice(technicians),
                "device_id": device_id, "room": rnd.choice(ROOMS), "status": "completed",
                "started_at": started, "duration_s": rnd.randrange(15, 75) * 60, "notes": "",
                "created_at": started, "updated_at": started, "completed_at": started,
                "version": 1, "void_reason": "", "late_entry_reason": ""})
            for position, area in enumerate(rnd.sample(areas, rnd.choice((1, 1, 2, 2, 3)))):
                area_id += 1
                key = (device_id, area.value, skin or 3)
                if key not in variants:
                    variants[key] = [simulator.settings_for(area.value, skin or 3)
                                     for _ in range(SETTINGS_VARIANTS)]
                planned = rnd.choice(variants[key])
                area_rows.append({"id": area_id, "session_id": session_id, "area": area.value,
                                  "position": position, "passes": planned.passes,
                                  "pulses": planned.pulses})
                setting_rows.append({"treated_area_id": area_id, "source": "simulated",
                                     **{k: planned.settings.get(k) for k in
                                        ("wavelength_nm", "fluence_j_cm2", "energy_j",
                                         "power_w", "pulse_width_ms", "spot_size_mm",
                                         "repetition_rate_hz")}})
            if rnd.random() < 0.35:
                reaction_rows.append({"session_id": session_id, "grade": rnd.choice((1, 1, 2)),
                                      "kind": rnd.choice(list(ReactionKind)).value,
                                      "onset": "during", "note": "", "observed_at": started})
        with database.write() as db:
            db.execute(insert(TreatmentSession), rows)
            db.execute(insert(TreatedArea), area_rows)
            db.execute(insert(ParameterSetting), setting_rows)
            if reaction_rows:
                db.execute(insert(Reaction), reaction_rows)
        if progress is not None:
            progress(min(start + CHUNK, sessions), sessions)
    with database.write() as db:
        area_day_counts.recount_all(db)  # the bulk insert went round the operations
        if not database.is_sqlite:  # the ids given above: the next ones follow them
            for table in ("treatment_sessions", "treated_areas"):
                db.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT max(id) FROM {table}))"))
        patients.add_patient(db, admin, identifier=f"{MARK}-done", full_name="(complete)",
                             date_of_birth=None, fitzpatrick=None)
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
