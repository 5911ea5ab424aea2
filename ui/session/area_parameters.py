"""Treated areas, picked from the vocabulary, each with its device parameters typed in."""

from dataclasses import replace

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from devices.manual import area_from_form
from models.clinic.clinic_settings import ClinicRules
from models.language import number_text, short_number_text
from models.values.parameters import FORM_FIELDS
from models.values.rows import AreaParametersRow
from models.values.session_input import AreaInput, PassSettings, area_key
from models.values.vocabulary import Area, ParameterSource
from models.workflow.carried_forward import LastSettings, change_of
from ui.language import tr
from ui.session.body_map import BodyMap
from ui.widgets.field_error import FieldError, mark_invalid


class _AreaRow:
    """The parameter fields of one treated area."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.label = QLabel(area.label)
        self.fields = {spec.key: QLineEdit() for spec in FORM_FIELDS}
        for spec in FORM_FIELDS:
            field = self.fields[spec.key]
            field.setAccessibleName(f"{area.label}: {spec.title}")
            field.setMinimumWidth(52)
        self.error = FieldError()
        # Shown when a setting moved beyond the limit since the patient's last session.
        self.change = QLabel()
        self.change.setObjectName("changeNote")
        self.change.setWordWrap(True)
        self.reason = QLineEdit(
            placeholderText=tr("Reason for the change (shown to the supervisor)"))
        self.reason.setAccessibleName(
            tr("{area}: reason for the change in settings").format(area=area.label))

    def typed(self) -> dict[str, str]:
        return {key: field.text() for key, field in self.fields.items()}

    def widgets(self) -> list[QWidget]:
        return [self.label, *self.fields.values(), self.error, self.change, self.reason]

    def start_from(self, last: LastSettings) -> bool:
        """Fill the empty fields from the patient's last settings on this area; say whether
        any was filled."""
        values = last.settings | {"passes": last.passes}
        empty = {key: value for key, field in self.fields.items()
                 if not field.text() and not field.isReadOnly()
                 and (value := values.get(key)) is not None}
        for key, value in empty.items():
            self.fields[key].setText(short_number_text(value))
        return bool(empty)

    def show_change(self, change: str | None, limit: float) -> None:
        self.change.setText(tr("{change}, beyond the {limit}% limit: give the reason").format(
            change=change, limit=number_text(limit * 100)) if change else "")
        self.change.setVisible(bool(change))
        self.reason.setVisible(bool(change) or bool(self.reason.text()))


AREA_COLUMN, AREA_ROW = 190, 32  # a list cell: the longest label, and a gloved finger


class AreaParametersEditor(QWidget):
    """Signals:
    changed(): an area was picked or dropped, or a parameter typed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.areas = QListWidget()
        self.areas.setAccessibleName(tr("Treated areas (Space ticks an area)"))
        # Two columns of rows at a fixed size: every area in sight, nothing moves on a tick.
        self.areas.setFlow(QListView.Flow.TopToBottom)
        self.areas.setWrapping(True)
        self.areas.setResizeMode(QListView.ResizeMode.Adjust)
        self.areas.setUniformItemSizes(True)
        self.areas.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.areas.setFixedSize(AREA_COLUMN * 2 + 8, AREA_ROW * ((len(Area) + 1) // 2) + 8)
        for area in Area:
            item = QListWidgetItem(area.label)
            item.setData(Qt.ItemDataRole.UserRole, area.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setSizeHint(QSize(AREA_COLUMN, AREA_ROW))
            item.setToolTip(area.label)
            self.areas.addItem(item)
        self.areas_error = FieldError(self.areas)
        self.rows: dict[str, _AreaRow] = {}
        self.locked: dict[str, AreaInput] = {}  # areas filled from a device: read only
        self.last: dict[str, LastSettings] = {}  # the patient's last settings, by area
        self.rules = ClinicRules()  # the clinic's change limit, as read at start

        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.placeholder = QLabel(
            tr("Tick the areas treated; a row of parameters appears for each."))
        self.headers = [QLabel(tr("Area")), *(QLabel(f"{spec.label}\n{spec.unit}".strip())
                                              for spec in FORM_FIELDS)]
        for header in self.headers:
            header.setObjectName("columnHeader")

        self.body_map = BodyMap()
        self.body_map.area_clicked.connect(self.toggle_area)
        self.body_map.setFixedHeight(self.areas.height())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(tr("Treated &areas (click the map, or Space in the list):"))
        label.setBuddy(self.areas)
        layout.addWidget(label)
        top = QHBoxLayout()
        top.addWidget(self.areas)
        top.addWidget(self.body_map, 1)
        layout.addLayout(top)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.areas_error)
        layout.addWidget(self.grid_host)
        self.areas.itemChanged.connect(self._area_ticked)
        self._rebuild()

    # --- areas ------------------------------------------------------------------------------
    def _area_ticked(self, item: QListWidgetItem) -> None:
        code = item.data(Qt.ItemDataRole.UserRole)
        ticked = item.checkState() == Qt.CheckState.Checked
        if ticked and code not in self.rows:
            row = _AreaRow(Area(code))
            if code in self.last:
                row.start_from(self.last[code])
            for field in (*row.fields.values(), row.reason):
                field.textEdited.connect(lambda _text: self._typed())
            self.rows[code] = row
        elif not ticked and code in self.rows:
            self.locked.pop(code, None)
            for widget in self.rows.pop(code).widgets():
                widget.deleteLater()
        self._rebuild()
        self.body_map.show_state(set(self.rows))
        self.changed.emit()

    def toggle_area(self, code: str) -> None:
        """Tick or untick an area (from the body map), as Space does in the list."""
        item = self.areas.item(list(Area).index(Area(code)))
        ticked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if ticked else Qt.CheckState.Checked)

    def show_treated_before(self, progress: dict[str, str]) -> None:
        """The patient's areas treated before, each with its course progress ('3/6')."""
        self.body_map.show_state(set(self.rows), progress)

    def _typed(self) -> None:
        self._show_changes()
        self.changed.emit()

    def set_last_settings(self, last: dict[str, LastSettings]) -> None:
        """The patient's last settings per area with the device: empty rows start from them,
        and a move beyond the limit asks for a reason."""
        self.last = last
        filled = [row.start_from(last[code]) for code, row in self.rows.items() if code in last]
        self._show_changes()
        if any(filled):
            self.changed.emit()

    def _show_changes(self) -> None:
        entries, _problems = self.value()
        for entry in entries:
            self.rows[entry.area].show_change(
                change_of(entry, self.last.get(entry.area), self.rules.change_limit),
                self.rules.change_limit)

    def set_areas(self, codes: list[str]) -> None:
        for index in range(self.areas.count()):
            item = self.areas.item(index)
            wanted = item.data(Qt.ItemDataRole.UserRole) in codes
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def show_areas(self, areas: tuple[AreaParametersRow, ...]) -> None:
        """Put saved areas back: typed ones editable as typed, device ones read only."""
        self.set_areas([area.area for area in areas])
        for area in areas:
            if area.source not in (None, ParameterSource.MANUAL):
                continue
            values = area.settings | {"pulses": area.pulses, "passes": area.passes}
            for key, field in self.rows[area.area].fields.items():
                value = values.get(key)
                field.setText("" if value is None else short_number_text(value))
        for area in areas:
            self.rows[area.area].reason.setText(area.change_reason)
        self.lock_areas(areas)
        self._show_changes()

    def lock_areas(self, areas: tuple[AreaParametersRow, ...]) -> None:
        """Show areas whose parameters came from a device, read only, kept exactly."""
        for area in areas:
            if area.source in (None, ParameterSource.MANUAL):
                continue
            item = self.areas.item(list(Area).index(Area(area.area)))
            item.setCheckState(Qt.CheckState.Checked)
            row = self.rows[area.area]
            values = area.settings | {"pulses": area.pulses, "passes": area.passes}
            for key, field in row.fields.items():
                value = values.get(key)
                field.setText("" if value is None else short_number_text(value))
                field.setReadOnly(True)
                field.setToolTip(tr("From the device; read only"))
                field.style().unpolish(field)  # the read-only look of the style sheet
                field.style().polish(field)
            row.label.setText(tr("{area} (device)").format(area=Area(area.area).label))
            self.locked[area.area] = AreaInput(
                area=area.area, settings=dict(area.settings), pulses=area.pulses,
                passes=area.passes, source=area.source or ParameterSource.IMPORT,
                per_pass=tuple(PassSettings(n, dict(v)) for n, v in area.per_pass),
                import_batch_id=area.import_batch_id,
            )

    def _ordered_rows(self) -> list[_AreaRow]:
        return [self.rows[a.value] for a in Area if a.value in self.rows]

    def _rebuild(self) -> None:
        while self.grid.count():
            self.grid.takeAt(0)
        self.placeholder.setVisible(not self.rows)
        for column, header in enumerate(self.headers):
            self.grid.addWidget(header, 0, column)
            header.setVisible(bool(self.rows))
        for index, row in enumerate(self._ordered_rows()):
            line = 1 + 3 * index
            self.grid.addWidget(row.label, line, 0)
            for column, field in enumerate(row.fields.values(), start=1):
                self.grid.addWidget(field, line, column)
            self.grid.addWidget(row.error, line + 1, 0, 1, len(FORM_FIELDS) + 1)
            self.grid.addWidget(row.change, line + 2, 0, 1, 3)
            self.grid.addWidget(row.reason, line + 2, 3, 1, len(FORM_FIELDS) - 2)
            for widget in (row.label, *row.fields.values()):
                widget.show()
            row.error.setVisible(bool(row.error.text()))
        self._show_changes()

    def focus_chain(self) -> list[QWidget]:
        chain: list[QWidget] = [self.areas]
        for row in self._ordered_rows():
            chain.extend(row.fields.values())
            chain.append(row.reason)
        return chain

    # --- values -----------------------------------------------------------------------------
    def value(self) -> tuple[tuple[AreaInput, ...], dict[str, str]]:
        """The areas with their parameters, and what could not be read from the typed text."""
        entries, problems = [], {}
        for row in self._ordered_rows():
            reason = row.reason.text()
            if row.area.value in self.locked:
                entries.append(replace(self.locked[row.area.value], change_reason=reason))
                continue
            entry, row_problems = area_from_form(row.area.value, row.typed())
            entries.append(replace(entry, change_reason=reason))
            problems.update(row_problems)
        return tuple(entries), problems

    def show_problems(self, problems: dict[str, str]) -> set[str]:
        """Show the problems about areas; return the keys shown here."""
        shown = set()
        self.areas_error.show_problem(problems.get("areas"))
        if "areas" in problems:
            shown.add("areas")
        for row in self.rows.values():
            lines = []
            for spec in FORM_FIELDS:
                key = area_key(row.area.value, spec.key)
                mark_invalid(row.fields[spec.key], problems.get(key))
                if key in problems:
                    lines.append(problems[key])
                    shown.add(key)
            reason_key = area_key(row.area.value, "change_reason")
            mark_invalid(row.reason, problems.get(reason_key))
            if reason_key in problems:
                row.reason.show()
                lines.append(problems[reason_key].removeprefix(f"{row.area.label}: "))
                shown.add(reason_key)
            patch_key = area_key(row.area.value, "test_patch")
            if patch_key in problems:
                lines.append(problems[patch_key].removeprefix(f"{row.area.label} "))
                shown.add(patch_key)
            if f"areas.{row.area.value}" in problems:
                lines.append(problems[f"areas.{row.area.value}"])
                shown.add(f"areas.{row.area.value}")
            row.error.setText(tr("{area}: {problems}").format(
                area=row.area.label, problems="; ".join(lines)) if lines else "")
            row.error.setVisible(bool(lines))
        return shown

    def reset(self) -> None:
        self.set_areas([])
        self.locked.clear()
        self.last = {}
