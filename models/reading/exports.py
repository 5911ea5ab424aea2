"""Writing an export file: the sessions a filter finds, as CSV or a FHIR Bundle.

The file is written under a temporary name and renamed when complete
(``files.written_in_place_of``), so a failed export leaves nothing behind. Every export,
of any format, from the GUI or the command line, is recorded as a disclosure: who, when,
which format, which filters, how many sessions, to which file.
"""

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.permissions import Action, require
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
                    filters: HistoryFilter = NO_FILTER, *, actor: Actor) -> int:
    """Write the export to ``path``, record the disclosure; return how many sessions it
    holds."""
    with database.read() as db:
        require(actor, Action.VIEW_OWN_PATIENTS_SESSIONS, "export")
    with (written_in_place_of(path) as partial, database.read() as db,
          partial.open("w", encoding="utf-8", newline="") as handle):
        count = WRITERS[file_format](db, handle, filters, actor)
    with database.write() as db:
        record_export(db, actor, file_format, filters, count, path)
    return count


def record_export(db: Session, actor: Actor, file_format: str, filters: HistoryFilter,
                  count: int, path: Path) -> None:
    """The clinic's record of a disclosure (also for the PDF summary, drawn by the GUI)."""
    chosen = {key: value for key, value in asdict(filters).items()
              if value not in (None, False, "")}
    audit_chain.record(db, actor_id=actor.id, action="export", entity="export",
                       entity_id=file_format,
                       new={"format": file_format, "filters": chosen, "sessions": count,
                            "file": str(path)})
