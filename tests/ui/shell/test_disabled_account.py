"""An account an administrator disables while it is signed in: its next save is refused,
the window says so and locks, and nothing of that save is kept."""

from models.access import accounts
from models.reading import history
from tests.ui.session.test_session_form import register_patient


def test_a_disabled_account_is_told_and_signed_out_at_its_next_save(qtbot, window, database,
                                                                    admin):
    window.setProperty("expect_messages", True)
    form = window.form
    register_patient(qtbot, form, identifier="X-1", name="Xia Xu")
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
    with database.write() as db:
        accounts.disable_user(db, admin, "tess")
    qtbot.keyClicks(form.notes, "typed after the account was disabled")
    qtbot.waitUntil(lambda: window.locked, timeout=10_000)
    assert any("disabled by an administrator" in text for text in window.messages.shown)
    with database.read() as db:
        assert history.load_session(db, form.draft_id).notes == ""
