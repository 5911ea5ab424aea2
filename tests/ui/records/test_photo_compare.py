"""A session's photos in its detail, and the patient's course of one pose compared: side by
side in date order, and before against the latest with a slider."""

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon

from models.admin.integrity import verify
from models.clinic import patients
from models.values.images import clean_image
from models.values.session_input import AreaInput, SessionInput
from models.workflow import session_logging, session_photos
from tests.entries import CONSENTED_AT, SCREENED, complete, sign_consent
from tests.photos import jpeg
from tests.ui.conftest import RecordedMessages
from ui.records.history_view import HistoryView
from ui.services.tasks import TaskRunner
from ui.widgets.photo_thumbnails import THUMB


def neck_course(database, technician, device):
    """Two sessions of a patient's neck, a month apart, each with a photo of the front."""
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="CMP-1", full_name="Cam Ortiz",
                                       date_of_birth=None, fitzpatrick=3)
        sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
    done = []
    for days_ago, kind, colour in ((40, "before", (200, 120, 110)), (5, "progress",
                                                                       (120, 200, 110))):
        entry = SessionInput(device_id=device.id, screening=SCREENED, duration_s=1800,
                             started_at=datetime.now(UTC) - timedelta(days=days_ago),
                             areas=(AreaInput("neck", {"fluence_j_cm2": 30.0}, 100, 1),))
        with database.write() as db:
            draft = session_logging.start_draft(db, technician, patient.id, entry)
            session_photos.add_photo(db, technician, draft.summary.id, "neck", kind, "front",
                                     clean_image(jpeg(colour=colour)))
            done.append(complete(db, technician, draft.summary.id, entry))
    return patient, done


def opened(qtbot, database, actor, session_id):
    """The History, as ``actor`` sees it, with the session's detail open."""
    messages = RecordedMessages()
    tasks = TaskRunner(database, lambda error: messages.error(None, str(error)))
    view = HistoryView(tasks, actor, messages)
    qtbot.addWidget(view)
    view.show()
    view.open_session_id(session_id)
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(), timeout=10_000)
    return view, tasks, messages


def _view_first(qtbot, strip):
    point = strip.list.visualItemRect(strip.list.item(0)).center()
    qtbot.mouseClick(strip.list.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(strip.list.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: getattr(strip, "view_dialog", None) is not None
                    and strip.view_dialog.isVisible(), timeout=10_000)
    return strip.view_dialog


def _view_by_enter(qtbot, strip, before):
    qtbot.keyClick(strip.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: strip.view_dialog is not before and strip.view_dialog.isVisible(),
                    timeout=10_000)
    return strip.view_dialog


def _colour(pixmap):
    """A pixel near the bottom-right corner, clear of the VOID stamp."""
    return QColor(pixmap.toImage().pixel(pixmap.width() * 7 // 8, pixmap.height() * 7 // 8))


def test_the_detail_shows_the_photos_and_compares_the_course(qtbot, database, technician,
                                                            device, tmp_path):
    _patient, (_first, latest) = neck_course(database, technician, device)
    view, tasks, messages = opened(qtbot, database, technician, latest.summary.id)
    strip = view.dialog.photos
    qtbot.waitUntil(lambda: strip.list.count() == 1, timeout=10_000)
    assert "Neck · progress · front" in strip.list.item(0).text()
    assert strip.note.text() == "Photos: 1"
    qtbot.waitUntil(lambda: not strip.list.item(0).icon().isNull(), timeout=10_000)
    icon = strip.list.item(0).icon()  # chosen, a photo keeps its colours (no highlight tint)
    assert _colour(icon.pixmap(THUMB, QIcon.Mode.Selected)) == _colour(icon.pixmap(THUMB))
    report = tmp_path / "session.pdf"
    view.dialog.save_pdf(report)  # with its photo (and the consent, here a test rendering)
    qtbot.waitUntil(report.exists, timeout=10_000)
    assert report.read_bytes().count(b"/Subtype /Image") == 1
    qtbot.mouseClick(strip.compare_button, Qt.MouseButton.LeftButton)
    compare = strip.dialog
    qtbot.waitUntil(lambda: compare.series.count() == 2, timeout=10_000)
    days = [compare.series.item(i).text().split("\n")[0] for i in range(2)]
    assert days == sorted(days)  # oldest first
    assert "Before" in compare.pair_note.text() and "days later" in compare.pair_note.text()
    qtbot.waitUntil(lambda: not compare.wipe.second.isNull(), timeout=10_000)
    compare.resize(900, 700)

    def middle():
        shot = compare.wipe.grab().toImage()
        return QColor(shot.pixel(shot.width() // 2, shot.height() // 2))

    qtbot.mouseClick(compare.slider, Qt.MouseButton.LeftButton)
    qtbot.keyClick(compare.slider, Qt.Key.Key_End)  # all before
    assert compare.slider.value() == 100
    assert middle().red() > middle().green()  # the before photo is reddish
    qtbot.keyClick(compare.slider, Qt.Key.Key_Home)  # all latest
    assert middle().green() > middle().red()
    tasks.shutdown()
    assert messages.shown == []


def test_a_supervisor_voids_a_signed_sessions_photo_and_it_stays_marked(qtbot, database,
                                                                       technician, supervisor,
                                                                       device):
    _patient, (_first, latest) = neck_course(database, technician, device)
    view, tasks, messages = opened(qtbot, database, supervisor, latest.summary.id)
    strip = view.dialog.photos
    qtbot.waitUntil(lambda: strip.list.count() == 1 and strip.void_button.isEnabled(),
                    timeout=10_000)
    photo = strip.photos[0]
    full = _view_first(qtbot, strip)  # a double-click: the photo at full size
    qtbot.waitUntil(lambda: not full.view.pixmap.isNull(), timeout=10_000)
    assert (full.view.pixmap.width(), full.view.pixmap.height()) == (photo.width, photo.height)
    assert _colour(full.view.pixmap).green() > _colour(full.view.pixmap).red() + 40
    assert "VOID" not in full.note.text()
    qtbot.keyClick(full, Qt.Key.Key_Escape)
    full = _view_by_enter(qtbot, strip, full)  # Enter on the photo: the photo, only
    assert getattr(strip, "void_dialog", None) is None and view.dialog.isVisible()
    qtbot.keyClick(full, Qt.Key.Key_Escape)
    strip.list.setCurrentRow(0)
    qtbot.mouseClick(strip.void_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(strip, "void_dialog", None) is not None
                    and strip.void_dialog.isVisible(), timeout=10_000)
    qtbot.keyClicks(strip.void_dialog.reason, "another patient's photo")
    qtbot.keyClick(strip.void_dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "voided: another patient's photo" in strip.list.item(0).text(),
                    timeout=10_000)
    assert not strip.void_button.isEnabled()
    qtbot.waitUntil(lambda: not strip.list.item(0).icon().isNull(), timeout=10_000)
    icon = strip.list.item(0).icon().pixmap(THUMB)
    corner = _colour(icon)  # grey, not the photo's green: never taken for a live photo
    assert abs(corner.red() - corner.green()) < 8 and abs(corner.green() - corner.blue()) < 8
    strip.list.setCurrentRow(0)
    full = _view_by_enter(qtbot, strip, full)
    qtbot.waitUntil(lambda: not full.view.pixmap.isNull(), timeout=10_000)
    assert "VOIDED: another patient's photo" in full.note.text()
    assert abs(_colour(full.view.pixmap).green() - _colour(full.view.pixmap).red()) < 8
    assert verify(database).ok  # voiding is not a change of what was signed
    tasks.shutdown()
    assert messages.shown == []
