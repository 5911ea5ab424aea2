"""The commands that look after the database and the clinic's set-up: init, user, setting,
profile, backup, restore and verify."""

import argparse
import sys
from pathlib import Path

from ui.command_line.common import acting, confirm, existing, opened, output, read_password


def cmd_init(args: argparse.Namespace) -> int:
    from models.access import accounts
    from models.storage.schema import current_revision

    with opened(args, create=True) as database:
        print(f"Database {database.display_url} is ready (schema {current_revision(database)})")
        if args.admin:
            password = read_password(f"Password for administrator {args.admin}: ")
            with database.write() as db:
                accounts.create_user(
                    db, username=args.admin, full_name=args.full_name or args.admin,
                    role="admin", password=password, created_by=None,
                )
            print(f"Created administrator {args.admin}")
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    from models.access import accounts

    with opened(args) as database:
        actor = acting(database, args, "admin")
        if args.action == "add":
            password = read_password(f"Password for the new account {args.name}: ")
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


def cmd_setting(args: argparse.Namespace) -> int:
    from models.clinic import clinic_settings

    if args.name is not None and args.value is None:
        print("laserlog: error: give the setting's NAME and its new VALUE (python main.py "
              "setting lists them)", file=sys.stderr)
        return 2
    with opened(args) as database:
        if args.name is not None:
            actor = acting(database, args, "admin")
            with database.write() as db:
                clinic_settings.change_setting(
                    db, actor, args.name, clinic_settings.typed_value(args.name, args.value))
        with database.read() as db:
            rules = clinic_settings.rules(db)
        for name, spec in clinic_settings.SPECS.items():
            value = getattr(rules, name)
            shown = value if isinstance(spec, clinic_settings.TextSettingSpec) \
                else f"{value} {spec.unit}".rstrip()
            print(f"{name}\t{shown}\t{spec.label}")
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    from devices.importing.profile_library import add_profile, clinic_profiles
    from models.clinic import stored_profiles

    with opened(args) as database:
        actor = acting(database, args, "admin")
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


def cmd_backup(args: argparse.Namespace) -> int:
    from models.admin.backup import backup

    with opened(args) as database:
        out = backup(database, None, output(args.out))  # a nightly job: audited by machine
    print(f"Backed up {database.display_url} to {out} (checked)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from models.admin.backup import restore, restoring_actor

    source = output(args.file)
    from models.storage.database import Database, resolve_url

    url = resolve_url(args.db)
    existing(url)
    # Not opened the usual way: the database being replaced may be damaged or unreadable.
    database = Database(url)
    try:
        password = read_password(f"Password for {args.user}: ", confirm=False)
        actor = restoring_actor(database, source, args.user, password)
        events = restore(database, actor, source, force=args.force,
                         confirm=None if args.yes else confirm)
    finally:
        database.dispose()
    print(f"Restored {database.display_url} from {source}; its {events:,} audit events "
          "chain correctly")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from models.admin.integrity import verify

    with opened(args) as database:
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
