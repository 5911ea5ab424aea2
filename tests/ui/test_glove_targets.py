"""Controls big enough to hit with gloves on (resources/style.qss): every field and button at
least 32 px high, tick boxes and radio buttons 24 px, spin box arrows 20 px wide, list rows
32 px; and a value a device filled in (read only) looks read only."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from tests.ui import screens

ROLES = ("technician", "supervisor", "admin")


@pytest.fixture
def database_url(tmp_path):
    """Sizes do not depend on the database: SQLite only, for speed."""
    from models.storage import schema
    from models.storage.database import open_database

    url = f"sqlite:///{tmp_path / 'laserlog.db'}"
    database = open_database(url)
    schema.upgrade(database)
    database.dispose()
    return url


@pytest.mark.parametrize("role", ROLES)
def test_every_screen_of_each_role_is_glove_sized(qtbot, database, role):
    screens.demo_clinic(database)
    window = screens.demo_window(qtbot, database, role)
    problems = {title: screens.too_small_to_hit(screen)
                for title, screen in screens.tabs(qtbot, window)}
    window.close()
    assert {title: found for title, found in problems.items() if found} == {}


@pytest.fixture
def every_kind(qtbot):
    """One of each control the style sheet sizes, as the app's screens use them."""
    form = QWidget()
    layout = QFormLayout(form)
    combo = QComboBox()
    combo.addItems(["Choose…", "Type II"])
    checkable = QListWidget()
    for number, area in enumerate(("Neck", "Cheeks", "Arms")):
        item = QListWidgetItem(area)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if number == 1 else Qt.CheckState.Unchecked)
        checkable.addItem(item)
    ticked = QCheckBox("Eyewear on the patient")
    ticked.setChecked(True)
    picked = QRadioButton("Type III")
    picked.setChecked(True)
    typed, filled = QLineEdit("typed"), QLineEdit("1064")
    filled.setReadOnly(True)
    for label, widget in (("Typed", typed), ("Filled by the device", filled),
                          ("Choice", combo), ("Count", QSpinBox()),
                          ("Fluence", QDoubleSpinBox()), ("Day", QDateEdit()),
                          ("Ticked", ticked), ("Picked", picked), ("Areas", checkable),
                          ("", QPushButton("Save"))):
        layout.addRow(label, widget)
    qtbot.addWidget(form)
    form.resize(600, 600)
    form.show()
    qtbot.waitExposed(form)
    return form, typed, filled


def test_each_kind_of_control_is_glove_sized(every_kind):
    form, _typed, _filled = every_kind
    assert screens.too_small_to_hit(form) == []


def _fill(field: QLineEdit) -> QColor:
    """The colour inside the field, just left of its text."""
    image = field.grab().toImage()
    return image.pixelColor(3, field.height() // 2)


def test_a_value_filled_by_the_device_looks_read_only(every_kind):
    _form, typed, filled = every_kind
    assert _fill(typed) == QColor("white")
    assert _fill(filled) != _fill(typed) and _fill(filled).lightness() < 245  # greyed
