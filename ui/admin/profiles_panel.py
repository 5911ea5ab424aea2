"""Import profiles: those shipped with LaserLog and those the clinic added for its own device
models. The clinic's are added, replaced by a newer file and retired here, never deleted."""

from pathlib import Path

from PySide6.QtWidgets import QWidget

from devices.importing.profile_library import (
    ListedProfile,
    add_profile,
    list_profiles,
    replace_profile,
)
from models.clinic import stored_profiles
from models.language import date_text
from models.values.rows import Actor
from ui.admin.record_list import RecordList
from ui.admin.retire_dialog import RetireDialog
from ui.language import tr, tr_noop
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets import file_dialogs

COLUMNS = [
    (tr_noop("Profile"), lambda p: p.name),
    (tr_noop("Device and export"), lambda p: p.title),
    (tr_noop("Format"), lambda p: p.format),
    (tr_noop("Origin"), lambda p: p.origin + (f", {date_text(p.added_at.astimezone().date())}"
                                              if p.added_at else "")),
    (tr_noop("State"), lambda p: p.state),
]
PROFILE_FILES = tr_noop("Import profiles (*.toml)")


class ProfilesPanel(RecordList):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(tasks, tr("How LaserLog reads each device model's export files. A "
                                   "profile the clinic added may be replaced by a newer file or "
                                   "retired; files imported with it keep what they imported."),
                         COLUMNS,
                         retired=lambda p: not p.active, key=lambda p: p.name, parent=parent)
        self.actor = actor
        self.profile_button = self.add_button(
            tr("Add import &profile…"), tr("Check a profile file (TOML) for a device model and "
                                           "make it available on every PC"), self._add)
        self.replace_button = self.add_button(
            tr("Re&place…"), tr("Replace the chosen profile with a newer file (a device's new "
                                "firmware exports differently)"), self._replace)
        self.retire_button = self.add_button(
            tr("Re&tire…"), tr("Stop offering the chosen profile; it stays on record"),
            self.retire)
        self.buttons.addStretch()
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)

    def refresh(self) -> None:
        self.tasks.read(list_profiles, self.actor).then(self.show_rows)

    def _add(self) -> None:
        path = file_dialogs.choose_file_to_open(self, tr("Import profile"), tr(PROFILE_FILES))
        if path is not None:
            self.add_profile(path)

    def add_profile(self, path: Path) -> None:
        self.tasks.run(add_profile, self.actor, path).then(
            lambda profile: self.said.emit(
                tr("Added import profile {name}; every PC can use it now.").format(
                    name=profile.name)),
            lambda error: self.said.emit(tr("Not added: {error}").format(error=error)))

    def _own(self, shipped: str) -> ListedProfile | None:
        """The clinic's own profile chosen; else None, and the status line says why (for one
        shipped with LaserLog, ``shipped``)."""
        profile: ListedProfile | None = self.chosen(tr("Choose a profile in the list first."))
        if profile is None:
            return None
        if profile.added_by is None:
            self.said.emit(shipped.format(name=profile.name))
            return None
        if not profile.active:
            self.said.emit(tr("{name} is retired; add it again under another name.").format(
                name=profile.name))
            return None
        return profile

    def _replace(self) -> None:
        profile = self._own(tr("{name} is shipped with LaserLog; only the clinic's own "
                               "profiles can be replaced."))
        if profile is None:
            return
        path = file_dialogs.choose_file_to_open(
            self, tr("Replace {name}").format(name=profile.name), tr(PROFILE_FILES))
        if path is not None:
            self.replace_profile(profile.name, path)

    def replace_profile(self, name: str, path: Path) -> None:
        self.tasks.run(replace_profile, self.actor, name, path).then(
            lambda profile: self.said.emit(
                tr("Replaced import profile {name} with {file}; every PC reads files with it "
                   "from now on.").format(name=name, file=path.name)),
            lambda error: self.said.emit(tr("Not replaced: {error}").format(error=error)))

    def retire(self) -> None:
        profile = self._own(tr("{name} is shipped with LaserLog; only the clinic's own "
                               "profiles can be retired."))
        if profile is None:
            return
        dialog = RetireDialog(
            self.tasks, tr("Retire the import profile {name}").format(name=profile.name),
            tr("{name} will no longer be offered when a file is imported. Sessions imported "
               "with it keep what was imported; it stays listed.").format(name=profile.name),
            (stored_profiles.retire_profile, (self.actor, profile.name)), self)
        dialog.saved.connect(lambda _result: self.said.emit(
            tr("Retired import profile {name}; it stays on record.").format(
                name=profile.name)))
        dialog.open()
        self.retire_dialog = dialog
