"""People: the staff who use LaserLog and the patients they treat."""

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import CheckConstraint, ForeignKey, String, false
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, validates

from models.storage.base import Base, utc_now
from models.values.name_search import search_key


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('technician', 'supervisor', 'admin')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    certification_number: Mapped[str | None] = mapped_column(String(64))
    certification_expires: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]  # no sign-in before then, after failed attempts
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # An administrator reset the password: the next sign-in chooses a new one (0020).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())


def _search_name_of(context: DefaultExecutionContext) -> str:
    """A bulk insert's search name, from the row's own full name."""
    row: dict[str, Any] = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return search_key(row["full_name"])


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (CheckConstraint("fitzpatrick BETWEEN 1 AND 6", name="fitzpatrick"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(default=uuid4, unique=True)
    identifier: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), index=True)
    # The name as it is searched (models.values.name_search), written with the name: by
    # ``_named`` when the ORM sets it, by the column default for bulk inserts. Its trigram
    # index is migration 0017's (FTS5 on SQLite, pg_trgm on PostgreSQL).
    search_name: Mapped[str] = mapped_column(String(200), server_default="",
                                             default=_search_name_of)
    date_of_birth: Mapped[date | None]
    fitzpatrick: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # One of the patient's photos shown to tell them apart (0021; a plain column: SQLite
    # cannot add a foreign key to a table in place).
    portrait_photo_id: Mapped[int | None]

    @validates("full_name")
    def _named(self, _key: str, full_name: str) -> str:
        self.search_name = search_key(full_name)
        return full_name
