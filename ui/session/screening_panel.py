"""Screening before treatment, the consent and the pre-treatment checklist, on the session form.

Ticking a contraindication where treating is unsafe shows a hard stop; ticking any other
opens a field for the reason treatment goes ahead. models/values/screening.py holds the rules.

The skin type starts from the patient's record, and a different one is shown as differing.
The consent is the one the patient signed on screen (Sign consent opens the form in force to
sign); it is shown, never typed. Two checklist items are not ticked by hand: the device's
daily verification follows the device log, and "consent valid" follows the consent on file.
"""


from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.clinic.clinic_settings import ClinicRules
from models.language import available_languages, current, date_text, language_name
from models.values.rows import ConsentOnFile
from models.values.screening import (
    HARD_STOPS,
    ChecklistItem,
    Contraindication,
    ScreeningInput,
    screening_key,
)
from models.values.vocabulary import FITZPATRICK_TYPES
from ui.language import tr, tr_noop
from ui.widgets.field_error import FieldError, mark_invalid

#: The checklist items ticked by hand: their labels with the letter of their Alt shortcut.
BY_HAND = {
    ChecklistItem.SKIN_CLEAN: tr_noop("Skin cl&ean of lotions, make-up and oils"),
    ChecklistItem.PATIENT_EYEWEAR: tr_noop("Eyewear on the &patient"),
    ChecklistItem.OPERATOR_EYEWEAR: tr_noop("Eyewear &on the operator"),
}
#: The items that follow the records (the device log, the consent fields): short labels,
#: and where each comes from.
FOLLOWED = {
    ChecklistItem.DAILY_VERIFICATION: (tr_noop("Device verified today"),
                                       tr_noop("From the device log: log the verification "
                                               "with Check… beside the device")),
    ChecklistItem.CONSENT_VALID: (tr_noop("Consent valid"),
                                  tr_noop("From the consent above: signed on screen and "
                                          "within its period")),
}
#: Two columns of tick boxes need short names; the full wording is their tooltip.
SHORT = {
    Contraindication.PREGNANCY: tr_noop("Pregnant, or may be"),
    Contraindication.HERPES: tr_noop("Herpes, or outbreaks"),
    Contraindication.SKIN_CANCER: tr_noop("Skin cancer, now or past"),
    Contraindication.KELOIDS: tr_noop("Keloids, scars easily"),
    Contraindication.ISOTRETINOIN: tr_noop("Isotretinoin < 6 months"),
    Contraindication.PHOTOSENSITISING: tr_noop("Photosensitising drugs"),
    Contraindication.SUN_EXPOSURE: tr_noop("Recent sun or a tan"),
}


class _Finding:
    """One contraindication: its tick box, and for a warning the reason to go ahead."""

    def __init__(self, code: Contraindication) -> None:
        self.code = code
        self.box = QCheckBox(tr(SHORT[code]))
        self.box.setToolTip(code.label)
        self.box.setAccessibleName(code.label)
        self.reason = QLineEdit(placeholderText=tr("{finding}: why treatment goes ahead").format(
            finding=tr(SHORT[code])))
        self.reason.setAccessibleName(
            tr("Reason to treat despite: {finding}").format(finding=code.label))
        self.error = FieldError(self.reason if code not in HARD_STOPS else self.box)
        self.reason.hide()


