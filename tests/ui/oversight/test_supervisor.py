"""A supervisor's window: every session, signed off, amended and voided through the real
widgets, and what the database then holds."""

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from models.clinic import clinic_settings, patients
from models.reading import history
from models.records.people import User
from models.storage.preferences import Settings
from models.values.session_input import AreaInput, SessionInput
from models.workflow import patch_tests, session_logging
from tests.entries import CONSENTED_AT, PASSWORD, SCREENED, complete, sign_consent
from tests.ui.conftest import RecordedMessages
from ui.shell.main_window import MainWindow


@pytest.fixture
def completed(database, technician, device):
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="S-1", full_name="Sue Sun",
                                       date_of_birth=None, fitzpatrick=2)
        sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
    entry = SessionInput(device_id=device.id, screening=SCREENED, duration_s=1800, room="R1",
                         areas=(AreaInput("neck", {"fluence_j_cm2": 30.0}, 100, 1),))
    with database.write() as db:
        draft = session_logging.start_draft(db, technician, patient.id, entry)
        return complete(db, technician, draft.summary.id, entry)


@pytest.fixture
def supervisor_window(qtbot, database, supervisor, completed):
    main = MainWindow(database, supervisor, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()


def open_first_session(qtbot, window):
    view = window.history
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10_000)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 0))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(),
                    timeout=10_000)
    return view.dialog


def stored(database, completed):
    with database.read() as db:
        return history.load_session(db, completed.summary.id)


def test_a_supervisor_sees_history_but_cannot_log_sessions(supervisor_window):
    titles = [supervisor_window.tabs.tabText(i) for i in range(supervisor_window.tabs.count())]
    assert titles == ["&Review queue", "I&ncidents", "&History", "Courses &due", "C&harts"]
    assert supervisor_window.form is None


