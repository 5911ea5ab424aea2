"""``bench loop``: what a technician waits for between two patients, through the real widgets
on the offscreen platform, over the synthetic clinic of ``bench history``.

Start-up is measured in fresh processes (``main.py --startup-probe``) against a bare PySide6
window started the same way (median of 7): the sign-in dialog shown, and the main window
painted with its first screen filled once the password is accepted (its hash excluded).

Then one main window, as on a treatment room's PC, logs a returning patient per run, 100 runs
after warm-up, each step timed: every key typed into the patient search until its matches are
shown; the patient chosen until the form is filled (the draft opened, carried-forward
settings, courses, consent on file, device care); one edit until the draft is committed;
*Complete and sign* confirmed until the session is signed and the form clear; and the session
opened from the History until its detail is painted. The password is checked once, outside
the timed part (the Signature is reused); the search box's and autosave's pauses for typing
are cut short (the search's set to nothing, the autosave's timer fired at once), so what is
timed is the work alone. The runs sign real sessions: the clinic
keeps them, as a clinic would (``synthetic_clinic.size_of`` does not count them).
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import func, select

from devices.simulated.demo_clinic import DEMO_PASSWORD, TECHNICIANS
from devices.simulated.demo_signatures import sign_in_force
from models.access import accounts
from models.clinic import consent_forms, device_upkeep
from models.records.people import Patient, User
from models.records.treatment import TreatedArea, TreatmentSession
from models.storage.database import Database
from models.storage.preferences import Settings
from models.values.name_search import search_key
from models.values.rows import Actor, PatientRow, Signature
from models.values.screening import ChecklistItem, ScreeningInput
from models.values.vocabulary import LogKind, SessionStatus
from models.workflow import session_logging
from ui.bench.history_bench import clinic_database
from ui.bench.startup_bench import probe_app

RUNS = 100
WARM_UP_RUNS = 5
START_RUNS = 7
LIMIT_S = 120  # one step that takes longer is broken, not slow
POLL_S = 0.0002
ROOM = "Bench room"


class _Refusals:
    """Stands in for message boxes: a message during the bench is a failure, said at once."""

    def error(self, _parent: QWidget | None, text: str) -> None:
        raise RuntimeError(f"LaserLog said: {text}")

    info = error

    def confirm(self, _parent: QWidget | None, text: str) -> bool:
        raise RuntimeError(f"LaserLog asked: {text}")


class _Case:
    """One returning patient: their row, what is typed to find them, the area treated."""

    def __init__(self, patient: PatientRow, typed: str, area: str) -> None:
        self.patient, self.typed, self.area = patient, typed, area


def _wait(app: QApplication, done: Callable[[], bool], what: str) -> None:
    """Handle events until ``done``. Each turn sleeps a moment, as the event loop does when
    idle: a loop that never lets go would hold the interpreter's lock from the worker thread
    doing the operation being timed."""
    deadline = time.perf_counter() + LIMIT_S
    while not done():
        app.processEvents()
        if time.perf_counter() > deadline:
            raise RuntimeError(f"bench loop: {what} did not happen in {LIMIT_S} s")
        time.sleep(POLL_S)


def _technician(database: Database) -> Actor:
    with database.read() as db:
        user = db.scalars(select(User).where(User.username == TECHNICIANS[0][0])).one()
        return accounts.actor_of(user)


def _prepare(database: Database, technician: Actor) -> tuple[int, Signature]:
    """The room's device (the one most used), verified today; the technician certified; the
    technician's signature, confirmed once (the password hash is not what is measured)."""
    with database.write() as db:
        admin = accounts.actor_of(db.scalars(select(User).where(
            User.username == "bench-admin")).one())
        user = db.get(User, technician.id)
        assert user is not None  # the technician was just read
        if user.certification_expires is None or user.certification_expires < date.today():
            accounts.record_certification(db, admin, user.username, "BENCH-CERT",
                                          date.today() + timedelta(days=365))
        device_id = db.scalar(select(TreatmentSession.device_id)
                              .group_by(TreatmentSession.device_id)
                              .order_by(func.count().desc()).limit(1))
        assert device_id is not None  # the clinic has sessions
        device_upkeep.log_device(db, technician, device_id, LogKind.VERIFICATION_PASSED)
        signature = accounts.confirm_signature(db, technician, DEMO_PASSWORD)
    return device_id, signature


