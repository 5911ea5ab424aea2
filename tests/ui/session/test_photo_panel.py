"""Photos on the session form: dropped on the box or arriving in the camera folder, kept
bare of metadata, shown as thumbnails; what is not a photo is refused in one line."""

import shutil

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from models.records.photos import PhotoImage, SessionPhoto
from tests.photos import jpeg, with_gps_and_owner
from tests.ui.session.helpers import register_patient, tick_area


def drop(panel, paths):
    """Files dropped on the photo box, as a file manager drops them."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    enter = QDragEnterEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(panel, event)


def photos_in(database):
    with database.read() as db:
        return db.execute(select(SessionPhoto.area, SessionPhoto.kind, SessionPhoto.pose,
                                 SessionPhoto.source, PhotoImage.data)
                          .join(PhotoImage, PhotoImage.photo_id == SessionPhoto.id)
                          .order_by(SessionPhoto.id)).all()


def open_neck_draft(qtbot, form, identifier, area="Neck"):
    """A new patient's draft with the neck ticked (``area``: the neck as the list names it)."""
    register_patient(qtbot, form, identifier=identifier)
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
    tick_area(form, area)
    qtbot.waitUntil(lambda: form.photos.area.count() == 1 and form.photos.add_button.isEnabled(),
                    timeout=10_000)


def test_a_dropped_photo_is_kept_without_its_metadata(qtbot, window, database, tmp_path):
    form = window.form
    open_neck_draft(qtbot, form, "PH-1")
    panel = form.photos
    assert [panel.pose.itemText(i) for i in range(panel.pose.count())][:3] == [
        "front", "left 45°", "right 45°"]
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(with_gps_and_owner())
    drop(panel, [photo])
    qtbot.waitUntil(lambda: panel.kept.count() == 1, timeout=15_000)
    (area, kind, pose, source, data), = photos_in(database)
    assert (area, kind, pose, source) == ("neck", "before", "front", "file")
    assert b"SERIAL-998877" not in data and b"Dr Artist Owner" not in data
    assert panel.kept.item(0).text() == "Neck · before · front"
    qtbot.waitUntil(lambda: not panel.kept.item(0).icon().isNull(), timeout=10_000)


def test_what_is_not_a_photo_is_refused_in_one_line_and_nothing_is_kept(qtbot, window,
                                                                       database, tmp_path):
    form = window.form
    open_neck_draft(qtbot, form, "PH-2")
    fake = tmp_path / "notes.jpg"
    fake.write_bytes(b"these are notes, not a photo")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(jpeg()[:2500])
    for bad, says in ((fake, "is not a photo"), (cut, "damaged or cut off")):
        drop(form.photos, [bad])
        qtbot.waitUntil(lambda says=says: says in form.photos.error.text(), timeout=15_000)
        assert "\n" not in form.photos.error.text() and form.photos.error.isVisible()
    assert photos_in(database) == [] and form.photos.kept.count() == 0
    assert "neck" in form.areas.rows  # the form as it was


def test_the_camera_folder_offers_new_photos_and_survives_going_away(qtbot, window, database,
                                                                    tmp_path):
    form = window.form
    open_neck_draft(qtbot, form, "PH-3")
    panel = form.photos
    folder = tmp_path / "camera"
    folder.mkdir()
    panel.watch(folder)
    assert panel.inbox.count() == 0
    (folder / "DSC_0042.JPG").write_bytes(jpeg(colour=(200, 150, 140)))
    (folder / "readme.txt").write_text("not offered")
    qtbot.waitUntil(lambda: panel.inbox.count() == 1, timeout=10_000)
    panel.kind.setCurrentIndex(panel.kind.findData("after"))
    panel.pose.setCurrentIndex(1)
    panel.inbox.item(0).setSelected(True)
    qtbot.mouseClick(panel.assign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.kept.count() == 1, timeout=15_000)
    assert [row[:4] for row in photos_in(database)] == [
        ("neck", "after", "left 45°", "camera folder")]
    assert panel.inbox.count() == 0  # assigned: not offered again
    shutil.rmtree(folder)  # the network share went away
    panel.scan_folder()
    assert "cannot be read" in panel.folder_note.text()
    assert panel.kept.count() == 1 and panel.add_button.isEnabled()


def test_a_photo_made_the_portrait_shows_beside_the_patients_name(qtbot, window, tmp_path):
    form = window.form
    open_neck_draft(qtbot, form, "PH-4")
    assert not form.patient.portrait.isVisible()
    photo = tmp_path / "face.jpg"
    photo.write_bytes(jpeg())
    drop(form.photos, [photo])
    qtbot.waitUntil(lambda: form.photos.kept.count() == 1, timeout=15_000)
    form.photos.kept.setCurrentRow(0)
    qtbot.mouseClick(form.photos.portrait_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(form.patient.portrait.isVisible, timeout=10_000)
    assert not form.patient.portrait.pixmap().isNull()
