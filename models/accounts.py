"""Staff accounts: creating them and signing in with an argon2id-hashed password."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import audit
from models.database import Database
from models.errors import NotAllowed, ValidationFailed
from models.people import User
from models.rows import Actor
from models.vocabulary import Role

# OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
PASSWORD_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 8


def actor_of(user: User) -> Actor:
    return Actor(id=user.id, username=user.username, full_name=user.full_name, role=user.role)


def count_users(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(User)) or 0


def create_user(
    db: Session,
    *,
    username: str,
    full_name: str,
    role: str,
    password: str,
    created_by: Actor | None,
) -> Actor:
    """Add a staff account. Only an administrator may, except for the very first account."""
    if created_by is None and count_users(db) > 0:
        raise NotAllowed("Only an administrator can add users")
    if created_by is not None and created_by.role != Role.ADMIN:
        raise NotAllowed("Only an administrator can add users")
    username = username.strip()
    problems: dict[str, str] = {}
    if not username:
        problems["username"] = "Enter a user name"
    elif db.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        problems["username"] = f"The user name {username!r} is already taken"
    if role not in {r.value for r in Role}:
        problems["role"] = "The role must be technician, supervisor or admin"
    if len(password) < MIN_PASSWORD_LENGTH:
        problems["password"] = f"The password needs at least {MIN_PASSWORD_LENGTH} characters"
    if problems:
        raise ValidationFailed(problems)
    user = User(
        username=username,
        full_name=full_name.strip() or username,
        role=role,
        password_hash=PASSWORD_HASHER.hash(password),
    )
    db.add(user)
    db.flush()
    audit.record(
        db,
        actor_id=created_by.id if created_by else user.id,
        action="user.create",
        entity="user",
        entity_id=user.id,
        new={"username": user.username, "full_name": user.full_name, "role": user.role},
    )
    return actor_of(user)


def sign_in(database: Database, username: str, password: str) -> Actor:
    """Check a password and return who signed in; every attempt is audited and kept.

    Takes the database rather than a session because a refusal must still commit its
    audit event and failure count before it is raised.
    """
    with database.write() as db:
        actor, refusal = _check_password(db, username, password)
    if actor is None:
        raise NotAllowed(refusal)
    return actor


def _check_password(db: Session, username: str, password: str) -> tuple[Actor | None, str]:
    user = db.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    ok = False
    if user is not None and user.active:
        try:
            ok = PASSWORD_HASHER.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    if not ok:
        if user is not None:
            user.failed_logins += 1
        audit.record(
            db,
            actor_id=user.id if user else None,
            action="login.failed",
            entity="user",
            entity_id=user.id if user else None,
            new={"username": username.strip()},
        )
        if user is not None and not user.active:
            return None, "This account is disabled; ask an administrator"
        return None, "Wrong user name or password"
    assert user is not None
    if PASSWORD_HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = PASSWORD_HASHER.hash(password)
    user.failed_logins = 0
    audit.record(db, actor_id=user.id, action="login", entity="user", entity_id=user.id)
    return actor_of(user), ""
