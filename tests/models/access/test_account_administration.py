"""What an administrator changes on an account: a password reset (a temporary password the
owner replaces at their next sign-in), a role, disabling it; the clinic always keeps one
active administrator, and each change is audited with its reason."""

import json

import pytest
from sqlalchemy import select

from models.access import accounts
from models.errors import NotAllowed, ValidationFailed
from models.records.audit_events import AuditEvent
from models.records.people import User
from tests.conftest import ADMIN_PASSWORD


def last_event(database) -> AuditEvent:
    with database.read() as db:
        event = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        db.expunge(event)
    return event


def stored_user(database, username) -> User:
    with database.read() as db:
        user = db.scalar(select(User).where(User.username == username))
        db.expunge(user)
    return user


def test_a_new_account_is_validated_in_one_round(database, admin):
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        accounts.create_user(db, username="Admin", full_name="", role="boss", password="short",
                             repeat="shorter", created_by=admin)
    assert set(refused.value.problems) == {"username", "role", "password", "repeat"}
    assert refused.value.problems["repeat"] == "The two passwords differ"


def test_a_reset_password_must_be_replaced_at_the_next_sign_in(database, admin, technician):
    with database.write() as db:
        temporary = accounts.reset_password(db, admin, "tess", "forgot it")
    assert len(temporary) == 14 and temporary.count("-") == 2
    event = last_event(database)
    assert (event.action, event.actor_id, event.entity_id, event.reason) == (
        "user.password_reset", admin.id, str(technician.id), "forgot it")
    assert temporary not in event.new_values  # only its hash is kept, in the account
    assert stored_user(database, "tess").must_change_password

    with pytest.raises(NotAllowed, match="Wrong user name"):
        accounts.sign_in(database, "tess", ADMIN_PASSWORD)  # the old password is gone
    with pytest.raises(accounts.PasswordChangeNeeded, match="choose a new one"):
        accounts.sign_in(database, "tess", temporary)
    with pytest.raises(ValidationFailed) as refused:
        accounts.sign_in(database, "tess", temporary, new_password="short", repeat="other")
    assert set(refused.value.problems) == {"new_password", "repeat"}  # both at once
    with pytest.raises(ValidationFailed) as refused:
        accounts.sign_in(database, "tess", temporary, new_password=temporary,
                         repeat=temporary)
    assert refused.value.problems == {
        "new_password": "Choose a password of your own, not the temporary one"}
    assert stored_user(database, "tess").must_change_password

    actor = accounts.sign_in(database, "tess", temporary, new_password="tess-own-2026",
                             repeat="tess-own-2026")
    assert actor.username == "tess" and not stored_user(database, "tess").must_change_password
    with database.read() as db:
        actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.seq.desc())
                             .limit(2)).all()
    assert actions == ["login", "user.password_change"]
    assert accounts.sign_in(database, "TESS", "tess-own-2026").id == technician.id


def test_a_reset_clears_the_wait_after_failed_sign_ins_and_needs_a_reason(database, admin,
                                                                          technician):
    for _ in range(accounts.FREE_ATTEMPTS + 1):
        with pytest.raises(NotAllowed):
            accounts.sign_in(database, "tess", "wrong")
    assert stored_user(database, "tess").locked_until is not None
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        accounts.reset_password(db, admin, "tess", "  ", temporary="short")
    assert set(refused.value.problems) == {"password", "reason"}
    with database.write() as db:
        temporary = accounts.reset_password(db, admin, "tess", "locked out")
    user = stored_user(database, "tess")
    assert (user.failed_logins, user.locked_until) == (0, None)
    with pytest.raises(accounts.PasswordChangeNeeded):
        accounts.sign_in(database, "tess", temporary)


def test_nobody_resets_their_own_password_nor_a_disabled_account_s(database, admin,
                                                                   technician):
    with pytest.raises(NotAllowed, match="your own password"), database.write() as db:
        accounts.reset_password(db, admin, "admin", "forgot")
    with database.write() as db:
        accounts.disable_user(db, admin, "tess")
    with pytest.raises(NotAllowed, match="disabled"), database.write() as db:
        accounts.reset_password(db, admin, "tess", "forgot")
    with pytest.raises(NotAllowed, match="may not manage users"), database.write() as db:
        accounts.reset_password(db, technician, "admin", "takeover")


def test_the_role_changes_with_a_reason_and_is_audited(database, admin, technician):
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        accounts.change_role(db, admin, "tess", "technician", "")
    assert refused.value.problems == {
        "role": "tess is a technician already; choose another role",
        "reason": "Say why the role changes (it is kept in the audit trail)"}
    with database.write() as db:
        accounts.change_role(db, admin, "tess", "supervisor", "promoted to lead")
    event = last_event(database)
    assert (event.action, json.loads(event.old_values), json.loads(event.new_values),
            event.reason) == ("user.role", {"role": "technician"}, {"role": "supervisor"},
                              "promoted to lead")
    assert accounts.sign_in(database, "tess", ADMIN_PASSWORD).role == "supervisor"
    with database.read() as db:
        assert [u.role for u in accounts.list_users(db, admin)
                if u.username == "tess"] == ["supervisor"]


def test_the_last_active_administrator_is_never_demoted_nor_disabled(database, admin,
                                                                     technician):
    with pytest.raises(NotAllowed, match="your own role"), database.write() as db:
        accounts.change_role(db, admin, "admin", "technician", "stepping down")
    with database.write() as db:
        accounts.change_role(db, admin, "tess", "admin", "second administrator")
    tess = accounts.sign_in(database, "tess", ADMIN_PASSWORD)
    with database.write() as db:  # two administrators: one may demote the other
        accounts.change_role(db, tess, "admin", "supervisor", "moves to the clinic floor")
    # Ada's window still says administrator; Tess is now the only one left.
    with pytest.raises(ValidationFailed) as refused, database.write() as db:
        accounts.change_role(db, admin, "tess", "technician", "mistake")
    assert refused.value.problems == {"role": "tess is the last active administrator; make "
                                              "another account an administrator first"}
    with pytest.raises(NotAllowed, match="last active administrator"), database.write() as db:
        accounts.disable_user(db, admin, "tess")
    assert stored_user(database, "tess").role == "admin" and stored_user(database, "tess").active


def test_sign_out_after_a_restore_names_the_account_of_that_name(database, admin,
                                                                 technician):
    """A restored database may give the signed-in person's id to someone else."""
    from dataclasses import replace

    accounts.sign_out(database, replace(technician, id=admin.id))
    assert (last_event(database).action, last_event(database).actor_id) == ("logout",
                                                                              technician.id)
    before = last_event(database).seq
    accounts.sign_out(database, replace(technician, id=999, username="gone"))
    assert last_event(database).seq == before  # nobody of that name: nothing recorded
