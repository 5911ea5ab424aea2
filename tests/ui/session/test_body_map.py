"""The body map: clicking an area ticks it in the list (and the list ticks the map), areas
treated before show their course progress."""

from PySide6.QtCore import QPointF, Qt

from models.values.vocabulary import Area
from tests.ui.oversight.test_courses import choose, logged_before
from ui.session.body_map import BEFORE, IDLE, TICKED, BodyMap


def test_every_area_is_on_the_map_and_found_where_it_is_drawn(qtbot):
    body = BodyMap()
    qtbot.addWidget(body)
    body.resize(480, 400)
    for area in Area:
        rect = body.area_rect(area.value)
        assert rect.width() > 5 and rect.height() > 5, area
        assert body.area_at(rect.center()) == area.value, area
    assert body.area_at(QPointF(2, 398)) is None


def test_clicking_the_map_ticks_the_area_and_the_list_shows_it(qtbot, window, database,
                                                              technician, device):
    logged_before(database, technician, device, 9)
    form = window.form
    choose(qtbot, form, "CO-1")
    body = form.areas.body_map
    qtbot.waitUntil(lambda: body.before == {"neck": "1/6"}, timeout=10_000)
    assert body.colour_of("neck") == BEFORE and body.colour_of("cheeks") == IDLE
    assert body.describe("neck") == "Neck – treated before, course session 1/6"

    cheeks = body.area_rect("cheeks").center().toPoint()
    qtbot.mouseClick(body, Qt.MouseButton.LeftButton, pos=cheeks)
    assert "cheeks" in form.areas.rows and body.colour_of("cheeks") == TICKED
    item = form.areas.areas.item(list(Area).index(Area.CHEEKS))
    assert item.checkState() == Qt.CheckState.Checked

    item.setCheckState(Qt.CheckState.Unchecked)  # the keyboard list, as Space does
    assert "cheeks" not in form.areas.rows and body.colour_of("cheeks") == IDLE
    form.areas.set_areas(["neck"])
    assert body.colour_of("neck") == TICKED


def test_a_press_just_beside_a_small_shape_takes_it(qtbot):
    body = BodyMap()
    qtbot.addWidget(body)
    body.resize(300, 250)  # the size it has on the form: the eyes are a few pixels high
    eyes = body.area_rect("periorbital")
    beside = QPointF(eyes.left() - 6, eyes.center().y())  # just outside the left eye
    assert not any(body.area_rect(area.value).contains(beside) for area in Area)
    assert body.area_at(beside) == "periorbital"  # the nearest shape, not nothing
    assert body.area_at(QPointF(eyes.left() - 40, eyes.center().y())) is None  # too far
