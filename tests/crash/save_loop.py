"""Saves complete sessions in a loop and says "ACK <uuid>" after each commit; killed at random.

Run as: python -m tests.crash.save_loop DATABASE_URL
"""

import sys
import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from models.access import accounts
from models.clinic import device_register, patients
from models.records.people import Patient, User
from models.storage.database import open_database
from models.values.session_input import AreaInput, ReactionInput, SessionInput
from models.workflow import session_logging
from tests.entries import PASSWORD, SCREENED, sign_consent


def main(url: str) -> None:
    database = open_database(url)
    with database.write() as db:
        admin = db.scalars(select(User).where(User.username == "admin")).one()
        tech = db.scalars(select(User).where(User.username == "tess")).one()
        admin, tech = accounts.actor_of(admin), accounts.actor_of(tech)
        patient = db.scalars(select(Patient)).first()
        if patient is None:
            patient = patients.add_patient(db, admin, identifier="K-1", full_name="Kim",
                                           date_of_birth=None, fitzpatrick=3)
            sign_consent(db, tech, patient.id)  # on screen, witnessed by the technician
            device_register.add_device(db, admin, make="Acme", model="K", serial="K-1",
                                       kind="laser")
    with database.write() as db:
        device_id = device_register.list_devices(db)[0].id
        signature = accounts.confirm_signature(db, tech, PASSWORD)  # once, for every save
    n = 0
    while True:
        n += 1
        entry = SessionInput(
            device_id=device_id, room="R", started_at=datetime.now(UTC), duration_s=1800,
            areas=tuple(AreaInput(area, {"fluence_j_cm2": 20.0 + n % 7}, 100 + n, 2,
                                  change_reason="Titrated to the response")
                        for area in ("neck", "cheeks", "forehead")),
            screening=SCREENED,
            reactions=(ReactionInput("erythema", 1, f"save {n}"),),
            notes="x" * (n % 50),
        )
        session_uuid = uuid.uuid4()
        with database.write() as db:
            draft = session_logging.start_draft(db, tech, patient.id, entry, session_uuid)
            session_logging.complete_session(db, tech, draft.summary.id, entry, signature)
        print(f"ACK {session_uuid}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
