"""LaserLog in German, the first translation: each role's screens, every dialog and the
session form at 1366×768 with no text cut by its widget; a decimal comma and a German date
typed and read back."""


import pytest
from PySide6.QtCore import Qt

from models.reading import history
from models.storage.preferences import Settings
from tests.ui import screens, test_fits_screen
from tests.ui.conftest import RecordedMessages, resume_offered_draft
from tests.ui.session.helpers import choose, tick_area
from tests.ui.test_fits_screen import ROLE_TABS, dialog_classes
from ui.language.setup import install_language
from ui.shell.main_window import MainWindow

SCREEN = screens.SMALL_SCREEN
# The fixtures of test_fits_screen: layout does not depend on the database (SQLite only), and
# the dialogs open on its demo clinic.
database_url = test_fits_screen.database_url
clinic = test_fits_screen.clinic


@pytest.fixture
def german(qapp):
    """The app in German (its formats German's own, whatever the system's), for one test."""
    install_language(qapp, "de")
    yield
    install_language(qapp, "")


@pytest.mark.parametrize(("role", "index"), [
    pytest.param(role, index, id=f"{role}-{index}") for role, tabs in ROLE_TABS.items()
    for index in range(len(tabs))])
def test_each_screen_in_german_fits_1366_by_768_and_cuts_no_text(qtbot, german, database,
                                                                  role, index):
    screens.demo_clinic(database)
    window = screens.demo_window(qtbot, database, role)
    shown = list(screens.tabs(qtbot, window))
    assert len(shown) == len(ROLE_TABS[role])
    assert [title for title, _ in shown][index] not in ROLE_TABS[role]  # it is German
    window.tabs.setCurrentIndex(index)
    screens.settle(qtbot, window)
    assert screens.wider_than(window, SCREEN.width()) == []
    assert screens.cut_texts(window) == []
    window.close()


@pytest.mark.parametrize("name", sorted(dialog_classes()))
def test_each_dialog_in_german_fits_1366_by_768_and_cuts_no_text(qtbot, german, clinic, name):
    dialog = test_fits_screen.opened_dialog(qtbot, clinic, name)
    size = dialog.frameGeometry().size()
    assert size.width() <= SCREEN.width() and size.height() <= SCREEN.height(), size
    assert screens.cut_texts(dialog) == []
    dialog.reject()


def test_the_session_form_in_german_cuts_no_text_with_areas_ticked(
        qtbot, german, database, technician, device):
    from tests.ui.session.test_form_rules import add_patient

    add_patient(database, technician)
    window = MainWindow(database, technician, Settings(room="Raum 4", autosave_seconds=0.2),
                        RecordedMessages())
    qtbot.addWidget(window)
    window.resize(SCREEN)
    window.show()
    qtbot.waitExposed(window)
    form = window.form
    choose(qtbot, form, "FR-1")
    for area in ("Wangen", "Hals", "Dekolleté"):
        tick_area(form, area)
    screens.settle(qtbot, window)
    assert form.complete_button.text().replace("&", "") != "Complete and sign"
    assert screens.wider_than(window, SCREEN.width()) == []
    assert screens.cut_texts(window) == []
    window.close()


def test_a_decimal_comma_is_typed_shown_and_read_back(qtbot, german, database, technician,
                                                      device):
    from tests.ui.session.test_form_rules import add_patient

    add_patient(database, technician)
    settings = Settings(room="Raum 4", autosave_seconds=0.2)
    window = MainWindow(database, technician, settings, RecordedMessages())
    qtbot.addWidget(window)
    window.show()
    form = window.form
    choose(qtbot, form, "FR-1")
    tick_area(form, "Wangen")
    field = form.areas.rows["cheeks"].fields["fluence_j_cm2"]
    field.setFocus()
    qtbot.keyClicks(field, "12,5")

    def fluence():
        with database.read() as db:
            areas = history.load_session(db, form.draft_id).areas
        return areas[0].settings.get("fluence_j_cm2") if areas else None

    qtbot.waitUntil(lambda: fluence() == 12.5, timeout=10_000)
    window.close()

    again = MainWindow(database, technician, settings, RecordedMessages())
    qtbot.addWidget(again)
    again.show()
    resume_offered_draft(qtbot, again)
    resumed = again.form.areas.rows
    qtbot.waitUntil(lambda: "cheeks" in resumed and
                    resumed["cheeks"].fields["fluence_j_cm2"].text() == "12,5", timeout=10_000)
    again.close()


def test_the_language_is_chosen_for_this_pc_from_the_file_menu(qtbot, tmp_path, monkeypatch):
    from ui.shell.language_dialog import LanguageDialog

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # this PC's settings, for this test

    settings = Settings(room="Raum 4")
    dialog = LanguageDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    names = [dialog.languages.item(i).text() for i in range(dialog.languages.count())]
    assert names[1:] == ["English", "Deutsch"]
    dialog.languages.setFocus()
    qtbot.keyClick(dialog.languages, Qt.Key.Key_End)
    qtbot.keyClick(dialog.languages, Qt.Key.Key_Return)
    assert settings.language == "de"
    assert Settings.load().language == "de"


def test_dates_are_typed_and_shown_as_german_writes_them(qtbot, german, window, database):
    """A date of birth typed 12.04.1979 is the 12th of April; the session's start reads
    29.11.2026 14:05; ISO typed still works."""
    import re

    from models.clinic import patients
    from tests.ui.session.helpers import register_patient

    form = window.form
    for identifier, name, typed in (("DE-1", "Jana Berg", "12.04.1979"),
                                    ("DE-2", "Ute Lang", "1980-05-06")):
        dialog = register_patient(qtbot, form, identifier=identifier, name=name, born=typed)
        qtbot.waitUntil(lambda dialog=dialog: not dialog.isVisible(), timeout=10_000)

    def born() -> dict[str, str]:
        with database.read() as db:
            return {p.identifier: str(p.date_of_birth) for p in patients.find_patients(db, "DE-")}

    qtbot.waitUntil(lambda: len(born()) == 2, timeout=10_000)
    assert born() == {"DE-1": "1979-04-12", "DE-2": "1980-05-06"}
    qtbot.waitUntil(lambda: form.draft_id is not None, timeout=10_000)
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", form.start.started.text())


def test_a_photo_pose_reads_in_german_and_is_kept_as_named(qtbot, german, window, database,
                                                            tmp_path):
    """The default poses are offered in German; the photo keeps the pose's own name, the same
    on every PC (a clinic's own pose reads as typed)."""
    from models.values.photo_poses import pose_label
    from tests.photos import with_gps_and_owner
    from tests.ui.session.test_photo_panel import drop, open_neck_draft, photos_in

    form = window.form
    open_neck_draft(qtbot, form, "PH-1", area="Hals")
    panel = form.photos
    assert [panel.pose.itemText(i) for i in range(3)] == ["vorne", "links 45°", "rechts 45°"]
    panel.pose.setCurrentIndex(1)
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(with_gps_and_owner())
    drop(panel, [photo])
    qtbot.waitUntil(lambda: panel.kept.count() == 1, timeout=15_000)
    (_area, _kind, pose, _source, _data), = photos_in(database)
    assert pose == "left 45°" and "links 45°" in panel.kept.item(0).text()
    assert pose_label("unsere eigene Ansicht") == "unsere eigene Ansicht"
