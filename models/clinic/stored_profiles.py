"""Import profiles a clinic adds for its own device models, kept in the database so every PC
reads the same ones. They are checked by ``devices/profile_library.py`` before they are
stored; administrators add and retire them, and nothing is ever deleted."""


from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import audit_chain
from models.access.permissions import Action, require
from models.errors import NotFound, ValidationFailed
from models.records.clinic_config import StoredProfile
from models.values.rows import Actor


def store_profile(db: Session, actor: Actor, name: str, source: str) -> None:
    require(actor, Action.MANAGE_PROFILES, "import_profile", name)
    if db.scalar(select(StoredProfile.id).where(StoredProfile.name == name)):
        raise ValidationFailed({"name": f"An import profile named {name!r} exists already; "
                                        "give the new one another file name"})
    db.add(StoredProfile(name=name, source=source, added_by_id=actor.id))
    db.flush()
    audit_chain.record(db, actor_id=actor.id, action="profile.add", entity="import_profile",
                       entity_id=name, new={"name": name, "source": source})


def retire_profile(db: Session, actor: Actor, name: str) -> None:
    """Stop offering a profile; it stays stored, with who added it and when."""
    require(actor, Action.MANAGE_PROFILES, "import_profile", name)
    stored = db.scalar(select(StoredProfile).where(StoredProfile.name == name,
                                                   StoredProfile.active))
    if stored is None:
        raise NotFound(f"No import profile {name!r} added by the clinic is in use")
    stored.active = False
    audit_chain.record(db, actor_id=actor.id, action="profile.retire", entity="import_profile",
                       entity_id=name, old={"active": True}, new={"active": False})


def stored_profiles(db: Session) -> dict[str, str]:
    """The clinic's profiles in use: name -> TOML source."""
    rows = db.execute(select(StoredProfile.name, StoredProfile.source)
                      .where(StoredProfile.active).order_by(StoredProfile.name))
    return {name: source for name, source in rows}
