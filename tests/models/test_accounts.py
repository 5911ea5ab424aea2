import pytest
from sqlalchemy import select

from models import accounts
from models.audit import AuditEvent
from models.errors import NotAllowed, ValidationFailed
from models.people import User
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
