import pytest
from sqlalchemy import select

from models.access import accounts
from models.errors import NotAllowed, ValidationFailed
from models.records.audit_events import AuditEvent
from models.records.people import User
from tests.conftest import ADMIN_PASSWORD


def test_password_is_stored_as_argon2id_and_signs_in(database, admin):
    with database.read() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "admin"))
    assert stored.startswith("$argon2id$") and ADMIN_PASSWORD not in stored
    assert accounts.sign_in(database, "ADMIN", ADMIN_PASSWORD).role == "admin"


def test_wrong_password_is_refused_and_the_attempt_kept(database, admin):
    with pytest.raises(NotAllowed, match="Wrong user name or password"):
        accounts.sign_in(database, "admin", "wrong")
    with database.read() as s:
        assert s.scalar(select(User.failed_logins).where(User.username == "admin")) == 1
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions[-1] == "login.failed"


def test_only_the_first_user_may_be_created_without_an_admin(database, admin, technician):
    with pytest.raises(NotAllowed), database.write() as s:
        accounts.create_user(s, username="x", full_name="X", role="admin",
                             password="long enough", created_by=None)
    with pytest.raises(NotAllowed), database.write() as s:
        accounts.create_user(s, username="x", full_name="X", role="admin",
                             password="long enough", created_by=technician)


def test_short_password_and_taken_name_are_refused(database, admin):
    with pytest.raises(ValidationFailed) as refused, database.write() as s:
        accounts.create_user(s, username="Admin", full_name="", role="technician",
                             password="short", created_by=admin)
    assert set(refused.value.problems) == {"username", "password"}


def test_failed_sign_ins_make_each_further_attempt_wait_until_an_admin_unlocks(database,
                                                                               admin,
                                                                               technician):
    for _ in range(accounts.FREE_ATTEMPTS):
        with pytest.raises(NotAllowed, match="Wrong user name"):
            accounts.sign_in(database, "tess", "wrong")
    with pytest.raises(NotAllowed, match=r"Too many failed sign-ins: try again in \d+ s"):
        accounts.sign_in(database, "tess", ADMIN_PASSWORD)  # even the right password waits
    assert accounts.lockout_delay(accounts.FREE_ATTEMPTS + 1) == 2 * accounts.lockout_delay(
        accounts.FREE_ATTEMPTS)
    assert accounts.lockout_delay(50) == accounts.MAX_LOCKOUT
    with database.write() as db:
        accounts.unlock_user(db, admin, "tess")
    assert accounts.sign_in(database, "tess", ADMIN_PASSWORD).username == "tess"


def test_a_disabled_account_cannot_sign_in_and_stays(database, admin, technician):
    with database.write() as db:
        accounts.disable_user(db, admin, "tess")
    with pytest.raises(NotAllowed, match="disabled"):
        accounts.sign_in(database, "tess", ADMIN_PASSWORD)
    with database.read() as db:
        (row,) = [u for u in accounts.list_users(db, admin) if u.username == "tess"]
    assert not row.active


def test_changed_hashing_parameters_rehash_on_the_next_sign_in(database, admin, monkeypatch):
    from argon2 import PasswordHasher

    stronger = PasswordHasher(time_cost=3, memory_cost=19 * 1024, parallelism=1)
    monkeypatch.setattr(accounts, "PASSWORD_HASHER", stronger)
    accounts.sign_in(database, "admin", ADMIN_PASSWORD)
    with database.read() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "admin"))
        last = s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()[-2:]
    assert "t=3" in stored and last == ["user.rehash", "login"]


def test_sign_out_is_audited(database, admin):
    accounts.sign_out(database, admin)
    with database.read() as s:
        assert s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq.desc())).first() \
            == "logout"
