"""Staff accounts: creating them, signing in with an argon2id-hashed password, and what an
administrator changes (a password reset, a role, disabling one); the clinic always keeps one
active administrator."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from math import ceil

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access import audit_chain, witness
from models.access.permissions import Action, require
from models.errors import NotAllowed, NotFound, RecordedFailure, ValidationFailed
from models.language import N_, _, date_text
from models.records.people import User
from models.storage.base import utc_now
from models.storage.database import Database
from models.values.rows import Actor, Signature
from models.values.session_input import parse_date
from models.values.vocabulary import Role

# OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
PASSWORD_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 8
FREE_ATTEMPTS = 3  # failed sign-ins before each further one waits
MAX_LOCKOUT = timedelta(minutes=15)
#: What a temporary password is made of: no 0/o, 1/l/i to misread when it is handed over.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class UserRow:
    username: str
    full_name: str
    role: str
    active: bool
    failed_logins: int
    locked_until: datetime | None
    must_change_password: bool = False


class PasswordChangeNeeded(NotAllowed):
    """The password was right, but an administrator reset it: the person chooses a new one
    (``sign_in`` with ``new_password``) before they are signed in."""


def password_problems(password: str, repeat: str | None, key: str = "password"
                      ) -> dict[str, str]:
    """What is wrong with a new password, by field: too short (on ``key``), or not typed the
    same twice (on "repeat"); ``repeat`` None when it was typed once."""
    problems = {}
    if len(password) < MIN_PASSWORD_LENGTH:
        problems[key] = _("The password needs at least {n} characters").format(
            n=MIN_PASSWORD_LENGTH)
    if repeat is not None and repeat != password:
        problems["repeat"] = _("The two passwords differ")
    return problems


def password_matches(password_hash: str, password: str) -> bool:
    """Whether ``password`` is the one hashed (nothing recorded: see ``sign_in``)."""
    try:
        return PASSWORD_HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password(db: Session, username: str, password: str) -> Actor | None:
    """Who this is, if the password is right and the account active; nothing recorded (for
    a restore, which must leave the database it may replace untouched when refused)."""
    user = db.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None or not user.active or not password_matches(user.password_hash, password):
        return None
    return actor_of(user)


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
    repeat: str | None = None,
) -> Actor:
    """Add a staff account. Only an administrator may, except for the very first account.

    Every problem is found at once, the password typed again (``repeat``) among them."""
    if created_by is None and count_users(db) > 0:
        raise NotAllowed(_("Only an administrator can add users"))
    if created_by is not None:
        require(created_by, Action.MANAGE_USERS, "user")
    username = username.strip()
    problems: dict[str, str] = {}
    if not username:
        problems["username"] = _("Enter a user name")
    elif db.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        problems["username"] = _("The user name {name} is already taken").format(
            name=repr(username))
    if role not in {r.value for r in Role}:
        problems["role"] = _("The role must be technician, supervisor or admin")
    problems |= password_problems(password, repeat)
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
    audit_chain.record(
        db,
        actor_id=created_by.id if created_by else user.id,
        action="user.create",
        entity="user",
        entity_id=user.id,
        new={"username": user.username, "full_name": user.full_name, "role": user.role},
    )
    if created_by is None:  # the first account: a new clinic's database starts here
        witness.witness_after_commit(db, "created")
    return actor_of(user)


#: The pseudo-account earlier releases made for the command line: never listed (it could never
#: sign in; commands now name the administrator who runs them).
COMMAND_LINE_USER = "command-line"


def _user(db: Session, actor: Actor, username: str) -> User:
    require(actor, Action.MANAGE_USERS, "user", username)
    user = db.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        raise NotFound(_("No user {name}").format(name=repr(username)))
    return user


def list_users(db: Session, actor: Actor) -> list[UserRow]:
    require(actor, Action.MANAGE_USERS, "user")
    now = utc_now()
    return [
        UserRow(user.username, user.full_name, user.role, user.active, user.failed_logins,
                user.locked_until if user.locked_until and user.locked_until > now else None,
                user.must_change_password)
        for user in db.scalars(select(User).where(User.username != COMMAND_LINE_USER)
                               .order_by(User.username))
    ]


def disable_user(db: Session, actor: Actor, username: str) -> None:
    """Stop an account from signing in; it stays, with everything it wrote."""
    user = _user(db, actor, username)
    if user.id == actor.id:
        raise NotAllowed(_("You cannot disable your own account"))
    if not user.active:
        raise NotAllowed(_("{name} is already disabled").format(name=user.username))
    if _last_administrator(db, user):
        raise NotAllowed(_("{name} is the last active administrator; make another account "
                           "an administrator first").format(name=user.username))
    user.active = False
    audit_chain.record(db, actor_id=actor.id, action="user.disable", entity="user",
                       entity_id=user.id, old={"active": True}, new={"active": False})


def _last_administrator(db: Session, user: User) -> bool:
    """Whether ``user`` is the only active administrator left."""
    if user.role != Role.ADMIN or not user.active:
        return False
    others = db.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.active, User.id != user.id,
        User.username != COMMAND_LINE_USER)) or 0
    return others == 0


def change_role(db: Session, actor: Actor, username: str, role: str, reason: str) -> None:
    """Make someone a technician, a supervisor or an administrator, with the reason; never
    one's own role, and never the last active administrator's."""
    user = _user(db, actor, username)
    if user.id == actor.id:
        raise NotAllowed(_("You cannot change your own role; ask another administrator"))
    problems = {}
    if role not in set(Role):
        problems["role"] = _("The role must be technician, supervisor or admin")
    elif role == user.role:
        problems["role"] = _(_SAME_ROLE[Role(role)]).format(name=user.username)
    elif _last_administrator(db, user):
        problems["role"] = _("{name} is the last active administrator; make another account "
                             "an administrator first").format(name=user.username)
    if not reason.strip():
        problems["reason"] = _("Say why the role changes (it is kept in the audit trail)")
    if problems:
        raise ValidationFailed(problems)
    old = user.role
    user.role = role
    audit_chain.record(db, actor_id=actor.id, action="user.role", entity="user",
                       entity_id=user.id, old={"role": old}, new={"role": role},
                       reason=reason.strip())


_SAME_ROLE = {
    Role.TECHNICIAN: N_("{name} is a technician already; choose another role"),
    Role.SUPERVISOR: N_("{name} is a supervisor already; choose another role"),
    Role.ADMIN: N_("{name} is an administrator already; choose another role"),
}


def temporary_password() -> str:
    """A password to hand over once: 12 letters and digits in three groups, easy to read out."""
    letters = "".join(secrets.choice(TEMPORARY_ALPHABET) for _letter in range(12))
    return "-".join(letters[i:i + 4] for i in range(0, 12, 4))


def reset_password(db: Session, actor: Actor, username: str, reason: str,
                   temporary: str | None = None) -> str:
    """Give an account a temporary password (made here unless given), which its owner must
    replace when they next sign in; the delay after failed sign-ins is cleared too. Returns
    the temporary password, to hand over in person; only its hash is kept."""
    user = _user(db, actor, username)
    temporary = temporary_password() if temporary is None else temporary
    if user.id == actor.id:
        raise NotAllowed(_("You cannot reset your own password here; ask another "
                           "administrator"))
    if not user.active:
        raise NotAllowed(_("{name} is disabled: it cannot sign in with any password").format(
            name=user.username))
    problems = password_problems(temporary, None)
    if not reason.strip():
        problems["reason"] = _("Say why the password is reset (it is kept in the audit trail)")
    if problems:
        raise ValidationFailed(problems)
    user.password_hash = PASSWORD_HASHER.hash(temporary)
    user.must_change_password = True
    user.failed_logins, user.locked_until = 0, None
    audit_chain.record(db, actor_id=actor.id, action="user.password_reset", entity="user",
                       entity_id=user.id, new={"must_change_password": True},
                       reason=reason.strip())
    return temporary


def unlock_user(db: Session, actor: Actor, username: str) -> None:
    """Clear the delay that failed sign-ins put on an account."""
    user = _user(db, actor, username)
    old = {"failed_logins": user.failed_logins,
           "locked_until": user.locked_until.isoformat() if user.locked_until else None}
    user.failed_logins, user.locked_until = 0, None
    audit_chain.record(db, actor_id=actor.id, action="user.unlock", entity="user",
                       entity_id=user.id, old=old, new={"failed_logins": 0, "locked_until": None})


def record_certification(db: Session, actor: Actor, username: str, number: str,
                         expires: date | str | None, today: date | None = None) -> None:
    """Record a technician's certification (a renewal replaces the last); an expired one
    stops them completing sessions. ``expires`` may be the date as typed (YYYY-MM-DD), so
    that every problem is found in one round."""
    user = _user(db, actor, username)
    number = number.strip()
    problems = {}
    if not number:
        problems["certification_number"] = _("Enter the certification number")
    when: date | None = None
    try:
        when = parse_date(expires, _("The expiry date")) if isinstance(expires, str) else expires
    except ValueError as problem:
        problems["certification_expires"] = str(problem)
    else:
        if when is None:
            problems["certification_expires"] = _("Enter the expiry date")
        elif when < (today or date.today()):
            problems["certification_expires"] = _(
                "This certification expired on {day}; record the renewed one").format(
                day=date_text(when))
    if problems:
        raise ValidationFailed(problems)
    assert when is not None  # a missing date is a problem above
    old = {"certification_number": user.certification_number,
           "certification_expires": (user.certification_expires.isoformat()
                                     if user.certification_expires else None)}
    user.certification_number, user.certification_expires = number, when
    audit_chain.record(db, actor_id=actor.id, action="user.certify", entity="user",
                       entity_id=user.id,
                       old=old, new={"certification_number": number,
                               "certification_expires": when.isoformat()})


def lockout_delay(failed_logins: int) -> timedelta:
    """How long sign-in waits after this many failures in a row: none for the first few,
    then doubling, at most a quarter of an hour."""
    if failed_logins < FREE_ATTEMPTS:
        return timedelta(0)
    doublings = min(failed_logins - FREE_ATTEMPTS, 20)
    return min(timedelta(seconds=5 * 2**doublings), MAX_LOCKOUT)


def sign_out(database: Database, actor: Actor) -> None:
    """Record the sign-out, by the account of that name: after a restore the database may be
    another one, where the id is someone else's or nobody's (then nothing is recorded)."""
    with database.write() as db:
        user = db.get(User, actor.id)
        if user is None or user.username != actor.username:
            user = db.scalar(select(User).where(User.username == actor.username))
        if user is not None:
            audit_chain.record(db, actor_id=user.id, action="logout", entity="user",
                               entity_id=user.id)


def sign_in(database: Database, username: str, password: str,
            new_password: str | None = None, repeat: str | None = None) -> Actor:
    """Check a password and return who signed in; every attempt is audited and kept.

    After an administrator reset it, the right password raises ``PasswordChangeNeeded``
    until it comes with ``new_password`` (and ``repeat``, typed again), which replaces it;
    a new password that will not do raises ``ValidationFailed`` with every problem.

    Takes the database rather than a session because a refusal must still commit its
    audit event and failure count before it is raised.
    """
    with database.write() as db:
        actor, refusal = _check_password(db, username, password, new_password, repeat)
    if actor is None:
        if refusal == _CHANGE_NEEDED:
            raise PasswordChangeNeeded(_("An administrator reset this password: choose a new "
                                         "one in LaserLog's sign-in window to sign in"))
        raise NotAllowed(refusal)
    return actor


_CHANGE_NEEDED = "change needed"


def _check_password(db: Session, username: str, password: str, new_password: str | None,
                    repeat: str | None) -> tuple[Actor | None, str]:
    user = db.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    refusal = _refusal(db, user, username, password)
    if refusal:
        return None, refusal
    assert user is not None
    if user.must_change_password:
        if new_password is None:
            return None, _CHANGE_NEEDED
        _replace_temporary(db, user, password, new_password, repeat)
    elif PASSWORD_HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = PASSWORD_HASHER.hash(password)
        audit_chain.record(db, actor_id=user.id, action="user.rehash", entity="user",
                           entity_id=user.id, reason="password hashing parameters changed")
    user.failed_logins, user.locked_until = 0, None
    audit_chain.record(db, actor_id=user.id, action="login", entity="user", entity_id=user.id)
    return actor_of(user), ""


def _replace_temporary(db: Session, user: User, temporary: str, new_password: str,
                       repeat: str | None) -> None:
    """The person's own password in place of the one an administrator gave them."""
    problems = password_problems(new_password, repeat, key="new_password")
    if "new_password" not in problems and new_password == temporary:
        problems["new_password"] = _("Choose a password of your own, not the temporary one")
    if problems:
        raise ValidationFailed(problems)
    user.password_hash = PASSWORD_HASHER.hash(new_password)
    user.must_change_password = False
    audit_chain.record(db, actor_id=user.id, action="user.password_change", entity="user",
                       entity_id=user.id, old={"must_change_password": True},
                       new={"must_change_password": False})


