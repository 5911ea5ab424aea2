"""The clinic's consent forms: every version kept, in each language the newest not retired in
force (the patient signs the one in their language). A new wording is a new version (a text
once signed never changes); retiring one stops it being offered, and consents already signed
for it stay valid until they lapse."""

from PySide6.QtWidgets import (
    QComboBox,
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
from models.language import available_languages, current, date_text, language_name
from models.values.rows import Actor
from ui.admin.record_list import RecordList
from ui.admin.retire_dialog import RetireDialog
from ui.language import tr, tr_noop
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog, OperationCall
from ui.widgets.screen_fit import fit_to_screen


def _state(row: ConsentDocumentRow, in_force: set[int]) -> str:
    if row.retired_at is not None:
        return tr("Retired {day}").format(day=date_text(row.retired_at.astimezone().date()))
    return tr("In force") if row.id in in_force else tr("Kept (a newer one is in force)")


class ConsentFormsPanel(RecordList):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        self.in_force: set[int] = set()  # the newest not retired of each language
        columns = [
            (tr_noop("Version"), lambda r: r.version),
            (tr_noop("Language"), lambda r: language_name(r.language)),
            (tr_noop("Title"), lambda r: r.title),
            (tr_noop("Added"), lambda r: date_text(r.created_at.astimezone().date())),
            (tr_noop("State"), lambda r: _state(r, self.in_force)),
        ]
        super().__init__(tasks, tr("Patients read the consent form in force and sign it on "
                                   "screen. A new wording is a new version; a version is never "
                                   "changed."),
                         columns, retired=lambda r: r.retired_at is not None,
                         key=lambda r: r.id, parent=parent)
        self.actor = actor
        self.add_version_button = self.add_button(
            tr("&Add version…"), tr("Keep a new wording: it is in force from now on"), self.add)
        self.read_button = self.add_button(
            tr("&Read…"), tr("The chosen version's text, as patients read it"), self.read)
        self.retire_button = self.add_button(
            tr("Re&tire…"), tr("Stop offering the chosen version"), self.retire)
        self.buttons.addStretch()
        self.on_row_chosen(self.read)
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)

    def refresh(self) -> None:
        self.tasks.read(consent_forms.documents).then(self._show)

    def _show(self, rows: list[ConsentDocumentRow]) -> None:
        newest: dict[str, int] = {}
        for row in rows:  # newest first
            if row.retired_at is None:
                newest.setdefault(row.language, row.id)
        self.in_force = set(newest.values())
        self.show_rows(rows)

    def add(self) -> None:
        dialog = ConsentVersionDialog(self.tasks, self.actor, self)
        dialog.saved.connect(lambda row: self.said.emit(
            tr("Version {version} is in force: patients reading {language} sign it from now "
               "on.").format(version=row.version, language=language_name(row.language))))
        dialog.open()
        self.version_dialog = dialog

    def read(self) -> None:
        row: ConsentDocumentRow | None = self.chosen(tr("Choose a version in the list first."))
        if row is None:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle(tr("{title} (version {version})").format(title=row.title,
                                                                       version=row.version))
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
        row: ConsentDocumentRow | None = self.chosen(tr("Choose a version in the list first."))
        if row is None:
            return
        dialog = RetireDialog(
            self.tasks, tr("Retire consent version {version}").format(version=row.version),
            tr("Patients will no longer be offered this version; consents already signed for it "
               "stay valid until they lapse. It stays listed."),
            (consent_forms.retire_version, (self.actor, row.id)), self)
        dialog.saved.connect(lambda _r: self.said.emit(
            tr("Retired consent version {version}.").format(version=row.version)))
        dialog.open()
        self.retire_dialog = dialog


class ConsentVersionDialog(FormDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        self.version = QLineEdit(placeholderText=tr("e.g. LST-2"))
        self.version.setMaxLength(64)
        self.title = QLineEdit()
        self.title.setMaxLength(200)
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText(tr("The whole text the patient reads and signs"))
        self.body.setTabChangesFocus(True)
        self.body.setMinimumHeight(220)
        self.language = QComboBox()
        for code in available_languages():
            self.language.addItem(language_name(code), code)
        self.language.setCurrentIndex(max(0, self.language.findData(current().language)))
        self.title.setText(consent_forms.default_title(self._language()))
        self.offered_title = self.title.text()
        self.language.currentIndexChanged.connect(self._title_in_language)
        super().__init__(tasks, tr("A new consent version"), [
            (tr("Version"), "version", self.version),
            (tr("Language"), "language", self.language), (tr("Title"), "title", self.title),
            (tr("Text"), "body", self.body)], parent,
            note=tr("Patients reading its language sign the newest version from now on; a "
                    "version is never changed."))
        self.actor = actor

    def _language(self) -> str:
        return str(self.language.currentData())

    def _title_in_language(self) -> None:
        """The default title follows the language chosen, unless one was typed."""
        if self.title.text() == self.offered_title:
            self.title.setText(consent_forms.default_title(self._language()))
            self.offered_title = self.title.text()

    def values(self) -> OperationCall:
        return consent_forms.add_version, (self.actor, self.version.text(), self.title.text(),
                                           self.body.toPlainText(), self._language())
