"""Reactions seen during or right after the session, each graded 0–4 with a note."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from models.values.session_input import ReactionInput
from models.values.vocabulary import REACTION_GRADES, ReactionKind, grade_label
from ui.language import tr


class ReactionsEditor(QWidget):
    """Signals:
    changed(): a grade or note changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel(tr("Reaction (grade 0 = none)")), 0, 0)
        grid.addWidget(QLabel(tr("Grade")), 0, 1)
        grid.addWidget(QLabel(tr("Note")), 0, 2)
        self.grades: dict[str, QComboBox] = {}
        self.notes: dict[str, QLineEdit] = {}
        for line, kind in enumerate(ReactionKind, start=1):
            grade = QComboBox()
            for value in REACTION_GRADES:
                grade.addItem(grade_label(value), value)
            grade.setAccessibleName(tr("{reaction} grade").format(reaction=kind.label))
            note = QLineEdit()
            note.setAccessibleName(tr("{reaction} note").format(reaction=kind.label))
            grade.currentIndexChanged.connect(lambda _i: self.changed.emit())
            note.textEdited.connect(lambda _t: self.changed.emit())
            grid.addWidget(QLabel(kind.label), line, 0)
            grid.addWidget(grade, line, 1)
            grid.addWidget(note, line, 2)
            self.grades[kind.value], self.notes[kind.value] = grade, note
        grid.setColumnStretch(2, 1)

    def focus_chain(self) -> list[QWidget]:
        chain: list[QWidget] = []
        for kind in self.grades:
            chain += [self.grades[kind], self.notes[kind]]
        return chain

    def value(self) -> tuple[ReactionInput, ...]:
        """Reactions with a grade above 0, or with a note (kept even at grade 0)."""
        return tuple(
            ReactionInput(kind, self.grades[kind].currentData(), self.notes[kind].text().strip())
            for kind in self.grades
            if self.grades[kind].currentData() > 0 or self.notes[kind].text().strip()
        )

    def set_grade(self, kind: str, grade: int, note: str = "") -> None:
        self.grades[kind].setCurrentIndex(self.grades[kind].findData(grade))
        self.notes[kind].setText(note)

    def reset(self) -> None:
        for kind in self.grades:
            self.set_grade(kind, 0)
