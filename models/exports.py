"""Writing an export file: the sessions a filter finds, as CSV or a FHIR Bundle.

The file is written under a temporary name and renamed when complete, so a failed export
leaves nothing behind and never a half file under the name asked for.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session

from models.database import Database
from models.errors import LaserLogError
from models.export_csv import write_sessions_csv
from models.export_fhir import write_fhir_bundle
from models.history import NO_FILTER
from models.history_filter import HistoryFilter
from models.rows import Actor

Writer = Callable[[Session, TextIO, HistoryFilter, Actor | None], int]
WRITERS: dict[str, Writer] = {"csv": write_sessions_csv, "fhir": write_fhir_bundle}


def export_sessions(database: Database, path: Path, file_format: str,
                    filters: HistoryFilter = NO_FILTER, actor: Actor | None = None) -> int:
    """Write the export to ``path``; return how many sessions it holds."""
    if not path.parent.is_dir():
        raise LaserLogError(f"Cannot write {path}: the folder {path.parent} does not exist")
    partial = path.with_name(path.name + ".part")
    try:
        with database.read() as db, partial.open("w", encoding="utf-8", newline="") as handle:
            count = WRITERS[file_format](db, handle, filters, actor)
        partial.replace(path)
    except OSError as error:
        raise LaserLogError(f"Cannot write {path}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return count
