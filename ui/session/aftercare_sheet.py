"""The printable aftercare sheet (a PDF from Qt's own writer) for the areas treated."""

from html import escape
from pathlib import Path

from models.workflow.aftercare import AftercareSheet


def aftercare_html(sheet: AftercareSheet, clinic: str = "") -> str:
    header = f"<p>{escape(clinic)}</p>" if clinic else ""
    sections = "".join(f"<h3>{escape(title)}</h3><p>{escape(text)}</p>"
                       for title, text in sheet.sections)
    return (f"<h2>Aftercare after your treatment</h2>{header}"
            f"<p><b>{escape(sheet.patient)}</b> – treated: "
            f"{escape(', '.join(sheet.areas))}</p>{sections}")


def write_aftercare_pdf(sheet: AftercareSheet, path: Path) -> None:
    from ui.widgets.pdf_writer import write_html_pdf

    write_html_pdf(f"Aftercare – {sheet.patient}", aftercare_html(sheet), path)
