"""Import a device export file: read, check, and record it, all of it or nothing.

The whole file goes through in one write transaction. Every problem found is listed with
its line (or record, or element) number; if there is any, the transaction is rolled back
and the database is exactly as before. A dry run reads and checks the same way and writes
nothing.

A file that seems cut off (copied while the device was still writing it, or not to the end)
is one of those problems, unless the technician confirms it (``accept_cut_off``): then what
is complete is imported and the incomplete end left out. Either way ``ImportResult.cut_off``
(or ``ImportFailed.cut_off``) says where it ends, for the import window and the command line
to say so.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from uuid import UUID

from sqlalchemy.orm import Session

from devices.importing.contract import ImportCancelled, ImportFailed, Problem, PulseReading
from devices.importing.export_file import FileAdapter, detect_profile, file_sha256, open_export
from devices.importing.profile_library import clinic_profiles
from devices.importing.profiles import Profile
from devices.importing.readers import MAX_FILE_BYTES
from devices.importing.traces import TraceBuffer, is_stray
from models.access import audit_chain
from models.errors import DatabaseUnavailable, LaserLogError, RecordedFailure, one_line
from models.language import _
from models.records.equipment import Device
from models.storage.database import Database
from models.values.rows import Actor
from models.values.session_input import AreaInput, PassSettings
from models.values.vocabulary import ParameterSource
from models.workflow import import_recording

_CHECK_EVERY = 4096  # rows between progress reports and cancel checks


@dataclass(frozen=True)
class ImportedSession:
    device_session: str
    patient: str | None
    started_at: datetime
    areas: tuple[str, ...]
    pulses: int
    flagged_pulses: int
    session_uuid: UUID | None  # None in a dry run


@dataclass(frozen=True)
class ImportResult:
    file_name: str
    sha256: str
    profile: str
    rows: int
    sessions: tuple[ImportedSession, ...]
    flagged_pulses: int
    dry_run: bool
    problems: tuple[Problem, ...] = ()  # a dry run lists them instead of failing
    problem_count: int = 0
    cut_off: Problem | None = None  # where the file seems cut off (a problem unless accepted)


@dataclass
class _Session:
    """One device session being assembled from its pulses."""

    reference: str
    patient: str | None
    first: datetime
    last: datetime
    session_id: int | None = None
    passes: dict[tuple[str, int], tuple[float | None, ...]] = field(default_factory=dict)
    pulses_by_area: dict[str, int] = field(default_factory=dict)
    traces: TraceBuffer = field(default_factory=TraceBuffer)
    pulses: int = 0
    flagged: int = 0


class _Import:
    def __init__(self, db: Session, actor: Actor, adapter: FileAdapter, *, sha256: str,
                 target: UUID | None, room: str, dry_run: bool) -> None:
        self.db, self.actor, self.adapter = db, actor, adapter
        self.target, self.room, self.dry_run, self.sha256 = target, room, dry_run, sha256
        self.sessions: dict[str, _Session] = {}
        self.batch_id: int | None = None
        self.filled: set[int] = set()  # the drafts this file's sessions fill
        self.device: Device | None = None
        keys = adapter.setting_keys
        self.setting_keys = keys
        self.trace_keys = adapter.trace_keys
        self.delivered = [(self.trace_keys.index(t), keys.index(s))
                          for t, s in (("delivered_fluence_j_cm2", "fluence_j_cm2"),
                                       ("delivered_energy_j", "energy_j"))
                          if t in self.trace_keys and s in keys]
        self.skin = (self.trace_keys.index("skin_temperature_c")
                     if "skin_temperature_c" in self.trace_keys else None)

    def problem(self, reading: PulseReading, message: str) -> None:
        self.adapter.at(reading.number, message)

    # --- the device and the session a pulse belongs to --------------------------------------
    def _start(self, reading: PulseReading) -> bool:
        db = self.db
        try:
            self.device = import_recording.device_by_serial(db, reading.serial)
            if not self.dry_run:
                self.batch_id = import_recording.begin_batch(
                    db, self.actor, file_name=self.adapter.path.name, sha256=self.sha256,
                    profile=self.adapter.profile.name, device_id=self.device.id)
        except LaserLogError as error:
            self.problem(reading, str(error))
            return False
        return True

    def session_of(self, reading: PulseReading) -> _Session | None:
        found = self.sessions.get(reading.session)
        if found is not None:
            return found
        if self.device is None and not self._start(reading):
            raise ImportFailed(self.adapter.problems, self.adapter.problem_count,
                               self.adapter.cut_off)
        if self.target is not None and self.sessions:
            self.problem(reading, _("The file holds more than one session; import it without "
                                    "choosing a session, or export one session at a time"))
            raise ImportFailed(self.adapter.problems, self.adapter.problem_count,
                               self.adapter.cut_off)
        assembly = _Session(reading.session, reading.patient, reading.time, reading.time)
        try:
            assert self.device is not None
            if self.target is not None:
                session_id: int | None = import_recording.target_session(
                    self.db, self.actor, self.target, self.device)
            else:
                if not reading.patient:
                    raise LaserLogError(_("The pulse names no patient; choose the session "
                                          "to import into"))
                patient = import_recording.patient_by_identifier(self.db, reading.patient)
                session_id = None if self.dry_run else import_recording.new_session(
                    self.db, self.actor, patient, self.device, reading.time, self.room,
                    self.filled)
            assembly.session_id = session_id
            if session_id is not None:
                self.filled.add(session_id)
        except LaserLogError as error:
            self.problem(reading, str(error))
        self.sessions[reading.session] = assembly
        return assembly

    # --- pulses -----------------------------------------------------------------------------
    def add(self, reading: PulseReading) -> None:
        assembly = self.session_of(reading)
        assert assembly is not None
        key = (reading.area, reading.pass_number)
        if key not in assembly.passes:
            assembly.passes[key] = reading.settings
        assembly.pulses_by_area[reading.area] = assembly.pulses_by_area.get(reading.area, 0) + 1
        if reading.time < assembly.first:
            self.problem(reading, _("This pulse is earlier than the session's first pulse; "
                                    "the file's pulses are out of order"))
        assembly.last = reading.time
        traces = reading.traces
        assembly.flagged += is_stray(
            ((traces[t], reading.settings[s]) for t, s in self.delivered),
            None if self.skin is None else traces[self.skin])
        assembly.traces.append((reading.time - assembly.first).total_seconds(),
                               zip(self.trace_keys, traces, strict=True))
        assembly.pulses += 1
        if assembly.traces.full:
            self.flush(assembly)

    def flush(self, assembly: _Session) -> None:
        """Store the pulses gathered since the last chunk, one row per channel measured."""
        chunks = assembly.traces.take()
        if assembly.session_id is not None and not self.dry_run:
            import_recording.add_traces(self.db, assembly.session_id, self.batch_id, chunks)

    def finish(self) -> tuple[ImportedSession, ...]:
        done = []
        for assembly in self.sessions.values():
            self.flush(assembly)
            areas = self._areas(assembly)
            duration = max(60, round((assembly.last - assembly.first).total_seconds()))
            if not self.dry_run and assembly.session_id is not None:
                try:
                    import_recording.fill_session(
                        self.db, self.actor, assembly.session_id, self.batch_id,
                        device_session=assembly.reference, areas=areas, duration_s=duration,
                        pulses=assembly.pulses, flagged=assembly.flagged)
                except LaserLogError as error:
                    self.adapter.problem(_("session {reference}").format(
                        reference=assembly.reference), str(error))
            done.append(ImportedSession(
                assembly.reference, assembly.patient, assembly.first,
                tuple(a.area for a in areas), assembly.pulses, assembly.flagged,
                None if self.dry_run or assembly.session_id is None
                else import_recording.session_uuid(self.db, assembly.session_id)))
        return tuple(done)

    def _areas(self, assembly: _Session) -> list[AreaInput]:
        areas = []
        for area, count in assembly.pulses_by_area.items():
            passes = sorted((number, settings) for (a, number), settings
                            in assembly.passes.items() if a == area)
            per_pass = tuple(
                PassSettings(number, dict(zip(self.setting_keys, settings, strict=True)))
                for number, settings in passes
            )
            areas.append(AreaInput(
                area=area, settings=per_pass[0].settings, pulses=count,
                passes=max(number for number, _settings in passes),
                source=ParameterSource.IMPORT,
                per_pass=per_pass, import_batch_id=self.batch_id,
            ))
        return areas


def _import_file(
    database: Database,
    actor: Actor,
    path: Path,
    profile: Profile | None = None,
    *,
    session_uuid: UUID | None = None,
    dry_run: bool = False,
    room: str = "",
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    accept_cut_off: bool = False,
) -> ImportResult:
    """Import ``path`` (profile detected when not given). Raises ``ImportFailed`` listing
    every problem, with nothing written; a dry run returns the problems instead.

    ``accept_cut_off`` is the technician's word that a file which seems cut off may be
    imported without its incomplete end."""
    open_export(path, max_bytes).close()
    if profile is None:
        with database.read() as db:
            profile = detect_profile(path, clinic_profiles(db))
    sha256 = file_sha256(path)
    adapter = FileAdapter(path, profile, max_bytes, accept_cut_off=accept_cut_off)
    with database.read() if dry_run else database.write() as db:
        work = _Import(db, actor, adapter, sha256=sha256, target=session_uuid, room=room,
                       dry_run=dry_run)
        try:
            import_recording.refuse_if_imported(db, sha256, path.name)
        except LaserLogError as error:
            if not dry_run:
                raise
            adapter.problem("", str(error))
        try:
            for reading in adapter.readings():
                work.add(reading)
                if adapter.rows % _CHECK_EVERY == 0:
                    if progress is not None:
                        progress(adapter.bytes_read, adapter.size)
                    if cancelled is not None and cancelled():
                        raise ImportCancelled()
        except ImportFailed as failed:
            if not dry_run:
                raise ImportFailed(failed.problems, failed.total, adapter.cut_off) from None
            adapter.problems.extend(failed.problems)
            adapter.problem_count += failed.total
        if adapter.rows == 0 and not adapter.problem_count:
            adapter.problem("", _("The file holds no pulses"))
        sessions = work.finish()
        flagged = sum(s.flagged_pulses for s in sessions)
        if adapter.problem_count and not dry_run:
            raise ImportFailed(adapter.problems, adapter.problem_count, adapter.cut_off)
        if not dry_run and work.batch_id is not None:
            import_recording.finish_batch(db, actor, work.batch_id, rows=adapter.rows,
                                          sessions=len(sessions), flagged=flagged)
    if progress is not None:
        progress(adapter.size, adapter.size)
    return ImportResult(path.name, sha256, profile.name, adapter.rows, sessions, flagged,
                        dry_run, tuple(adapter.problems), adapter.problem_count, adapter.cut_off)


def import_file(
    database: Database, actor: Actor, path: Path, profile: Profile | None = None, *,
    session_uuid: UUID | None = None, dry_run: bool = False, room: str = "",
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None, max_bytes: int = MAX_FILE_BYTES,
    accept_cut_off: bool = False,
) -> ImportResult:
    """Import ``path`` (profile detected when not given). Raises ``ImportFailed`` listing
    every problem, with nothing written; a dry run returns the problems instead. A refused
    import leaves one "refused" audit event, like every refusal.

    ``accept_cut_off`` is the technician's word that a file which seems cut off may be
    imported without its incomplete end."""
    try:
        return _import_file(database, actor, path, profile, session_uuid=session_uuid,
                            dry_run=dry_run, room=room, progress=progress,
                            cancelled=cancelled, max_bytes=max_bytes,
                            accept_cut_off=accept_cut_off)
    except LaserLogError as refusal:
        quiet = (ImportCancelled, RecordedFailure, DatabaseUnavailable)
        if not dry_run and not isinstance(refusal, quiet):
            _record_refusal(database, actor, path, refusal)
        raise


def _record_refusal(database: Database, actor: Actor, path: Path,
                    refusal: LaserLogError) -> None:
    try:
        with database.write() as db:
            audit_chain.record(db, actor_id=actor.id, action="refused", entity="import_file",
                               entity_id=path.name[-64:],
                               new={"action": "import", "file": path.name},
                               reason=one_line(str(refusal), 500))
    except LaserLogError:
        pass  # the refusal itself is what the person needs to hear
