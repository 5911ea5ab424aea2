"""PDF files from HTML with Qt's own PDF writer (A4, 15 mm margins), never left half-written."""

from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from models.clinic.consent_forms import SignedConsentRow, printout
from models.errors import LaserLogError
from models.storage.atomic_files import written_in_place_of
from ui.language import tr

STYLE = "<style>body{font-family:sans-serif;font-size:9pt} th{text-align:left}</style>"


def pdf_writer(path: Path, title: str) -> QPdfWriter:
    """A writer of A4 pages with the reports' margins."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setTitle(title)
    writer.setCreator("LaserLog")
    return writer


def write_document(document: QTextDocument, path: Path) -> None:
    with written_in_place_of(path) as partial:
        writer = pdf_writer(partial, document.metaInformation(
            QTextDocument.MetaInformation.DocumentTitle))
        document.print_(writer)
        del writer  # the file is complete once the writer is gone
        if not partial.exists() or partial.stat().st_size == 0:
            raise LaserLogError(tr("Cannot write {path}").format(path=path))


def html_document(title: str, html: str) -> QTextDocument:
    document = QTextDocument()
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    document.setHtml(STYLE + html)
    return document


def write_html_pdf(title: str, html: str, path: Path) -> None:
    """A report of one page of HTML (an incident report, an aftercare sheet)."""
    write_document(html_document(title, html), path)


def add_image(document: QTextDocument, name: str, data: bytes) -> bool:
    """Put ``data`` (a JPEG or PNG) in the document as ``name``; False when unreadable."""
    image = QImage.fromData(data)
    if image.isNull():
        return False
    document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    return True


def write_consent_pdf(consent: SignedConsentRow, patient: str, path: Path) -> None:
    """A signed consent as the patient signed it: the text, then who signed, when, the
    signature as drawn, the witness, and the SHA-256 it is kept under."""
    document = html_document(f"{consent.title} ({consent.version})", "")
    lines = printout(consent, patient)
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in consent.body.split("\n")
                   if paragraph.strip())
    signature = ("<p><img src='signature.png' width='240'></p>"
                 if add_image(document, "signature.png", consent.rendering)
                 else f"<p><i>{escape(lines.no_signature)}</i></p>")
    voided = f" <b>{escape(lines.voided)}</b>" if lines.voided else ""
    document.setHtml(STYLE + (
        f"<h2>{escape(consent.title)}</h2><p><small>{escape(lines.version)}</small></p>{body}"
        f"<hr>{signature}<p>{escape(lines.signed)}{voided}</p>"
        f"<p><small>SHA-256 {escape(consent.sha256)}</small></p>"))
    write_document(document, path)
