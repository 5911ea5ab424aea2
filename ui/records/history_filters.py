"""The filter bar above the history: a quick search, then dates, room, technician, patient,
area, device, reaction and grade, and status. Every change re-counts and re-reads the view."""

from datetime import date
from typing import cast

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.language import date_entry_pattern
from models.reading.history_filter import FilterChoices, HistoryFilter, local_days
from models.values.vocabulary import Area, ReactionKind, SessionStatus
from ui.language import tr

TYPING_PAUSE_MS = 300


def _combo(name: str, everything: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.addItem(everything, None)
    return combo


class HistoryFilterBar(QWidget):
    """Signals:
    changed(object): the HistoryFilter now set.
    """

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.oldest_first = False
        self.search = QLineEdit(placeholderText=tr("Quick search: patient, technician, room"))
        self.search.setAccessibleName(tr("Quick search"))
        self.patient = QLineEdit(placeholderText=tr("Patient: identifier or name"))
        self.patient.setAccessibleName(tr("Patient"))
        self.dated = QCheckBox(tr("&Dates"))
        today = QDate.currentDate()
        self.since, self.until = QDateEdit(today.addMonths(-1)), QDateEdit(today)
        for date_edit in (self.since, self.until):
            date_edit.setCalendarPopup(True)
            date_edit.setDisplayFormat(date_entry_pattern())
            date_edit.setEnabled(False)
        self.room = _combo(tr("Room"), tr("Every room"))
        self.technician = _combo(tr("Technician"), tr("Every technician"))
        self.device = _combo(tr("Device"), tr("Every device"))
        self.area = _combo(tr("Treated area"), tr("Every area"))
        for area in Area:
            self.area.addItem(area.label, area.value)
        self.reaction = _combo(tr("Reaction"), tr("Any or no reaction"))
        self.reaction.addItem(tr("Any reaction"), "*")
        for kind in ReactionKind:
            self.reaction.addItem(kind.label, kind.value)
        self.min_grade = QSpinBox(minimum=1, maximum=4, prefix=tr("grade ≥ "))
        self.min_grade.setAccessibleName(tr("Minimum reaction grade"))
        self.status = _combo(tr("Status"), tr("Every status"))
        for status in SessionStatus:
            self.status.addItem(status.label, status.value)

        # Two rows, each filling the width on its own (a shared grid left the choices
        # too narrow to read at 1366 pixels).
        texts = QHBoxLayout()
        texts.addWidget(self.search, 3)
        texts.addWidget(self.patient, 2)
        texts.addWidget(self.dated)
        texts.addWidget(self.since)
        texts.addWidget(self.until)
        self.clear_button = QPushButton(tr("Clear filter&s"))
        self.clear_button.setToolTip(tr("Show every session again"))
        self.clear_button.setEnabled(False)
        texts.addWidget(self.clear_button)
        choices = QHBoxLayout()
        for widget in (self.room, self.technician, self.device, self.area, self.reaction,
                       self.min_grade, self.status):
            choices.addWidget(widget, 0 if widget is self.min_grade else 1)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.addLayout(texts)
        rows.addLayout(choices)

        self._pause = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._pause.timeout.connect(self._emit)
        for field in (self.search, self.patient):
            field.textEdited.connect(lambda _t: self._pause.start())
        self.dated.toggled.connect(self._dates_toggled)
        for date_edit in (self.since, self.until):
            date_edit.dateChanged.connect(lambda _d: self._emit())
        for combo in (self.room, self.technician, self.device, self.area, self.reaction,
                      self.status):
            combo.currentIndexChanged.connect(lambda _i: self._emit())
        self.min_grade.valueChanged.connect(lambda _v: self._emit())
        self.clear_button.clicked.connect(self.clear)

    def set_choices(self, choices: FilterChoices) -> None:
        for combo, items in ((self.room, [(r, r) for r in choices.rooms]),
                             (self.technician, [(n, i) for i, n in choices.technicians]),
                             (self.device, [(n, i) for i, n in choices.devices])):
            combo.blockSignals(True)
            current = combo.currentData()
            while combo.count() > 1:
                combo.removeItem(1)
            for text, value in items:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def _dates_toggled(self, on: bool, emit: bool = True) -> None:
        self.since.setEnabled(on)
        self.until.setEnabled(on)
        if emit:
            self._emit()

    def toggle_order(self) -> None:
        self.oldest_first = not self.oldest_first
        self._emit()

    def value(self) -> HistoryFilter:
        # QDate.toPython() returns a datetime.date; PySide6's stubs say object
        since, until = (local_days(cast(date, self.since.date().toPython()),
                                   cast(date, self.until.date().toPython()))
                        if self.dated.isChecked() else (None, None))
        reaction = self.reaction.currentData()
        return HistoryFilter(
            since=since,
            until=until,
            room=self.room.currentData(),
            technician_id=self.technician.currentData(),
            patient=self.patient.text().strip() or None,
            area=self.area.currentData(),
            device_id=self.device.currentData(),
            reaction=None if reaction in (None, "*") else reaction,
            min_grade=self.min_grade.value() if reaction is not None else None,
            status=self.status.currentData(),
            search=self.search.text().strip() or None,
            oldest_first=self.oldest_first,
        )

    def clear(self, keep_patient: bool = False) -> None:
        """Every filter back to showing everything (but the patient, when kept), counted and
        read once."""
        widgets = (self.search, self.patient, self.dated, self.room, self.technician,
                   self.device, self.area, self.reaction, self.status, self.min_grade)
        for widget in widgets:
            widget.blockSignals(True)
        self.search.clear()
        if not keep_patient:
            self.patient.clear()
        self.dated.setChecked(False)
        self._dates_toggled(False, emit=False)
        for combo in (self.room, self.technician, self.device, self.area, self.reaction,
                      self.status):
            combo.setCurrentIndex(0)
        self.min_grade.setValue(1)
        for widget in widgets:
            widget.blockSignals(False)
        self._emit()
        self.search.setFocus()

    def only_patient(self, identifier: str) -> None:
        """Every filter cleared but the patient's: their sessions, newest first."""
        self.patient.blockSignals(True)
        self.patient.setText(identifier)
        self.patient.blockSignals(False)
        self.clear(keep_patient=True)

    def _emit(self) -> None:
        self._pause.stop()
        self.min_grade.setEnabled(self.reaction.currentData() is not None)
        value = self.value()
        self.clear_button.setEnabled(value != HistoryFilter(oldest_first=self.oldest_first))
        self.changed.emit(value)
