"""Sign consent on the session form, with real clicks, keys and mouse strokes: the patient
reads the form in force and signs in the box, the technician witnesses with their password,
and only then is the consent kept; the session can then be completed under it. A click on
an empty box or a wrong password keeps nothing, and says so next to the field."""

import json
from datetime import date

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import select

from models.clinic import consent_forms, patients
from models.reading import history
from models.records.consents import SignedConsent
from models.values.rows import PatientRow
from models.values.screening import ChecklistItem
from tests.entries import PASSWORD
from tests.ui import screens
from tests.ui.session.helpers import choose, screen, sign, tick_area, verify_device
from ui.session.aftercare_sheet import write_aftercare_pdf
from ui.session.consent_dialog import ConsentDialog
from ui.widgets.signature_pad import RENDERING, SignaturePad

#: A signature as a hand draws it, in fractions of the box: a loop, then an underline.
SIGNATURE = [
    [(0.08, 0.55), (0.12, 0.35), (0.18, 0.3), (0.22, 0.45), (0.2, 0.6), (0.26, 0.62),
     (0.32, 0.4), (0.38, 0.58), (0.44, 0.42), (0.5, 0.6), (0.56, 0.45), (0.62, 0.55)],
    [(0.1, 0.68), (0.3, 0.7), (0.5, 0.69), (0.7, 0.67)],
]


@pytest.fixture
def unconsented(database, technician):
    """A patient in the register who has never signed a consent."""
    with database.write() as db:
        return patients.add_patient(db, technician, identifier="CS-1", full_name="Cora Stein",
                                    date_of_birth=None, fitzpatrick=3)


def _at(pad: SignaturePad, x: float, y: float) -> QPoint:
    return QPoint(round(x * (pad.width() - 1)), round(y * (pad.height() - 1)))


def _move_held(pad: SignaturePad, point: QPoint) -> None:
    """The mouse moved with the left button held down. QTest.mouseMove carries the buttons
    held on most platforms; where it does not, the move is sent as the platform sends it."""
    drawn = pad.points()
    QTest.mouseMove(pad, point)
    if pad.points() == drawn:
        QApplication.sendEvent(pad, QMouseEvent(
            QEvent.Type.MouseMove, QPointF(point), QPointF(pad.mapToGlobal(point)),
            Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier))


def draw(pad: SignaturePad, strokes=SIGNATURE) -> None:
    """Each stroke drawn with the mouse: pressed, moved with the button held, released."""
    for stroke in strokes:
        (x, y), *rest = stroke
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         _at(pad, x, y))
        for x, y in rest:
            _move_held(pad, _at(pad, x, y))
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           _at(pad, *rest[-1]))


def ink(widget_or_image) -> int:
    """How many pixels (of every other row and column) are as dark as the pen's ink: the
    box's frame, line and hint are lighter."""
    image = (widget_or_image if isinstance(widget_or_image, QImage)
             else widget_or_image.grab().toImage())
    return sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if image.pixelColor(x, y).lightness() < 90)