def _consented(database: Database, technician: Actor, cases: list["_Case"]) -> None:
    """Each patient signs the consent in force, unless theirs is valid today (not timed: it
    is signed once a year, not between two patients)."""
    rnd = random.Random(17)
    with database.write() as db:
        signature = accounts.confirm_signature(db, technician, DEMO_PASSWORD)
        for patient in {case.patient.id: case.patient for case in cases}.values():
            on_file = consent_forms.consent_on_file(db, patient.id, date.today())
            if on_file is None or not on_file.in_force:
                sign_in_force(db, technician, signature, patient.id, patient.full_name, rnd)


def _cases(database: Database, device_id: int, count: int, seed: int = 18) -> list[_Case]:
    """``count`` patients who came before with the room's device and have no draft open,
    each with an area of their last session on it (its settings are carried forward); in a
    small clinic the same ones come back."""
    rnd = random.Random(seed)
    with database.read() as db:
        top = db.scalar(select(func.max(Patient.id))) or 0
        cases: list[_Case] = []
        tried: set[int] = set()
        while len(cases) < count and len(tried) < top:  # a draw per patient is enough
            patient_id = rnd.randint(1, top)
            if patient_id in tried:
                continue
            tried.add(patient_id)
            last = db.execute(
                select(TreatmentSession.id, TreatmentSession.status)
                .where(TreatmentSession.patient_id == patient_id,
                       TreatmentSession.device_id == device_id)
                .order_by(TreatmentSession.started_at.desc()).limit(1)).first()
            drafts = db.scalar(select(func.count()).select_from(TreatmentSession).where(
                TreatmentSession.patient_id == patient_id,
                TreatmentSession.status == SessionStatus.DRAFT))
            if last is None or last.status != SessionStatus.COMPLETED or drafts:
                continue
            area = db.scalar(select(TreatedArea.area).where(TreatedArea.session_id == last.id)
                             .order_by(TreatedArea.position).limit(1))
            patient = db.get(Patient, patient_id)
            if area is None or patient is None:
                continue
            row = PatientRow(patient.id, patient.identifier, patient.full_name,
                             patient.date_of_birth, patient.fitzpatrick)
            family = search_key(patient.full_name.split(" ")[-1])
            typed = family[:rnd.randint(3, min(6, len(family)))] if len(family) > 3 else family
            cases.append(_Case(row, typed, area))
    if not cases:
        raise RuntimeError("bench loop: the clinic has no returning patient")
    return [cases[n % len(cases)] for n in range(count)]  # a small clinic's come back


