"""The simulated device connected to the open draft: pulses drawn live as they come.

The device's settings for the ticked areas are shown read only. Start plays the session;
each pulse is drawn as it is delivered. Stop ends it early; Save to session stores the
settings, pulse counts and traces into the draft in one transaction.
"""

from functools import partial
from uuid import UUID

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from devices.simulated.live_session import LiveRecording, Playback, delivered_channel, planned_areas
from devices.simulated.treatment_device import SimulatedDevice, SimulatedPulse
from models.language import number_text, short_number_text
from models.values.parameters import FORM_FIELDS
from models.values.rows import Actor, DeviceRow, SessionDetail
from models.values.vocabulary import Area, DeviceKind
from models.workflow import import_recording
from ui.language import tr, tr_noop, trn
from ui.services.tasks import TaskRunner
from ui.widgets.field_error import FieldError
from ui.widgets.trace_plots import TracePlots

TICK_MS = 50
SPEEDS = ((tr_noop("10× faster"), 10.0), (tr_noop("Real time"), 1.0),
          (tr_noop("60× faster"), 60.0))


def device_seed(session_uuid: UUID) -> int:
    """The same draft always gets the same simulated pulses."""
    return session_uuid.int & 0xFFFF_FFFF


class LiveDeviceDialog(QDialog):
    """Signals:
    recorded(object): the draft's SessionDetail once the pulses are stored in it.
    """

    recorded = Signal(object)

    def __init__(self, tasks: TaskRunner, actor: Actor, session_id: int, session_uuid: UUID,
                 device: DeviceRow, areas: list[str], fitzpatrick: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.actor, self.session_id, self.device = tasks, actor, session_id, device
        self.setWindowTitle(tr("Simulated device – {device}").format(device=device.display_name))
        self.resize(1000, 740)
        simulator = SimulatedDevice(DeviceKind(device.kind), device_seed(session_uuid))
        self.planned = planned_areas(simulator, areas, fitzpatrick)
        self.playback = Playback(simulator, self.planned)
        self.recording = LiveRecording(device.kind, self.planned)
        self.channel, _setting = delivered_channel(device.kind)
        self.session_s = 0.0
        self.saved = False

        self.settings = self._settings_table()
        self.speed = QComboBox()
        for label, factor in SPEEDS:
            self.speed.addItem(tr(label), factor)
        self.speed.setAccessibleName(tr("Playback speed"))
        self.progress = QProgressBar()
        self.progress.setRange(0, self.playback.total)
        self.progress.setValue(0)
        self.progress.setFormat(tr("%v of %m pulses"))
        self.status = QLabel(tr("Press Start when the treatment begins."))
        self.status.setWordWrap(True)
        self.plots = TracePlots([self.channel, "skin_temperature_c", "impedance_ohm"]
                                if device.kind == "rf" else [self.channel, "skin_temperature_c"])
        self.error = FieldError()
        self.start_button = QPushButton(tr("&Start"))
        self.stop_button = QPushButton(tr("S&top"))
        self.skip_button = QPushButton(tr("S&kip to the end"))
        self.skip_button.setToolTip(tr("Deliver the rest of the session's pulses at once"))
        self.save_button = QPushButton(tr("Save to &session"))
        self.save_button.setObjectName("primary")
        self.cancel_button = QPushButton(tr("Cancel"))
        for button in (self.stop_button, self.skip_button, self.save_button):
            button.setEnabled(False)

        speed_row = QHBoxLayout()
        speed_row.addWidget(QLabel(tr("Speed")))
        speed_row.addWidget(self.speed)
        speed_row.addWidget(self.progress, 1)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.stop_button, self.skip_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Settings of {device} for this patient (read only; they go "
                                   "into the session as the device's):").format(
                                       device=device.display_name)))
        layout.addWidget(self.settings)
        layout.addLayout(speed_row)
        layout.addWidget(self.status)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

        self.clock = QElapsedTimer()
        self.timer = QTimer(self, interval=TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.skip_button.clicked.connect(self.skip_to_end)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.start_button.setDefault(True)
        self.start_button.setFocus()

    def _settings_table(self) -> QTableWidget:
        table = QTableWidget(len(self.planned), len(FORM_FIELDS) + 1)
        table.setHorizontalHeaderLabels([tr("Area"), *(spec.title for spec in FORM_FIELDS)])
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setAccessibleName(tr("The device's settings"))
        for row, area in enumerate(self.planned):
            values = area.settings | {"pulses": area.pulses, "passes": area.passes}
            table.setItem(row, 0, QTableWidgetItem(Area(area.area).label))
            for column, spec in enumerate(FORM_FIELDS, start=1):
                value = values.get(spec.key)
                table.setItem(row, column, QTableWidgetItem("–" if value is None
                                                            else short_number_text(value)))
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.resizeRowsToContents()
        table.setFixedHeight(table.horizontalHeader().sizeHint().height()
                             + sum(table.rowHeight(r) for r in range(table.rowCount())) + 4)
        return table

    # --- playing --------------------------------------------------------------------------
    def start(self) -> None:
        self.clock.start()
        self.timer.start()
        self.start_button.setEnabled(False)
        self.speed.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.skip_button.setEnabled(True)
        self.stop_button.setFocus()
        self.status.setText(tr("Connected: pulses are drawn as the device delivers them."))

    def _tick(self) -> None:
        self.session_s += self.clock.restart() / 1000 * self.speed.currentData()
        self._deliver(self.playback.due(self.session_s))

    def skip_to_end(self) -> None:
        self._deliver(self.playback.due(float("inf")))

    def _deliver(self, pulses: list[SimulatedPulse]) -> None:
        for pulse in pulses:
            self.recording.add(pulse)
        if pulses:
            last = pulses[-1]
            self.status.setText(
                tr("Pulse {pulse} of {total}: {area}, pass {number}; {flagged} flagged for "
                   "review").format(pulse=number_text(self.recording.pulses),
                                    total=number_text(self.playback.total),
                                    area=Area(last.area).label, number=last.pass_number,
                                    flagged=number_text(self.recording.flagged)))
            self.progress.setValue(self.recording.pulses)
            self.plots.show_series({name: self.recording.series(name)
                                    for name in ("time_s", *self.plots.curves)})
        elif (upcoming := self.playback.next_at()) is not None and upcoming - self.session_s > 5:
            self.status.setText(tr("Between passes: next pulse in {seconds} s of treatment "
                                   "time.").format(seconds=number_text(upcoming - self.session_s)))
        if self.playback.finished:
            self.stop()

    def stop(self) -> None:
        self.timer.stop()
        for button in (self.start_button, self.stop_button, self.skip_button):
            button.setEnabled(False)
        done = self.recording.pulses
        self.save_button.setEnabled(done > 0)
        if done:
            self.save_button.setDefault(True)
            self.save_button.setFocus()
            ended = (trn("All pulses delivered: %n pulse, {flagged} flagged for review. Save it "
                         "to the session, or Cancel.",
                         "All pulses delivered: %n pulses, {flagged} flagged for review. Save "
                         "them to the session, or Cancel.", done) if self.playback.finished
                     else trn("Stopped: %n pulse, {flagged} flagged for review. Save it to the "
                              "session, or Cancel.",
                              "Stopped: %n pulses, {flagged} flagged for review. Save them to "
                              "the session, or Cancel.", done))
            self.status.setText(ended.format(flagged=number_text(self.recording.flagged)))
        else:
            self.status.setText(tr("Stopped before the first pulse; nothing to save."))

    # --- saving ---------------------------------------------------------------------------
    def save(self) -> None:
        self.save_button.setEnabled(False)
        self.status.setText(tr("Saving the pulses to the session…"))
        recording = self.recording
        store = partial(
            import_recording.record_device_pulses, device_session=f"{self.device.serial} connected",
            areas=recording.areas(), duration_s=recording.duration_s, pulses=recording.pulses,
            flagged=recording.flagged, traces=recording.chunks())
        self.tasks.write(store, self.actor, self.session_id, self.device.id).then(self._saved,
                                                                                  self._refused)

    def _saved(self, detail: SessionDetail) -> None:
        self.saved = True
        self.recorded.emit(detail)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.error.show_problem(
            tr("Not saved: {error}. The pulses are kept; try again.").format(error=error))
        self.save_button.setEnabled(True)
        self.status.setText(tr("Not saved."))

    def reject(self) -> None:
        """Cancel; pulses already delivered are only dropped when the technician says so."""
        self.timer.stop()
        if self.recording.pulses and not self.saved:
            answer = QMessageBox.question(
                self, tr("Discard the pulses?"),
                trn("%n pulse was delivered and not saved to the session. Discard it?",
                    "%n pulses were delivered and not saved to the session. Discard them?",
                    self.recording.pulses),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                if not self.playback.finished and self.stop_button.isEnabled():
                    self.clock.restart()
                    self.timer.start()
                return
        super().reject()
