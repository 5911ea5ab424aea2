"""One incident, read: the report (or that none is filed yet), who filed it and when, the
session it happened in and its follow-ups; filed or saved as a PDF from here."""

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from models.workflow.incidents import IncidentReport
from ui.language import tr
from ui.oversight.incident_report import incident_html, title_of
from ui.widgets.screen_fit import fit_to_screen


class IncidentDialog(QDialog):
    """Signals:
    file_requested(object): the ``IncidentRow`` of the open incident to file.
    pdf_requested(object): the ``IncidentReport`` shown, to save as a PDF.
    """

    file_requested = Signal(object)
    pdf_requested = Signal(object)
    WANTED = QSize(820, 700)

    def __init__(self, report: IncidentReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName(tr("Incident report"))
        self.browser.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.file_button = buttons.addButton(tr("File the &incident…"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.pdf_button = buttons.addButton(tr("Save as &PDF…"),
                                            QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.file_button.clicked.connect(
            lambda: self.file_requested.emit(self.report.incident))
        self.pdf_button.clicked.connect(lambda: self.pdf_requested.emit(self.report))
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.show_report(report)
        fit_to_screen(self, self.WANTED)

    def show_report(self, report: IncidentReport) -> None:
        """Show the incident as it now is (after it was filed, say)."""
        self.report = report
        self.setWindowTitle(f"{title_of(report)} – {report.incident.patient}")
        self.browser.setHtml(incident_html(report))
        self.file_button.setVisible(report.incident.filed_at is None)