def _refusal(db: Session, user: User | None, username: str, password: str) -> str:
    """Why this password is refused ("" when it is not), the refusal audited as a failed
    sign-in: the account locked, the password wrong, the account disabled."""
    now = utc_now()
    locked = _locked(db, user, username, now)
    if locked:
        return locked
    if user is not None and user.active and password_matches(user.password_hash, password):
        return ""
    return _count_failure(db, user, username, now)


def _locked(db: Session, user: User | None, username: str, now: datetime) -> str:
    """What an account still locked says (the attempt audited); "" when it is not locked."""
    if user is None or user.locked_until is None or user.locked_until <= now:
        return ""
    wait = ceil((user.locked_until - now).total_seconds())
    audit_chain.record(db, actor_id=user.id, action="login.failed", entity="user",
                       entity_id=user.id, new={"username": username.strip()},
                       reason=f"locked for {wait} s more")
    return _("Too many failed sign-ins: try again in {seconds} s, or ask an administrator to "
             "unlock the account").format(seconds=wait)


def _count_failure(db: Session, user: User | None, username: str, now: datetime) -> str:
    """Count and audit a wrong password (the next attempts then wait); say what was wrong."""
    if user is not None:
        user.failed_logins += 1
        delay = lockout_delay(user.failed_logins)
        user.locked_until = now + delay if delay else None
    audit_chain.record(
        db,
        actor_id=user.id if user else None,
        action="login.failed",
        entity="user",
        entity_id=user.id if user else None,
        new={"username": username.strip()},
    )
    if user is not None and not user.active:
        return _("This account is disabled; ask an administrator")
    return _("Wrong user name or password")


