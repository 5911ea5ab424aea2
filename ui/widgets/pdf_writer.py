"""PDF files from HTML with Qt's own PDF writer (A4, 15 mm margins), never left half-written."""

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from models.errors import LaserLogError
from models.storage.atomic_files import written_in_place_of

STYLE = "<style>body{font-family:sans-serif;font-size:9pt} th{text-align:left}</style>"


def write_document(document: QTextDocument, path: Path) -> None:
    with written_in_place_of(path) as partial:
        writer = QPdfWriter(str(partial))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
        writer.setTitle(document.metaInformation(QTextDocument.MetaInformation.DocumentTitle))
        writer.setCreator("LaserLog")
        document.print_(writer)
        del writer  # the file is complete once the writer is gone
        if not partial.exists() or partial.stat().st_size == 0:
            raise LaserLogError(f"Cannot write {path}")


def html_document(title: str, html: str) -> QTextDocument:
    document = QTextDocument()
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    document.setHtml(STYLE + html)
    return document


def write_html_pdf(title: str, html: str, path: Path) -> None:
    """A report of one page of HTML (an incident report, an aftercare sheet)."""
    write_document(html_document(title, html), path)