def open_consent(qtbot, form) -> ConsentDialog:
    """Press Sign consent (a click); the dialog it opens, shown."""
    panel = form.screening
    qtbot.waitUntil(panel.consent_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(panel.consent_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(form, "consent_dialog", None) is not None
                    and form.consent_dialog.isVisible(), timeout=10_000)
    dialog = form.consent_dialog
    qtbot.waitExposed(dialog)
    return dialog


def kept(database, patient_id) -> list:
    """The consents kept for the patient: (id, strokes, rendering, signer, witness) each."""
    with database.read() as db:
        return list(db.execute(
            select(SignedConsent.id, SignedConsent.strokes, SignedConsent.rendering,
                   SignedConsent.signer_name, SignedConsent.witness_id)
            .where(SignedConsent.patient_id == patient_id).order_by(SignedConsent.id)))


def _red(label) -> bool:
    colour = label.palette().color(label.foregroundRole())
    return colour.red() > 150 and colour.green() < 80


def test_the_patient_signs_on_screen_and_the_session_completes_under_it(
        qtbot, window, database, technician, device, unconsented):
    form = window.form
    panel = form.screening
    consent_valid = panel.checklist[ChecklistItem.CONSENT_VALID]
    choose(qtbot, form, "CS-1")
    qtbot.waitUntil(lambda: "Not signed yet" in panel.consent_note.text(), timeout=10_000)
    assert not consent_valid.isChecked() and not consent_valid.isEnabled()
    assert panel.consent_button.text() == "Sign co&nsent…"
    assert _red(panel.consent_note)  # seen before Complete is pressed

    dialog = open_consent(qtbot, form)
    with database.read() as db:
        document = consent_forms.in_force(db)
    assert dialog.text.toPlainText() == document.body  # the version in force, whole
    assert document.version in dialog.windowTitle() and document.title in dialog.windowTitle()
    assert dialog.signer.text() == "Cora Stein"  # prefilled with the patient's name
    assert dialog.pad.points() == 0 and ink(dialog.pad) == 0

    draw(dialog.pad)
    assert dialog.pad.points() == sum(len(stroke) for stroke in SIGNATURE)
    assert len(dialog.pad.strokes()) == 2 and ink(dialog.pad) > 100  # it shows as drawn
    dialog.password.setFocus()
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)

    (consent,) = kept(database, unconsented.id)
    strokes = json.loads(consent.strokes)
    assert [len(stroke) for stroke in strokes] == [len(stroke) for stroke in SIGNATURE]
    for stroke, drawn in zip(strokes, SIGNATURE, strict=True):
        for (x, y), (want_x, want_y) in zip(stroke, drawn, strict=True):
            assert abs(x - want_x) < 0.01 and abs(y - want_y) < 0.01
    rendering = QImage.fromData(consent.rendering, "PNG")
    assert consent.rendering.startswith(b"\x89PNG\r\n\x1a\n") and not rendering.isNull()
    assert rendering.size() == RENDERING and ink(rendering) > 100  # the signature, drawn
    assert (consent.signer_name, consent.witness_id) == ("Cora Stein", technician.id)

    qtbot.waitUntil(lambda: panel.consent_note.text().startswith("Signed by Cora Stein on "),
                    timeout=10_000)
    assert f"(version {document.version})" in panel.consent_note.text()
    assert consent_valid.isChecked() and not consent_valid.isEnabled()
    assert not _red(panel.consent_note)
    assert panel.consent_button.text() == "Sign co&nsent again…"
    assert "Consent signed by Cora Stein" in form.status.text()

    form.device.setCurrentIndex(form.device.findData(device.id))
    verify_device(database, technician, device.id, form, qtbot)
    form.duration.minutes.setFocus()
    qtbot.keyClicks(form.duration.minutes, "30")
    tick_area(form, "Neck")
    qtbot.keyClicks(form.areas.rows["neck"].fields["fluence_j_cm2"], "24")
    screen(qtbot, form)
    draft_id = form.draft_id
    sign(qtbot, form)
    qtbot.waitUntil(lambda: "Signed at" in form.status.text(), timeout=10_000)
    with database.read() as db:
        detail = history.load_session(db, draft_id)
    assert detail.summary.status == "completed"
    assert detail.screening.consent_id == consent.id
    assert detail.screening.consent_version == document.version


def test_keep_with_an_empty_box_says_so_by_the_box_and_keeps_nothing(
        qtbot, window, database, unconsented):
    form = window.form
    choose(qtbot, form, "CS-1")
    dialog = open_consent(qtbot, form)
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.pad_error.isVisible() and "has not signed yet" in dialog.pad_error.text()
    assert dialog.isVisible() and dialog.password.text() == PASSWORD  # nothing typed is lost
    draw(dialog.pad, [SIGNATURE[0][:3]])  # a dash is no signature either
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert "too short for a signature" in dialog.pad_error.text()
    qtbot.wait(300)  # nothing was sent: nothing comes back
    assert dialog.isVisible() and kept(database, unconsented.id) == []
    assert "Not signed yet" in form.screening.consent_note.text()

    draw(dialog.pad)
    assert not dialog.pad_error.isVisible()  # the message leaves as the patient signs


def test_a_wrong_password_keeps_nothing_and_can_be_typed_again(
        qtbot, window, database, unconsented):
    form = window.form
    choose(qtbot, form, "CS-1")
    dialog = open_consent(qtbot, form)
    draw(dialog.pad)
    qtbot.keyClicks(dialog.password, "not my password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter keeps, as the button does
    qtbot.waitUntil(lambda: dialog.password_error.text() != "", timeout=10_000)
    assert "not your password" in dialog.password_error.text()
    assert dialog.password_error.isVisible() and dialog.isVisible()
    assert dialog.password.text() == "" and dialog.password.hasFocus()
    assert dialog.pad.points() == sum(len(stroke) for stroke in SIGNATURE)  # still signed
    assert kept(database, unconsented.id) == []
    assert not form.screening.checklist[ChecklistItem.CONSENT_VALID].isChecked()

    qtbot.keyClicks(dialog.password, PASSWORD)
    assert dialog.password_error.text() == ""  # the message follows the field
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert len(kept(database, unconsented.id)) == 1
    qtbot.waitUntil(form.screening.checklist[ChecklistItem.CONSENT_VALID].isChecked,
                    timeout=10_000)


def test_clear_empties_the_box(qtbot, window, database, unconsented):
    form = window.form
    choose(qtbot, form, "CS-1")
    dialog = open_consent(qtbot, form)
    draw(dialog.pad)
    assert dialog.pad.points() > 0 and ink(dialog.pad) > 100
    with qtbot.waitSignal(dialog.pad.changed, timeout=1_000):
        qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert dialog.pad.points() == 0 and dialog.pad.strokes() == []
    assert ink(dialog.pad) == 0  # and the box shows it empty
    draw(dialog.pad, SIGNATURE[1:])  # signing again starts afresh
    assert dialog.pad.strokes() and len(dialog.pad.strokes()) == 1
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Cancel),
                     Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and kept(database, unconsented.id) == []


