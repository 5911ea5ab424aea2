"""Who may do what: the role × action matrix every operation checks before it acts.

A refusal raises ``Refused``; the database's write block rolls the operation back and then
records the refusal as an audit event of its own, so a refused attempt leaves that and
nothing else.
"""

from enum import StrEnum

from sqlalchemy.orm import Session

from models.access import audit_chain
from models.errors import NotAllowed, RecordedFailure
from models.language import N_, _
from models.values.rows import Actor
from models.values.vocabulary import Role


class Action(StrEnum):
    LOG_SESSION = N_("log a treatment session")
    VIEW_OWN_PATIENTS_SESSIONS = N_("see the sessions of their own patients")
    VIEW_ALL_SESSIONS = N_("see every session")
    REGISTER_PATIENT = N_("register a patient")
    IMPORT_DEVICE_FILE = N_("import a device file")
    REVIEW_SESSION = N_("review and sign off a session")
    AMEND_SESSION = N_("amend a completed session")
    VOID_SESSION = N_("void a session")
    VIEW_AUDIT = N_("see the audit trail")
    PLAN_COURSE = N_("plan a treatment course")
    RECORD_FOLLOW_UP = N_("record a follow-up of a reaction")
    FILE_INCIDENT = N_("file an incident report")
    LOG_DEVICE_CHECK = N_("log a device check or fault")
    VIEW_STAFF = N_("see staff certification and procedure counts")
    MANAGE_CLINIC_SETTINGS = N_("change the clinic's settings")
    MANAGE_USERS = N_("manage users")
    MANAGE_DEVICES = N_("manage the device register")
    MANAGE_PROFILES = N_("manage import profiles")
    MANAGE_BACKUPS = N_("make and restore backups")


ALLOWED: dict[str, frozenset[Action]] = {
    Role.TECHNICIAN: frozenset({
        Action.LOG_SESSION, Action.VIEW_OWN_PATIENTS_SESSIONS, Action.REGISTER_PATIENT,
        Action.IMPORT_DEVICE_FILE, Action.PLAN_COURSE, Action.RECORD_FOLLOW_UP,
        Action.LOG_DEVICE_CHECK,
    }),
    Role.SUPERVISOR: frozenset({
        Action.VIEW_OWN_PATIENTS_SESSIONS, Action.VIEW_ALL_SESSIONS, Action.REGISTER_PATIENT,
        Action.REVIEW_SESSION, Action.AMEND_SESSION, Action.VOID_SESSION, Action.VIEW_AUDIT,
        Action.PLAN_COURSE, Action.RECORD_FOLLOW_UP, Action.FILE_INCIDENT,
        Action.LOG_DEVICE_CHECK, Action.VIEW_STAFF,
    }),
    Role.ADMIN: frozenset({
        Action.REGISTER_PATIENT, Action.MANAGE_USERS, Action.MANAGE_DEVICES,
        Action.MANAGE_PROFILES, Action.MANAGE_BACKUPS, Action.LOG_DEVICE_CHECK,
        Action.VIEW_STAFF, Action.MANAGE_CLINIC_SETTINGS,
    }),
}


class Refused(NotAllowed, RecordedFailure):
    """A signed-in person asked for something their role or ownership does not allow.

    The database records it as a "refused" audit event after rolling the attempt back, with
    ``recorded`` as its reason: the message in English, whatever the language shown (the
    message itself when not given).
    """

    def __init__(self, message: str, actor: Actor, action: str, entity: str = "",
                 entity_id: object = None, *, recorded: str | None = None) -> None:
        super().__init__(message)
        self.actor, self.action, self.entity, self.entity_id = actor, action, entity, entity_id
        self.recorded = message if recorded is None else recorded

    @classmethod
    def saying(cls, message: str, actor: Actor, action: str, entity: str = "",
               entity_id: object = None) -> "Refused":
        """Refused with ``message`` (marked ``N_``) shown in the language in use and recorded
        in English."""
        return cls(_(message), actor, action, entity, entity_id, recorded=message)

    def record(self, session: Session) -> None:
        audit_chain.record(session, actor_id=self.actor.id, action="refused",
                           entity=self.entity or "-", entity_id=self.entity_id,
                           new={"action": self.action}, reason=self.recorded)


def may(actor: Actor, action: Action) -> bool:
    return action in ALLOWED.get(actor.role, frozenset())


def require(actor: Actor, action: Action, entity: str = "", entity_id: object = None) -> None:
    """Raise ``Refused`` unless the actor's role allows ``action``."""
    if not may(actor, action):
        refusal = _MAY_NOT.get(actor.role, N_("{role} may not {action}"))
        raise Refused(_(refusal).format(role=actor.role, action=_(action.value)), actor,
                      action.name.lower(), entity, entity_id,
                      recorded=refusal.format(role=actor.role, action=action.value))


_MAY_NOT: dict[str, str] = {Role.TECHNICIAN: N_("A technician may not {action}"),
                            Role.SUPERVISOR: N_("A supervisor may not {action}"),
                            Role.ADMIN: N_("An administrator may not {action}")}
_A_ROLE = {Role.TECHNICIAN: N_("A technician"), Role.SUPERVISOR: N_("A supervisor"),
           Role.ADMIN: N_("An administrator")}


def a_role(role: str) -> str:
    """'A technician', 'An administrator' (in the language in use)."""
    return _(_A_ROLE[Role(role)]) if role in set(Role) else role