def test_sign_off_then_amend_with_a_reason_then_void(qtbot, supervisor_window, database,
                                                     completed):
    dialog = open_first_session(qtbot, supervisor_window)
    actions = supervisor_window.history.supervisor_actions
    assert actions.review_button.isEnabled()
    trail = dialog.browser.toPlainText()
    assert "Audit trail of this session" in trail and "session.complete" in trail
    qtbot.mouseClick(actions.review_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "by Sam Supervisor" in dialog.browser.toPlainText(),
                    timeout=10_000)
    assert stored(database, completed).summary.status == "reviewed"
    assert not actions.review_button.isEnabled()
    qtbot.waitUntil(lambda: "session.review" in dialog.browser.toPlainText(), timeout=10_000)

    qtbot.mouseClick(actions.amend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(actions, "amend_dialog", None) is not None
                    and actions.amend_dialog.isVisible(), timeout=10_000)
    amend = actions.amend_dialog  # tests/ui/records/test_amend_dialog.py drives it whole
    minutes = amend.form.duration.minutes
    qtbot.keyClick(minutes, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(minutes, "40")
    qtbot.mouseClick(amend.review_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: amend.password.isVisible(), timeout=10_000)
    qtbot.keyClicks(amend.password, PASSWORD)
    qtbot.keyClick(amend.password, Qt.Key.Key_Return)  # no reason yet: said, not signed
    assert amend.isVisible() and amend.reason_error.text() == "Give the reason for the amendment"
    qtbot.keyClicks(amend.reason, "Timer stopped late")
    qtbot.mouseClick(amend.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Timer stopped late" in dialog.browser.toPlainText(),
                    timeout=10_000)
    detail = stored(database, completed)
    assert detail.summary.status == "amended" and detail.summary.duration_s == 2400
    assert detail.amendments[0].old["duration_s"] == 1800
    assert detail.reviewed_at is None and actions.review_button.isEnabled()

    qtbot.mouseClick(actions.void_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(actions.dialog.reason, "Wrong patient")
    actions.dialog.accept()
    qtbot.waitUntil(lambda: "Voided" in dialog.browser.toPlainText(), timeout=10_000)
    assert stored(database, completed).summary.status == "voided"
    assert not actions.void_button.isEnabled()


def test_an_administrator_manages_staff_and_sees_no_patient_data(qtbot, database, admin,
                                                                 technician):
    from models.access import accounts

    main = MainWindow(database, admin, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(main)
    main.show()
    assert [main.tabs.tabText(i) for i in range(main.tabs.count())] == ["&Administration"]
    assert main.history is None and main.form is None
    view = main.admin
    qtbot.waitUntil(lambda: view.users.rowCount() == 2, timeout=10_000)
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    dialog = view.add_dialog
    qtbot.keyClicks(dialog.username, "nora")
    qtbot.keyClicks(dialog.full_name, "Nora Night")
    dialog.role.setCurrentIndex(dialog.role.findData("supervisor"))
    qtbot.keyClicks(dialog.password, "nightshift-1")
    qtbot.keyClicks(dialog.repeat, "nightshift-2")
    dialog._save()
    assert dialog.errors["repeat"].text() == "The two passwords differ"
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.repeat, "nightshift-1")
    dialog._save()
    qtbot.waitUntil(lambda: view.users.rowCount() == 3, timeout=10_000)
    assert accounts.sign_in(database, "nora", "nightshift-1").role == "supervisor"
    view.users.setCurrentCell(1, 0)  # nora, after admin
    assert view.users.item(1, 0).text() == "nora"
    qtbot.mouseClick(view.disable_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.users.item(1, 3).text() == "disabled", timeout=10_000)
    main.close()


def test_an_administrator_adds_an_import_profile_and_a_broken_one_is_explained(
        qtbot, database, admin, tmp_path):
    from tests.devices.importing.test_profile_library import CLINIC_PROFILE

    main = MainWindow(database, admin, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(main)
    broken = tmp_path / "broken.toml"
    broken.write_text("format = 3", encoding="utf-8")
    main.admin.add_profile(broken)
    qtbot.waitUntil(lambda: main.admin.message.text().startswith("Not added: Import profile "
                                                                 "'broken'"), timeout=10_000)
    good = tmp_path / "glowtek-g2.toml"
    good.write_text(CLINIC_PROFILE, encoding="utf-8")
    main.admin.add_profile(good)
    qtbot.waitUntil(lambda: "Added import profile glowtek-g2" in main.admin.message.text(),
                    timeout=10_000)
    main.close()


def test_the_review_queue_signs_off_with_one_key_and_a_confirmation(qtbot, supervisor_window,
                                                                    database, completed):
    queue = supervisor_window.review
    qtbot.waitUntil(lambda: queue.model.rowCount() == 1, timeout=10_000)
    assert queue.summary.text() == "1 session awaits sign-off; 0 flagged."
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: queue.model.rowCount() == 0, timeout=10_000)
    assert "Sign off the session of Sue Sun (S-1) as reviewed?" in \
        supervisor_window.messages.shown[-1]
    assert stored(database, completed).summary.status == "reviewed"


def test_a_session_saves_as_a_pdf_report(qtbot, supervisor_window, completed, tmp_path):
    dialog = open_first_session(qtbot, supervisor_window)
    out = tmp_path / "session.pdf"
    dialog.save_pdf(out)  # once its photos and signed consent are read
    qtbot.waitUntil(out.exists, timeout=10_000)  # written whole, then put in place
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 2000


def test_an_expired_certification_is_shown_to_the_supervisor_and_renewed_by_the_admin(
        qtbot, database, admin, technician, supervisor):
    with database.write() as db:
        db.get(User, technician.id).certification_expires = date.today() - timedelta(days=1)
    main = MainWindow(database, supervisor, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(main)
    main.show()
    notice = main.review.staff_notice
    qtbot.waitUntil(lambda: notice.isVisible(), timeout=10_000)
    assert "Tess Tech: EXPIRED" in notice.text() and "cannot complete sessions" in notice.text()
    main.close()

    admin_window = MainWindow(database, admin, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(admin_window)
    admin_window.show()
    view = admin_window.admin
    qtbot.waitUntil(lambda: view.users.rowCount() == 3, timeout=10_000)
    row = [view.users.item(r, 0).text() for r in range(3)].index("tess")
    assert "EXPIRED" in view.users.item(row, 4).text()
    view.users.setCurrentCell(row, 0)
    qtbot.mouseClick(view.certify_button, Qt.MouseButton.LeftButton)
    dialog = view.certify_dialog
    qtbot.keyClicks(dialog.number, "LT-2027")
    qtbot.keyClicks(dialog.expires, "2020-01-01")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors["certification_expires"].isVisible(), timeout=10_000)
    assert "expired on 2020-01-01" in dialog.errors["certification_expires"].text()
    dialog.expires.setText(f"{date.today() + timedelta(days=365):%Y-%m-%d}")
    dialog.save()
    qtbot.waitUntil(lambda: "LT-2027: valid until" in view.users.item(row, 4).text(),
                    timeout=10_000)
    admin_window.close()


def test_the_administrator_fits_a_tip_and_requires_a_test_patch(qtbot, database, admin,
                                                                 device):
    main = MainWindow(database, admin, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(main)
    main.show()
    view = main.admin
    qtbot.mouseClick(view.tip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hasattr(view, "tip_dialog"), timeout=10_000)
    tip = view.tip_dialog
    tip.save()  # no name, no rated life: both said next to their fields
    qtbot.waitUntil(lambda: tip.errors["rated_pulses"].isVisible(), timeout=10_000)
    assert tip.errors["name"].isVisible() and tip.isVisible()
    qtbot.keyClicks(tip.name, "Tip 15 mm")
    tip.rated.setValue(50_000)
    tip.save()
    qtbot.waitUntil(lambda: "Fitted Tip 15 mm" in view.message.text(), timeout=10_000)

    qtbot.mouseClick(view.patch_rule_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hasattr(view, "rule_dialog"), timeout=10_000)
    rule = view.rule_dialog
    rule.save()  # neither device nor area
    qtbot.waitUntil(lambda: rule.errors["rule"].isVisible(), timeout=10_000)
    rule.area.setCurrentIndex(rule.area.findData("neck"))
    rule.save()
    qtbot.waitUntil(lambda: "need a valid test patch" in view.message.text(), timeout=10_000)
    with database.read() as db:
        assert list(patch_tests.patches_missing(db, 1, device.id, ["neck", "hands"],
                                                date.today())) == ["neck"]
    main.close()


def test_the_administrator_changes_the_clinic_settings(qtbot, database, admin):
    main = MainWindow(database, admin, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(main)
    main.show()
    view = main.admin
    qtbot.mouseClick(view.settings_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hasattr(view, "settings_dialog"), timeout=10_000)
    dialog = view.settings_dialog
    assert dialog.fields["change_limit_percent"].value() == 20
    dialog.fields["course_interval_days"].setValue(0)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors["course_interval_days"].isVisible(), timeout=10_000)
    assert "from 1 to 365 days" in dialog.errors["course_interval_days"].text()
    dialog.fields["course_interval_days"].setValue(28)
    dialog.fields["change_limit_percent"].setValue(15)
    dialog.save()
    qtbot.waitUntil(lambda: "Clinic settings saved" in view.message.text(), timeout=10_000)
    with database.read() as db:
        rules = clinic_settings.rules(db)
    assert (rules.change_limit_percent, rules.course_interval_days) == (15, 28)
    main.close()
