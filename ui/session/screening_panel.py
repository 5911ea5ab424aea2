"""Screening before treatment and the pre-treatment checklist, on the session form.

Ticking a contraindication where treating is unsafe shows a hard stop; ticking any other
opens a field for the reason treatment goes ahead. models/screening.py holds the rules.
"""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.values.screening import (
    HARD_STOPS,
    ChecklistItem,
    Contraindication,
    ScreeningInput,
    screening_key,
)
from models.values.session_input import parse_date
from models.values.vocabulary import FITZPATRICK_TYPES
from ui.widgets.field_error import FieldError, mark_invalid


class _Finding:
    """One contraindication: its tick box, and for a warning the reason to go ahead."""

    def __init__(self, code: Contraindication) -> None:
        self.code = code
        self.box = QCheckBox(code.label)
        self.reason = QLineEdit(placeholderText="Why treatment goes ahead despite this")
        self.reason.setAccessibleName(f"Reason to treat despite: {code.label}")
        self.error = FieldError(self.reason if code not in HARD_STOPS else self.box)
        self.reason.hide()


class ScreeningPanel(QGroupBox):
    """Signals:
    changed(): anything was ticked or typed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("2a  Screening and checklist", parent)
        self.fitzpatrick = QComboBox()
        self.fitzpatrick.setAccessibleName("Fitzpatrick skin type")
        self.fitzpatrick.addItem("Choose…", None)
        for value, numeral in FITZPATRICK_TYPES.items():
            self.fitzpatrick.addItem(f"Type {numeral}", value)
        self.fitzpatrick_error = FieldError(self.fitzpatrick)
        self.findings = {code: _Finding(code) for code in Contraindication}
        self.hard_stop = QLabel()
        self.hard_stop.setObjectName("hardStop")
        self.hard_stop.setWordWrap(True)
        self.hard_stop.hide()
        self.consent_version = QLineEdit(placeholderText="e.g. LL-consent v3")
        self.consent_version.setAccessibleName("Consent form version")
        self.consent_signed_on = QLineEdit(placeholderText="YYYY-MM-DD")
        self.consent_signed_on.setAccessibleName("Consent signed on")
        self.consent_version_error = FieldError(self.consent_version)
        self.consent_signed_error = FieldError(self.consent_signed_on)
        self.checklist = {item: QCheckBox(item.label) for item in ChecklistItem}
        self.checklist_error = FieldError()

        layout = QVBoxLayout(self)
        skin = QFormLayout()
        skin.addRow("Skin type", self.fitzpatrick)
        skin.addRow("", self.fitzpatrick_error)
        layout.addLayout(skin)
        layout.addWidget(QLabel("Contraindications found (tick what applies):"))
        grid = QGridLayout()
        grid.setColumnMinimumWidth(0, 24)
        for line, finding in enumerate(self.findings.values()):
            grid.addWidget(finding.box, 3 * line, 0, 1, 2)
            grid.addWidget(finding.reason, 3 * line + 1, 1)
            grid.addWidget(finding.error, 3 * line + 2, 1)
        layout.addLayout(grid)
        layout.addWidget(self.hard_stop)
        consent = QFormLayout()
        consent.addRow("Consent form", self.consent_version)
        consent.addRow("", self.consent_version_error)
        consent.addRow("Signed on", self.consent_signed_on)
        consent.addRow("", self.consent_signed_error)
        layout.addLayout(consent)
        layout.addWidget(QLabel("Before treating:"))
        for box in self.checklist.values():
            layout.addWidget(box)
        layout.addWidget(self.checklist_error)

        self.fitzpatrick.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for finding in self.findings.values():
            finding.box.toggled.connect(self._found_changed)
            finding.reason.textEdited.connect(lambda _t: self.changed.emit())
        for field in (self.consent_version, self.consent_signed_on):
            field.textEdited.connect(lambda _t: self.changed.emit())
        for box in self.checklist.values():
            box.toggled.connect(lambda _on: self.changed.emit())

    def _found_changed(self) -> None:
        for finding in self.findings.values():
            finding.reason.setVisible(finding.box.isChecked()
                                      and finding.code not in HARD_STOPS)
            if not finding.box.isChecked():
                finding.error.show_problem(None)
        stops = [f.code.label.lower() for f in self.findings.values()
                 if f.box.isChecked() and f.code in HARD_STOPS]
        self.hard_stop.setText(f"Do not treat: {'; '.join(stops)}. This session cannot be "
                               "completed." if stops else "")
        self.hard_stop.setVisible(bool(stops))
        self.changed.emit()

    def focus_chain(self) -> list[QWidget]:
        chain: list[QWidget] = [self.fitzpatrick]
        for finding in self.findings.values():
            chain += [finding.box, finding.reason]
        return [*chain, self.consent_version, self.consent_signed_on,
                *self.checklist.values()]

    # --- values -----------------------------------------------------------------------------
    def value(self) -> tuple[ScreeningInput, dict[str, str]]:
        """The screening on screen, and what could not be read from the typed text."""
        problems = {}
        try:
            signed = parse_date(self.consent_signed_on.text(), "The consent date")
        except ValueError as problem:
            signed, problems[screening_key("consent_signed_on")] = None, str(problem)
        found = {f.code for f in self.findings.values() if f.box.isChecked()}
        screening = ScreeningInput(
            fitzpatrick=self.fitzpatrick.currentData(),
            found=frozenset(found),
            reasons={code: self.findings[code].reason.text() for code in found
                     if self.findings[code].reason.text().strip()},
            consent_version=self.consent_version.text(),
            consent_signed_on=signed,
            checklist=frozenset(item for item, box in self.checklist.items()
                                if box.isChecked()),
        )
        return screening, problems

    def set_value(self, screening: ScreeningInput) -> None:
        self.fitzpatrick.setCurrentIndex(max(0, self.fitzpatrick.findData(screening.fitzpatrick)))
        for code, finding in self.findings.items():
            finding.box.setChecked(code in screening.found)
            finding.reason.setText(screening.reasons.get(code, ""))
        self.consent_version.setText(screening.consent_version)
        signed = screening.consent_signed_on
        self.consent_signed_on.setText(f"{signed:%Y-%m-%d}" if signed else "")
        for item, box in self.checklist.items():
            box.setChecked(item in screening.checklist)

    def show_skin_type(self, fitzpatrick: int | None) -> None:
        """Start from the patient's recorded skin type unless one is already chosen."""
        if self.fitzpatrick.currentData() is None and fitzpatrick is not None:
            self.fitzpatrick.setCurrentIndex(self.fitzpatrick.findData(fitzpatrick))

    def show_problems(self, problems: dict[str, str]) -> set[str]:
        """Show the screening's problems next to their fields; return the keys shown."""
        fields = {
            "fitzpatrick": self.fitzpatrick_error,
            "consent_version": self.consent_version_error,
            "consent_signed_on": self.consent_signed_error,
            "checklist": self.checklist_error,
            **{code.value: finding.error for code, finding in self.findings.items()},
        }
        for name, error in fields.items():
            if name not in HARD_STOPS:  # a hard stop is said once, in the banner
                error.show_problem(problems.get(screening_key(name)))
        for code, finding in self.findings.items():
            if code not in HARD_STOPS:
                mark_invalid(finding.reason, problems.get(screening_key(code)))
        return {key for key in problems if key.startswith("screening.")}

    def reset(self) -> None:
        self.set_value(ScreeningInput())
        self.show_problems({})
