"""Opening the database behind the sign-in dialog: what the dialog does not need (SQLAlchemy,
the schema check, the main window's modules) loads on a thread of its own while it is shown.
"""

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.storage.database import Database


class Opening:
    """The database at ``url`` opened (its schema brought up to date), whether it has any
    user yet, and the main window's modules imported, on a thread of its own.

    Nothing here touches a widget: the GUI thread asks ``done`` and then reads ``database``,
    ``empty`` and ``error`` (the failure to show, or a bug to raise).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.database: Database | None = None
        self.empty = False
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="laserlog-opening")

    def start(self) -> None:
        self._thread.start()

    @property
    def done(self) -> bool:
        return self._thread.ident is not None and not self._thread.is_alive()

    def wait(self) -> None:
        """Until it is done (a migration is never cut short)."""
        if self._thread.ident is not None:
            self._thread.join()

    def _run(self) -> None:
        try:
            from models.access import accounts
            from models.storage import schema

            database, _backup = schema.open_current(self.url)
            try:
                with database.read() as db:
                    self.empty = accounts.count_users(db) == 0
            except BaseException:
                database.dispose()
                raise
            self.database = database
            # Imported ahead, while the password is typed: the window opens sooner.
            import ui.shell.main_window  # noqa: F401
        except BaseException as error:  # handed to the GUI thread
            self.error = error
