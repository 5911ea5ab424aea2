"""The printable aftercare sheet (a PDF from Qt's own writer) for the areas treated."""

from html import escape
from pathlib import Path

from models.workflow.aftercare import AftercareSheet


def aftercare_html(sheet: AftercareSheet) -> str:
    """The sheet: the clinic and how to reach it, the patient, the day, the advice."""
    clinic = [line for line in (sheet.clinic_name, sheet.clinic_address,
                                f"Phone {sheet.clinic_phone}" if sheet.clinic_phone else "")
              if line]
    header = f"<p>{'<br>'.join(escape(line) for line in clinic)}</p>" if clinic else ""
    sections = "".join(f"<h3>{escape(title)}</h3><p>{escape(text)}</p>"
                       for title, text in sheet.sections)
    call = (f"<p><b>Call us</b> on {escape(sheet.clinic_phone)} if blisters, spreading "
            "redness or pain appear.</p>" if sheet.clinic_phone else "")
    return (f"{header}<h2>Aftercare after your treatment</h2>"
            f"<p><b>{escape(sheet.patient)}</b> – treated on {sheet.given_on:%d %B %Y}: "
            f"{escape(', '.join(sheet.areas))}</p>{sections}{call}")


def write_aftercare_pdf(sheet: AftercareSheet, path: Path) -> None:
    from ui.widgets.pdf_writer import write_html_pdf

    write_html_pdf(f"Aftercare – {sheet.patient}", aftercare_html(sheet), path)
