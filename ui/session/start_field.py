"""When the session started: the draft's start unless changed, for a session logged after
the fact; a start older than the clinic's late-entry limit asks why it is logged late."""

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

from models.clinic.clinic_settings import ClinicRules
from models.language import date_hint, read_date, time_hint, typed_date_text
from ui.language import tr
from ui.widgets.field_error import FieldError


def parse_start(text: str) -> datetime | None:
    """'2026-11-29 08:15' (or the day as the locale types it: '29.11.2026 08:15'), local
    time, as UTC; None when empty; ValueError when unreadable."""
    text = text.strip()
    if not text:
        return None
    day, _space, clock = text.rpartition(" ")
    try:
        local = datetime.combine(read_date(day), datetime.strptime(clock, "%H:%M").time())
    except ValueError:
        raise ValueError(tr("Type the start as {example}, not {text}").format(
            example=start_hint(), text=repr(text))) from None
    return local.astimezone().astimezone(UTC)


def start_hint() -> str:
    """What the start asks for: ``YYYY-MM-DD HH:MM``, or an example in the locale."""
    return tr("{day} {time}", "a day and a time of day").format(day=date_hint(),
                                                                 time=time_hint())


def _shown(started_at: datetime | None) -> str:
    if started_at is None:
        return ""
    local = started_at.astimezone()
    return f"{typed_date_text(local.date())} {local:%H:%M}"


class StartField(QWidget):
    """Signals:
    changed(): the start or the late-entry reason was typed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rules = ClinicRules()
        self.shown: datetime | None = None  # the start as last put on screen, to the second
        self.started = QLineEdit(placeholderText=start_hint())
        self.started.setAccessibleName(tr("Session started"))
        self.started.setMaximumWidth(170)
        self.late_reason = QLineEdit()
        self.late_reason.setAccessibleName(tr("Why the session is logged late"))
        self.error = FieldError(self.started, reserved=True)
        self.reason_error = FieldError(self.late_reason, reserved=True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.started)
        layout.addWidget(self.late_reason, 1)
        self.started.textEdited.connect(self._edited)
        self.late_reason.textEdited.connect(lambda _t: self.changed.emit())
        self._edited()

    def show_start(self, started_at: datetime | None) -> None:
        self.shown = started_at
        self.started.setText(_shown(started_at))
        self._edited()

    def value(self) -> datetime | None:
        """The start typed, as UTC (ValueError when unreadable); the start shown, to the
        second, while it is not changed."""
        text = self.started.text()
        return self.shown if text == _shown(self.shown) else parse_start(text)

    def is_late(self, now: datetime | None = None) -> bool:
        try:
            started = self.value()
        except ValueError:
            return False
        now = now or datetime.now(UTC)
        return started is not None and now - started > timedelta(
            hours=self.rules.late_entry_hours)

    def _edited(self, *_args: object) -> None:
        late = self.is_late()
        self.late_reason.setEnabled(late)  # not needed, not in the way: Tab skips it
        self.late_reason.setPlaceholderText(
            tr("Logged late: why?") if late else
            tr("(a reason is asked when logged over {hours} h late)").format(
                hours=self.rules.late_entry_hours))
        self.changed.emit()

    def reset(self) -> None:
        self.shown = None
        self.started.clear()
        self.late_reason.clear()
        self._edited()
