"""What an idle window shows instead of patient data: who it is locked for, and a password.

The same person unlocks with their password. Someone else may sign in here to take the PC
over; the open draft was saved before the screen locked, so nothing typed is lost.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from models.values.rows import Actor
from ui.language import tr
from ui.widgets.field_error import FieldError


class LockScreen(QWidget):
    """Signals:
    unlock_requested(str, str): the user name and password typed.
    """

    unlock_requested = Signal(str, str)

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        title = QLabel(tr("LaserLog is locked.\n\nLocked for {name}; the open session was "
                          "saved.").format(name=actor.full_name))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setObjectName("lockTitle")
        self.username = QLineEdit(actor.username)
        self.username.setAccessibleName(tr("User name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(tr("Password"))
        self.error = FieldError(self.password)
        self.unlock_button = QPushButton(tr("&Unlock"))
        self.unlock_button.setDefault(True)
        hint = QLabel(tr("Someone else can sign in here to take over this PC."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("User name"), self.username)
        form.addRow(tr("Password"), self.password)
        form.addRow("", self.error)
        form.addRow("", self.unlock_button)
        form.addRow("", hint)
        box = QWidget()
        box.setLayout(form)
        box.setMaximumWidth(420)
        layout = QVBoxLayout(self)
        layout.addStretch()
        layout.addWidget(title)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch()
        self.unlock_button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        self.error.show_problem(None)
        self.unlock_requested.emit(self.username.text(), self.password.text())

    def prepare(self) -> None:
        self.username.setText(self.actor.username)
        self.password.clear()
        self.error.show_problem(None)
        self.password.setFocus()
