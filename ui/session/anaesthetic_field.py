"""Anaesthetic: none, or a topical agent and the time it was applied."""

from datetime import UTC, datetime, time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from models.values.vocabulary import topical_agents
from ui.language import tr
from ui.widgets.field_error import FieldError


def parse_clock_time(text: str, today: datetime | None = None) -> datetime | None:
    """'09:40' today, local time, as UTC; None when empty; ValueError when not a time."""
    text = text.strip()
    if not text:
        return None
    try:
        clock = time.fromisoformat(text if len(text) > 2 else f"{text}:00")
    except ValueError:
        raise ValueError(tr("Type the time applied as HH:MM (e.g. 09:40), not {text}").format(
            text=repr(text))) from None
    today = today or datetime.now().astimezone()
    return today.replace(hour=clock.hour, minute=clock.minute, second=0,
                         microsecond=0).astimezone(UTC)


class AnaestheticField(QWidget):
    """Signals:
    changed(): the kind, agent or time changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.addItem(tr("None"), False)
        self.kind.addItem(tr("Topical"), True)
        self.kind.setAccessibleName(tr("Anaesthetic"))
        self.agent = QComboBox(editable=True)
        self.agent.addItems(topical_agents())
        self.agent.setCurrentText("")
        self.agent.setAccessibleName(tr("Topical agent"))
        self.applied_at = QLineEdit(placeholderText=tr("HH:MM"))
        self.applied_at.setAccessibleName(tr("Time applied"))
        self.agent_error = FieldError(self.agent)
        self.applied_error = FieldError(self.applied_at)
        self.applied_at.setMaximumWidth(90)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.kind)
        row.addWidget(self.agent, 1)
        row.addWidget(QLabel(tr("applied at")))
        row.addWidget(self.applied_at)
        form.addRow(tr("Anaesthetic"), row)
        form.addRow("", self.agent_error)
        form.addRow("", self.applied_error)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.agent.currentTextChanged.connect(lambda _t: self.changed.emit())
        self.applied_at.textEdited.connect(lambda _t: self.changed.emit())
        self._kind_changed()

    def _kind_changed(self) -> None:
        topical = bool(self.kind.currentData())
        self.agent.setEnabled(topical)
        self.applied_at.setEnabled(topical)
        self.changed.emit()

    def focus_chain(self) -> list[QWidget]:
        return [self.kind, self.agent, self.applied_at]

    def value(self) -> tuple[str | None, datetime | None, dict[str, str]]:
        """(agent or None for none, time applied, problems reading what was typed)."""
        if not self.kind.currentData():
            return None, None, {}
        try:
            applied = parse_clock_time(self.applied_at.text())
        except ValueError as problem:
            return self.agent.currentText(), None, {"anaesthetic_applied_at": str(problem)}
        return self.agent.currentText(), applied, {}

    def show_problems(self, problems: dict[str, str]) -> set[str]:
        self.agent_error.show_problem(problems.get("anaesthetic_agent"))
        self.applied_error.show_problem(problems.get("anaesthetic_applied_at"))
        return {"anaesthetic_agent", "anaesthetic_applied_at"} & problems.keys()

    def set_value(self, agent: str | None, applied_at: datetime | None) -> None:
        self.kind.setCurrentIndex(0 if agent is None else 1)
        self.agent.setCurrentText(agent or "")
        self.applied_at.setText("" if applied_at is None
                                else applied_at.astimezone().strftime("%H:%M"))

    def reset(self) -> None:
        self.kind.setCurrentIndex(0)
        self.agent.setCurrentText("")
        self.applied_at.clear()
