"""Session duration: typed in minutes, or measured with a start/stop timer."""

import math
from datetime import UTC, datetime

from PySide6.QtCore import QElapsedTimer, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from models.values.session_input import parse_minutes
from ui.language import tr


class DurationField(QWidget):
    """Signals:
    changed(): minutes typed, or the timer stopped.
    timer_started(object): the UTC datetime the timer was started, i.e. the session start.
    """

    changed = Signal()
    timer_started = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.minutes = QLineEdit(placeholderText=tr("minutes, e.g. 45"))
        self.minutes.setAccessibleName(tr("Duration in minutes"))
        self.minutes.setMaximumWidth(170)
        self.timer_button = QPushButton(tr("Start ti&mer"))
        self.elapsed_label = QLabel("")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.minutes, 1)
        layout.addWidget(self.timer_button)
        layout.addWidget(self.elapsed_label)
        self._clock = QElapsedTimer()
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._show_elapsed)
        self.timer_button.clicked.connect(self.toggle_timer)
        self.minutes.textEdited.connect(lambda _t: self.changed.emit())

    @property
    def running(self) -> bool:
        return self._tick.isActive()

    def toggle_timer(self) -> None:
        if self.running:
            self._tick.stop()
            minutes = max(1, math.ceil(self._clock.elapsed() / 60_000))
            self.minutes.setText(str(minutes))
            self.timer_button.setText(tr("Start ti&mer"))
            self.elapsed_label.setText("")
            self.changed.emit()
        else:
            self._clock.start()
            self._tick.start()
            self.timer_button.setText(tr("Stop ti&mer"))
            self._show_elapsed()
            self.timer_started.emit(datetime.now(UTC))

    def _show_elapsed(self) -> None:
        seconds = self._clock.elapsed() // 1000
        self.elapsed_label.setText(tr("{time} running").format(
            time=f"{seconds // 60:02d}:{seconds % 60:02d}"))

    def value(self) -> int | None:
        """The duration in seconds; raises ValueError with a message when not readable."""
        return parse_minutes(self.minutes.text())

    def reset(self) -> None:
        if self.running:
            self._tick.stop()
            self.timer_button.setText(tr("Start ti&mer"))
            self.elapsed_label.setText("")
        self.minutes.clear()
