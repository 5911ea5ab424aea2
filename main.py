"""LaserLog: with no command, the desktop app; with a command, the command line.

Exit codes: 0 success, 1 failure (one clear line on stderr), 2 usage error.
"""

import argparse
import getpass
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

    from models.reading.history_filter import HistoryFilter
    from models.storage.database import Database
    from models.values.rows import Actor

log = logging.getLogger("laserlog")


class Failure(Exception):
    """A command failed for a reason the user can act on."""


def _encodable(url: str) -> None:
    from models.storage.database import parse_url

    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        _output(parsed.database)


def _existing(url: str) -> None:
    """Only ``init`` creates a database: every other command refuses a missing or empty
    SQLite file, or one in memory, and creates nothing."""
    from models.storage.database import parse_url

    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite":
        return
    name = parsed.database or ""
    if name in ("", ":memory:") or "mode=memory" in str(parsed.query):
        raise Failure("an in-memory database would be gone when the command ends; give a "
                      "file: --db sqlite:///PATH")
    path = _output(name)
    try:
        size = path.stat().st_size if path.exists() else None
    except OSError as error:
        raise Failure(f"cannot open database {path}: {error.strerror}") from None
    if size is None:
        raise Failure(f"there is no LaserLog database at {path}; create one with "
                      "python main.py init (or check --db)")
    if size == 0:
        raise Failure(f"{path} is empty, not a LaserLog database; create one with "
                      "python main.py init")


@contextmanager
def _opened(args: argparse.Namespace, create: bool = False) -> Iterator["Database"]:
    """The database the command works on, upgraded if need be, closed when the command ends.
    Only ``init`` (``create``) may make a new one."""
    from models.storage.database import resolve_url
    from models.storage.schema import open_current

    url = resolve_url(args.db)
    if not create:
        _existing(url)
    else:
        _encodable(url)
    database, backup = open_current(url)
    if backup is not None:
        print(f"Backed up the database before upgrading it: {backup}", file=sys.stderr)
    try:
        yield database
    finally:
        database.dispose()


def _read_password(prompt: str, confirm: bool = True) -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise Failure("no password on standard input")
        return line.rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat the password: ") != first:
        raise Failure("the two passwords differ")
    return first


def _acting(database: "Database", args: argparse.Namespace, *roles: str) -> "Actor":
    """Who runs this command: ``--user NAME``, the password from standard input when piped
    (else asked for), one of ``roles``. Signing in is audited like the GUI's."""
    from models.access import accounts
    from models.values.vocabulary import Role

    if not args.user:
        raise Failure("--user NAME is needed: who does this (their password follows)")
    password = _read_password(f"Password for {args.user}: ", confirm=False)
    actor = accounts.sign_in(database, args.user, password)
    if actor.role not in roles:
        wanted = " or ".join(Role(role).label.lower() for role in roles)
        raise Failure(f"{args.user} is not an {wanted}: this command needs one")
    return actor