class _Loop:
    """The room's PC: one main window, a returning patient after another."""

    def __init__(self, app: QApplication, database: Database, technician: Actor,
                 device_id: int, signature: Signature) -> None:
        from ui.shell.main_window import MainWindow

        self.app, self.signature = app, signature
        settings = Settings(room=ROOM, last_device_id=device_id)
        self.window = MainWindow(database, technician, settings, _Refusals())  # type: ignore[arg-type]
        self.window.resize(1366, 768)
        self.window.show()
        form = self.window.form
        assert form is not None and self.window.history is not None  # a technician's window
        self.form, self.history = form, self.window.history
        form.patient._search_timer.setInterval(0)  # the pause for typing is not waiting
        self._wait(lambda: self.window.tasks.idle() and form.devices.current_id() == device_id,
                   "the room's device shown")
        self.saved = 0
        form.draft_saved.connect(self._saved)

    def _saved(self, _draft: object) -> None:
        self.saved += 1

    def _wait(self, done: Callable[[], bool], what: str) -> None:
        _wait(self.app, done, what)

    def _settled(self) -> bool:
        return self.window.tasks.idle() and not self.form.autosave.isActive()

    def _save_now(self) -> None:
        """The autosave's pause for typing over: it saves now, as its timer would."""
        if self.form.autosave.isActive():
            self.form.autosave.stop()
            self.form.save_draft()

    def close(self) -> None:
        self.window.close()

    def search(self, typed: str) -> list[float]:
        """Seconds from each key typed to the matches shown."""
        picker = self.form.patient
        picker.search.setFocus()
        times = []
        for letter in typed:
            picker.results.hide()
            started = time.perf_counter()
            QTest.keyClicks(picker.search, letter)
            self._wait(lambda: picker.results.isVisible() and self.window.tasks.idle(),
                       f"the matches for {picker.search.text()!r}")
            picker.results.viewport().repaint()
            times.append(time.perf_counter() - started)
        return times

    def open_form(self, case: _Case) -> float:
        """Seconds from the patient chosen to the form filled."""
        started = time.perf_counter()
        self.form.patient.choose(case.patient)
        self._wait(lambda: self.form.draft_id is not None and self.window.tasks.idle(),
                   f"the draft for {case.patient.full_name}")
        self.window.repaint()
        return time.perf_counter() - started

    def fill_in(self, case: _Case) -> None:
        """What the technician types and ticks (not timed): the screening, the duration, the
        area (its settings carried forward)."""
        form = self.form
        # The form's reset after signing clears "Device verified today", which only the device
        # log ticks, and nothing reads the log again: the device is reloaded, as choosing it
        # again would.
        form.devices.reload(select_id=form.devices.current_id(), announce=False)
        self._wait(lambda: self._settled() and form.screening.checklist[
            ChecklistItem.DAILY_VERIFICATION].isChecked(), "the device's care read")
        form.screening.set_value(ScreeningInput(
            fitzpatrick=case.patient.fitzpatrick, checklist=frozenset(ChecklistItem)))
        QTest.keyClicks(form.duration.minutes, "30")
        form.areas.toggle_area(case.area)
        self._wait(lambda: case.area in form.areas.rows and self.window.tasks.idle(),
                   f"the {case.area} settings carried forward")
        self._save_now()
        self._wait(self._settled, "the draft saved")

    def autosave(self, run: int) -> float:
        """Seconds from one key typed in the notes to the draft committed."""
        saved = self.saved
        started = time.perf_counter()
        QTest.keyClicks(self.form.notes, "." if run % 2 else ",")
        self._save_now()
        self._wait(lambda: self.saved > saved and self._settled(), "the draft saved")
        return time.perf_counter() - started

    def complete(self) -> tuple[float, float]:
        """Seconds from *Complete and sign* to the signing dialog shown (what the database
        knows is checked), and from the signature confirmed to the form clear."""
        form = self.form
        before = getattr(form, "signing_dialog", None)
        started = time.perf_counter()
        form.complete()
        self._wait(self.window.tasks.idle, "the check before signing")
        dialog = getattr(form, "signing_dialog", None)
        if dialog is None or dialog is before:
            entry, unreadable = form.collect()
            with self.window.tasks.database.read() as db:
                problems = session_logging.completion_problems(db, self.window.actor,
                                                               form.draft_id or 0, entry)
            raise RuntimeError(f"bench loop: not signed: {problems | unreadable}")
        dialog.repaint()
        checked = time.perf_counter() - started
        started = time.perf_counter()
        dialog.accept()  # as the dialog does once the password is confirmed
        dialog.signed.emit(self.signature)
        self._wait(lambda: form.draft_id is None and self._settled()
                   and "Signed at" in form.status.text(), "the session signed")
        form.repaint()
        return checked, time.perf_counter() - started

    def open_detail(self, session_id: int) -> float:
        """Seconds from opening the session in the History to its detail painted."""
        history = self.history
        before = getattr(history, "dialog", None)
        started = time.perf_counter()
        history.open_session_id(session_id)
        self._wait(lambda: history.dialog is not before and history.dialog is not None
                   and history.dialog.isVisible(), "the session's detail")
        dialog = history.dialog
        assert dialog is not None  # just shown
        dialog.repaint()
        elapsed = time.perf_counter() - started
        dialog.close()
        return elapsed


