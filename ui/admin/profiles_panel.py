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
from models.values.rows import Actor
from ui.admin.record_list import RecordList
from ui.admin.retire_dialog import RetireDialog
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets import file_dialogs

COLUMNS = [
    ("Profile", lambda p: p.name),
    ("Device and export", lambda p: p.title),
    ("Format", lambda p: p.format),
    ("Origin", lambda p: p.origin + (f", {p.added_at.astimezone():%Y-%m-%d}"
                                     if p.added_at else "")),
    ("State", lambda p: p.state),
]
PROFILE_FILES = "Import profiles (*.toml)"


class ProfilesPanel(RecordList):
    def __init__(self, tasks: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(tasks, "How LaserLog reads each device model's export files. A profile "
                         "the clinic added may be replaced by a newer file or retired; files "
                         "imported with it keep what they imported.", COLUMNS,
                         retired=lambda p: not p.active, key=lambda p: p.name, parent=parent)
        self.actor = actor
        self.profile_button = self.add_button(
            "Add import &profile…", "Check a profile file (TOML) for a device model and make it "
            "available on every PC", self._add)
        self.replace_button = self.add_button(
            "Re&place…", "Replace the chosen profile with a newer file (a device's new "
            "firmware exports differently)", self._replace)
        self.retire_button = self.add_button(
            "Re&tire…", "Stop offering the chosen profile; it stays on record", self.retire)
        self.buttons.addStretch()
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)

    def refresh(self) -> None:
        self.tasks.read(list_profiles, self.actor).then(self.show_rows)

    def _add(self) -> None:
        path = file_dialogs.choose_file_to_open(self, "Import profile", PROFILE_FILES)
        if path is not None:
            self.add_profile(path)

    def add_profile(self, path: Path) -> None:
        self.tasks.run(add_profile, self.actor, path).then(
            lambda profile: self.said.emit(
                f"Added import profile {profile.name}; every PC can use it now."),
            lambda error: self.said.emit(f"Not added: {error}"))

    def _own(self, verb: str) -> ListedProfile | None:
        profile: ListedProfile | None = self.chosen("a profile")
        if profile is None:
            return None
        if profile.added_by is None:
            self.said.emit(f"{profile.name} is shipped with LaserLog; only the clinic's own "
                           f"profiles can be {verb}.")
            return None
        if not profile.active:
            self.said.emit(f"{profile.name} is retired; add it again under another name.")
            return None
        return profile

    def _replace(self) -> None:
        profile = self._own("replaced")
        if profile is None:
            return
        path = file_dialogs.choose_file_to_open(self, f"Replace {profile.name}", PROFILE_FILES)
        if path is not None:
            self.replace_profile(profile.name, path)

    def replace_profile(self, name: str, path: Path) -> None:
        self.tasks.run(replace_profile, self.actor, name, path).then(
            lambda profile: self.said.emit(
                f"Replaced import profile {name} with {path.name}; every PC reads files with "
                "it from now on."),
            lambda error: self.said.emit(f"Not replaced: {error}"))

    def retire(self) -> None:
        profile = self._own("retired")
        if profile is None:
            return
        dialog = RetireDialog(
            self.tasks, f"the import profile {profile.name}",
            f"{profile.name} will no longer be offered when a file is imported. Sessions "
            "imported with it keep what was imported; it stays listed.",
            (stored_profiles.retire_profile, (self.actor, profile.name)), self)
        dialog.saved.connect(lambda _result: self.said.emit(
            f"Retired import profile {profile.name}; it stays on record."))
        dialog.open()
        self.retire_dialog = dialog
