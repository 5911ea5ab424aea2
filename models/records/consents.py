"""Consent documents, in versions, and the consents patients sign on screen.

A document's text never changes once saved: a new wording is a new version, and the newest
version not retired is the one in force. A signed consent keeps the version it was signed
for, the strokes of the signature as drawn and a rendering of them, the signer's name, the
witnessing technician and the time, and the SHA-256 of all of it (also in the audit chain).
"""

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.storage.base import Base, utc_now


class ConsentDocument(Base):
    __tablename__ = "consent_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retired_at: Mapped[datetime | None]
    #: The language the version is written in: the patient signs the one in theirs.
    language: Mapped[str] = mapped_column(String(16), default="en", server_default="en")


class SignedConsent(Base):
    __tablename__ = "signed_consents"
    __table_args__ = (
        # A patient's newest consent: asked by every form opening and completion.
        Index("ix_signed_consents_patient_signed", "patient_id", "signed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(default=uuid4, unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("consent_documents.id"))
    signer_name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(default=utc_now)
    witness_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    strokes: Mapped[str] = mapped_column(Text)  # JSON: [[[x, y], ...], ...], 0–1 of the pad
    rendering: Mapped[bytes] = mapped_column(LargeBinary)  # the signature as a PNG
    sha256: Mapped[str] = mapped_column(String(64))
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str] = mapped_column(Text, default="")
