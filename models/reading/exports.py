"""Writing an export file: the sessions a filter finds, as CSV or a FHIR Bundle.

The file is written under a temporary name and renamed when complete
(``files.written_in_place_of``), so a failed export leaves nothing behind.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session

from models.reading.export_csv import write_sessions_csv
from models.reading.export_fhir import write_fhir_bundle
from models.reading.history import NO_FILTER
from models.reading.history_filter import HistoryFilter
from models.storage.atomic_files import written_in_place_of
from models.storage.database import Database
from models.values.rows import Actor

Writer = Callable[[Session, TextIO, HistoryFilter, Actor | None], int]
WRITERS: dict[str, Writer] = {"csv": write_sessions_csv, "fhir": write_fhir_bundle}


def export_sessions(database: Database, path: Path, file_format: str,
                    filters: HistoryFilter = NO_FILTER, actor: Actor | None = None) -> int:
    """Write the export to ``path``; return how many sessions it holds."""
    with (written_in_place_of(path) as partial, database.read() as db,
          partial.open("w", encoding="utf-8", newline="") as handle):
        return WRITERS[file_format](db, handle, filters, actor)
