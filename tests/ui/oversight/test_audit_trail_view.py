"""The audit trail on screen: in words, filtered by person and patient, a page at a time,
closed with its button."""

from PySide6.QtCore import Qt

from models.review import audit_trail
from tests.ui.oversight.test_supervisor import completed, supervisor_window  # noqa: F401

WHO, WHAT, RECORD = 2, 3, 4


def column(viewer, index):
    return [viewer.table.item(row, index).text() for row in range(viewer.table.rowCount())]


def test_the_trail_reads_in_words_and_filters_by_person_and_patient(
        qtbot, supervisor_window, completed):  # noqa: F811
    supervisor_window.open_audit_trail()
    viewer = supervisor_window.audit_viewer
    qtbot.waitUntil(lambda: viewer.table.rowCount() > 3 and viewer.person.count() > 1,
                    timeout=10_000)
    assert set(column(viewer, WHO)) <= {"Tess Tech", "Ada Admin", "Sam Supervisor", "–"}
    assert not any("treatment_session" in text or "user " in text
                   for text in column(viewer, RECORD))

    viewer.patient.setFocus()
    qtbot.keyClicks(viewer.patient, "sun")  # part of Sue Sun's name
    qtbot.keyClick(viewer.patient, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: column(viewer, WHAT) == ["Completed and signed",
                                                     "Started a session",
                                                     "Witnessed a consent signed on screen",
                                                     "Registered a patient"], timeout=10_000)
    assert column(viewer, RECORD)[0].startswith("Session of Sue Sun (S-1), ")
    assert column(viewer, RECORD)[0].endswith(": Neck")
    assert set(column(viewer, WHO)) == {"Tess Tech"}

    viewer.patient.clear()
    viewer.person.setCurrentIndex(viewer.person.findData("admin"))
    qtbot.mouseClick(viewer.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: set(column(viewer, WHO)) == {"Ada Admin"}, timeout=10_000)
    assert "Created an account" in column(viewer, WHAT)

    qtbot.mouseClick(viewer.close_button, Qt.MouseButton.LeftButton)
    assert not viewer.isVisible()


def test_older_events_are_read_a_page_further(qtbot, supervisor_window,  # noqa: F811
                                              monkeypatch):
    monkeypatch.setattr(audit_trail, "PAGE", 2)
    real = audit_trail.event_page
    monkeypatch.setattr(audit_trail, "event_page",
                        lambda db, actor, **kw: real(db, actor, **{**kw, "limit": 2}))
    supervisor_window.open_audit_trail()
    viewer = supervisor_window.audit_viewer
    qtbot.waitUntil(lambda: viewer.table.rowCount() == 2, timeout=10_000)
    first_two = column(viewer, 0)
    assert viewer.older_button.isEnabled()
    qtbot.mouseClick(viewer.older_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: viewer.table.rowCount() == 4, timeout=10_000)
    numbers = [int(n) for n in column(viewer, 0)]
    assert column(viewer, 0)[:2] == first_two and numbers == sorted(numbers, reverse=True)