def cmd_init(args: argparse.Namespace) -> int:
    from models.access import accounts
    from models.storage.schema import current_revision

    with _opened(args, create=True) as database:
        print(f"Database {database.display_url} is ready (schema {current_revision(database)})")
        if args.admin:
            password = _read_password(f"Password for administrator {args.admin}: ")
            with database.write() as db:
                accounts.create_user(
                    db, username=args.admin, full_name=args.full_name or args.admin,
                    role="admin", password=password, created_by=None,
                )
            print(f"Created administrator {args.admin}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from devices.simulated.demo_clinic import DEMO_PASSWORD, build_demo

    if args.sessions < 1:
        raise Failure("--sessions must be at least 1")
    with _opened(args) as database:
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
        counts, charts = period_figures(db, actor, filters)
    write_period_summary(counts, charts, filters, out)
    with database.write() as db:
        record_export(db, actor, "pdf", filters, sum(counts.values()), out)
    return sum(counts.values())


def cmd_export(args: argparse.Namespace) -> int:
    from models.reading.exports import export_sessions

    out = _output(args.out)
    _day(args.since, "--from"), _day(args.until, "--to")  # bad dates fail before opening
    with _opened(args) as database:
        actor = _acting(database, args, "supervisor")
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
    out = _output(args.out)
    if not out.parent.is_dir():
        raise Failure(f"cannot write {out}: the folder {out.parent} does not exist")
    with _opened(args) as database, database.read() as db:
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
    path = _output(args.file)
    with _opened(args) as database:
        profile = resolve_profile(database, args.profile) if args.profile else None
        password = _read_password(f"Password for {args.user}: ", confirm=False)
        actor = accounts.sign_in(database, args.user, password)

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty():
                print(f"\r{done * 100 // max(total, 1)} %", end="", file=sys.stderr, flush=True)

        result = import_file(database, actor, path, profile, session_uuid=session_uuid,
                             dry_run=args.dry_run, progress=progress)
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
        folder = _output(args.json).parent
        if not folder.is_dir():
            raise Failure(f"cannot write {args.json}: the folder {folder} does not exist")

    if args.target == "startup":
        return run_startup_bench(runs=args.runs, json_path=args.json)
    if args.target == "import":
        from ui.bench.import_bench import run_import_bench

        return run_import_bench(runs=min(args.runs, 3), json_path=args.json)
    if args.target == "verify":
        from ui.bench.verify_bench import run_verify_bench

        return run_verify_bench(args.sessions, args.db, json_path=args.json)
    if args.target == "history":
        from ui.bench.history_bench import run_history_bench

        if args.sessions < 1:
            raise Failure("--sessions must be at least 1")
        return run_history_bench(args.sessions, args.db, json_path=args.json)
    raise Failure(f"unknown benchmark {args.target!r}")


def cmd_user(args: argparse.Namespace) -> int:
    from models.access import accounts

    with _opened(args) as database:
        actor = _acting(database, args, "admin")
        if args.action == "add":
            password = _read_password(f"Password for the new account {args.name}: ")
            with database.write() as db:
                accounts.create_user(db, username=args.name, full_name=args.full_name or "",
                                     role=args.role, password=password, created_by=actor)
            print(f"Added {args.role} {args.name}")  # said once it is committed
        elif args.action == "disable":
            with database.write() as db:
                accounts.disable_user(db, actor, args.name)
            print(f"Disabled {args.name}; the account and its records stay")
        elif args.action == "unlock":
            with database.write() as db:
                accounts.unlock_user(db, actor, args.name)
            print(f"Unlocked {args.name}")
        else:
            with database.read() as db:
                users = accounts.list_users(db, actor)
            for user in users:
                state = "active" if user.active else "disabled"
                if user.locked_until is not None:
                    state += f", locked until {user.locked_until.astimezone():%H:%M:%S}"
                print(f"{user.username}\t{user.role}\t{state}\t{user.full_name}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from models.admin.backup import backup

    with _opened(args) as database:
        out = backup(database, None, _output(args.out))  # a nightly job: audited by machine
    print(f"Backed up {database.display_url} to {out} (checked)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from models.admin.backup import restore, restoring_actor

    source = _output(args.file)
    from models.storage.database import Database, resolve_url

    url = resolve_url(args.db)
    _existing(url)
    # Not opened the usual way: the database being replaced may be damaged or unreadable.
    database = Database(url)
    try:
        password = _read_password(f"Password for {args.user}: ", confirm=False)
        actor = restoring_actor(database, source, args.user, password)
        events = restore(database, actor, source, force=args.force,
                         confirm=None if args.yes else _confirm)
    finally:
        database.dispose()
    print(f"Restored {database.display_url} from {source}; its {events:,} audit events "
          "chain correctly")
    return 0


def _confirm(question: str) -> bool:
    """Ask on the terminal; piped, nothing is replaced without --yes."""
    if not sys.stdin.isatty():
        raise Failure(f"{question} — not confirmed: run it again with --yes to replace it")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def cmd_profile(args: argparse.Namespace) -> int:
    from devices.importing.profile_library import add_profile, clinic_profiles
    from models.clinic import stored_profiles

    with _opened(args) as database:
        actor = _acting(database, args, "admin")
        if args.action == "add":
            profile = add_profile(database, actor, Path(args.file))
            print(f"Added import profile {profile.name} ({profile.format.upper()}); every PC "
                  "can use it now")
        elif args.action == "retire":
            with database.write() as db:
                stored_profiles.retire_profile(db, actor, args.name)
            print(f"Retired import profile {args.name}; it stays on record")
        else:
            with database.read() as db:
                own = stored_profiles.stored_profiles(db)
                found = clinic_profiles(db)
            for name, profile in found.items():
                origin = "added by the clinic" if name in own else "shipped"
                print(f"{name}\t{profile.format}\t{origin}")
    return 0


def cmd_setting(args: argparse.Namespace) -> int:
    from models.clinic import clinic_settings

    if args.name is not None and args.value is None:
        print("laserlog: error: give the setting's NAME and its new VALUE (python main.py "
              "setting lists them)", file=sys.stderr)
        return 2
    with _opened(args) as database:
        if args.name is not None:
            actor = _acting(database, args, "admin")
            with database.write() as db:
                clinic_settings.change_setting(db, actor, args.name, args.value)
        with database.read() as db:
            rules = clinic_settings.rules(db)
        for name, spec in clinic_settings.SPECS.items():
            print(f"{name}\t{getattr(rules, name)} {spec.unit}\t{spec.label}")
    return 0


def _output(text: str) -> Path:
    """A path given on the command line, refused in one line when this system cannot use
    its name (not valid in the file system's encoding)."""
    try:
        os.fsencode(text)
        text.encode("utf-8")
    except UnicodeError:
        shown = text.encode("utf-8", "replace").decode("utf-8")
        raise Failure(f"the name {shown} has characters this system cannot use; choose "
                      "another") from None
    return Path(text)


def cmd_verify(args: argparse.Namespace) -> int:
    from models.admin.integrity import verify

    with _opened(args) as database:
        result = verify(database)
    if result.ok:
        print(f"{database.display_url}: storage and foreign keys are sound; all "
              f"{result.events:,} audit events chain correctly")
        return 0
    for problem in result.problems:
        print(f"laserlog: verify: {problem}", file=sys.stderr)
    if result.first_broken_seq is not None:
        print(f"laserlog: verify: the audit chain is broken at sequence number "
              f"{result.first_broken_seq}", file=sys.stderr)
    return 1


def cmd_gui(args: argparse.Namespace) -> int:
    from ui.shell.app import run_app

    return run_app(args.db, startup_probe=args.startup_probe)


def _who(command: argparse.ArgumentParser, who: str, required: bool = False) -> None:
    command.add_argument("--user", required=required, metavar="NAME",
                         help=f"{who} (password from stdin when piped, else asked for)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="laserlog",
        description="LaserLog treatment-session logger. Without a command, starts the app.",
    )
    parser.add_argument("--db", metavar="URL",
                        help="database URL (default: LASERLOG_DB, the settings file, "
                             "else SQLite in the user data folder)")
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=cmd_gui)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    init = commands.add_parser("init", help="create or upgrade the schema")
    init.add_argument("--admin", metavar="NAME",
                      help="create this first administrator (password from stdin if piped)")
    init.add_argument("--full-name", help="the administrator's full name")
    init.set_defaults(handler=cmd_init)

    demo = commands.add_parser("demo", help="fill the database with realistic demo data")
    demo.add_argument("--sessions", type=int, default=200, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.set_defaults(handler=cmd_demo)

    export = commands.add_parser("export", help="export sessions")
    export.add_argument("--format", choices=["csv", "fhir", "pdf"], required=True,
                        help="csv: one row per session; fhir: a FHIR R4 JSON Bundle; pdf: a "
                             "period summary with its charts")
    export.add_argument("--out", required=True, metavar="FILE")
    export.add_argument("--from", dest="since", metavar="DATE", help="from this day (YYYY-MM-DD)")
    export.add_argument("--to", dest="until", metavar="DATE", help="to this day, inclusive")
    export.add_argument("--technician", metavar="NAME", help="user name or full name")
    export.add_argument("--area", metavar="AREA", help="treated area, e.g. neck")
    _who(export, "the supervisor exporting (every export is recorded)", required=True)
    export.set_defaults(handler=cmd_export)

    simulate = commands.add_parser("simulate",
                                    help="write an export file from the simulated device")
    simulate.add_argument("--format", choices=["csv", "json", "xml"], required=True)
    simulate.add_argument("--out", required=True, metavar="FILE")
    simulate.add_argument("--seed", type=int, default=1, metavar="S")
    simulate.add_argument("--sessions", type=int, default=1, metavar="N")
    simulate.add_argument("--pulses", type=int, metavar="N",
                          help="pulses per session (default: as the areas need)")
    simulate.add_argument("--serial", metavar="SN", help="device serial (default: from the "
                                                         "device register)")
    simulate.add_argument("--patient", action="append", metavar="ID",
                          help="patient identifier, repeatable (default: registered patients)")
    simulate.set_defaults(handler=cmd_simulate)

    imports = commands.add_parser("import", help="import a device export file")
    imports.add_argument("file", metavar="FILE")
    imports.add_argument("--profile", metavar="NAME",
                         help="import profile name or .toml file (default: detected)")
    imports.add_argument("--session", metavar="UUID",
                         help="fill this draft session (default: new drafts per patient)")
    imports.add_argument("--dry-run", action="store_true",
                         help="read and check only; list the problems, write nothing")
    _who(imports, "who imports", required=True)
    imports.set_defaults(handler=cmd_import)

    user = commands.add_parser("user", help="manage staff accounts")
    user_actions = user.add_subparsers(title="actions", dest="action", metavar="ACTION",
                                       required=True)
    add = user_actions.add_parser("add", help="add an account (password from stdin if piped)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=["technician", "supervisor", "admin"])
    add.add_argument("--full-name", help="the person's full name (default: NAME)")
    for action, text in (("disable", "stop an account signing in (it is never deleted)"),
                         ("unlock", "clear the wait after failed sign-ins")):
        user_actions.add_parser(action, help=text).add_argument("name", metavar="NAME")
    user_actions.add_parser("list", help="every account, its role and state")
    for action_parser in user_actions.choices.values():
        _who(action_parser, "the administrator doing it", required=True)
    user.set_defaults(handler=cmd_user)

    profile = commands.add_parser("profile", help="import profiles for the clinic's devices")
    profile_actions = profile.add_subparsers(title="actions", dest="action", metavar="ACTION",
                                             required=True)
    profile_actions.add_parser("add", help="check a profile file and add it for every PC"
                               ).add_argument("file", metavar="FILE.toml")
    profile_actions.add_parser("retire", help="stop offering an added profile (kept on "
                               "record)").add_argument("name", metavar="NAME")
    profile_actions.add_parser("list", help="every profile in use")
    for action_parser in profile_actions.choices.values():
        _who(action_parser, "the administrator doing it", required=True)
    profile.set_defaults(handler=cmd_profile)

    setting = commands.add_parser("setting", help="the clinic's settings, the same on every "
                                                  "PC; NAME VALUE changes one")
    setting.add_argument("name", nargs="?", metavar="NAME")
    setting.add_argument("value", nargs="?", type=int, metavar="VALUE")
    _who(setting, "the administrator changing a setting")
    setting.set_defaults(handler=cmd_setting)

    backup = commands.add_parser("backup", help="write a checked backup, even while in use")
    backup.add_argument("--out", required=True, metavar="FILE")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help="restore a backup after checking it "
                                                  "(close LaserLog on every PC first)")
    restore.add_argument("file", metavar="FILE")
    _who(restore, "the administrator restoring", required=True)
    restore.add_argument("--yes", action="store_true",
                         help="replace without asking (shown: both databases' counts)")
    restore.add_argument("--force", action="store_true",
                         help="even while LaserLog has the database open elsewhere")
    restore.set_defaults(handler=cmd_restore)

    check = commands.add_parser("verify", help="check the database and the whole audit chain")
    check.set_defaults(handler=cmd_verify)

    bench = commands.add_parser("bench", help="measure speed against a baseline")
    bench.add_argument("target", choices=["startup", "import", "history", "verify"])
    bench.add_argument("--sessions", type=int, default=1_000_000, metavar="N",
                       help="history: sessions in the benchmark clinic (cached between runs)")
    bench.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    bench.add_argument("--runs", type=int, default=7, metavar="N")
    bench.set_defaults(handler=cmd_bench)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from models.errors import LaserLogError

    try:
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except (Failure, LaserLogError) as error:
        print(f"laserlog: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("laserlog: interrupted", file=sys.stderr)
        return 1
    except Exception as error:  # a bug: one line for the user, the traceback in the log
        log_path = _write_crash_log()
        print(f"laserlog: internal error: {error!r} (details in {log_path})", file=sys.stderr)
        return 1


def _write_crash_log() -> Path:
    from models.storage.preferences import data_dir

    path = data_dir() / "laserlog-errors.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        traceback.print_exc(file=handle)
    return path


if __name__ == "__main__":
    sys.exit(run())
