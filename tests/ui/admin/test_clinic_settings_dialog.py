"""The administrator edits the clinic's text settings (name, address, phone) and the switch
for uncertified technicians in the Clinic settings dialog (the consent form's versions are
kept in their own section: tests/ui/admin/test_consent_forms_panel.py)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit

from models.clinic import clinic_settings
from models.storage.preferences import Settings
from tests.ui.conftest import RecordedMessages
from ui.shell.main_window import MainWindow


def test_the_administrator_edits_the_clinics_text_settings(qtbot, database, admin):
    with database.write() as db:
        clinic_settings.change_setting(db, admin, "clinic_phone", "555 0100")
    main = MainWindow(database, admin, Settings(room="Office"), RecordedMessages())
    qtbot.addWidget(main)
    main.show()
    view = main.admin
    qtbot.mouseClick(view.settings_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hasattr(view, "settings_dialog"), timeout=10_000)
    dialog = view.settings_dialog
    name, phone = dialog.fields["clinic_name"], dialog.fields["clinic_phone"]
    assert isinstance(name, QLineEdit) and name.text() == ""
    assert phone.text() == "555 0100"
    switch = dialog.fields["allow_uncertified"]
    assert isinstance(switch, QCheckBox) and not switch.isChecked()
    assert name.maxLength() == 200
    name.setText("  Lumen Skin Clinic ")
    dialog.fields["clinic_address"].setText("1 High Street, Springfield")
    switch.setChecked(True)
    dialog.save()
    qtbot.waitUntil(lambda: "Clinic settings saved" in view.message.text(), timeout=10_000)
    with database.read() as db:
        rules = clinic_settings.rules(db)
    assert (rules.clinic_name, rules.clinic_address, rules.clinic_phone,
            rules.allow_uncertified) == (
        "Lumen Skin Clinic", "1 High Street, Springfield", "555 0100", 1)
    assert "consent_version" not in dialog.fields  # a version is named where it is kept
    main.close()
