"""The commands about records: demo data, exports, simulated device files, imports and the
benchmarks."""

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ui.command_line.common import Failure, acting, opened, output, read_password

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

    from models.reading.history_filter import HistoryFilter
    from models.storage.database import Database
    from models.values.rows import Actor


def cmd_demo(args: argparse.Namespace) -> int:
    from devices.simulated.demo_clinic import DEMO_PASSWORD, build_demo

    if args.sessions < 1:
        raise Failure("--sessions must be at least 1")
    with opened(args) as database:
        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty() and (done % 10 == 0 or done == total):
                print(f"\r{done}/{total} sessions", end="", file=sys.stderr, flush=True)

        summary = build_demo(database, sessions=args.sessions, seed=args.seed, progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"Added {summary.sessions} sessions for {summary.patients} patients "
          f"(technicians {', '.join(summary.technicians)}, password {DEMO_PASSWORD!r})")
    if summary.admin_created:
        print(f"Created administrator 'admin' with password {DEMO_PASSWORD!r}")
    return 0


def _day(text: str | None, option: str) -> "date | None":
    from datetime import date

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Failure(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


def _export_filter(db: "Session", args: argparse.Namespace) -> "HistoryFilter":
    from models.reading.history_filter import HistoryFilter, area_code, local_days, technician_id

    first, last = _day(args.since, "--from"), _day(args.until, "--to")
    if first and last and last < first:
        raise Failure("--to is before --from")
    since, until = local_days(first, last)
    return HistoryFilter(
        since=since, until=until,
        technician_id=technician_id(db, args.technician) if args.technician else None,
        area=area_code(args.area) if args.area else None)


def _export_pdf_summary(database: "Database", out: Path, filters: "HistoryFilter",
                        actor: "Actor") -> int:
    """The period summary needs Qt to draw; without a display it draws offscreen."""
    from models.reading.exports import record_export

    no_display = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    if no_display and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    from ui.records.pdf_reports import period_figures, write_period_summary

    app = QApplication.instance() or QApplication([])  # noqa: F841 - drawing needs it
    with database.read() as db:
        figures = period_figures(db, actor, filters)
    write_period_summary(figures, filters, out)
    with database.write() as db:
        record_export(db, actor, "pdf", filters, figures.sessions, out)
    return figures.sessions


def cmd_export(args: argparse.Namespace) -> int:
    from models.reading.exports import export_sessions

    out = output(args.out)
    _day(args.since, "--from"), _day(args.until, "--to")  # bad dates fail before opening
    with opened(args) as database:
        actor = acting(database, args, "supervisor")
        with database.read() as db:
            filters = _export_filter(db, args)
        if args.format == "pdf":
            count = _export_pdf_summary(database, out, filters, actor)
        else:
            count = export_sessions(database, out, args.format, filters, actor=actor)
    print(f"Exported {count} sessions to {out}")
    return 0


MAX_SIMULATED_SESSIONS = 1_000
MAX_SIMULATED_PULSES = 1_000_000  # a simulated file stays under the import's 1 GiB limit


def cmd_simulate(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta

    from devices.simulated.export_files import plan_sessions, subjects, write_export
    from devices.simulated.treatment_device import SimulatedDevice
    from models.storage.atomic_files import written_in_place_of

    if args.sessions < 1 or (args.pulses is not None and args.pulses < 1):
        raise Failure("--sessions and --pulses must be at least 1")
    if (args.sessions > MAX_SIMULATED_SESSIONS or (args.pulses or 0) > MAX_SIMULATED_PULSES
            or args.sessions * (args.pulses or 0) > MAX_SIMULATED_PULSES * 20):
        raise Failure(f"--sessions is at most {MAX_SIMULATED_SESSIONS:,}, --pulses at most "
                      f"{MAX_SIMULATED_PULSES:,} per session and "
                      f"{MAX_SIMULATED_PULSES * 20:,} in all: a device's file stays importable")
    out = output(args.out)
    if not out.parent.is_dir():
        raise Failure(f"cannot write {out}: the folder {out.parent} does not exist")
    with opened(args) as database, database.read() as db:
        model, serial, patients = subjects(db, args.serial, args.patient or ())
    device = SimulatedDevice(model.kind, args.seed)
    start = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    plan = plan_sessions(device, patients, args.sessions, start - timedelta(days=args.sessions),
                         args.pulses)
    with written_in_place_of(out) as partial:
        pulses = write_export(partial, args.format, device, model, serial, plan)
    print(f"Wrote {pulses} pulses of {len(plan)} sessions from {model.make} {model.model} "
          f"({serial}) to {out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from uuid import UUID

    from devices.importing.importer import import_file
    from devices.importing.profile_library import resolve_profile
    from models.access import accounts

    try:
        session_uuid = UUID(args.session) if args.session else None
    except ValueError:
        raise Failure(f"--session {args.session!r} is not a session UUID") from None
    path = output(args.file)
    with opened(args) as database:
        profile = resolve_profile(database, args.profile) if args.profile else None
        password = read_password(f"Password for {args.user}: ", confirm=False)
        actor = accounts.sign_in(database, args.user, password)

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty():
                print(f"\r{done * 100 // max(total, 1)} %", end="", file=sys.stderr, flush=True)

        result = import_file(database, actor, path, profile, session_uuid=session_uuid,
                             dry_run=args.dry_run, progress=progress,
                             accept_cut_off=args.accept_cut_off)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    verb = "Would import" if result.dry_run else "Imported"
    print(f"{verb} {result.rows} pulses of {len(result.sessions)} sessions from {path.name} "
          f"(profile {result.profile}, SHA-256 {result.sha256[:12]}…); "
          f"{result.flagged_pulses} pulses flagged for review")
    for session in result.sessions:
        uuid = f" -> session {session.session_uuid}" if session.session_uuid else ""
        print(f"  {session.device_session}: patient {session.patient or '-'}, "
              f"{session.pulses} pulses, areas {', '.join(session.areas)}{uuid}")
    for problem in result.problems:
        print(f"  problem: {problem}")
    if result.problem_count > len(result.problems):
        print(f"  ... and {result.problem_count - len(result.problems)} more problems")
    return 1 if result.problem_count else 0


def cmd_bench(args: argparse.Namespace) -> int:
    from ui.bench.startup_bench import run_startup_bench

    if args.runs < 1:
        raise Failure("--runs must be at least 1")
    if args.json is not None:
        folder = output(args.json).parent
        if not folder.is_dir():
            raise Failure(f"cannot write {args.json}: the folder {folder} does not exist")

    if args.target == "startup":
        return run_startup_bench(runs=args.runs, json_path=args.json)
    if args.target == "import":
        from ui.bench.import_bench import run_import_bench

        return run_import_bench(runs=min(args.runs, 3), json_path=args.json)
    if args.target == "photos":
        from ui.bench.photo_bench import run_photo_bench

        return run_photo_bench(runs=args.runs, json_path=args.json)
    if args.target == "verify":
        from ui.bench.verify_bench import run_verify_bench

        return run_verify_bench(args.sessions, args.db, json_path=args.json)
    if args.target == "loop":
        from ui.bench.loop_bench import run_loop_bench

        if args.sessions < 1:
            raise Failure("--sessions must be at least 1")
        return run_loop_bench(args.sessions, args.db, json_path=args.json,
                              start_runs=args.runs)
    if args.target == "history":
        from ui.bench.history_bench import run_history_bench

        if args.sessions < 1:
            raise Failure("--sessions must be at least 1")
        return run_history_bench(args.sessions, args.db, json_path=args.json)
    raise Failure(f"unknown benchmark {args.target!r}")