class ScreeningPanel(QGroupBox):
    """Signals:
    changed(): anything was ticked or typed.
    sign_consent_requested(): Sign consent was pressed.
    print_consent_requested(int): Consent PDF was pressed, for the consent of this id.
    """

    changed = Signal()
    sign_consent_requested = Signal()
    print_consent_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("2  Screening and consent"), parent)
        self.rules = ClinicRules()  # the clinic's rules, read at start
        self.recorded_skin: int | None = None  # the patient's record, to compare with
        self.fitzpatrick = QComboBox()
        self.fitzpatrick.setAccessibleName(tr("Fitzpatrick skin type"))
        self.fitzpatrick.addItem(tr("Choose…"), None)
        for value, numeral in FITZPATRICK_TYPES.items():
            self.fitzpatrick.addItem(tr("Type {numeral}").format(numeral=numeral), value)
        self.skin_note = QLabel()  # "differs from the record": its line is always there
        self.skin_note.setObjectName("changeNote")
        self.fitzpatrick_error = FieldError(self.fitzpatrick)
        self.findings = {code: _Finding(code) for code in Contraindication}
        self.hard_stop = QLabel()
        self.hard_stop.setObjectName("hardStop")
        self.hard_stop.setWordWrap(True)
        self.hard_stop.hide()
        self.on_file: ConsentOnFile | None = None
        self.looked_up = False  # whether the consent on file was shown (the session form)
        self.recorded = ScreeningInput()  # the screening put back: its consent until looked up
        self.consent_note = QLabel(tr("Choose the patient to see their consent on file."))
        self.consent_note.setObjectName("consentNote")  # red while no valid consent is on file
        # Three lines kept for it (what a consent on file says takes three beside the button
        # at 1366×768): nothing below moves when a patient is chosen or signs.
        self.consent_note.setWordWrap(True)
        self.consent_note.ensurePolished()  # measured in the style sheet's font, not Qt's
        self.consent_note.setMinimumHeight(3 * self.consent_note.fontMetrics().lineSpacing())
        self.consent_button = QPushButton(tr("Sign co&nsent…"))
        self.consent_button.setToolTip(tr("The patient reads the consent form in force and "
                                          "signs on the screen; you witness with your password"))
        self.consent_button.setEnabled(False)  # until a patient is chosen
        self.consent_button.setText(tr("Sign co&nsent again…"))  # the longest: the width
        self.consent_button.setMinimumWidth(self.consent_button.sizeHint().width())
        self.consent_button.setText(tr("Sign co&nsent…"))
        self.print_button = QPushButton(tr("Consent PDF…"))
        self.print_button.setToolTip(tr("The consent on file as signed, with the signature, as "
                                        "a PDF to print or give the patient"))
        self.print_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # seldom needed: Tab skips
        self.print_button.setEnabled(False)
        self.consent_error = FieldError(self.consent_button)
        self.patient_language = QComboBox()  # of the consent signed and the aftercare sheet
        self.patient_language.setAccessibleName(tr("Patient's language"))
        self.patient_language.setToolTip(tr("The language of the consent the patient reads and "
                                            "signs, and of the aftercare sheet"))
        for code in available_languages():
            self.patient_language.addItem(language_name(code), code)
        self._speak_as_the_screen()
        self.checklist = {item: QCheckBox(tr(BY_HAND[item] if item in BY_HAND
                                             else FOLLOWED[item][0]))
                          for item in ChecklistItem}
        for item, (_short, source) in FOLLOWED.items():
            self.checklist[item].setEnabled(False)  # ticked by the records, not by hand
            self.checklist[item].setToolTip(tr(source))
            self.checklist[item].setAccessibleName(f"{item.label} ({tr(source)})")
        self.checklist_error = FieldError()
        self._lay_out()

        self.fitzpatrick.currentIndexChanged.connect(self._skin_changed)
        for finding in self.findings.values():
            finding.box.toggled.connect(self._found_changed)
            finding.reason.textEdited.connect(lambda _t: self.changed.emit())
        self.consent_button.clicked.connect(self.sign_consent_requested)
        self.print_button.clicked.connect(self._print_consent)
        for box in self.checklist.values():
            box.toggled.connect(lambda _on: self.changed.emit())

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        skin = QHBoxLayout()
        label = QLabel(tr("Skin t&ype"))
        label.setBuddy(self.fitzpatrick)
        skin.addWidget(label)
        skin.addWidget(self.fitzpatrick)
        skin.addWidget(self.skin_note, 1)
        layout.addLayout(skin)
        layout.addWidget(self.fitzpatrick_error)
        layout.addWidget(QLabel(tr("Contraindications found (tick what applies):")))
        grid = QGridLayout()
        grid.setVerticalSpacing(0)
        for index, finding in enumerate(self.findings.values()):
            grid.addWidget(finding.box, index // 2, index % 2)
        layout.addLayout(grid)
        for finding in self.findings.values():  # a warning ticked asks why, below
            layout.addWidget(finding.reason)
            layout.addWidget(finding.error)
        layout.addWidget(self.hard_stop)
        consent = QGridLayout()
        consent.addWidget(QLabel(tr("Consent")), 0, 0)
        consent.addWidget(self.consent_note, 0, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.consent_button)
        buttons.addWidget(self.print_button)
        consent.addLayout(buttons, 0, 2)
        consent.addWidget(self.consent_error, 1, 1, 1, 2)
        speaks = QHBoxLayout()
        speaks_label = QLabel(tr("Patient's language"))
        speaks_label.setBuddy(self.patient_language)
        speaks.addWidget(speaks_label)
        speaks.addWidget(self.patient_language)
        speaks.addStretch(1)
        consent.addLayout(speaks, 2, 0, 1, 3)
        consent.setColumnStretch(1, 1)
        layout.addLayout(consent)
        layout.addWidget(QLabel(tr("Before treating:")))
        checks = QGridLayout()
        checks.setVerticalSpacing(0)
        for line, item in enumerate(BY_HAND):
            checks.addWidget(self.checklist[item], line, 0, 1, 2)
        for column, item in enumerate(FOLLOWED):
            checks.addWidget(self.checklist[item], len(BY_HAND), column)
        layout.addLayout(checks)
        layout.addWidget(self.checklist_error)

    def _found_changed(self) -> None:
        for finding in self.findings.values():
            finding.reason.setVisible(finding.box.isChecked()
                                      and finding.code not in HARD_STOPS)
            if not finding.box.isChecked():
                finding.error.show_problem(None)
        stops = [f.code.label for f in self.findings.values()
                 if f.box.isChecked() and f.code in HARD_STOPS]
        self.hard_stop.setText(tr("Do not treat: {findings}. This session cannot be "
                                  "completed.").format(findings="; ".join(stops))
                               if stops else "")
        self.hard_stop.setVisible(bool(stops))
        self.changed.emit()

    def focus_chain(self) -> list[QWidget]:
        chain: list[QWidget] = [self.fitzpatrick]
        for finding in self.findings.values():
            chain += [finding.box, finding.reason]
        return [*chain, *(self.checklist[item] for item in BY_HAND)]

    # --- skin type --------------------------------------------------------------------------
    def follow_record(self, fitzpatrick: int | None) -> None:
        """The chosen patient's recorded skin type: the screening starts from it."""
        self.recorded_skin = fitzpatrick
        self.fitzpatrick.setCurrentIndex(max(0, self.fitzpatrick.findData(fitzpatrick)))
        self._skin_changed()

    def _skin_changed(self) -> None:
        seen, recorded = self.fitzpatrick.currentData(), self.recorded_skin
        differs = seen is not None and recorded is not None and seen != recorded
        self.skin_note.setText(tr("Differs from the patient's record (Type {numeral})").format(
            numeral=FITZPATRICK_TYPES[recorded]) if differs and recorded else "")
        self.changed.emit()

    # --- consent ----------------------------------------------------------------------------
    def show_consent_on_file(self, on_file: ConsentOnFile | None) -> None:
        """Say what consent the patient signed on screen, and tick "consent valid" by it; the
        patient's language is then the one they signed it in."""
        self.on_file, self.looked_up = on_file, True
        if on_file is not None:
            self.patient_language.setCurrentIndex(
                max(0, self.patient_language.findData(on_file.language)))
        self.consent_button.setEnabled(True)
        self.print_button.setEnabled(on_file is not None and on_file.consent_id is not None)
        if on_file is None:
            self.consent_note.setText(tr("Not signed yet: the patient signs the consent form "
                                         "on screen before treatment."))
        elif on_file.in_force:
            self.consent_note.setText(
                tr("Signed by {name} on {day} (version {version}), valid until {until}.").format(
                    name=on_file.signer_name, day=date_text(on_file.signed_on),
                    version=on_file.version, until=date_text(on_file.valid_until)))
            self.consent_error.show_problem(None)
        else:
            self.consent_note.setText(tr("Signed on {day}, {why_not}: the patient signs "
                                         "again.").format(day=date_text(on_file.signed_on),
                                                          why_not=on_file.why_not))
        self.consent_button.setText(tr("Sign co&nsent again…") if on_file is not None
                                    and on_file.in_force else tr("Sign co&nsent…"))
        mark_invalid(self.consent_note, None if on_file is not None and on_file.in_force
                     else self.consent_note.text())
        self.checklist[ChecklistItem.CONSENT_VALID].setChecked(self.consent_valid())
        self.changed.emit()

    def _print_consent(self) -> None:
        if self.on_file is not None and self.on_file.consent_id is not None:
            self.print_consent_requested.emit(self.on_file.consent_id)

    def consent_valid(self) -> bool:
        """Whether the patient's consent on file is valid today."""
        return self.on_file is not None and self.on_file.in_force

    def show_verified(self, verified_today: bool) -> None:
        """The device log says whether today's verification of the chosen device is done."""
        self.checklist[ChecklistItem.DAILY_VERIFICATION].setChecked(verified_today)

    # --- values -----------------------------------------------------------------------------
    def value(self) -> tuple[ScreeningInput, dict[str, str]]:
        """The screening on screen, and what could not be read from the typed text."""
        problems: dict[str, str] = {}
        # The consent on file once looked up (and valid); until then, and where it never is (a
        # signed session's own screening, amended), the consent the screening recorded.
        recorded = self.recorded
        consent_id, version, signed_on = (recorded.consent_id, recorded.consent_version,
                                          recorded.consent_signed_on)
        if self.looked_up:
            consent = self.on_file if self.consent_valid() else None
            consent_id, version, signed_on = ((consent.consent_id, consent.version,
                                               consent.signed_on) if consent else (None, "", None))
        found = {f.code for f in self.findings.values() if f.box.isChecked()}
        screening = ScreeningInput(
            fitzpatrick=self.fitzpatrick.currentData(),
            found=frozenset(found),
            reasons={code: self.findings[code].reason.text() for code in found
                     if self.findings[code].reason.text().strip()},
            consent_id=consent_id,
            consent_version=version,
            consent_signed_on=signed_on,
            checklist=frozenset(item for item, box in self.checklist.items()
                                if box.isChecked()),
        )
        return screening, problems

    def set_value(self, screening: ScreeningInput) -> None:
        """Put a saved screening back; the followed checklist items keep following."""
        self.recorded = screening
        self.fitzpatrick.setCurrentIndex(max(0, self.fitzpatrick.findData(screening.fitzpatrick)))
        for code, finding in self.findings.items():
            finding.box.setChecked(code in screening.found)
            finding.reason.setText(screening.reasons.get(code, ""))
        for item in BY_HAND:
            self.checklist[item].setChecked(item in screening.checklist)

    def show_problems(self, problems: dict[str, str]) -> set[str]:
        """Show the screening's problems next to their fields; return the keys shown."""
        fields = {
            "fitzpatrick": self.fitzpatrick_error,
            "consent": self.consent_error,
            "checklist": self.checklist_error,
            **{code.value: finding.error for code, finding in self.findings.items()},
        }
        for name, error in fields.items():
            if name not in HARD_STOPS:  # a hard stop is said once, in the banner
                error.show_problem(problems.get(screening_key(name)))
        if problems.get(screening_key("checklist")):
            hints = [tr(FOLLOWED[item][1]) for item in FOLLOWED
                     if not self.checklist[item].isChecked()]
            if hints:  # what ticks an item no one can tick by hand
                self.checklist_error.show_problem(
                    f"{problems[screening_key('checklist')]}. {' '.join(hints)}.")
        for code, finding in self.findings.items():
            if code not in HARD_STOPS:
                mark_invalid(finding.reason, problems.get(screening_key(code)))
        return {key for key in problems if key.startswith("screening.")}

    def _speak_as_the_screen(self) -> None:
        self.patient_language.setCurrentIndex(
            max(0, self.patient_language.findData(current().language)))

    def language(self) -> str:
        """The patient's language chosen: their consent's and their aftercare sheet's."""
        return str(self.patient_language.currentData())

    def reset(self) -> None:
        self._speak_as_the_screen()  # a new patient: until told otherwise
        self.recorded_skin = None
        self.set_value(ScreeningInput())
        self.show_verified(False)
        self.on_file, self.looked_up = None, False
        self.consent_button.setEnabled(False)
        self.print_button.setEnabled(False)
        self.checklist[ChecklistItem.CONSENT_VALID].setChecked(False)
        self.consent_note.setText(tr("Choose the patient to see their consent on file."))
        mark_invalid(self.consent_note, None)
        self.skin_note.clear()
        self.show_problems({})

