"""Issue #14: every broken or hostile file is refused in bounded memory, with one clear line.

Each file of the hostile corpus (``devices.simulated.hostile_files``: nesting 100,000 deep,
a 50 MB number, 50 MB of elements that are not pulses, values no device logs, files cut off)
is imported by a fresh process whose address space is capped at 1.5 GB, as the command line
and the import window's worker thread would import it. Each must be refused (exit 1) with a
one-line message naming what is wrong and where, leave the database as it was, and peak under
300 MB; a valid file imported the same way goes in.
"""

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devices.simulated.export_files import plan_sessions, write_export
from devices.simulated.hostile_files import write_hostile_files
from devices.simulated.treatment_device import SIMULATED_MODELS, SimulatedDevice
from models.access import accounts
from models.clinic import device_register, patients
from models.storage.schema import open_current

ROOT = Path(__file__).resolve().parents[3]
ADDRESS_SPACE = 1536 * 1024**2
PEAK_LIMIT_KB = 300 * 1024
SERIAL, PATIENT = "SIM-T-1", "P-100"

#: The import as the command line runs it, in a process that may not grow past its cap:
#: exit 1 with the message when refused, 0 when imported; a report on its last line.
CHILD = r"""
import json, resource, sys
cap = int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
from pathlib import Path
from sqlalchemy import func, select
from devices.importing.importer import import_file
from models.errors import LaserLogError
from models.records.audit_events import AuditEvent
from models.records.imports import ImportBatch, PulseTrace
from models.records.treatment import TreatmentSession
from models.storage.database import open_database
from models.values.rows import Actor

def counts(database):
    with database.read() as db:  # a refusal leaves its one "refused" event, nothing else
        return [db.scalar(select(func.count()).select_from(model))
                for model in (TreatmentSession, ImportBatch, PulseTrace)] + [
            db.scalar(select(func.count()).select_from(AuditEvent)
                      .where(AuditEvent.action != "refused"))]

database = open_database(sys.argv[1])
actor = Actor(**json.loads(sys.argv[2]))
before = counts(database)
code = 0
try:
    result = import_file(database, actor, Path(sys.argv[3]))
    message = f"Imported {result.rows} pulses"
except LaserLogError as error:
    code, message = 1, str(error)
except BaseException as error:
    code, message = 3, f"{type(error).__name__}: {error}"
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"message": message, "before": before, "after": counts(database),
                  "peak_kb": peak}))
sys.exit(code)
"""

