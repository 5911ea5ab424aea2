"""What an import leaves behind: the batch (which file, by whom) and the per-pulse traces.

Traces are stored compactly: one row per channel per chunk of pulses, holding a
little-endian float32 array, so a session of a million pulses is a few dozen rows, not a
million.
"""

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.storage.base import Base, utc_now

#: Pulses per stored chunk of one channel (256 KiB of float32).
TRACE_CHUNK = 65_536


class ImportBatch(Base):
    """One export file imported: all of it, in one transaction, never twice (by SHA-256)."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[UUID] = mapped_column(default=uuid4, unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    profile: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    rows: Mapped[int] = mapped_column(default=0)
    sessions: Mapped[int] = mapped_column(default=0)
    flagged_pulses: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[datetime] = mapped_column(default=utc_now)


class ImportBatchSession(Base):
    """Which sessions a batch filled (a session may take several files)."""

    __tablename__ = "import_batch_sessions"

    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("treatment_sessions.id"), primary_key=True, index=True
    )
    device_session: Mapped[str] = mapped_column(String(100))  # the device's own reference
    pulses: Mapped[int] = mapped_column(default=0)
    flagged_pulses: Mapped[int] = mapped_column(default=0)


class PulseTrace(Base):
    """``count`` values of one channel, pulses ``chunk * TRACE_CHUNK`` onwards, as float32."""

    __tablename__ = "pulse_traces"
    __table_args__ = (Index("ix_pulse_traces_session_channel", "session_id", "channel", "chunk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("treatment_sessions.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    chunk: Mapped[int]
    count: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
