"""The charts screen draws each chart from the database, hovers, and saves a PNG."""

import pytest

from devices.simulated.demo_clinic import build_demo
from models.reading import chart_data
from models.storage.preferences import Settings
from tests.ui.conftest import RecordedMessages
from ui.oversight.charts_view import COURSE
from ui.shell.main_window import MainWindow


@pytest.fixture
def charts(qtbot, database, supervisor):
    build_demo(database, sessions=24, seed=17)
    window = MainWindow(database, supervisor, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(window)
    window.show()
    yield window.charts
    window.close()


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


def test_a_patients_course_marks_reactions_and_saves_as_png(qtbot, charts, tmp_path):
    charts.choice.setCurrentText(COURSE)
    assert not charts.patient.isHidden()
    charts.patient.setText("DEMO17-00001")
    data = drawn(qtbot, charts, COURSE)
    assert data.title.startswith("Course of ") and data.categories
    out = tmp_path / "course.png"
    assert charts.save_png(out) and out.read_bytes().startswith(b"\x89PNG")
    charts.patient.setText("NOBODY")
    assert drawn(qtbot, charts, COURSE).empty
    assert "Nothing to draw" in charts.hover.text()