class SignatureRefused(ValidationFailed, RecordedFailure):
    """The password given to sign is not the signer's, or the account is locked or disabled.

    The signing is rolled back; the attempt then counts and is audited as a failed sign-in,
    as ``sign_in`` counts it. ``problem``: what is wrong, and that nothing was signed.
    """

    def __init__(self, user_id: int, problem: str | None = None) -> None:
        super().__init__({"password": problem or _(
            "That is not your password; nothing was signed")})
        self.user_id = user_id

    def record(self, session: Session) -> None:
        user = session.get(User, self.user_id)
        now = utc_now()
        if user is not None and not _locked(session, user, user.username, now):
            _count_failure(session, user, user.username, now)


def confirm_signature(db: Session, actor: Actor, password: str) -> Signature:
    """The actor's electronic signature, confirmed by their password (21 CFR 11.200: each
    signing uses both components, the user name being the signed-in account's). A wrong
    password, or an account locked or disabled, raises ``ValidationFailed`` on "password" and
    counts as a failed sign-in."""
    user = db.get(User, actor.id)
    if user is None:
        raise NotFound(_("No user with id {id}").format(id=actor.id))
    now = utc_now()
    if user.locked_until is not None and user.locked_until > now:
        wait = ceil((user.locked_until - now).total_seconds())
        raise SignatureRefused(user.id, _("Too many failed sign-ins: try again in {seconds} s; "
                                          "nothing was signed").format(seconds=wait))
    if not user.active:
        raise SignatureRefused(user.id, _("This account is disabled; nothing was signed"))
    if not password_matches(user.password_hash, password):
        raise SignatureRefused(user.id)
    user.failed_logins, user.locked_until = 0, None
    return Signature(actor_id=user.id, confirmed_at=now)
