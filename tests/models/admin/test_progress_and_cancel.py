"""Backup, restore and verify say how far they have got, and stop when the person watching
cancels: a cancelled backup leaves no file, a cancelled restore changes nothing; once a
restore was confirmed it goes to its end."""

import pytest
from sqlalchemy import func, select

from models.admin.backup import COPYING, DUMPING, LOADING, REPLACING, backup, restore
from models.admin.integrity import CHECKING_CHAIN, CHECKING_CONTENT, verify
from models.admin.progress import Cancelled
from models.records.people import Patient


class Watcher:
    """Hears the progress; cancels at the first report of ``cancel_at``."""

    def __init__(self, cancel_at: str | None = None) -> None:
        self.heard: list[tuple[str, int, int]] = []
        self.cancel_at = cancel_at

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.heard.append((stage, done, total))
        if stage == self.cancel_at:
            raise Cancelled()

    def stages(self) -> list[str]:
        return list(dict.fromkeys(stage for stage, _done, _total in self.heard))


def patients(database) -> int:
    with database.read() as db:
        return db.scalar(select(func.count()).select_from(Patient))


def test_verify_reports_the_chain_and_the_sessions_and_can_be_stopped(database, admin):
    watcher = Watcher()
    result = verify(database, watcher)
    assert result.ok
    assert (CHECKING_CHAIN, result.events, result.events) in watcher.heard
    assert CHECKING_CONTENT in watcher.stages()
    with pytest.raises(Cancelled):
        verify(database, Watcher(cancel_at=CHECKING_CHAIN))


def test_a_cancelled_backup_leaves_no_file(database, admin, tmp_path):
    first = COPYING if database.is_sqlite else DUMPING
    folder = tmp_path / "backups"
    folder.mkdir()
    out = folder / "clinic.backup"
    with pytest.raises(Cancelled):
        backup(database, admin, out, Watcher(cancel_at=first))
    assert list(folder.iterdir()) == []
    watcher = Watcher()
    backup(database, admin, out, watcher)
    assert out.exists() and watcher.stages()[0] == first
    if database.is_sqlite:  # the copy, page by page, then the copy checked
        assert watcher.stages()[:2] == [COPYING, "Checking storage and guards"]
        copied = [(done, total) for stage, done, total in watcher.heard if stage == COPYING]
        assert copied[-1][0] == copied[-1][1] > 0


def test_a_restore_cancelled_while_the_backup_is_checked_changes_nothing(
        database, admin, register_patient, tmp_path):
    out = backup(database, admin, tmp_path / "clinic.backup")
    register_patient(admin)
    checking = CHECKING_CHAIN if database.is_sqlite else LOADING
    with pytest.raises(Cancelled):
        restore(database, admin, out, progress=Watcher(cancel_at=checking))
    assert patients(database) == 1

    # Confirmed, it goes to its end, whatever is asked after.
    asked: list[str] = []
    watcher = Watcher(cancel_at=REPLACING)
    restore(database, admin, out, confirm=lambda question: asked.append(question) or True,
            progress=watcher)
    assert patients(database) == 0 and len(asked) == 1
    assert "(1 sessions" not in asked[0] and "with the backup clinic.backup" in asked[0]
    assert REPLACING in watcher.stages() and watcher.heard[-1][0] == CHECKING_CONTENT
