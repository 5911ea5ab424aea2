"""LaserLog: with no command, the desktop app; with a command, the command line.

Exit codes: 0 success, 1 failure (one clear line on stderr), 2 usage error.
"""

import argparse
import getpass
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger("laserlog")


class Failure(Exception):
    """A command failed for a reason the user can act on."""


def _open(args: argparse.Namespace):
    from models.database import resolve_url
    from models.schema import open_current

    database, backup = open_current(resolve_url(args.db))
    if backup is not None:
        print(f"Backed up the database before upgrading it: {backup}", file=sys.stderr)
    return database


def _read_password(prompt: str) -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise Failure("no password on standard input")
        return line.rstrip("\r\n")
    first = getpass.getpass(prompt)
    if getpass.getpass("Repeat the password: ") != first:
        raise Failure("the two passwords differ")
    return first


def cmd_init(args: argparse.Namespace) -> int:
    from models import accounts
    from models.schema import current_revision

    database = _open(args)
    try:
        print(f"Database {database.display_url} is ready (schema {current_revision(database)})")
        if args.admin:
            password = _read_password(f"Password for administrator {args.admin}: ")
            with database.write() as db:
                accounts.create_user(
                    db, username=args.admin, full_name=args.full_name or args.admin,
                    role="admin", password=password, created_by=None,
                )
            print(f"Created administrator {args.admin}")
    finally:
        database.dispose()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from devices.demo import DEMO_PASSWORD, build_demo

    if args.sessions < 1:
        raise Failure("--sessions must be at least 1")
    database = _open(args)
    try:
        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty() and (done % 10 == 0 or done == total):
                print(f"\r{done}/{total} sessions", end="", file=sys.stderr, flush=True)

        summary = build_demo(database, sessions=args.sessions, seed=args.seed, progress=progress)
    finally:
        database.dispose()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"Added {summary.sessions} sessions for {summary.patients} patients "
          f"(technicians {', '.join(summary.technicians)}, password {DEMO_PASSWORD!r})")
    if summary.admin_created:
        print(f"Created administrator 'admin' with password {DEMO_PASSWORD!r}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from models.export_csv import write_sessions_csv

    out = Path(args.out)
    if not out.parent.is_dir():
        raise Failure(f"cannot write {out}: the folder {out.parent} does not exist")
    database = _open(args)
    tmp = out.with_name(out.name + ".part")
    try:
        with database.read() as db, tmp.open("w", encoding="utf-8", newline="") as handle:
            count = write_sessions_csv(db, handle)
        tmp.replace(out)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise Failure(f"cannot write {out}: {error.strerror or error}") from None
    finally:
        database.dispose()
    print(f"Exported {count} sessions to {out}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from ui.startup_bench import run_startup_bench

    if args.target == "startup":
        return run_startup_bench(runs=args.runs, json_path=args.json)
    raise Failure(f"unknown benchmark {args.target!r}")


def cmd_gui(args: argparse.Namespace) -> int:
    from ui.app import run_app

    return run_app(args.db, startup_probe=args.startup_probe)


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
    export.add_argument("--format", choices=["csv"], required=True)
    export.add_argument("--out", required=True, metavar="FILE")
    export.set_defaults(handler=cmd_export)

    bench = commands.add_parser("bench", help="measure speed against a baseline")
    bench.add_argument("target", choices=["startup"])
    bench.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    bench.add_argument("--runs", type=int, default=7, metavar="N")
    bench.set_defaults(handler=cmd_bench)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from models.errors import LaserLogError

    try:
        return args.handler(args)
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
    from models.settings import data_dir

    path = data_dir() / "laserlog-errors.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        traceback.print_exc(file=handle)
    return path


if __name__ == "__main__":
    sys.exit(run())
