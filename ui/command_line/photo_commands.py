"""The photos commands: bring a clinic's older photos onto its drafts (and, by a supervisor's
amendment, its signed sessions), write a patient's photos out as files."""

import argparse
import sys
from typing import TYPE_CHECKING

from ui.command_line.common import Failure, acting, opened, output, signing

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from models.workflow.session_photos import LatePhoto


def cmd_photos(args: argparse.Namespace) -> int:
    if args.action == "import":
        return _import(args)
    return _export(args)


def _import(args: argparse.Namespace) -> int:
    from models.errors import LaserLogError
    from models.review import supervision
    from models.workflow.photo_import import import_photos, name_pattern, photo_files

    folder = output(args.folder)
    try:
        pattern = name_pattern(args.pattern)
    except LaserLogError as error:  # a usage error: the command line itself is wrong
        print(f"laserlog: error: --pattern: {error}", file=sys.stderr)
        return 2
    photo_files(folder)  # a missing or empty folder fails before the password is asked
    if args.reason is not None and not args.reason.strip():
        print("laserlog: error: --reason: give the reason for the amendment", file=sys.stderr)
        return 2
    with opened(args) as database:
        add_late = None
        if args.reason is None:
            actor = acting(database, args, "technician")
        else:  # signed sessions get their photos by an amendment, signed with the password
            actor, signature = signing(database, args, "supervisor")

            def add_late(db: "Session", session_id: int, version: int,
                         photos: "Sequence[LatePhoto]") -> None:
                supervision.add_photos(db, actor, session_id, photos, args.reason, version,
                                       signature=signature)

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty():
                print(f"\r{done}/{total} files", end="", file=sys.stderr, flush=True)

        report = import_photos(database, actor, folder, pattern, args.kind,
                               dry_run=args.dry_run, progress=progress, add_late=add_late)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    for problem in report.problems:
        print(problem.message)
    placed, total = len(report.placed), len(report.outcomes)
    sessions = len({o.session_uuid for o in report.placed})
    patients = len({o.patient for o in report.placed})
    verb = "Would import" if report.dry_run else "Imported"
    unplaced = total - placed
    print(f"{verb} {placed} of {total} files onto {sessions} session(s) of {patients} "
          f"patient(s)"
          + (f"; {unplaced} cannot be placed (listed above)" if unplaced else ""))
    if not placed:
        raise Failure(f"none of the {total} files in {folder} could be placed on a session")
    return 0


def _export(args: argparse.Namespace) -> int:
    from models.reading.photo_files import export_patient_photos

    folder = output(args.out)
    with opened(args) as database:
        actor = acting(database, args, "technician", "supervisor")
        done = export_patient_photos(database, actor, args.patient, folder)
    same = len(done.files) - done.written
    print(f"Wrote {done.written} photo(s) of patient {done.patient} from {done.sessions} "
          f"session(s) to {folder}" + (f"; {same} were there already" if same else ""))
    return 0
