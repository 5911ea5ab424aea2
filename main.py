"""LaserLog: with no command, the desktop app; with a command, the command line
(``ui/command_line``).

Exit codes: 0 success, 1 failure (one clear line on stderr), 2 usage error.
"""

import argparse
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from ui.command_line.common import Failure
from ui.command_line.parser import build_parser

log = logging.getLogger("laserlog")


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
