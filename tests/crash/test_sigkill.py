"""A process saving sessions is killed with SIGKILL at random moments, many times: every save
it acknowledged is there, whole, and the database passes its checks."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from uuid import UUID

from sqlalchemy import func, select

from models.admin.integrity import verify
from models.reading import history
from models.records.treatment import TreatmentSession

ROOT = Path(__file__).resolve().parents[2]
KILLS = 20


def test_acknowledged_saves_survive_sigkill(database, database_url, technician):
    rnd = random.Random(20261122)
    acknowledged: list[UUID] = []
    for _ in range(KILLS):
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.crash.save_loop", database_url], cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout is not None
        first = process.stdout.readline()  # running, past start-up
        assert first.startswith("ACK "), process.stderr.read() if process.stderr else ""
        acknowledged.append(UUID(first.split()[1]))
        time.sleep(rnd.uniform(0.0, 0.4))
        os.kill(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
        acknowledged += [UUID(line.split()[1]) for line in out.splitlines()
                         if line.startswith("ACK ") and len(line.split()) == 2]
    assert len(acknowledged) > KILLS

    result = verify(database)
    assert result.ok, result.problems
    with database.read() as db:
        statuses = dict(db.execute(select(TreatmentSession.uuid, TreatmentSession.status)).all())
        drafts = db.scalar(select(func.count()).where(TreatmentSession.status == "draft"))
        for session_uuid in acknowledged:
            assert statuses[session_uuid] == "completed"
            detail = history.load_session(db, session_uuid)
            assert len(detail.areas) == 3 and len(detail.reactions) == 1
            assert all(a.settings["fluence_j_cm2"] for a in detail.areas)
    # A save is one transaction: a kill leaves no half session, not even a draft.
    assert drafts == 0
    assert len(statuses) >= len(acknowledged)