#: What each refusal must say (the start of the place included).
EXPECTED = {
    "csv-pass-inf": "line 5: The pass 'inf' is not a whole number from 1 to 50",
    "csv-pass-1e400": "line 5: The pass '1e400' is not a whole number from 1 to 50",
    "csv-time-year-1-east": "line 5: The time '0001-01-01T00:00:00+05:00' is before 1990-01-01",
    "csv-time-year-9999-west": "line 5: The time '9999-12-31T23:59:59-05:00' is in the future",
    "csv-time-year-1": "line 5: The time '0001-01-01 09:00:00' is before 1990-01-01",
    "csv-time-2099": "line 5: The time '2099-06-01 09:00:00+00:00' is in the future",
    "csv-setting-nan": "line 5: Energy (Energy) 'nan' is not a number",
    "csv-setting-infinity": "line 5: Energy (Energy) 'inf' is not a number",
    "csv-setting-1e400": "line 5: Energy (Energy) '1e400' is too large a number",
    "csv-setting-huge-integer": "is too large a number to be a measurement",
    "csv-cut-mid-value": "The file seems cut off at line 9: its last line ends without the "
                         "line break the others end with",
    "csv-records-without-settings": "line 4: This line has 6 of the 17 values the first line "
                                    "names; it was cut short",
    "csv-short-last-row": "The file seems cut off at line 9: its last line has 5 of the 17 "
                          "values",
    "csv-long-line": "line 10: The line is longer than 65,536 characters",
    "csv-long-header": "line 1: The line is longer than 65,536 characters",
    "csv-unclosed-quote": "A value is longer than 131,072 characters; a quote mark may be "
                          "missing",
    "json-pass-inf": "record 4: The pass 'inf' is not a whole number from 1 to 50",
    "json-pass-1e400": "line 5: This is not a readable JSON export file: 'pass' is 1e400, "
                       "too large a number to be a measurement",
    "json-time-year-1-east": "record 4: The time '0001-01-01T00:00:00+05:00' is before "
                             "1990-01-01",
    "json-time-year-9999-west": "record 4: The time '9999-12-31T23:59:59-05:00' is in the "
                                "future",
    "json-time-year-1": "record 4: The time '0001-01-01 09:00:00' is before 1990-01-01",
    "json-time-2099": "record 4: The time '2099-06-01T09:00:00+00:00' is in the future",
    "json-setting-nan": "line 5: This is not a readable JSON export file: 'energy' is NaN",
    "json-setting-infinity": "line 5: This is not a readable JSON export file: 'energy' is "
                             "Infinity",
    "json-setting-1e400": "line 5: This is not a readable JSON export file: 'energy' is 1e400",
    "json-setting-huge-integer": "line 5: 'energy' is a number or word longer than 256",
    "json-cut-mid-value": "The file seems cut off at line 9: it ends before its JSON is "
                          "closed, after record 7",
    "json-records-without-settings": "record 3: This pulse gives none of its settings",
    "json-deep-nesting": "line 2: The file nests values more than 32 deep",
    "json-deep-objects": "line 2: The file nests values more than 32 deep",
    "json-long-number": "line 2: 'energy' is a number or word longer than 256 characters",
    "json-long-string": "line 2: A text in the file is longer than 64 KB",
    "json-huge-record": "More than 1 MB of the file holds no complete pulse record",
    "json-big-header": "The file's first 1 MB does not reach its 'pulses' records",
    "json-blank-flood": "More than 1 MB of the file holds no complete pulse record",
    "json-junk-after-records": "More than 1 MB of the file holds no complete pulse record",
    "json-bad-utf8": "line 2: This is not a readable JSON export file: it holds text that is "
                     "not UTF-8",
    "json-bad-character": "line 2: This is not a readable JSON export file: 'pass' is x, "
                          "neither a number nor a text in double quotes",
    "xml-pass-inf": "element 4: The pass 'inf' is not a whole number from 1 to 50",
    "xml-pass-1e400": "element 4: The pass '1e400' is not a whole number from 1 to 50",
    "xml-time-year-1-east": "element 4: The time '0001-01-01T00:00:00+05:00' is before "
                            "1990-01-01",
    "xml-time-year-9999-west": "element 4: The time '9999-12-31T23:59:59-05:00' is in the "
                               "future",
    "xml-time-year-1": "element 4: The time '0001-01-01 09:00:00' is before 1990-01-01",
    "xml-time-2099": "element 4: The time '2099-06-01 09:00:00+00:00' is in the future",
    "xml-setting-nan": "element 4: Energy (energy) 'nan' is not a number",
    "xml-setting-infinity": "element 4: Energy (energy) 'inf' is not a number",
    "xml-setting-1e400": "element 4: Energy (energy) '1e400' is too large a number",
    "xml-setting-huge-integer": "is too large a number to be a measurement",
    "xml-cut-mid-value": "The file seems cut off at line 10: it ends before <device-log> is "
                         "closed, after element 7",
    "xml-records-without-settings": "element 3: This pulse gives none of its settings",
    "xml-flood": "The file holds more than 10,000 elements in a row that are not <pulse> "
                 "records",
    "xml-deep-nesting": "line 3: The file nests elements more than 32 deep",
    "xml-long-attribute": "line 3: A tag, comment or declaration in the file is longer than "
                          "64 KB",
    "xml-long-text": "line 3: The value of <energy> is longer than 64 KB",
    "xml-long-comment": "A tag, comment or declaration in the file is longer than 64 KB",
    "xml-many-names": "The file uses more than 1,000 different element and attribute names",
    "xml-huge-record": "line 3: A <pulse> record holds more than 1,000 elements",
    "xml-many-attributes": "line 3: A tag, comment or declaration in the file is longer than "
                           "64 KB",
}
# What a message must never show: several lines, Python's bytes or reprs, a traceback.
NOT_FOR_PEOPLE = re.compile(r"\n|b'|\\x|\\n|\(b'|Error\(|Traceback|\{'|\['|<class ")


