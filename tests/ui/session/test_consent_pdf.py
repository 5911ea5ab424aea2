"""The consent on file printed from the form: the text, the signature as drawn, who signed
and who witnessed."""

from PySide6.QtCore import Qt

from models.access import accounts
from models.clinic import consent_forms, patients
from tests.entries import PASSWORD, STROKES
from ui.session import draft_form
from ui.widgets.signature_pad import render_png


def test_the_consent_on_file_prints_with_its_signature(qtbot, window, database, technician,
                                                       tmp_path, monkeypatch):
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="CP-1", full_name="Cy Park",
                                       date_of_birth=None, fitzpatrick=2)
        document = consent_forms.in_force(db)
        consent_forms.sign_consent(db, technician, patient.id, document.id, "Cy Park",
                                   STROKES, render_png(STROKES),
                                   accounts.confirm_signature(db, technician, PASSWORD))
    form = window.form
    form.patient.choose(patient)
    qtbot.waitUntil(lambda: form.screening.print_button.isEnabled(), timeout=10_000)
    out = tmp_path / "consent.pdf"
    monkeypatch.setattr(draft_form, "choose_file_to_save",
                        lambda *_args, **_kw: (out, "PDF documents (*.pdf)"))
    qtbot.mouseClick(form.screening.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=10_000)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Subtype /Image") == 1
    assert form.status.text() == "Saved the signed consent as consent.pdf"
