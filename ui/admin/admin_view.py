"""The administrator's screen: staff accounts, the device register, tips, test-patch rules,
import profiles, and backups, each a list of its own; the clinic's settings; and one status
line saying what was just done.

Administrators see no patient data; what they can do here is what their role allows. Nothing
listed here is ever deleted: what is retired stays on record.
"""

from pathlib import Path

from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.clinic import clinic_settings
from models.clinic.clinic_settings import ClinicRules
from models.values.rows import Actor
from ui.admin.account_dialogs import AddUserDialog
from ui.admin.backups_panel import BackupsPanel
from ui.admin.consent_forms_panel import ConsentFormsPanel
from ui.admin.devices_panel import DevicesPanel
from ui.admin.patch_rules_panel import PatchRulesPanel
from ui.admin.photo_poses_panel import PhotoPosesPanel
from ui.admin.profiles_panel import ProfilesPanel
from ui.admin.staff_dialogs import (
    CertificationDialog,
    ClinicSettingsDialog,
    TestPatchRuleDialog,
    TipDialog,
)
from ui.admin.staff_panel import StaffPanel
from ui.admin.tips_panel import TipsPanel
from ui.language import tr
from ui.services.messages import Messages
from ui.services.tasks import TaskRunner


class AdminView(QWidget):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None,
                 messages: Messages | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor = tasks, actor
        self.staff = StaffPanel(tasks, actor)
        self.devices = DevicesPanel(tasks, actor)
        self.tips = TipsPanel(tasks, actor)
        self.rules = PatchRulesPanel(tasks, actor)
        self.profiles = ProfilesPanel(tasks, actor)
        self.consents = ConsentFormsPanel(tasks, actor)
        messages = messages or Messages()
        self.poses = PhotoPosesPanel(tasks, actor, messages)
        self.backups = BackupsPanel(tasks, actor, messages)
        self.sections = QTabWidget()
        for panel, title in ((self.staff, tr("&Staff")), (self.devices, tr("De&vices")),
                             (self.tips, tr("Ti&ps")), (self.rules, tr("Test patch ru&les")),
                             (self.profiles, tr("Import pr&ofiles")),
                             (self.consents, tr("Co&nsent forms")),
                             (self.poses, tr("Photo pos&es")),
                             (self.backups, tr("Backups and &checks"))):
            self.sections.addTab(panel, title)
            panel.said.connect(self.say)
        self.settings_button = QPushButton(tr("Clinic &settings…"))
        self.settings_button.setToolTip(tr("The clinic's name, address and phone, the consent "
                                           "period, photo rules, the change limit, late "
                                           "entries, the incident due time and the course plan: "
                                           "the same on every PC"))
        self.settings_button.clicked.connect(lambda: self.tasks.read(
            clinic_settings.rules).then(self._change_settings))
        self.sections.setCornerWidget(self.settings_button)
        self.message = QLabel()
        self.message.setObjectName("formStatus")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sections, 1)
        layout.addWidget(self.message)

    def say(self, text: str) -> None:
        """The status line: what was just done, or why it was not."""
        self.message.setText(text)
        self.message.setToolTip(text)

    def refresh(self) -> None:
        self.staff.refresh()

    def _change_settings(self, current: ClinicRules) -> None:
        dialog = ClinicSettingsDialog(self.tasks, self.actor, current, self)
        dialog.saved.connect(lambda _rules: self.say(
            tr("Clinic settings saved; every PC works to them from the next session.")))
        dialog.open()
        self.settings_dialog = dialog

    # --- the lists' widgets by the names they had when all were on one page ---------------
    @property
    def users(self) -> QTableWidget:
        return self.staff.users

    @property
    def add_button(self) -> QPushButton:
        return self.staff.add_button

    @property
    def disable_button(self) -> QPushButton:
        return self.staff.disable_button

    @property
    def unlock_button(self) -> QPushButton:
        return self.staff.unlock_button

    @property
    def certify_button(self) -> QPushButton:
        return self.staff.certify_button

    @property
    def device_button(self) -> QPushButton:
        return self.devices.register_button

    @property
    def tip_button(self) -> QPushButton:
        return self.devices.tip_button

    @property
    def patch_rule_button(self) -> QPushButton:
        return self.rules.add_rule_button

    @property
    def profile_button(self) -> QPushButton:
        return self.profiles.profile_button

    @property
    def add_dialog(self) -> AddUserDialog:
        return self.staff.add_dialog

    @property
    def certify_dialog(self) -> CertificationDialog:
        return self.staff.certify_dialog

    @property
    def tip_dialog(self) -> TipDialog:
        return self.devices.tip_dialog

    @property
    def rule_dialog(self) -> TestPatchRuleDialog:
        return self.rules.rule_dialog

    def add_profile(self, path: Path) -> None:
        self.profiles.add_profile(path)
