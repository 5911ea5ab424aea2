"""When the database cannot be opened: say which and why, and let the user pick another."""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.storage.preferences import default_url
from ui.language import tr
from ui.widgets.file_dialogs import choose_file_to_save

SQLITE = "sqlite:///"  # a database file's URL is this and its path
DEFAULT_FILE = "laserlog.db"


class DatabaseDialog(QDialog):
    """Shows the failure and returns the URL to try next (``url``) when accepted."""

    def __init__(self, message: str, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("LaserLog – database"))
        self.message = QLabel(message)
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.url_field = QLineEdit(url)
        self.url_field.setAccessibleName(tr("Database URL"))
        browse = QPushButton(tr("&Choose SQLite file…"))
        default = QPushButton(tr("Use this &PC's database"))
        row = QHBoxLayout()
        row.addWidget(browse)
        row.addWidget(default)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Retry
                                   | QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Retry).setText(tr("&Open"))
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("&Quit"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(tr("Database to open (sqlite:///PATH or "
                                   "postgresql://USER:PASSWORD@HOST/NAME):")))
        layout.addWidget(self.url_field)
        layout.addLayout(row)
        layout.addWidget(buttons)
        browse.clicked.connect(self._browse)
        default.clicked.connect(lambda: self.url_field.setText(default_url()))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.resize(620, 220)

    @property
    def url(self) -> str:
        return self.url_field.text().strip()

    def _browse(self) -> None:
        path, _filter = choose_file_to_save(
            self, tr("SQLite database file"), DEFAULT_FILE,
            tr("LaserLog database (*.db);;All files (*)"), confirm_overwrite=False)
        if path is not None:
            self.url_field.setText(SQLITE + str(path))
