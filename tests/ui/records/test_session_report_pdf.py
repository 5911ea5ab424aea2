"""A session's PDF shows its photos (thumbnails, each with its area, kind and pose beneath)
and the consent the patient signed on screen (version, signer, date)."""

import pytest
from PySide6.QtGui import QTextDocument

from models.access import accounts
from models.access.permissions import Refused
from models.clinic import patients
from models.reading import history
from models.reading.session_printout import session_printout
from models.workflow import session_photos
from tests.entries import CONSENTED_AT, sign_consent
from tests.models.reading.photo_sessions import signed_with_photos
from tests.photos import jpeg
from ui.records.pdf_reports import consent_html, photos_html
from ui.records.session_detail import write_session_pdf


@pytest.fixture
def signed(database, technician, device):
    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="F-1", full_name="Fay Doe",
                                       date_of_birth=None, fitzpatrick=3)
        sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
    session_id, photos = signed_with_photos(database, technician, patient, device)
    return session_id, photos


def _png(width=200, height=80):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (255, 255, 255)).save(out, "PNG")
    return out.getvalue()


def test_the_pdf_of_a_session_with_photos_holds_them_and_its_consent(
        qapp, database, technician, supervisor, signed, tmp_path):
    session_id, photos = signed
    with database.write() as db:
        session_photos.void_photo(db, supervisor, photos[2].id, "the wrong side")
    with database.read() as db:
        detail = history.load_session(db, session_id)
        printout = session_printout(db, technician, session_id)
    assert [(p.area, p.kind, p.pose) for p in printout.photos] == [
        ("neck", "before", "front"), ("neck", "before", "left 45°")]
    assert printout.voided_photos == 1
    consent = printout.consent
    assert consent is not None and consent.signer_name == "Pat Doe"
    assert consent.witness == "Tess Tech" and consent.version
    with_photos, without = tmp_path / "with.pdf", tmp_path / "without.pdf"
    write_session_pdf(detail, with_photos, printout)
    write_session_pdf(detail, without)
    data = with_photos.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Subtype /Image") >= 2
    assert without.read_bytes().count(b"/Subtype /Image") == 0
    document = QTextDocument()
    shown = "".join(photos_html(document, printout.photos, printout.voided_photos)
                    + consent_html(document, consent))
    assert "Neck – before – front" in shown and "Neck – before – left 45°" in shown
    assert "1 voided photo is kept" in shown and "(the thumbnail cannot be drawn)" not in shown
    assert f"version {consent.version}: signed by Pat Doe on " in shown
    assert f"{consent.signed_at.astimezone():%Y-%m-%d}" in shown


def test_the_signature_as_drawn_is_printed(qapp, database, technician, signed, tmp_path):
    from dataclasses import replace

    session_id, _photos = signed
    with database.read() as db:
        detail = history.load_session(db, session_id)
        printout = session_printout(db, technician, session_id)
    drawn = replace(printout, photos=(), consent=replace(printout.consent, rendering=_png()))
    out = tmp_path / "signature.pdf"
    write_session_pdf(detail, out, drawn)
    assert out.read_bytes().count(b"/Subtype /Image") == 1


def test_a_draft_prints_the_consent_valid_on_its_day_and_says_when_photos_are_none(
        qapp, database, technician, device):
    from models.workflow import session_logging
    from tests.models.reading.photo_sessions import entry_for

    with database.write() as db:
        patient = patients.add_patient(db, technician, identifier="G-1", full_name="Gus",
                                       date_of_birth=None, fitzpatrick=2)
        sign_consent(db, technician, patient.id, signed_at=CONSENTED_AT)
        draft = session_logging.start_draft(db, technician, patient.id, entry_for(device.id))
    with database.read() as db:
        printout = session_printout(db, technician, draft.summary.id)
    assert printout.photos == () and printout.consent is not None
    assert "None kept with this session." in "".join(photos_html(QTextDocument(), ()))
    assert "No consent signed on screen" in "".join(consent_html(QTextDocument(), None))


def test_only_those_who_may_see_the_session_print_its_photos(database, signed, admin):
    session_id, _photos = signed
    with database.write() as db:
        otto = accounts.create_user(db, username="otto", full_name="Otto", role="technician",
                                    password="correct horse", created_by=admin)
    with pytest.raises(Refused), database.read() as db:
        session_printout(db, otto, session_id)


def test_an_unreadable_thumbnail_is_said_not_drawn(qapp):
    from datetime import UTC, datetime

    from models.reading.session_printout import PrintedPhoto

    broken = PrintedPhoto("neck", "after", "front", datetime.now(UTC), jpeg()[:100])
    assert "(the thumbnail cannot be drawn)" in "".join(photos_html(QTextDocument(),
                                                                    (broken,)))
