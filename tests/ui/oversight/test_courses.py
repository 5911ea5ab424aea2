"""Courses on the real form and the due list: where the session stands, a too-soon warning,
a plan changed with its bad input named next to the field."""

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from models.clinic import patients
from models.values.session_input import AreaInput, SessionInput
from models.workflow import courses, session_logging
from tests.entries import CONSENTED_AT, SCREENED, complete, sign_consent
from tests.ui.session.test_session_form import tick_area


def logged_before(database, technician, device, days_ago):
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="CO-1", full_name="Cleo Diaz",
                                       date_of_birth=None, fitzpatrick=3)
        sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
        entry = SessionInput(device_id=device.id, duration_s=1800, screening=SCREENED,
                             started_at=datetime.now(UTC) - timedelta(days=days_ago),
                             areas=(AreaInput("neck", {"energy_j": 60.0}, 200, 2),))
        draft = session_logging.start_draft(db, technician, patient.id, entry)
        complete(db, technician, draft.summary.id, entry)
    return patient


def choose(qtbot, form, identifier):
    qtbot.keyClicks(form.patient.search, identifier)
    qtbot.keyClick(form.patient.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)


def test_the_form_shows_the_course_and_warns_when_too_soon(qtbot, window, database,
                                                           technician, device):
    patient = logged_before(database, technician, device, 9)
    form = window.form
    choose(qtbot, form, "CO-1")
    qtbot.waitUntil(lambda: "neck" in form.course.courses, timeout=10_000)
    tick_area(form, "Neck")
    tick_area(form, "Hands")
    text = form.course.lines.text()
    assert "Neck: session 2 of 6 · every 21 days" in text
    assert "Hands: first session; completing it starts a course of 6" in text
    assert form.course.warning.isVisible()
    assert "only 9 days since the last session" in form.course.warning.text()

    form.course.plan_button.setFocus()
    qtbot.keyClick(form.course.plan_button, Qt.Key.Key_Space)
    dialog = form.course.dialog
    assert dialog.sessions.value() == 6 and dialog.interval.value() == 21
    dialog.sessions.setValue(0)
    dialog.interval.setValue(0)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors["planned_sessions"].isVisible(), timeout=10_000)
    assert dialog.errors["interval_days"].text() == "Sessions are at least 1 day apart"
    assert dialog.isVisible()
    dialog.sessions.setValue(4)
    dialog.interval.setValue(7)
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: "session 2 of 4 · every 7 days" in form.course.lines.text(),
                    timeout=10_000)
    assert not form.course.warning.isVisible()
    with database.read() as db:
        stored = courses.courses_of(db, technician, patient.id)["neck"]
    assert (stored.planned_sessions, stored.interval_days) == (4, 7)


def test_the_due_tab_lists_overdue_patients_in_red(qtbot, window, database, technician,
                                                   device):
    logged_before(database, technician, device, 30)
    window.tabs.setCurrentWidget(window.due)
    table = window.due.table
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=10_000)
    assert table.item(0, 0).text() == "Cleo Diaz (CO-1)"
    assert table.item(0, 2).text() == "2 of 6"
    assert table.item(0, 5).text().endswith("(9 days overdue)")
    assert table.item(0, 5).foreground().color().red() == 170
    assert "1 overdue" in window.due.summary.text()


def test_the_due_tab_filters_pages_and_opens_the_patients_sessions(
        qtbot, window, database, technician, device, monkeypatch):
    from models.workflow import courses as course_model
    logged_before(database, technician, device, 30)  # Cleo: 9 days overdue
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="CO-2", full_name="Dan Due",
                                       date_of_birth=None, fitzpatrick=3)
        sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
        entry = SessionInput(device_id=device.id, duration_s=1800, screening=SCREENED,
                             started_at=datetime.now(UTC) - timedelta(days=18),
                             areas=(AreaInput("hands", {"energy_j": 60.0}, 200, 2),))
        draft = session_logging.start_draft(db, technician, patient.id, entry)
        complete(db, technician, draft.summary.id, entry)  # Dan: due in 3 days
    real = course_model.due_page
    monkeypatch.setattr(course_model, "due_page",
                        lambda db, actor, filters, after: real(db, actor, filters, after, 1))
    due = window.due
    window.tabs.setCurrentWidget(due)
    qtbot.waitUntil(lambda: due.table.rowCount() == 1 and due.more_button.isEnabled(),
                    timeout=10_000)
    qtbot.mouseClick(due.more_button, Qt.MouseButton.LeftButton)  # a page of one, then more
    qtbot.waitUntil(lambda: due.table.rowCount() == 2, timeout=10_000)
    assert [due.table.item(r, 0).text() for r in range(2)] == ["Cleo Diaz (CO-1)",
                                                                "Dan Due (CO-2)"]
    due.when.setCurrentIndex(due.when.findData("week"))
    qtbot.waitUntil(lambda: due.table.rowCount() == 1
                    and due.table.item(0, 0).text() == "Dan Due (CO-2)", timeout=10_000)
    due.when.setCurrentIndex(0)
    due.area.setCurrentIndex(due.area.findData("neck"))
    qtbot.waitUntil(lambda: due.table.rowCount() == 1
                    and due.table.item(0, 0).text() == "Cleo Diaz (CO-1)", timeout=10_000)

    due.table.setFocus()
    due.table.selectRow(0)
    qtbot.keyClick(due.table, Qt.Key.Key_Return)
    history = window.history
    assert window.tabs.currentWidget() is history
    assert history.filters.patient.text() == "CO-1"
    qtbot.waitUntil(lambda: history.model.rowCount() == 1, timeout=10_000)
