"""What every command shares: the database it opens (only init creates one), who acts,
passwords from the terminal or a pipe, file names this system can use, one-line failures."""

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:


    from models.storage.database import Database
    from models.values.rows import Actor, Signature


class Failure(Exception):
    """A command failed for a reason the user can act on."""


def encodable(url: str) -> None:
    from models.storage.database import parse_url

    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        output(parsed.database)


def existing(url: str) -> None:
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
    path = output(name)
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
def opened(args: argparse.Namespace, create: bool = False) -> Iterator["Database"]:
    """The database the command works on, upgraded if need be, closed when the command ends.
    Only ``init`` (``create``) may make a new one."""
    from models.storage.database import resolve_url
    from models.storage.schema import open_current

    url = resolve_url(args.db)
    if not create:
        existing(url)
    else:
        encodable(url)
    database, backup = open_current(url)
    if backup is not None:
        print(f"Backed up the database before upgrading it: {backup}", file=sys.stderr)
    try:
        yield database
    finally:
        database.dispose()


def read_password(prompt: str, confirm: bool = True) -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise Failure("no password on standard input")
        return line.rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat the password: ") != first:
        raise Failure("the two passwords differ")
    return first


def acting(database: "Database", args: argparse.Namespace, *roles: str) -> "Actor":
    """Who runs this command: ``--user NAME``, the password from standard input when piped
    (else asked for), one of ``roles``. Signing in is audited like the GUI's."""
    return _signed_in(database, args, roles)[0]


def signing(database: "Database", args: argparse.Namespace, *roles: str
            ) -> tuple["Actor", "Signature"]:
    """Who runs this command, as ``acting``, and their electronic signature: the same
    password, confirmed again for signing (an amendment is signed)."""
    from models.access import accounts

    actor, password = _signed_in(database, args, roles)
    with database.write() as db:
        return actor, accounts.confirm_signature(db, actor, password)


def _signed_in(database: "Database", args: argparse.Namespace, roles: tuple[str, ...]
               ) -> tuple["Actor", str]:
    from models.access import accounts
    from models.values.vocabulary import Role

    if not args.user:
        raise Failure("--user NAME is needed: who does this (their password follows)")
    password = read_password(f"Password for {args.user}: ", confirm=False)
    actor = accounts.sign_in(database, args.user, password)
    if actor.role not in roles:
        wanted = " or ".join(Role(role).label.lower() for role in roles)
        article = "an" if wanted[0] in "aeiou" else "a"
        raise Failure(f"{args.user} is not {article} {wanted}: this command needs one")
    return actor, password


def output(text: str) -> Path:
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


def confirm(question: str) -> bool:
    """Ask on the terminal; piped, nothing is replaced without --yes."""
    if not sys.stdin.isatty():
        raise Failure(f"{question} — not confirmed: run it again with --yes to replace it")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