def _prepared(folder: Path) -> tuple[str, str]:
    """A clinic database with the simulated device and its patient; (URL, actor as JSON)."""
    url = f"sqlite:///{folder / 'laserlog.db'}"
    database, _ = open_current(url)
    model = SIMULATED_MODELS[2]
    with database.write() as db:
        admin = accounts.create_user(db, username="admin", full_name="Ada Admin", role="admin",
                                     password="correct horse", created_by=None)
        technician = accounts.create_user(db, username="tess", full_name="Tess Tech",
                                          role="technician", password="correct horse",
                                          created_by=admin)
        device_register.add_device(db, admin, make=model.make, model=model.model,
                                   serial=SERIAL, kind=model.kind)
        patients.add_patient(db, admin, identifier=PATIENT, full_name=PATIENT,
                             date_of_birth=None, fitzpatrick=3)
    database.dispose()
    actor = {"id": technician.id, "username": technician.username,
             "full_name": technician.full_name, "role": technician.role}
    return url, json.dumps(actor)


def _import_in_child(url: str, actor: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, actor, str(path), str(ADDRESS_SPACE)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    lines = done.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1])
    except (IndexError, ValueError):  # it died: a segfault, killed, or out of memory
        report = {"message": f"no report; stderr: {done.stderr.strip()[-500:]}"}
    report["exit"] = done.returncode
    return report


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Every hostile file imported in its own capped process, two at a time; by name."""
    folder = tmp_path_factory.mktemp("hostile")
    url, actor = _prepared(folder)
    files = write_hostile_files(folder / "files", serial=SERIAL, patient=PATIENT)
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = dict(zip(files, pool.map(lambda p: _import_in_child(url, actor, p),
                                           files.values()), strict=True))
    valid = folder / "valid.csv"
    device = SimulatedDevice(SIMULATED_MODELS[2].kind, 5)
    plan = plan_sessions(device, [(PATIENT, 3)], 1, datetime(2026, 2, 2, 9, tzinfo=UTC), 200)
    write_export(valid, "csv", device, SIMULATED_MODELS[2], SERIAL, plan)
    reports["valid-control"] = _import_in_child(url, actor, valid)
    return reports


def test_every_hostile_file_has_its_expected_refusal(imported):
    assert set(imported) - {"valid-control"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_hostile_file_is_refused_in_bounded_memory_with_one_clear_line(imported, name):
    report = imported[name]
    message = report["message"]
    assert report["exit"] == 1, f"{name}: exit {report['exit']}: {message}"
    assert message.startswith("Nothing was imported. "), message
    assert not NOT_FOR_PEOPLE.search(message), message
    assert EXPECTED[name] in message, message
    assert report["after"] == report["before"], f"{name} changed the database"
    assert report["peak_kb"] < PEAK_LIMIT_KB, f"{name}: peak {report['peak_kb'] // 1024} MB"


def test_a_valid_file_imported_the_same_way_goes_in(imported):
    report = imported["valid-control"]
    assert report["exit"] == 0 and report["message"] == "Imported 200 pulses", report
    assert report["after"][0] == report["before"][0] + 1
    assert report["peak_kb"] < PEAK_LIMIT_KB
