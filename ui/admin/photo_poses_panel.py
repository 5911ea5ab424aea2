"""The standard poses of each area's photos, as the clinic keeps them: every photo is taken in
one, so a course's photos are compared pose by pose. Photos already taken keep their pose."""

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from models.clinic import photo_poses
from models.clinic.photo_poses import AreaPoses
from models.values.photo_poses import OTHER_POSE, default_poses
from models.values.rows import Actor
from models.values.vocabulary import Area
from ui.admin.record_list import RecordList
from ui.language import tr, tr_noop
from ui.services.messages import Messages
from ui.services.screen_refresh import follow_changes
from ui.services.tasks import TaskRunner
from ui.widgets.form_dialog import FormDialog, OperationCall

COLUMNS = [
    (tr_noop("Area"), lambda r: Area(r.area).label),
    (tr_noop("List"), lambda r: tr("Changed by the clinic") if r.changed else
     tr("LaserLog's default")),
    (tr_noop("Poses, in the order they are taken"), lambda r: " · ".join(r.poses)),  # widest last
]


class PhotoPosesPanel(RecordList):
    def __init__(self, tasks: TaskRunner, actor: Actor, messages: Messages,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, tr("Technicians take each photo in one of its area's standard "
                                   "poses, or \"{other}\", which every area offers last. A "
                                   "changed list is offered on every PC from the next session; "
                                   "photos already taken keep their pose.").format(
                                       other=OTHER_POSE), COLUMNS, key=lambda r: r.area,
                         parent=parent)
        self.actor, self.messages = actor, messages
        self.edit_button = self.add_button(
            tr("&Edit poses…"), tr("Change the chosen area's poses, one per line"), self.edit)
        self.default_button = self.add_button(
            tr("Back to &defaults"), tr("Offer the chosen area's poses as LaserLog lists them"),
            self.restore)
        self.buttons.addStretch()
        self.on_row_chosen(self.edit)
        follow_changes(self, tasks, self.refresh, load_when_first_shown=True)

    def refresh(self) -> None:
        self.tasks.read(photo_poses.area_poses).then(self.show_rows)

    def edit(self) -> None:
        row: AreaPoses | None = self.chosen(tr("Choose an area in the list first."))
        if row is None:
            return
        dialog = PosesDialog(self.tasks, self.actor, row, self)
        dialog.saved.connect(lambda kept: self.said.emit(
            tr("{area}: photos are taken as {poses} or {other} from now on.").format(
                area=Area(kept.area).label, poses=", ".join(kept.poses), other=OTHER_POSE)))
        dialog.open()
        self.poses_dialog = dialog

    def restore(self) -> None:
        row: AreaPoses | None = self.chosen(tr("Choose an area in the list first."))
        if row is None:
            return
        area = Area(row.area).label
        if not row.changed:
            self.said.emit(tr("{area} already has the default poses.").format(area=area))
            return
        if not self.messages.confirm(self, tr(
                "Offer the poses for {area} as LaserLog lists them ({defaults})? The clinic's "
                "list ({poses}) stays in the audit trail only.").format(
                    area=area, defaults=", ".join(default_poses()[row.area]),
                    poses=", ".join(row.poses))):
            return
        self.tasks.write(photo_poses.change_poses, self.actor, row.area, None).then(
            lambda kept: self.said.emit(tr("{area} has the default poses again: {poses}."
                                           ).format(area=Area(kept.area).label,
                                                    poses=", ".join(kept.poses))),
            self.refused)


class PosesDialog(FormDialog):
    def __init__(self, tasks: TaskRunner, actor: Actor, row: AreaPoses,
                 parent: QWidget | None = None) -> None:
        self.poses = QPlainTextEdit("\n".join(row.poses))
        self.poses.setTabChangesFocus(True)
        self.poses.setMinimumHeight(200)
        super().__init__(tasks, tr("Poses: {area}").format(area=Area(row.area).label),
                         [(tr("Poses"), "poses", self.poses)], parent,
                         note=tr("One pose per line, in the order they are taken (at most "
                                 "{most}). \"{other}\" is offered after them without being "
                                 "listed.").format(most=photo_poses.MOST_POSES,
                                                   other=OTHER_POSE))
        self.actor, self.area = actor, row.area

    def values(self) -> OperationCall:
        return photo_poses.change_poses, (self.actor, self.area,
                                          self.poses.toPlainText().splitlines())
