"""The printable aftercare sheet (a PDF from Qt's own writer) for the areas treated, every
text of it in the patient's language (``models.workflow.aftercare``)."""

from html import escape
from pathlib import Path

from models.workflow.aftercare import AftercareSheet


def aftercare_html(sheet: AftercareSheet) -> str:
    """The sheet: the clinic and how to reach it, the patient, the day, the advice."""
    clinic = [line for line in (sheet.clinic_name, sheet.clinic_address, sheet.phone_line)
              if line]
    header = f"<p>{'<br>'.join(escape(line) for line in clinic)}</p>" if clinic else ""
    sections = "".join(f"<h3>{escape(title)}</h3><p>{escape(text)}</p>"
                       for title, text in sheet.sections)
    call = f"<p><b>{escape(sheet.call)}</b></p>" if sheet.call else ""
    return (f"{header}<h2>{escape(sheet.heading)}</h2>"
            f"<p><b>{escape(sheet.patient)}</b> – {escape(sheet.treated)}</p>{sections}{call}")


def write_aftercare_pdf(sheet: AftercareSheet, path: Path) -> None:
    from ui.widgets.pdf_writer import write_html_pdf

    write_html_pdf(sheet.title, aftercare_html(sheet), path)
