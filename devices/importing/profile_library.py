"""Every import profile a clinic can use: the shipped ones and those its administrators added.

An added profile is parsed exactly like a shipped one before it is stored, so a malformed
file is refused with the profile and key named, and nothing is stored.
"""

import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from devices.importing.profiles import (
    Profile,
    builtin_profiles,
    find_profile,
    load_profile,
    parse_profile,
)
from models.clinic import stored_profiles
from models.errors import LaserLogError
from models.language import _
from models.storage.database import Database
from models.values.rows import Actor


def clinic_profiles(db: Session) -> dict[str, Profile]:
    """Shipped profiles and the clinic's own, by name."""
    found = dict(builtin_profiles())
    for name, source in stored_profiles.stored_profiles(db).items():
        found[name] = parse_profile(name, tomllib.loads(source))
    return found


def add_profile(database: Database, actor: Actor, path: Path) -> Profile:
    """Check the profile file at ``path`` and store it for every PC, under its file name."""
    profile = load_profile(path)  # ProfileError names the profile and the key
    if profile.name in builtin_profiles():
        raise LaserLogError(_("{name} is the name of a shipped profile; rename the file").format(
            name=profile.name))
    with database.write() as db:
        stored_profiles.store_profile(db, actor, profile.name, path.read_text(encoding="utf-8"))
    return profile


def replace_profile(database: Database, actor: Actor, name: str, path: Path) -> Profile:
    """Check the file at ``path`` as the clinic's profile ``name`` (whatever the file is
    called) and make it that profile's source on every PC."""
    load_profile(path)  # ProfileError names the file and the key
    source = path.read_text(encoding="utf-8")
    profile = parse_profile(name, tomllib.loads(source))
    with database.write() as db:
        stored_profiles.replace_profile(db, actor, name, source)
    return profile


@dataclass(frozen=True)
class ListedProfile:
    """A profile on the administrator's list: shipped with LaserLog or added by the clinic."""

    name: str
    title: str
    format: str
    added_by: str | None  # None: shipped
    added_at: datetime | None
    active: bool

    @property
    def origin(self) -> str:
        if self.added_by is None:
            return _("Shipped with LaserLog")
        return _("Added by {name}").format(name=self.added_by)

    @property
    def state(self) -> str:
        return _("In use") if self.active else _("Retired")


def list_profiles(db: Session, actor: Actor) -> list[ListedProfile]:
    """Every profile: the clinic's (retired ones too) by name, then the shipped ones."""
    found = []
    for row in stored_profiles.list_stored(db, actor):
        try:
            profile = parse_profile(row.name, tomllib.loads(row.source))
            title, kind = profile.title, profile.format
        except (LaserLogError, tomllib.TOMLDecodeError):
            title, kind = _("(cannot be read)"), "?"
        found.append(ListedProfile(row.name, title, kind.upper(), row.added_by, row.added_at,
                                   row.active))
    for name, profile in builtin_profiles().items():
        found.append(ListedProfile(name, profile.title, profile.format.upper(), None, None,
                                   True))
    return found


def resolve_profile(database: Database, name_or_path: str) -> Profile:
    """A profile by name (shipped or the clinic's) or a profile file by its path."""
    if name_or_path.endswith(".toml"):
        return find_profile(name_or_path)
    with database.read() as db:
        return find_profile(name_or_path, clinic_profiles(db))
