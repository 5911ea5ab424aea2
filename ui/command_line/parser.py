"""The command line's grammar: every command, its options and its handler."""

import argparse
from collections.abc import Callable
from importlib import import_module


def _handler(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """The command ``name`` of ``ui.command_line.<module>``, imported when it runs: starting
    the app (no command) imports none of them."""
    def run(args: argparse.Namespace) -> int:
        handler: Callable[[argparse.Namespace], int] = getattr(
            import_module(f"ui.command_line.{module}"), name)
        return handler(args)

    return run


def cmd_gui(args: argparse.Namespace) -> int:
    from ui.shell.app import run_app

    return run_app(args.db, startup_probe=args.startup_probe)


def who(command: argparse.ArgumentParser, who: str, required: bool = False) -> None:
    command.add_argument("--user", required=required, metavar="NAME",
                         help=f"{who} (password from stdin when piped, else asked for)")


PHOTO_NAMES = """\
File names say what each photo shows. The default pattern reads
  IDENTIFIER_AREA_YYYY-MM-DD[_KIND][_POSE].jpg   e.g. C-1042_neck_2025-03-14_before_left-45.jpg
in any case, as .jpg, .jpeg, .png, .heic, .heif, .tif, .tiff or .webp: AREA is an area code
(neck, jawline, cheeks, ...), KIND before, after or progress (else --kind), POSE one of the
area's standard poses spelt with any separators (left-45 = "left 45°"; none: "other").
--pattern REGEX reads other names: a Python regular expression matched against the whole
name, with the named groups identifier, area and date (YYYY-MM-DD), and optionally kind and
pose, e.g. --pattern '(?P<date>\\d{4}-\\d{2}-\\d{2}) (?P<identifier>\\S+) (?P<area>\\w+)\\.jpg'.
The default pattern is
  """


def _photo_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    from models.values.photo_names import DEFAULT_PATTERN

    photos = commands.add_parser("photos", help="bring in a clinic's older photos; write a "
                                                "patient's photos out as files")
    actions = photos.add_subparsers(title="actions", dest="action", metavar="ACTION",
                                    required=True)
    bring = actions.add_parser(
        "import", help="put each photo of a folder on its patient's session of that day",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Put each photo of FOLDER on the patient's session of the day its name\n"
                    "gives that treated its area: a draft of --user's, or, with --reason,\n"
                    "a signed session, by an amendment that a supervisor (--user) signs\n"
                    "with their password (one amendment per session). Every file that\n"
                    "cannot be placed is listed with the reason; nothing of it is stored.",
        epilog=PHOTO_NAMES + DEFAULT_PATTERN)
    bring.add_argument("folder", metavar="FOLDER")
    bring.add_argument("--pattern", metavar="REGEX",
                       help="how file names are read (see below)")
    bring.add_argument("--kind", choices=["before", "after", "progress"], default="progress",
                       help="the kind of the photos whose names give none (default: progress)")
    bring.add_argument("--dry-run", action="store_true",
                       help="read and place every file, list those that cannot be placed, "
                            "store nothing")
    bring.add_argument("--reason", metavar="WHY",
                       help="add photos to signed sessions too, by an amendment with this "
                            "reason (--user a supervisor)")
    who(bring, "the technician whose drafts receive the photos (with --reason, the "
               "supervisor who amends)", required=True)
    out = actions.add_parser(
        "export", help="write a patient's photos as JPEG files named for what they show",
        description="Write every photo of the patient (not voided; signed sessions and your "
                    "own drafts) into DIR as IDENTIFIER_AREA_DATE_KIND_POSE.jpg. An existing "
                    "file is never replaced: the same photo is left as it is, another of the "
                    "same name makes this one NAME (2).jpg. The export is recorded.")
    out.add_argument("--patient", required=True, metavar="ID", help="the patient's identifier")
    out.add_argument("--out", required=True, metavar="DIR",
                     help="the folder to write into (made when missing)")
    who(out, "who exports: a technician their patients', a supervisor anyone's",
        required=True)
    photos.set_defaults(handler=_handler("photo_commands", "cmd_photos"))


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
    init.set_defaults(handler=_handler("database_commands", "cmd_init"))

    demo = commands.add_parser("demo", help="fill the database with realistic demo data")
    demo.add_argument("--sessions", type=int, default=200, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.set_defaults(handler=_handler("record_commands", "cmd_demo"))

    export = commands.add_parser("export", help="export sessions")
    export.add_argument("--format", choices=["csv", "fhir", "pdf"], required=True,
                        help="csv: one row per session; fhir: a FHIR R4 JSON Bundle; pdf: a "
                             "period summary with its charts")
    export.add_argument("--out", required=True, metavar="FILE")
    export.add_argument("--from", dest="since", metavar="DATE", help="from this day (YYYY-MM-DD)")
    export.add_argument("--to", dest="until", metavar="DATE", help="to this day, inclusive")
    export.add_argument("--technician", metavar="NAME", help="user name or full name")
    export.add_argument("--area", metavar="AREA", help="treated area, e.g. neck")
    who(export, "the supervisor exporting (every export is recorded)", required=True)
    export.set_defaults(handler=_handler("record_commands", "cmd_export"))

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
    simulate.set_defaults(handler=_handler("record_commands", "cmd_simulate"))

    imports = commands.add_parser("import", help="import a device export file")
    imports.add_argument("file", metavar="FILE")
    imports.add_argument("--profile", metavar="NAME",
                         help="import profile name or .toml file (default: detected)")
    imports.add_argument("--session", metavar="UUID",
                         help="fill this draft session (default: new drafts per patient)")
    imports.add_argument("--dry-run", action="store_true",
                         help="read and check only; list the problems, write nothing")
    imports.add_argument("--accept-cut-off", action="store_true",
                         help="a file that seems cut off: import what is complete, without "
                              "its incomplete end")
    who(imports, "who imports", required=True)
    imports.set_defaults(handler=_handler("record_commands", "cmd_import"))

    _photo_commands(commands)

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
        who(action_parser, "the administrator doing it", required=True)
    user.set_defaults(handler=_handler("database_commands", "cmd_user"))

    profile = commands.add_parser("profile", help="import profiles for the clinic's devices")
    profile_actions = profile.add_subparsers(title="actions", dest="action", metavar="ACTION",
                                             required=True)
    profile_actions.add_parser("add", help="check a profile file and add it for every PC"
                               ).add_argument("file", metavar="FILE.toml")
    profile_actions.add_parser("retire", help="stop offering an added profile (kept on "
                               "record)").add_argument("name", metavar="NAME")
    profile_actions.add_parser("list", help="every profile in use")
    for action_parser in profile_actions.choices.values():
        who(action_parser, "the administrator doing it", required=True)
    profile.set_defaults(handler=_handler("database_commands", "cmd_profile"))

    setting = commands.add_parser("setting", help="the clinic's settings, the same on every "
                                                  "PC; NAME VALUE changes one")
    setting.add_argument("name", nargs="?", metavar="NAME")
    setting.add_argument("value", nargs="?", metavar="VALUE",
                         help="a whole number, or a text for the clinic's name, address, "
                              "phone and consent version ('' clears one)")
    who(setting, "the administrator changing a setting")
    setting.set_defaults(handler=_handler("database_commands", "cmd_setting"))

    backup = commands.add_parser("backup", help="write a checked backup, even while in use")
    backup.add_argument("--out", required=True, metavar="FILE")
    backup.set_defaults(handler=_handler("database_commands", "cmd_backup"))
    restore = commands.add_parser("restore", help="restore a backup after checking it "
                                                  "(close LaserLog on every PC first)")
    restore.add_argument("file", metavar="FILE")
    who(restore, "the administrator restoring", required=True)
    restore.add_argument("--yes", action="store_true",
                         help="replace without asking (shown: both databases' counts)")
    restore.add_argument("--force", action="store_true",
                         help="even while LaserLog has the database open elsewhere")
    restore.set_defaults(handler=_handler("database_commands", "cmd_restore"))

    check = commands.add_parser("verify", help="check the database and the whole audit chain")
    check.set_defaults(handler=_handler("database_commands", "cmd_verify"))

    bench = commands.add_parser("bench", help="measure speed against a baseline")
    bench.add_argument("target", choices=["startup", "import", "history", "verify", "loop",
                                          "photos"])
    bench.add_argument("--sessions", type=int, default=1_000_000, metavar="N",
                       help="history, loop, verify: sessions in the benchmark clinic (cached "
                            "between runs)")
    bench.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    bench.add_argument("--runs", type=int, default=7, metavar="N",
                       help="startup, loop: fresh starts measured (the median is taken)")
    bench.set_defaults(handler=_handler("record_commands", "cmd_bench"))
    return parser
