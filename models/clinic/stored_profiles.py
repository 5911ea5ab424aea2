"""Import profiles a clinic adds for its own device models, kept in the database so every PC
reads the same ones. They are checked by ``devices/profile_library.py`` before they are
stored; administrators add, replace and retire them, and nothing is ever deleted (the audit
trail keeps each source a profile had)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.permissions import Action, require
from models.errors import NotFound, ValidationFailed
from models.language import _
from models.records.clinic_config import StoredProfile
from models.records.people import User
from models.values.rows import Actor


@dataclass(frozen=True)
class StoredProfileRow:
    name: str
    source: str  # the TOML in use
    added_by: str
    added_at: datetime
    active: bool


def store_profile(db: Session, actor: Actor, name: str, source: str) -> None:
    require(actor, Action.MANAGE_PROFILES, "import_profile", name)
    if db.scalar(select(StoredProfile.id).where(StoredProfile.name == name)):
        raise ValidationFailed({"name": _("An import profile named {name} exists already; give "
                                          "the new one another file name").format(
                                              name=repr(name))})
    db.add(StoredProfile(name=name, source=source, added_by_id=actor.id))
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="profile.add", entity="import_profile",
                       entity_id=name, new={"name": name, "source": source})


def retire_profile(db: Session, actor: Actor, name: str, reason: str | None = None) -> None:
    """Stop offering a profile; it stays stored, with who added it and when. The screen asks
    why (``reason``); the command line does not."""
    require(actor, Action.MANAGE_PROFILES, "import_profile", name)
    stored = db.scalar(select(StoredProfile).where(StoredProfile.name == name,
                                                   StoredProfile.active))
    if stored is None:
        raise NotFound(_("No import profile {name} added by the clinic is in use").format(
            name=repr(name)))
    if reason is not None and not reason.strip():
        raise ValidationFailed({"reason": _("Say why the profile is retired")})
    stored.active = False
    audit_chain.record(db, actor_id=actor.id, action="profile.retire", entity="import_profile",
                       entity_id=name, old={"active": True}, new={"active": False},
                       reason=(reason or "").strip())


def replace_profile(db: Session, actor: Actor, name: str, source: str) -> None:
    """Give a profile in use a new source (a device's new firmware exports differently); the
    files imported with it keep what they imported."""
    require(actor, Action.MANAGE_PROFILES, "import_profile", name)
    stored = db.scalar(select(StoredProfile).where(StoredProfile.name == name,
                                                   StoredProfile.active))
    if stored is None:
        raise NotFound(_("No import profile {name} added by the clinic is in use").format(
            name=repr(name)))
    if stored.source == source:
        raise ValidationFailed({"source": _("That file is the profile as it is already")})
    old = stored.source
    stored.source = source
    audit_chain.record(db, actor_id=actor.id, action="profile.replace",
                       entity="import_profile", entity_id=name, old={"source": old},
                       new={"source": source})


def list_stored(db: Session, actor: Actor) -> list[StoredProfileRow]:
    """Every profile the clinic added, retired ones too, by name."""
    require(actor, Action.MANAGE_PROFILES, "import_profile")
    rows = db.execute(select(StoredProfile.name, StoredProfile.source, User.full_name,
                             StoredProfile.added_at, StoredProfile.active)
                      .join(User, User.id == StoredProfile.added_by_id)
                      .order_by(StoredProfile.name))
    return [StoredProfileRow(*row) for row in rows]


def stored_profiles(db: Session) -> dict[str, str]:
    """The clinic's profiles in use: name -> TOML source."""
    rows = db.execute(select(StoredProfile.name, StoredProfile.source)
                      .where(StoredProfile.active).order_by(StoredProfile.name))
    return {name: source for name, source in rows}
