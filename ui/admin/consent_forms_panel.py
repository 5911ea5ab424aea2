"""The clinic's consent forms: every version kept, the newest not retired in force. A new
wording is a new version (a text once signed never changes); retiring one stops it being
offered, and consents already signed for it stay valid until they lapse."""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.clinic import consent_forms
from models.clinic.consent_forms import ConsentDocumentRow
from models.values.rows import Actor
from ui.admin.record_list import RecordList
from ui.admin.retire_dialog import RetireDialog
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog, OperationCall
from ui.widgets.screen_fit import fit_to_screen


def _state(row: ConsentDocumentRow, in_force_id: int | None) -> str:
    if row.retired_at is not None:
        return f"Retired {row.retired_at.astimezone():%Y-%m-%d}"
    return "In force" if row.id == in_force_id else "Kept (a newer one is in force)"


class ConsentFormsPanel(RecordList):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        self.in_force_id: int | None = None
        columns = [
            ("Version", lambda r: r.version),
            ("Title", lambda r: r.title),
            ("Added", lambda r: f"{r.created_at.astimezone():%Y-%m-%d}"),
            ("State", lambda r: _state(r, self.in_force_id)),
        ]
        super().__init__(tasks, "Patients read the consent form in force and sign it on "
                         "screen. A new wording is a new version; a version is never changed.",
                         columns, retired=lambda r: r.retired_at is not None,
                         key=lambda r: r.id, parent=parent)
        self.actor = actor
        self.add_version_button = self.add_button(
            "&Add version…", "Keep a new wording: it is in force from now on", self.add)
        self.read_button = self.add_button(
            "&Read…", "The chosen version's text, as patients read it", self.read)
        self.retire_button = self.add_button(
            "Re&tire…", "Stop offering the chosen version", self.retire)
        self.buttons.addStretch()
        self.on_row_chosen(self.read)
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)

    def refresh(self) -> None:
        self.tasks.read(consent_forms.documents).then(self._show)

    def _show(self, rows: list[ConsentDocumentRow]) -> None:
        self.in_force_id = next((r.id for r in rows if r.retired_at is None), None)
        self.show_rows(rows)

    def add(self) -> None:
        dialog = ConsentVersionDialog(self.tasks, self.actor, self)
        dialog.saved.connect(lambda row: self.said.emit(
            f"Version {row.version} is in force: patients sign it from now on."))
        dialog.open()
        self.version_dialog = dialog

    def read(self) -> None:
        row: ConsentDocumentRow | None = self.chosen("a version")
        if row is None:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle(f"{row.title} (version {row.version})")
        text = QTextBrowser()
        text.setPlainText(row.body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        layout.addWidget(buttons)
        fit_to_screen(dialog, dialog.sizeHint().expandedTo(text.sizeHint()) * 1.5)
        dialog.open()
        self.read_dialog = dialog

    def retire(self) -> None:
        row: ConsentDocumentRow | None = self.chosen("a version")
        if row is None:
            return
        dialog = RetireDialog(
            self.tasks, f"consent version {row.version}",
            "Patients will no longer be offered this version; consents already signed for it "
            "stay valid until they lapse. It stays listed.",
            (consent_forms.retire_version, (self.actor, row.id)), self)
        dialog.saved.connect(lambda _r: self.said.emit(
            f"Retired consent version {row.version}."))
        dialog.open()
        self.retire_dialog = dialog


class ConsentVersionDialog(FormDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        self.version = QLineEdit(placeholderText="e.g. LST-2")
        self.version.setMaxLength(64)
        self.title = QLineEdit("Consent to laser skin-tightening treatment")
        self.title.setMaxLength(200)
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText("The whole text the patient reads and signs")
        self.body.setTabChangesFocus(True)
        self.body.setMinimumHeight(220)
        super().__init__(tasks, "A new consent version", [
            ("Version", "version", self.version), ("Title", "title", self.title),
            ("Text", "body", self.body)], parent,
            note="Patients sign the newest version from now on; a version is never changed.")
        self.actor = actor

    def values(self) -> OperationCall:
        return consent_forms.add_version, (self.actor, self.version.text(), self.title.text(),
                                           self.body.toPlainText())