def _p95_ms(times: list[float]) -> float:
    return round(1000 * statistics.quantiles(times, n=100)[94], 2)


def _last_signed(database: Database, patient_id: int) -> int:
    with database.read() as db:
        found = db.scalar(select(TreatmentSession.id)
                          .where(TreatmentSession.patient_id == patient_id)
                          .order_by(TreatmentSession.id.desc()).limit(1))
    assert found is not None  # just signed
    return found


def run_loop_bench(sessions: int, url: str | None = None, json_path: str | None = None,
                   runs: int = RUNS, start_runs: int = START_RUNS) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The window remembers its geometry and the room's device: not in this user's settings.
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="laserlog-bench-config-")
    from ui.shell.app import make_application

    app = make_application()
    database = clinic_database(url, sessions)
    try:
        technician = _technician(database)
        device_id, signature = _prepare(database, technician)
        clinic_url = database.url.render_as_string(hide_password=False)
        print("start-up: sign-in and main window, in fresh processes", file=sys.stderr)
        started = probe_app(clinic_url, TECHNICIANS[0][0], DEMO_PASSWORD, start_runs)
        cases = _cases(database, device_id, WARM_UP_RUNS + runs)
        _consented(database, technician, cases)
        loop = _Loop(app, database, technician, device_id, signature)
        steps: dict[str, list[float]] = {name: [] for name in (
            "search", "form_open", "autosave", "complete_check", "complete", "detail_open",
            "loop")}
        try:
            for run, case in enumerate(cases):
                keys = loop.search(case.typed)
                form_open = loop.open_form(case)
                loop.fill_in(case)
                autosave = loop.autosave(run)
                checked, signed = loop.complete()
                detail = loop.open_detail(_last_signed(database, case.patient.id))
                if run < WARM_UP_RUNS:
                    continue
                for name, value in (("form_open", form_open), ("autosave", autosave),
                                    ("complete_check", checked), ("complete", signed),
                                    ("detail_open", detail)):
                    steps[name].append(value)
                steps["search"].extend(keys)
                steps["loop"].append(sum(keys) + form_open + autosave + checked + signed
                                     + detail)
                print(f"\rrun {run + 1 - WARM_UP_RUNS}/{runs}", end="", file=sys.stderr,
                      flush=True)
            print(file=sys.stderr)
        finally:
            loop.close()
    finally:
        database.dispose()
    result: dict[str, object] = {
        "sessions": sessions, "database": database.display_url, "runs": runs,
        "signin_ratio": round(started["signin_s"] / started["bare_s"], 2),
        "signin_ms": round(1000 * started["signin_s"], 1),
        "bare_window_ms": round(1000 * started["bare_s"], 1),
        "signin_ready_ms": round(1000 * started["ready_s"], 1),
        "main_window_ms": round(1000 * started["main_window_s"], 1),
        "patient_search_p95_ms": _p95_ms(steps["search"]),
        "form_open_p95_ms": _p95_ms(steps["form_open"]),
        "autosave_p95_ms": _p95_ms(steps["autosave"]),
        "complete_check_p95_ms": _p95_ms(steps["complete_check"]),
        "complete_p95_ms": _p95_ms(steps["complete"]),
        "detail_open_p95_ms": _p95_ms(steps["detail_open"]),
        "loop_ms": round(1000 * statistics.median(steps["loop"]), 1),
    }
    for key, figure in result.items():
        print(f"{key}: {figure}")
    if json_path:
        Path(json_path).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0
