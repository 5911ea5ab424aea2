"""The standard poses of each area's photos, as the clinic keeps them: every photo is taken in
one, so a course's photos are compared pose by pose. Photos already taken keep their pose."""

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from models.clinic import photo_poses
from models.clinic.photo_poses import AreaPoses
from models.values.photo_poses import OTHER_POSE, default_poses
from models.values.rows import Actor
from models.values.vocabulary import Area
from ui.admin.record_list import RecordList
from ui.services.messages import Messages
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog, OperationCall

COLUMNS = [
    ("Area", lambda r: Area(r.area).label),
    ("List", lambda r: "Changed by the clinic" if r.changed else "LaserLog's default"),
    ("Poses, in the order they are taken", lambda r: " · ".join(r.poses)),  # the widest, last
]


class PhotoPosesPanel(RecordList):
    def __init__(self, tasks: TaskRunner, actor: Actor, messages: Messages,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, "Technicians take each photo in one of its area's standard "
                         f"poses, or \"{OTHER_POSE}\", which every area offers last. A changed "
                         "list is offered on every PC from the next session; photos already "
                         "taken keep their pose.", COLUMNS, key=lambda r: r.area,
                         parent=parent)
        self.actor, self.messages = actor, messages
        self.edit_button = self.add_button(
            "&Edit poses…", "Change the chosen area's poses, one per line", self.edit)
        self.default_button = self.add_button(
            "Back to &defaults", "Offer the chosen area's poses as LaserLog lists them",
            self.restore)
        self.buttons.addStretch()
        self.on_row_chosen(self.edit)
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)

    def refresh(self) -> None:
        self.tasks.read(photo_poses.area_poses).then(self.show_rows)

    def edit(self) -> None:
        row: AreaPoses | None = self.chosen("an area")
        if row is None:
            return
        dialog = PosesDialog(self.tasks, self.actor, row, self)
        dialog.saved.connect(lambda kept: self.said.emit(
            f"{Area(kept.area).label}: photos are taken as {', '.join(kept.poses)} or "
            f"{OTHER_POSE} from now on."))
        dialog.open()
        self.poses_dialog = dialog

    def restore(self) -> None:
        row: AreaPoses | None = self.chosen("an area")
        if row is None:
            return
        if not row.changed:
            self.said.emit(f"{Area(row.area).label} already has the default poses.")
            return
        defaults = ", ".join(default_poses()[row.area])
        if not self.messages.confirm(self, f"Offer {Area(row.area).label.lower()}'s poses as "
                                           f"LaserLog lists them ({defaults})? The clinic's "
                                           f"list ({', '.join(row.poses)}) stays in the audit "
                                           "trail only."):
            return
        self.tasks.write(photo_poses.change_poses, self.actor, row.area, None).then(
            lambda kept: self.said.emit(f"{Area(kept.area).label} has the default poses "
                                        f"again: {', '.join(kept.poses)}."), self.refused)


class PosesDialog(FormDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, row: AreaPoses,
                 parent: QWidget | None = None) -> None:
        self.poses = QPlainTextEdit("\n".join(row.poses))
        self.poses.setTabChangesFocus(True)
        self.poses.setMinimumHeight(200)
        super().__init__(tasks, f"Poses: {Area(row.area).label}",
                         [("Poses", "poses", self.poses)], parent,
                         note=f"One pose per line, in the order they are taken (at most "
                              f"{photo_poses.MOST_POSES}). \"{OTHER_POSE}\" is offered "
                              "after them without being listed.")
        self.actor, self.area = actor, row.area

    def values(self) -> OperationCall:
        return photo_poses.change_poses, (self.actor, self.area,
                                          self.poses.toPlainText().splitlines())
