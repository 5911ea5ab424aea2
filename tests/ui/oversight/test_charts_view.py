"""The charts screen draws each chart from the database as soon as it is shown and on every
filter change, hovers, saves a PNG; one unit per axis, a colour per series."""

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from devices.simulated.demo_clinic import build_demo
from models.reading import chart_data
from models.records.equipment import Device
from models.records.people import Patient
from models.records.treatment import TreatmentSession
from models.storage.preferences import Settings
from models.values.vocabulary import DeviceKind
from tests.ui.conftest import RecordedMessages
from ui.oversight.charts_view import COURSES
from ui.shell.main_window import MainWindow
from ui.widgets.chart_drawing import colour

FLUENCE, ENERGY = COURSES


@pytest.fixture
def window(qtbot, database, supervisor):
    build_demo(database, sessions=24, seed=17)
    window = MainWindow(database, supervisor, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()


@pytest.fixture
def charts(window):
    return window.charts


def drawn(qtbot, charts, title):
    charts.data = None
    charts.choice.setCurrentText(title)
    charts.draw()
    qtbot.waitUntil(lambda: charts.data is not None and charts.data.title != "", timeout=10_000)
    return charts.data


def test_every_chart_draws_from_the_database_and_hovers(qtbot, charts):
    for title in chart_data.CHARTS:
        data = drawn(qtbot, charts, title)
        assert not data.empty, title
        assert len(charts.bars) == sum(len(v) for v in data.series.values()), title
        x, value, text = charts.bars[0]
        assert charts.describe_nearest(x, value) == text
    rates = drawn(qtbot, charts, "Reaction rate by area")
    assert rates.percent and all(0 <= v <= 100 for v in rates.series["with a reaction"])


def test_the_chart_is_drawn_when_shown_and_when_the_filters_change(qtbot, window):
    window.tabs.setCurrentWidget(window.charts_page)
    charts = window.charts
    qtbot.waitUntil(lambda: charts.data is not None and not charts.data.empty,
                    timeout=10_000)  # no Draw pressed
    everything = sum(sum(v) for v in charts.data.series.values())
    window.tabs.setCurrentWidget(window.history)
    window.history.filters.room.setCurrentIndex(1)  # one room only, chosen in the History
    window.tabs.setCurrentWidget(window.charts_page)
    qtbot.waitUntil(lambda: sum(sum(v) for v in charts.data.series.values()) < everything,
                    timeout=10_000)
    assert len(charts.data.series) == 1


def test_a_patients_course_has_one_unit_marks_reactions_and_saves_as_png(
        qtbot, charts, database, tmp_path):
    with database.read() as db:  # a patient treated with a device set by fluence (not RF)
        identifier = db.scalar(
            select(Patient.identifier)
            .join(TreatmentSession, TreatmentSession.patient_id == Patient.id)
            .join(Device, Device.id == TreatmentSession.device_id)
            .where(Device.kind != DeviceKind.RF).order_by(Patient.identifier).limit(1))
    charts.choice.setCurrentText(FLUENCE)
    assert not charts.patient.isHidden()
    assert charts.data.empty and "Type the patient's identifier" in charts.hover.text()
    qtbot.keyClicks(charts.patient, identifier)
    qtbot.keyClick(charts.patient, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: charts.data.title.startswith("Course of "), timeout=10_000)
    fluence = charts.data
    assert fluence.value_label == "fluence (J/cm²)" and fluence.categories
    energy = drawn(qtbot, charts, ENERGY)
    assert energy.value_label == "energy (J)"
    assert not set(fluence.series) & {f"{name} (J)" for name in energy.series}
    out = tmp_path / "course.png"
    assert charts.save_png(out) and out.read_bytes().startswith(b"\x89PNG")
    charts.patient.setText("NOBODY")
    assert drawn(qtbot, charts, FLUENCE).empty
    assert "Nothing to draw" in charts.hover.text()


def test_every_series_has_a_colour_of_its_own():
    for count in (3, 8, 12, 20):
        shades = {str(colour(n, count)) for n in range(count)}
        assert len(shades) == count