def test_the_dialog_fits_a_small_screen_and_is_glove_sized(qtbot, window, unconsented):
    form = window.form
    window.resize(screens.SMALL_SCREEN)
    choose(qtbot, form, "CS-1")
    dialog = open_consent(qtbot, form)
    size, needed = dialog.frameGeometry().size(), dialog.minimumSizeHint()
    for measured in (size, needed):
        assert measured.width() <= screens.SMALL_SCREEN.width()
        assert measured.height() <= screens.SMALL_SCREEN.height()
    assert screens.too_small_to_hit(dialog) == []
    assert screens.wider_than(dialog, screens.SMALL_SCREEN.width()) == []
    pad = dialog.pad
    assert pad.width() >= 420 and pad.height() >= 150  # room for a name signed with a finger
    assert (form.screening.consent_button.height() >= screens.MIN_HEIGHT
            and not form.screening.consent_button.visibleRegion().isEmpty())
    dialog.reject()


def test_the_checklist_stays_put_as_the_consent_note_changes(qtbot, window, database,
                                                             unconsented):
    """The note says what is on file in as many lines as it takes at 1366×768; the tick boxes
    below it do not move under a finger when a patient is chosen or signs."""
    form = window.form
    panel = form.screening
    window.resize(screens.SMALL_SCREEN)
    boxes = list(panel.checklist.values())

    def places():
        return [box.mapTo(panel, QPoint(0, 0)) for box in boxes]

    screens.settle(qtbot, window)
    empty = places()
    choose(qtbot, form, "CS-1")
    qtbot.waitUntil(lambda: "Not signed yet" in panel.consent_note.text(), timeout=10_000)
    qtbot.wait(50)
    assert places() == empty
    dialog = open_consent(qtbot, form)
    draw(dialog.pad)
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.consent_note.text().startswith("Signed by"), timeout=10_000)
    qtbot.wait(50)
    assert places() == empty


def test_the_heading_shows_names_as_typed(qtbot, window, database, technician):
    with database.read() as db:
        document = consent_forms.in_force(db)
    patient = PatientRow(1, "Q&A-1", "Zoë <Zed> & Co", None, 3)
    dialog = ConsentDialog(window.tasks, technician, patient, document, window)
    qtbot.addWidget(dialog)
    (heading,) = [label for label in dialog.findChildren(QLabel)
                  if "Hand the screen" in label.text()]
    shown = QTextDocument()
    shown.setHtml(heading.text())
    assert "for Zoë <Zed> & Co (Q&A-1)." in shown.toPlainText()
    assert dialog.signer.text() == "Zoë <Zed> & Co"


def test_the_patient_reads_the_consent_and_aftercare_in_the_language_chosen(
        qtbot, window, database, unconsented, tmp_path, monkeypatch):
    """The screens stay English; the patient's language on the form picks the consent they
    read and sign, and the language of the aftercare sheet."""
    form = window.form
    panel = form.screening
    choose(qtbot, form, "CS-1")
    assert panel.patient_language.currentText() == "English"  # the screen's, to start with
    assert open_consent(qtbot, form).document.version == "LST-1"
    form.consent_dialog.reject()
    qtbot.mouseClick(panel.patient_language, Qt.MouseButton.LeftButton)
    qtbot.keyClick(panel.patient_language.view(), Qt.Key.Key_Down)
    qtbot.keyClick(panel.patient_language.view(), Qt.Key.Key_Return)
    assert panel.language() == "de"
    dialog = open_consent(qtbot, form)
    assert dialog.document.version == "LST-1-de"
    assert "Einwilligung" in dialog.windowTitle() and "Ich willige" in dialog.text.toPlainText()
    assert "Complete and sign" in form.complete_button.text()  # the screen stays English
    draw(dialog.pad)
    dialog.password.setFocus()
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    with database.read() as db:  # what the form shows when the patient is chosen again
        on_file = consent_forms.consent_on_file(db, unconsented.id, date.today())
    panel.patient_language.setCurrentIndex(0)
    panel.show_consent_on_file(on_file)  # their language: the one they signed in
    assert panel.language() == "de"
    assert "(version LST-1-de)" in panel.consent_note.text()
    from ui.session import session_form

    written = []  # the sheet as written to the PDF
    monkeypatch.setattr(session_form, "write_aftercare_pdf", lambda sheet, path: (
        written.append(sheet), write_aftercare_pdf(sheet, path)))
    tick_area(form, "Neck")
    form.give_aftercare(tmp_path / "aftercare.pdf")
    qtbot.waitUntil(lambda: "recorded as given" in form.status.text(), timeout=10_000)
    assert written[0].areas == ("Hals",) and written[0].heading.startswith("Nachsorge")
    assert (tmp_path / "aftercare.pdf").read_bytes().startswith(b"%PDF")
