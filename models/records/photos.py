"""Photos kept with a session's treated area, and the image bytes behind each.

A photo's row says what it shows (the area, before / after / progress, the pose) and who
added it when; its bytes live in ``photo_images`` so that listing a patient's photos never
reads them. Once the session is signed both rows are kept as they are by the database
itself (migration 0021): a photo can then only be marked void, with a reason.
"""

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.storage.base import Base, utc_now


class SessionPhoto(Base):
    __tablename__ = "session_photos"
    __table_args__ = (
        CheckConstraint("kind IN ('before', 'after', 'progress')", name="kind"),
        # A patient's series of one area and pose, in date order (the compare view).
        Index("ix_session_photos_patient_area", "patient_id", "area", "pose", "taken_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(default=uuid4, unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    area: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    pose: Mapped[str] = mapped_column(String(64), default="")
    taken_at: Mapped[datetime]  # when it was taken, as best known (camera clock or added)
    width: Mapped[int]
    height: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(32), default="file")  # file, camera folder…
    added_at: Mapped[datetime] = mapped_column(default=utc_now)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str] = mapped_column(Text, default="")


class PhotoImage(Base):
    """The stored bytes of one photo (a JPEG without metadata) and its thumbnail."""

    __tablename__ = "photo_images"

    photo_id: Mapped[int] = mapped_column(ForeignKey("session_photos.id"), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary)
