<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
  <context>
    <name>LaserLog</name>
    <message>
      <location filename="../../ui/session/course_panel.py" />
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source> days</source>
      <translation> Tage</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>%n course session shown, {overdue} overdue.</source>
      <extracomment>English plural: %n course sessions shown, {overdue} overdue.</extracomment>
      <translation>
        <numerusform>%n Serienbehandlung angezeigt, {overdue} überfällig.</numerusform>
        <numerusform>%n Serienbehandlungen angezeigt, {overdue} überfällig.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>%n course session shown, {overdue} overdue; More reads on.</source>
      <extracomment>English plural: %n course sessions shown, {overdue} overdue; More reads on.</extracomment>
      <translation>
        <numerusform>%n Serienbehandlung angezeigt, {overdue} überfällig; „Mehr“ liest weiter.</numerusform>
        <numerusform>%n Serienbehandlungen angezeigt, {overdue} überfällig; „Mehr“ liest weiter.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>%n day overdue</source>
      <extracomment>English plural: %n days overdue</extracomment>
      <translation>
        <numerusform>%n Tag überfällig</numerusform>
        <numerusform>%n Tage überfällig</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>%n event, newest first</source>
      <extracomment>English plural: %n events, newest first</extracomment>
      <translation>
        <numerusform>%n Ereignis, neueste zuerst</numerusform>
        <numerusform>%n Ereignisse, neueste zuerst</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>%n event, newest first; Older events reads on</source>
      <extracomment>English plural: %n events, newest first; Older events reads on</extracomment>
      <translation>
        <numerusform>%n Ereignis, neueste zuerst; „Ältere Ereignisse“ liest weiter</numerusform>
        <numerusform>%n Ereignisse, neueste zuerst; „Ältere Ereignisse“ liest weiter</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>%n incident awaits a report; {overdue} overdue.</source>
      <extracomment>English plural: %n incidents await a report; {overdue} overdue.</extracomment>
      <translation>
        <numerusform>%n Vorfall wartet auf einen Bericht; {overdue} überfällig.</numerusform>
        <numerusform>%n Vorfälle warten auf einen Bericht; {overdue} überfällig.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/records/amend_changes.py" />
      <source>%n pass</source>
      <extracomment>English plural: %n passes</extracomment>
      <translation>
        <numerusform>%n Durchgang</numerusform>
        <numerusform>%n Durchgänge</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/records/photo_compare.py" />
      <source>%n photo of this pose: a later one is needed to compare.</source>
      <extracomment>English plural: %n photos of this pose: a later one is needed to compare.</extracomment>
      <translation>
        <numerusform>%n Foto dieser Ansicht: Zum Vergleich wird ein späteres benötigt.</numerusform>
        <numerusform>%n Fotos dieser Ansicht: Zum Vergleich wird ein späteres benötigt.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/records/amend_changes.py" />
      <source>%n pulse</source>
      <extracomment>English plural: %n pulses</extracomment>
      <translation>
        <numerusform>%n Puls</numerusform>
        <numerusform>%n Pulse</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>%n pulse was delivered and not saved to the session. Discard it?</source>
      <extracomment>English plural: %n pulses were delivered and not saved to the session. Discard them?</extracomment>
      <translation>
        <numerusform>%n Puls wurde abgegeben und nicht in der Behandlung gespeichert. Verwerfen?</numerusform>
        <numerusform>%n Pulse wurden abgegeben und nicht in der Behandlung gespeichert. Verwerfen?</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/oversight/review_queue_view.py" />
      <source>%n session awaits sign-off, the worst reactions first; {shown} shown (scroll for more), {flagged} of them flagged.</source>
      <extracomment>English plural: %n sessions await sign-off, the worst reactions first; {shown} shown (scroll for more), {flagged} of them flagged.</extracomment>
      <translation>
        <numerusform>%n Behandlung wartet auf Freigabe, stärkste Reaktionen zuerst; {shown} angezeigt (für mehr scrollen), davon {flagged} auffällig.</numerusform>
        <numerusform>%n Behandlungen warten auf Freigabe, stärkste Reaktionen zuerst; {shown} angezeigt (für mehr scrollen), davon {flagged} auffällig.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/oversight/review_queue_view.py" />
      <source>%n session awaits sign-off; {flagged} flagged.</source>
      <extracomment>English plural: %n sessions await sign-off; {flagged} flagged.</extracomment>
      <translation>
        <numerusform>%n Behandlung wartet auf Freigabe; {flagged} auffällig.</numerusform>
        <numerusform>%n Behandlungen warten auf Freigabe; {flagged} auffällig.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/records/history_view.py" />
      <source>%n session found, newest first. Enter or double-click opens one; click the Date header to turn the order round.</source>
      <extracomment>English plural: %n sessions found, newest first. Enter or double-click opens one; click the Date header to turn the order round.</extracomment>
      <translation>
        <numerusform>%n Behandlung gefunden, neueste zuerst. Öffnen: Eingabetaste oder Doppelklick; Reihenfolge: Klick auf „Datum“.</numerusform>
        <numerusform>%n Behandlungen gefunden, neueste zuerst. Öffnen: Eingabetaste oder Doppelklick; Reihenfolge: Klick auf „Datum“.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/records/history_view.py" />
      <source>%n session found, oldest first. Enter or double-click opens one; click the Date header to turn the order round.</source>
      <extracomment>English plural: %n sessions found, oldest first. Enter or double-click opens one; click the Date header to turn the order round.</extracomment>
      <translation>
        <numerusform>%n Behandlung gefunden, älteste zuerst. Öffnen: Eingabetaste oder Doppelklick; Reihenfolge: Klick auf „Datum“.</numerusform>
        <numerusform>%n Behandlungen gefunden, älteste zuerst. Öffnen: Eingabetaste oder Doppelklick; Reihenfolge: Klick auf „Datum“.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/session/draft_form.py" />
      <source>%n thing to correct before completing.</source>
      <extracomment>English plural: %n things to correct before completing.</extracomment>
      <translation>
        <numerusform>%n Punkt vor dem Abschließen zu korrigieren.</numerusform>
        <numerusform>%n Punkte vor dem Abschließen zu korrigieren.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/records/pdf_reports.py" />
      <source>%n voided photo is kept with the record and not shown.</source>
      <extracomment>English plural: %n voided photos are kept with the record and not shown.</extracomment>
      <translation>
        <numerusform>%n storniertes Foto ist in der Akte gespeichert und wird nicht gezeigt.</numerusform>
        <numerusform>%n stornierte Fotos sind in der Akte gespeichert und werden nicht gezeigt.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>%v of %m pulses</source>
      <translation>%v von %m Pulsen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>&amp;Add rule…</source>
      <translation>Regel &amp;hinzufügen…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>&amp;Add user…</source>
      <translation>Benutzer &amp;hinzufügen…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>&amp;Add version…</source>
      <translation>Version &amp;hinzufügen…</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>&amp;Administration</source>
      <translation>Ver&amp;waltung</translation>
    </message>
    <message>
      <location filename="../../ui/records/supervisor_actions.py" />
      <source>&amp;Amend…</source>
      <translation>&amp;Berichtigen…</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>&amp;Audit trail…</source>
      <translation>&amp;Prüfpfad…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>&amp;Back up…</source>
      <translation>&amp;Sichern…</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>&amp;Browse…</source>
      <translation>Durch&amp;suchen…</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>&amp;CSV for spreadsheets…</source>
      <translation>&amp;CSV für Tabellenkalkulation…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>&amp;Certification…</source>
      <translation>&amp;Zertifizierung…</translation>
    </message>
    <message>
      <location filename="../../ui/shell/database_dialog.py" />
      <source>&amp;Choose SQLite file…</source>
      <translation>SQLite-Datei &amp;wählen…</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_filters.py" />
      <source>&amp;Dates</source>
      <translation>&amp;Zeitraum</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>&amp;Disable</source>
      <translation>&amp;Deaktivieren</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>&amp;Draw</source>
      <translation>&amp;Zeichnen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>&amp;Edit poses…</source>
      <translation>Ansichten &amp;bearbeiten…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <location filename="../../ui/admin/tips_panel.py" />
      <source>&amp;Edit…</source>
      <translation>&amp;Bearbeiten…</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>&amp;FHIR R4 Bundle (JSON)…</source>
      <translation>&amp;FHIR-R4-Bundle (JSON)…</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <location filename="../../ui/shell/main_window.py" />
      <source>&amp;File</source>
      <translation>&amp;Datei</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>&amp;History</source>
      <translation>&amp;Historie</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>&amp;Import</source>
      <translation>&amp;Importieren</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>&amp;Import device file…</source>
      <translation>Gerätedatei &amp;importieren…</translation>
    </message>
    <message>
      <location filename="../../ui/session/consent_dialog.py" />
      <source>&amp;Keep signed consent</source>
      <translation>Einwilligung &amp;speichern</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>&amp;Lock now</source>
      <translation>Jetzt &amp;sperren</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>&amp;Log session</source>
      <translation>Behandlung &amp;erfassen</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>&amp;More</source>
      <translation>&amp;Mehr</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>&amp;Older events</source>
      <translation>Ä&amp;ltere Ereignisse</translation>
    </message>
    <message>
      <location filename="../../ui/shell/database_dialog.py" />
      <source>&amp;Open</source>
      <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>&amp;Open session</source>
      <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>&amp;Open the patient's sessions</source>
      <translation>Behandlungen des Patienten ö&amp;ffnen</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>&amp;PDF period summary…</source>
      <translation>&amp;PDF-Zeitraumübersicht…</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>&amp;Profile</source>
      <translation>&amp;Profil</translation>
    </message>
    <message>
      <location filename="../../ui/shell/database_dialog.py" />
      <location filename="../../ui/shell/main_window.py" />
      <source>&amp;Quit</source>
      <translation>&amp;Beenden</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>&amp;Read…</source>
      <translation>&amp;Öffnen…</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>&amp;Record the patch</source>
      <translation>Testbehandlung &amp;erfassen</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>&amp;Refresh (F5)</source>
      <translation>Neu &amp;laden (F5)</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>&amp;Refresh history</source>
      <translation>Historie a&amp;ktualisieren</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>&amp;Register device…</source>
      <translation>Gerät &amp;registrieren…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>&amp;Restore…</source>
      <translation>&amp;Wiederherstellen…</translation>
    </message>
    <message>
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>&amp;Resume</source>
      <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>&amp;Review queue</source>
      <translation>&amp;Freigabeliste</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>&amp;Review the changes…</source>
      <translation>Änderungen &amp;prüfen…</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>&amp;Search</source>
      <translation>&amp;Suchen</translation>
    </message>
    <message>
      <location filename="../../ui/session/signing_dialog.py" />
      <source>&amp;Sign</source>
      <translation>&amp;Signieren</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/review_queue_view.py" />
      <source>&amp;Sign off selected (S)</source>
      <translation>&amp;Auswahl freigeben (S)</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>&amp;Sign the amendment</source>
      <translation>Berichtigung &amp;signieren</translation>
    </message>
    <message>
      <location filename="../../ui/admin/admin_view.py" />
      <source>&amp;Staff</source>
      <translation>&amp;Mitarbeiter</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>&amp;Start</source>
      <translation>&amp;Starten</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>&amp;Test patches…</source>
      <translation>&amp;Testbehandlungen…</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>&amp;Unfinished sessions…</source>
      <translation>&amp;Offene Behandlungen…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <location filename="../../ui/shell/lock_screen.py" />
      <source>&amp;Unlock</source>
      <translation>&amp;Entsperren</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>&amp;Verify</source>
      <translation>&amp;Prüfen</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>&amp;View</source>
      <translation>&amp;Ansicht</translation>
    </message>
    <message>
      <location filename="../../ui/records/supervisor_actions.py" />
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>&amp;Void…</source>
      <translation>&amp;Stornieren…</translation>
    </message>
    <message>
      <location filename="../../ui/session/start_field.py" />
      <source>(a reason is asked when logged over {hours} h late)</source>
      <translation>(ein Grund ist nötig, wenn mehr als {hours} h nachträglich erfasst)</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>(the thumbnail cannot be drawn)</source>
      <translation>(das Vorschaubild kann nicht dargestellt werden)</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>1  Patient</source>
      <translation>1  Patient</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>10× faster</source>
      <translation>10× schneller</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>2  Screening and consent</source>
      <translation>2  Voruntersuchung und Einwilligung</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>3  Device, areas and parameters</source>
      <translation>3  Gerät, Areale und Parameter</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>4  Anaesthetic and reactions</source>
      <translation>4  Betäubung und Reaktionen</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>5  &amp;Complete and sign  (Ctrl+Enter)</source>
      <translation>5  &amp;Abschließen und signieren  (Strg+Eingabe)</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>60× faster</source>
      <translation>60× schneller</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>&lt; &amp;Back to the fields</source>
      <translation>&lt; &amp;Zurück zu den Feldern</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>&lt;b&gt;Voided&lt;/b&gt; {moment}: {reason}</source>
      <translation>&lt;b&gt;Storniert&lt;/b&gt; {moment}: {reason}</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>&lt;b&gt;What the amendment changes&lt;/b&gt; – {session}. The values before stay in the record, with the reason.</source>
      <translation>&lt;b&gt;Was die Berichtigung ändert&lt;/b&gt; – {session}. Die bisherigen Werte bleiben mit dem Grund in der Akte erhalten.</translation>
    </message>
    <message>
      <location filename="../../ui/session/consent_dialog.py" />
      <source>&lt;b&gt;{title}&lt;/b&gt; — for {name} ({identifier}). Hand the screen to the patient to read and sign.</source>
      <translation>&lt;b&gt;{title}&lt;/b&gt; — für {name} ({identifier}). Geben Sie den Bildschirm dem Patienten zum Lesen und Unterschreiben.</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>A before photo and a later one of this pose are needed</source>
      <translation>Ein Vorher-Foto und ein späteres Foto dieser Ansicht werden benötigt</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>A new consent version</source>
      <translation>Neue Version der Einwilligung</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>A new patch</source>
      <translation>Neue Testbehandlung</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>A patient's course: {quantity}</source>
      <translation>Verlauf eines Patienten: {quantity}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>A session with a device or on an area a rule names cannot be completed without a valid test patch. A retired rule stays here and no longer applies.</source>
      <translation>Eine Behandlung mit einem Gerät oder an einem Areal, das eine Regel nennt, kann ohne gültige Testbehandlung nicht abgeschlossen werden. Eine stillgelegte Regel bleibt hier und gilt nicht mehr.</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Action</source>
      <translation>Aktion</translation>
    </message>
    <message>
      <location filename="../../ui/records/follow_up_dialog.py" />
      <source>Add &amp;follow-up…</source>
      <translation>Nachkontrolle &amp;erfassen…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>Add a device to the register</source>
      <translation>Ein Gerät ins Geräteverzeichnis aufnehmen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/account_dialogs.py" />
      <source>Add a user</source>
      <translation>Benutzer hinzufügen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Add import &amp;profile…</source>
      <translation>Import&amp;profil hinzufügen…</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Add p&amp;hotos…</source>
      <translation>F&amp;otos hinzufügen…</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Add photos</source>
      <translation>Fotos hinzufügen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>Added</source>
      <translation>Hinzugefügt</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Added administrator {username}; they can sign in now.</source>
      <translation>Administrator {username} hinzugefügt; die Anmeldung ist jetzt möglich.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Added import profile {name}; every PC can use it now.</source>
      <translation>Importprofil {name} hinzugefügt; jeder PC kann es jetzt verwenden.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Added supervisor {username}; they can sign in now.</source>
      <translation>Supervisor {username} hinzugefügt; die Anmeldung ist jetzt möglich.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Added technician {username}; they can sign in now.</source>
      <translation>Techniker {username} hinzugefügt; die Anmeldung ist jetzt möglich.</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>After</source>
      <translation>Nachher</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>Afterca&amp;re sheet…</source>
      <translation>Nachsorge&amp;blatt…</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <location filename="../../ui/session/session_form.py" />
      <source>Aftercare sheet</source>
      <translation>Nachsorgeblatt</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>Aftercare sheet given</source>
      <translation>Nachsorgeblatt ausgehändigt</translation>
    </message>
    <message>
      <location filename="../../ui/session/session_form.py" />
      <source>Aftercare sheet saved to {path} and recorded as given.</source>
      <translation>Nachsorgeblatt unter {path} gespeichert und als ausgegeben vermerkt.</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>All before</source>
      <translation>Nur vorher</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>All latest</source>
      <translation>Nur neuestes</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>All pulses delivered: %n pulse, {flagged} flagged for review. Save it to the session, or Cancel.</source>
      <extracomment>English plural: All pulses delivered: %n pulses, {flagged} flagged for review. Save them to the session, or Cancel.</extracomment>
      <translation>
        <numerusform>Alle Pulse abgegeben: %n Puls, {flagged} zur Prüfung markiert. Speichern Sie ihn in der Behandlung oder wählen Sie „Abbrechen“.</numerusform>
        <numerusform>Alle Pulse abgegeben: %n Pulse, {flagged} zur Prüfung markiert. Speichern Sie sie in der Behandlung oder wählen Sie „Abbrechen“.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>Amend the session of {moment} – {patient}</source>
      <translation>Behandlung vom {moment} berichtigen – {patient}</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Amendments</source>
      <translation>Berichtigungen</translation>
    </message>
    <message>
      <location filename="../../ui/shell/sign_in_dialogs.py" />
      <source>An administrator reset your password. Choose your own (at least {length} characters) and type it twice; the temporary one stops working.</source>
      <translation>Ein Administrator hat Ihr Passwort zurückgesetzt. Wählen Sie ein eigenes (mindestens {length} Zeichen) und geben Sie es zweimal ein; das vorläufige gilt dann nicht mehr.</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <location filename="../../ui/records/session_detail.py" />
      <location filename="../../ui/session/anaesthetic_field.py" />
      <source>Anaesthetic</source>
      <translation>Betäubung</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_form.py" />
      <source>Anaesthetic, reactions and notes</source>
      <translation>Betäubung, Reaktionen und Notizen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Any area</source>
      <translation>Jedes Areal</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Any area (a spot near the treated area)</source>
      <translation>Beliebiges Areal (eine Stelle nahe dem behandelten Areal)</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Any device</source>
      <translation>Jedes Gerät</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_filters.py" />
      <source>Any or no reaction</source>
      <translation>Mit oder ohne Reaktion</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_filters.py" />
      <source>Any reaction</source>
      <translation>Mit Reaktion</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>Anyone</source>
      <translation>Alle</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>Anything else worth recording: aftercare given, patient's comments, follow-up</source>
      <translation>Was sonst festzuhalten ist: Nachsorge, Anmerkungen des Patienten, Nachkontrolle</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <location filename="../../ui/admin/staff_dialogs.py" />
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <location filename="../../ui/oversight/due_courses_view.py" />
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/records/photo_compare.py" />
      <location filename="../../ui/session/area_parameters.py" />
      <location filename="../../ui/session/course_panel.py" />
      <location filename="../../ui/session/patch_test_dialog.py" />
      <location filename="../../ui/session/photo_panel.py" />
      <source>Area</source>
      <translation>Areal</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>Area: {area}</source>
      <translation>Areal: {area}</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <location filename="../../ui/oversight/review_queue_model.py" />
      <location filename="../../ui/records/history_model.py" />
      <location filename="../../ui/session/signing_dialog.py" />
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>Areas</source>
      <translation>Areale</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/records/amend_form.py" />
      <source>Areas and parameters</source>
      <translation>Areale und Parameter</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_form.py" />
      <source>As recorded with the session.</source>
      <translation>Wie mit der Behandlung erfasst.</translation>
    </message>
    <message>
      <location filename="../../ui/shell/language_dialog.py" />
      <source>As the system ({language})</source>
      <translation>Wie das System ({language})</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Assign selected</source>
      <translation>Auswahl zuordnen</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>Audit trail</source>
      <translation>Prüfpfad</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Audit trail of this session</source>
      <translation>Prüfpfad dieser Behandlung</translation>
    </message>
    <message>
      <location filename="../../ui/session/body_map.py" />
      <source>Back</source>
      <translation>Rücken</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>Back to &amp;defaults</source>
      <translation>&amp;Standard wiederherstellen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Back up the database</source>
      <translation>Datenbank sichern</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Backed up the database to {path} (checked: it restores as it is now).</source>
      <translation>Datenbank nach {path} gesichert (geprüft: sie lässt sich so wiederherstellen, wie sie jetzt ist).</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Backing up cancelled; nothing was changed.</source>
      <translation>Sicherung abgebrochen; nichts wurde geändert.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Backing up stopped by a fault inside LaserLog; nothing was changed.</source>
      <translation>Sicherung durch einen Fehler in LaserLog gestoppt; nichts wurde geändert.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Backing up stopped: {error}</source>
      <translation>Sicherung gestoppt: {error}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Backing up…</source>
      <translation>Sicherung läuft…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>Backup file</source>
      <translation>Sicherungsdatei</translation>
    </message>
    <message>
      <location filename="../../ui/admin/admin_view.py" />
      <source>Backups and &amp;checks</source>
      <translation>&amp;Sicherung und Prüfung</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>Before</source>
      <translation>Vorher</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/records/photo_compare.py" />
      <source>Before ({before}) against the latest ({latest}, %n day later): move the slider.</source>
      <extracomment>English plural: Before ({before}) against the latest ({latest}, %n days later): move the slider.</extracomment>
      <translation>
        <numerusform>Vorher ({before}) gegen das neueste ({latest}, %n Tag später): Schieberegler bewegen.</numerusform>
        <numerusform>Vorher ({before}) gegen das neueste ({latest}, %n Tage später): Schieberegler bewegen.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Before treating:</source>
      <translation>Vor der Behandlung:</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Between passes: next pulse in {seconds} s of treatment time.</source>
      <translation>Zwischen Durchgängen: nächster Puls in {seconds} s Behandlungszeit.</translation>
    </message>
    <message>
      <location filename="../../ui/session/body_map.py" />
      <source>Body map (the list of areas beside it does the same from the keyboard)</source>
      <translation>Körperkarte (die Liste der Areale daneben leistet dasselbe per Tastatur)</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>By</source>
      <translation>Von</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>C&amp;harts</source>
      <translation>Dia&amp;gramme</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>C&amp;hoose…</source>
      <translation>&amp;Auswählen…</translation>
    </message>
    <message>
      <location filename="../../ui/session/consent_dialog.py" />
      <source>C&amp;lear signature</source>
      <translation>Unterschrift &amp;löschen</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>CSV files (*.csv)</source>
      <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Camera folder: {folder}</source>
      <translation>Kameraordner: {folder}</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Camera folder…</source>
      <translation>Kameraordner…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <location filename="../../ui/equipment/import_dialog.py" />
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <location filename="../../ui/records/amend_dialog.py" />
      <source>Cancel</source>
      <translation>Abbrechen</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Cancelled; nothing was imported.</source>
      <translation>Abgebrochen; es wurde nichts importiert.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Cancelling…</source>
      <translation>Wird abgebrochen…</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/pdf_writer.py" />
      <source>Cannot write {path}</source>
      <translation>{path} kann nicht geschrieben werden</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Certification</source>
      <translation>Zertifizierung</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Certification number</source>
      <translation>Zertifikatsnummer</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Certification of {username}</source>
      <translation>Zertifizierung von {username}</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/review_queue_view.py" />
      <source>Certifications: {notes}</source>
      <translation>Zertifizierungen: {notes}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Change &amp;role…</source>
      <translation>&amp;Rolle ändern…</translation>
    </message>
    <message>
      <location filename="../../ui/shell/sign_in_dialogs.py" />
      <source>Change password and sign in</source>
      <translation>Passwort ändern und anmelden</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>Change the chosen area's poses, one per line</source>
      <translation>Die Ansichten des gewählten Areals ändern, eine pro Zeile</translation>
    </message>
    <message>
      <location filename="../../ui/admin/account_dialogs.py" />
      <source>Change the role of {name}</source>
      <translation>Rolle von {name} ändern</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>Changed by the clinic</source>
      <translation>Von der Praxis geändert</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>Changes</source>
      <translation>Änderungen</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>Chart</source>
      <translation>Diagramm</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Chec&amp;k file</source>
      <translation>Datei p&amp;rüfen</translation>
    </message>
    <message>
      <location filename="../../ui/session/device_section.py" />
      <source>Chec&amp;k…</source>
      <translation>Prü&amp;fen…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Check a profile file (TOML) for a device model and make it available on every PC</source>
      <translation>Eine Profildatei (TOML) für ein Gerätemodell prüfen und auf jedem PC bereitstellen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>Check and restore…</source>
      <translation>Prüfen und wiederherstellen…</translation>
    </message>
    <message>
      <location filename="../../ui/session/signing_dialog.py" />
      <source>Check before signing:</source>
      <translation>Vor dem Signieren prüfen:</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Check the database end to end; nothing is changed</source>
      <translation>Die Datenbank vollständig prüfen; nichts wird geändert</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>Checking against the records…</source>
      <translation>Abgleich mit den Einträgen…</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Checking {file}…</source>
      <translation>{file} wird geprüft…</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Checklist: every item ticked.</source>
      <translation>Checkliste: alle Punkte abgehakt.</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Checklist: not ticked: {items}.</source>
      <translation>Checkliste: nicht abgehakt: {items}.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>Choose a device in the list first.</source>
      <translation>Wählen Sie zuerst ein Gerät in der Liste.</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/file_dialogs.py" />
      <source>Choose a photo to see it here.</source>
      <translation>Wählen Sie ein Foto, um es hier zu sehen.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Choose a profile in the list first.</source>
      <translation>Wählen Sie zuerst ein Profil in der Liste.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>Choose a rule in the list first.</source>
      <translation>Wählen Sie zuerst eine Regel in der Liste.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Choose a tip in the list first.</source>
      <translation>Wählen Sie zuerst einen Aufsatz in der Liste.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Choose a version in the list first.</source>
      <translation>Wählen Sie zuerst eine Version in der Liste.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>Choose an area in the list first.</source>
      <translation>Wählen Sie zuerst ein Areal in der Liste.</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Choose or register the patient first</source>
      <translation>Wählen oder registrieren Sie zuerst den Patienten</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Choose photo files (or drop them on this box) for the area, kind and pose chosen (Alt+H)</source>
      <translation>Fotodateien für das gewählte Areal, die Art und die Ansicht wählen oder auf dieses Feld ziehen (Alt+O)</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>Choose the backup file to restore from</source>
      <translation>Wählen Sie die Sicherungsdatei für die Wiederherstellung</translation>
    </message>
    <message>
      <location filename="../../ui/session/session_form.py" />
      <source>Choose the device and tick the areas, then connect.</source>
      <translation>Wählen Sie das Gerät, haken Sie die Areale an und verbinden Sie dann.</translation>
    </message>
    <message>
      <location filename="../../ui/session/device_section.py" />
      <source>Choose the device to check</source>
      <translation>Wählen Sie das zu prüfende Gerät</translation>
    </message>
    <message>
      <location filename="../../ui/session/session_form.py" />
      <source>Choose the device to connect</source>
      <translation>Wählen Sie das zu verbindende Gerät</translation>
    </message>
    <message>
      <location filename="../../ui/session/device_section.py" />
      <source>Choose the device…</source>
      <translation>Gerät wählen…</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Choose the export file first.</source>
      <translation>Wählen Sie zuerst die Exportdatei.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Choose the file, then check it.</source>
      <translation>Wählen Sie die Datei und prüfen Sie sie dann.</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Choose the patient and tick an area first</source>
      <translation>Wählen Sie zuerst den Patienten und haken Sie ein Areal an</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Choose the patient to see their consent on file.</source>
      <translation>Wählen Sie den Patienten, um seine hinterlegte Einwilligung zu sehen.</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>Choose the patient to start a session.</source>
      <translation>Wählen Sie den Patienten, um eine Behandlung zu beginnen.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Choose the person in the list first.</source>
      <translation>Wählen Sie zuerst die Person in der Liste.</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>Choose the photo to void in the list.</source>
      <translation>Wählen Sie das zu stornierende Foto in der Liste.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Choose the technician in the list first.</source>
      <translation>Wählen Sie zuerst den Techniker in der Liste.</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Choose…</source>
      <translation>Wählen…</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_filters.py" />
      <source>Clear filter&amp;s</source>
      <translation>Filter zurück&amp;setzen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/admin_view.py" />
      <source>Clinic &amp;settings…</source>
      <translation>&amp;Praxiseinstellungen…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Clinic settings</source>
      <translation>Praxiseinstellungen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/admin_view.py" />
      <source>Clinic settings saved; every PC works to them from the next session.</source>
      <translation>Praxiseinstellungen gespeichert; jeder PC arbeitet ab der nächsten Behandlung danach.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/account_dialogs.py" />
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Close</source>
      <translation>Schließen</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>Co&amp;mpare photos…</source>
      <translation>Fotos &amp;vergleichen…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/admin_view.py" />
      <source>Co&amp;nsent forms</source>
      <translation>&amp;Einwilligungen</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>Compare photos</source>
      <translation>Fotos vergleichen</translation>
    </message>
    <message>
      <location filename="../../ui/session/signing_dialog.py" />
      <source>Complete and sign</source>
      <translation>Abschließen und signieren</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Completed</source>
      <translation>Abgeschlossen</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>Connect &amp;simulated device…</source>
      <translation>Simuliertes Gerät &amp;verbinden…</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Connected: pulses are drawn as the device delivers them.</source>
      <translation>Verbunden: Pulse werden gezeichnet, sobald das Gerät sie abgibt.</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Consent</source>
      <translation>Einwilligung</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Consent PDF…</source>
      <translation>Einwilligung als PDF…</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Consent signed by {name} and kept.</source>
      <translation>Einwilligung von {name} unterschrieben und gespeichert.</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>Consent signed on screen</source>
      <translation>Am Bildschirm unterschriebene Einwilligung</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Consent valid</source>
      <translation>Einwilligung gültig</translation>
    </message>
    <message>
      <location filename="../../ui/session/consent_dialog.py" />
      <source>Consent: {title} (version {version})</source>
      <translation>Einwilligung: {title} (Version {version})</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Contraindications found (tick what applies):</source>
      <translation>Festgestellte Kontraindikationen (Zutreffendes anhaken):</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Contraindications found:</source>
      <translation>Gefundene Kontraindikationen:</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Correct a handpiece or tip</source>
      <translation>Handstück oder Aufsatz korrigieren</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Correct a test patch rule</source>
      <translation>Testbehandlungsregel korrigieren</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>Correct the chosen device's make, model, serial or kind</source>
      <translation>Hersteller, Modell, Seriennummer oder Art des gewählten Geräts korrigieren</translation>
    </message>
    <message>
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Correct the chosen tip's name or rated life</source>
      <translation>Name oder Nennlebensdauer des gewählten Aufsatzes korrigieren</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>Correct the device or area the chosen rule names</source>
      <translation>Gerät oder Areal der gewählten Regel korrigieren</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Correct the problems below; nothing can be imported until then.</source>
      <translation>Beheben Sie die Probleme unten; bis dahin kann nichts importiert werden.</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_form.py" />
      <source>Correct the values the device recorded (an area corrected becomes typed values)</source>
      <translation>Vom Gerät erfasste Werte korrigieren (ein korrigiertes Areal gilt dann als von Hand eingegeben)</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>Correct what is wrong, then review the changes.</source>
      <translation>Korrigieren Sie, was falsch ist, und prüfen Sie dann die Änderungen.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/device_edit_dialog.py" />
      <source>Correct {device}</source>
      <translation>{device} korrigieren</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>Could not write {path}.</source>
      <translation>{path} konnte nicht geschrieben werden.</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>Counting…</source>
      <translation>Wird gezählt…</translation>
    </message>
    <message>
      <location filename="../../ui/session/course_panel.py" />
      <source>Course pla&amp;n…</source>
      <translation>&amp;Serie planen…</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>Course sessions due or overdue</source>
      <translation>Fällige oder überfällige Behandlungen einer Serie</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>Courses &amp;due</source>
      <translation>Fällige Se&amp;rien</translation>
    </message>
    <message>
      <location filename="../../ui/shell/sign_in_dialogs.py" />
      <source>Create administrator</source>
      <translation>Administrator anlegen</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>D&amp;uration</source>
      <translation>&amp;Dauer</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_form.py" />
      <source>D&amp;uration (minutes)</source>
      <translation>Da&amp;uer (Minuten)</translation>
    </message>
    <message>
      <location filename="../../ui/shell/database_dialog.py" />
      <source>Database URL</source>
      <translation>Datenbank-URL</translation>
    </message>
    <message>
      <location filename="../../ui/shell/database_dialog.py" />
      <source>Database to open (sqlite:///PATH or postgresql://USER:PASSWORD@HOST/NAME):</source>
      <translation>Zu öffnende Datenbank (sqlite:///PFAD oder postgresql://BENUTZER:PASSWORT@HOST/NAME):</translation>
    </message>
    <message>
      <location filename="../../ui/shell/sign_in_dialogs.py" />
      <source>Database: {url}</source>
      <translation>Datenbank: {url}</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/review_queue_model.py" />
      <location filename="../../ui/records/history_model.py" />
      <source>Date</source>
      <translation>Datum</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <location filename="../../ui/session/patient_picker.py" />
      <source>Date of birth</source>
      <translation>Geburtsdatum</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_model.py" />
      <source>Date ↑</source>
      <translation>Datum ↑</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_model.py" />
      <source>Date ↓</source>
      <translation>Datum ↓</translation>
    </message>
    <message>
      <location filename="../../ui/admin/admin_view.py" />
      <source>De&amp;vices</source>
      <translation>&amp;Geräte</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Deliver the rest of the session's pulses at once</source>
      <translation>Die restlichen Pulse der Behandlung sofort abgeben</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/trace_plots.py" />
      <source>Delivered energy (J)</source>
      <translation>Abgegebene Energie (J)</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/trace_plots.py" />
      <source>Delivered fluence (J/cm²)</source>
      <translation>Abgegebene Fluenz (J/cm²)</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Detect from the file</source>
      <translation>Aus der Datei erkennen</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>Dev&amp;ice</source>
      <translation>&amp;Gerät</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <location filename="../../ui/admin/staff_dialogs.py" />
      <location filename="../../ui/admin/tips_panel.py" />
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/records/amend_form.py" />
      <location filename="../../ui/records/history_filters.py" />
      <location filename="../../ui/records/session_detail.py" />
      <location filename="../../ui/session/device_section.py" />
      <location filename="../../ui/session/patch_test_dialog.py" />
      <location filename="../../ui/session/signing_dialog.py" />
      <source>Device</source>
      <translation>Gerät</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>Device (register number)</source>
      <translation>Gerät (Registernummer)</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Device and export</source>
      <translation>Gerät und Export</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_check_dialog.py" />
      <source>Device check – {device}</source>
      <translation>Geräteprüfung – {device}</translation>
    </message>
    <message>
      <location filename="../../ui/session/device_section.py" />
      <source>Device check: its tip, today's verification and faults; log the daily verification here</source>
      <translation>Geräteprüfung: Aufsatz, heutige Prüfung und Störungen; hier die tägliche Prüfung erfassen</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Device export file</source>
      <translation>Exportdatei des Geräts</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Device exports (*.csv *.txt *.json *.xml);;All files (*)</source>
      <translation>Geräteexporte (*.csv *.txt *.json *.xml);;Alle Dateien (*)</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_check_dialog.py" />
      <source>Device log, newest first</source>
      <translation>Geräteprotokoll, neueste zuerst</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Device session</source>
      <translation>Gerätebehandlung</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Device verified today</source>
      <translation>Gerät heute geprüft</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Differs from the patient's record (Type {numeral})</source>
      <translation>Weicht von der Patientenakte ab (Typ {numeral})</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Disabled {username}; the account and its records stay.</source>
      <translation>{username} deaktiviert; das Konto und seine Einträge bleiben.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Discard the pulses?</source>
      <translation>Pulse verwerfen?</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Do not treat: {findings}. This session cannot be completed.</source>
      <translation>Nicht behandeln: {findings}. Diese Behandlung kann nicht abgeschlossen werden.</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Done on</source>
      <translation>Durchgeführt am</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <location filename="../../ui/session/photo_panel.py" />
      <source>Double-click a photo, or press Enter, to see it at full size</source>
      <translation>Doppelklicken Sie auf ein Foto oder drücken Sie die Eingabetaste, um es in voller Größe zu sehen</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Draft for {name} saved {time}</source>
      <translation>Entwurf für {name} um {time} gespeichert</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Draft saved {time}</source>
      <translation>Entwurf um {time} gespeichert</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>Due</source>
      <translation>Fällig</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>Due within a week</source>
      <translation>Binnen einer Woche fällig</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/records/amend_changes.py" />
      <location filename="../../ui/records/history_model.py" />
      <location filename="../../ui/records/session_detail.py" />
      <location filename="../../ui/session/signing_dialog.py" />
      <source>Duration</source>
      <translation>Dauer</translation>
    </message>
    <message>
      <location filename="../../ui/session/duration_field.py" />
      <source>Duration in minutes</source>
      <translation>Dauer in Minuten</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>E&amp;xport</source>
      <translation>E&amp;xport</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>End the wait that failed sign-ins put on the account</source>
      <translation>Die Sperrfrist nach fehlgeschlagenen Anmeldungen beenden</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Energy</source>
      <translation>Energie</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Energy of the patch</source>
      <translation>Energie der Testbehandlung</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>Enter your password: a restore replaces everything</source>
      <translation>Geben Sie Ihr Passwort ein: eine Wiederherstellung ersetzt alles</translation>
    </message>
    <message>
      <location filename="../../ui/session/course_panel.py" />
      <source>Every</source>
      <translation>Alle</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <location filename="../../ui/records/history_filters.py" />
      <source>Every area</source>
      <translation>Alle Areale</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_filters.py" />
      <source>Every device</source>
      <translation>Alle Geräte</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <location filename="../../ui/records/history_filters.py" />
      <source>Every room</source>
      <translation>Alle Räume</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>Every session's photo of this pose, oldest first</source>
      <translation>Das Foto jeder Behandlung in dieser Ansicht, älteste zuerst</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_filters.py" />
      <source>Every status</source>
      <translation>Jeder Status</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <location filename="../../ui/records/history_filters.py" />
      <source>Every technician</source>
      <translation>Alle Techniker</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>Everything in {url} is replaced by the backup's content. The backup is checked first, and you are asked again, with what each holds, before anything is replaced. Then LaserLog closes: start it again and sign in to the restored database.</source>
      <translation>Alles in {url} wird durch den Inhalt der Sicherung ersetzt. Die Sicherung wird zuerst geprüft, und Sie werden mit dem Inhalt beider erneut gefragt, bevor etwas ersetzt wird. Danach wird LaserLog beendet: Starten Sie es neu und melden Sie sich an der wiederhergestellten Datenbank an.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Expires on</source>
      <translation>Gültig bis</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Export file</source>
      <translation>Exportdatei</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>Export sessions</source>
      <translation>Behandlungen exportieren</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/records/history_view.py" />
      <source>Exported %n session to {path}.</source>
      <extracomment>English plural: Exported %n sessions to {path}.</extracomment>
      <translation>
        <numerusform>%n Behandlung nach {path} exportiert.</numerusform>
        <numerusform>%n Behandlungen nach {path} exportiert.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/records/history_view.py" />
      <source>Exported a summary of %n session to {path}.</source>
      <extracomment>English plural: Exported a summary of %n sessions to {path}.</extracomment>
      <translation>
        <numerusform>Übersicht über %n Behandlung nach {path} exportiert.</numerusform>
        <numerusform>Übersicht über %n Behandlungen nach {path} exportiert.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>Exporting to {name}…</source>
      <translation>Export nach {name}…</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Eyewear &amp;on the operator</source>
      <translation>Schutzbrille beim An&amp;wender</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Eyewear on the &amp;patient</source>
      <translation>Schutzbrille beim &amp;Patienten</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>FHIR JSON (*.json)</source>
      <translation>FHIR-JSON (*.json)</translation>
    </message>
    <message>
      <location filename="../../ui/session/body_map.py" />
      <source>Face</source>
      <translation>Gesicht</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/file_dialogs.py" />
      <source>File</source>
      <translation>Datei</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>File &amp;incident…</source>
      <translation>Vorfall ein&amp;reichen…</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_filing.py" />
      <source>File incident no. {number}</source>
      <translation>Vorfall Nr. {number} einreichen</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_dialog.py" />
      <source>File the &amp;incident…</source>
      <translation>Vorfall &amp;einreichen…</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_filing.py" />
      <source>File the incident</source>
      <translation>Vorfall einreichen</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>Filed</source>
      <translation>Eingereicht</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>Filed by</source>
      <translation>Eingereicht von</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>Filed incident no. {number} ({reaction}, grade {grade}, {patient}) at {time} by {name}; it has left the open list (tick “Show filed ones too” to read it again).</source>
      <translation>Vorfall Nr. {number} ({reaction}, Grad {grade}, {patient}) am {time} von {name} eingereicht; er steht nicht mehr in der Liste der offenen Vorfälle (setzen Sie „Auch eingereichte zeigen“, um ihn wieder zu lesen).</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>Filed incident no. {number} ({reaction}, grade {grade}, {patient}) at {time} by {name}; it is listed below.</source>
      <translation>Vorfall Nr. {number} ({reaction}, Grad {grade}, {patient}) am {time} von {name} eingereicht; er ist unten aufgeführt.</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>Fill this session's parameters from a device export file (Alt+X)</source>
      <translation>Die Parameter dieser Behandlung aus einer Exportdatei des Geräts übernehmen (Alt+X)</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>Find patient</source>
      <translation>Patient suchen</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>Find: identifier or name  (Ctrl+F)</source>
      <translation>Kennung oder Name  (Strg+F)</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Fit &amp;tip…</source>
      <translation>&amp;Aufsatz einsetzen…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Fit a handpiece or tip</source>
      <translation>Handstück oder Aufsatz einsetzen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Fit a new handpiece or tip to a device</source>
      <translation>Ein neues Handstück oder einen neuen Aufsatz an einem Gerät einsetzen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>Fit a new handpiece or tip to the chosen device</source>
      <translation>Ein neues Handstück oder einen neuen Aufsatz am gewählten Gerät einsetzen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Fitted</source>
      <translation>Eingesetzt</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Fitted {tip}; its pulses are counted from now.</source>
      <translation>{tip} eingesetzt; seine Pulse werden ab jetzt gezählt.</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Fitzpatrick skin type</source>
      <translation>Hauttyp nach Fitzpatrick</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/review_queue_view.py" />
      <source>Flagged: {flags}.</source>
      <translation>Auffällig: {flags}.</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Fluence</source>
      <translation>Fluenz</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Fluence of the patch</source>
      <translation>Fluenz der Testbehandlung</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/file_dialogs.py" />
      <source>Folder</source>
      <translation>Ordner</translation>
    </message>
    <message>
      <location filename="../../ui/records/follow_up_dialog.py" />
      <source>Follow-up – {patient}</source>
      <translation>Nachkontrolle – {patient}</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>Follow-ups</source>
      <translation>Nachkontrollen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Format</source>
      <translation>Format</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>From now on those sessions need a valid test patch.</source>
      <translation>Ab jetzt brauchen diese Behandlungen eine gültige Testbehandlung.</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>From the consent above: signed on screen and within its period</source>
      <translation>Aus der Einwilligung oben: am Bildschirm unterschrieben und noch gültig</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>From the device log: log the verification with Check… beside the device</source>
      <translation>Aus dem Geräteprotokoll: die Prüfung mit „Prüfen…“ neben dem Gerät erfassen</translation>
    </message>
    <message>
      <location filename="../../ui/session/area_parameters.py" />
      <source>From the device; read only</source>
      <translation>Vom Gerät; schreibgeschützt</translation>
    </message>
    <message>
      <location filename="../../ui/session/body_map.py" />
      <source>Front</source>
      <translation>Vorne</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <location filename="../../ui/widgets/account_dialog.py" />
      <source>Full name</source>
      <translation>Vollständiger Name</translation>
    </message>
    <message>
      <location filename="../../ui/admin/account_dialogs.py" />
      <source>Give it to {name} in person; it is not shown again.</source>
      <translation>Geben Sie es {name} persönlich; es wird nicht noch einmal angezeigt.</translation>
    </message>
    <message>
      <location filename="../../ui/records/supervisor_actions.py" />
      <source>Give the reason</source>
      <translation>Geben Sie den Grund an</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>Give the reason for the amendment</source>
      <translation>Geben Sie den Grund der Berichtigung an</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Give the selected person a temporary password; they choose their own when they next sign in</source>
      <translation>Der gewählten Person ein vorläufiges Passwort geben; bei der nächsten Anmeldung wählt sie ein eigenes</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/oversight/incidents_view.py" />
      <location filename="../../ui/records/session_detail.py" />
      <location filename="../../ui/session/reactions_editor.py" />
      <source>Grade</source>
      <translation>Grad</translation>
    </message>
    <message>
      <location filename="../../ui/records/follow_up_dialog.py" />
      <source>Grade now</source>
      <translation>Grad jetzt</translation>
    </message>
    <message>
      <location filename="../../ui/session/anaesthetic_field.py" />
      <source>HH:MM</source>
      <translation>HH:MM</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Handpiece or tip</source>
      <translation>Handstück oder Aufsatz</translation>
    </message>
    <message>
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Handpieces and tips, newest first. Fitting a new one replaces the one on the device; a tip taken off without a replacement is retired. Their pulses stay counted.</source>
      <translation>Handstücke und Aufsätze, die neuesten zuerst. Ein neu eingesetzter ersetzt den bisherigen am Gerät; ein ohne Ersatz abgenommener Aufsatz ist stillgelegt. Ihre Pulse bleiben gezählt.</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Herpes, or outbreaks</source>
      <translation>Herpes, aktiv/früher</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>Hover over a bar or point for its value.</source>
      <translation>Zeigen Sie auf einen Balken oder Punkt, um seinen Wert zu sehen.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>How LaserLog reads each device model's export files. A profile the clinic added may be replaced by a newer file or retired; files imported with it keep what they imported.</source>
      <translation>Wie LaserLog die Exportdateien jedes Gerätemodells liest. Ein von der Praxis hinzugefügtes Profil kann durch eine neuere Datei ersetzt oder stillgelegt werden; damit importierte Dateien behalten, was sie importiert haben.</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>I&amp;ncidents</source>
      <translation>&amp;Vorfälle</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>Identifier</source>
      <translation>Kennung</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/trace_plots.py" />
      <source>Impedance (Ω)</source>
      <translation>Impedanz (Ω)</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>Import device e&amp;xport file…</source>
      <translation>E&amp;xportdatei importieren…</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Import device file into this session</source>
      <translation>Gerätedatei in diese Behandlung importieren</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Import from device file</source>
      <translation>Aus Gerätedatei importieren</translation>
    </message>
    <message>
      <location filename="../../ui/admin/admin_view.py" />
      <source>Import pr&amp;ofiles</source>
      <translation>&amp;Importprofile</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Import profile</source>
      <translation>Importprofil</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Import profiles (*.toml)</source>
      <translation>Importprofile (*.toml)</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Imported device files</source>
      <translation>Importierte Gerätedateien</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Imported {rows} pulses of %n session from {file}.</source>
      <extracomment>English plural: Imported {rows} pulses of %n sessions from {file}.</extracomment>
      <translation>
        <numerusform>{rows} Pulse von %n Behandlung aus {file} importiert.</numerusform>
        <numerusform>{rows} Pulse von %n Behandlungen aus {file} importiert.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Importing {file}…</source>
      <translation>{file} wird importiert…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>In force</source>
      <translation>In Kraft</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_dialog.py" />
      <location filename="../../ui/oversight/incident_filing.py" />
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>Incident report</source>
      <translation>Vorfallbericht</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>Incident report no. {number}</source>
      <translation>Vorfallbericht Nr. {number}</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>Incidents</source>
      <translation>Vorfälle</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Isotretinoin &lt; 6 months</source>
      <translation>Isotretinoin &lt; 6 Monate</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Its fitting and the pulses counted stay as they are.</source>
      <translation>Einsatzdatum und gezählte Pulse bleiben unverändert.</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>J (radiofrequency)</source>
      <translation>J (Radiofrequenz)</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Keep a new wording: it is in force from now on</source>
      <translation>Einen neuen Wortlaut speichern: er gilt ab sofort</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Keep the photos selected in the camera folder as the area, kind and pose chosen</source>
      <translation>Die im Kameraordner ausgewählten Fotos mit dem gewählten Areal, der Art und der Ansicht übernehmen</translation>
    </message>
    <message>
      <location filename="../../ui/session/course_panel.py" />
      <source>Keep the start date to change the current course's plan; a new date starts a new course from that day.</source>
      <translation>Behalten Sie das Startdatum, um den Plan der laufenden Serie zu ändern; ein neues Datum beginnt ab diesem Tag eine neue Serie.</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Keloids, scars easily</source>
      <translation>Keloide, Narbenneigung</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Kept (a newer one is in force)</source>
      <translation>Aufbewahrt (eine neuere ist in Kraft)</translation>
    </message>
    <message>
      <location filename="../../ui/admin/device_edit_dialog.py" />
      <location filename="../../ui/admin/devices_panel.py" />
      <location filename="../../ui/equipment/device_dialog.py" />
      <source>Kind</source>
      <translation>Art</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>Lan&amp;guage…</source>
      <translation>Sp&amp;rache…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <location filename="../../ui/shell/language_dialog.py" />
      <source>Language</source>
      <translation>Sprache</translation>
    </message>
    <message>
      <location filename="../../ui/shell/language_dialog.py" />
      <source>Language of this PC</source>
      <translation>Sprache dieses PCs</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>LaserLog backups (*.backup *.db *.dump);;All files (*)</source>
      <translation>LaserLog-Sicherungen (*.backup *.db *.dump);;Alle Dateien (*)</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>LaserLog backups (*.backup)</source>
      <translation>LaserLog-Sicherungen (*.backup)</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>LaserLog closes now: start it again and sign in to the restored database.</source>
      <translation>LaserLog wird jetzt beendet: Starten Sie es neu und melden Sie sich an der wiederhergestellten Datenbank an.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>LaserLog closes when the restore is done: start it again and sign in to the restored database.</source>
      <translation>LaserLog wird nach der Wiederherstellung beendet: Starten Sie es neu und melden Sie sich an der wiederhergestellten Datenbank an.</translation>
    </message>
    <message>
      <location filename="../../ui/shell/database_dialog.py" />
      <source>LaserLog database (*.db);;All files (*)</source>
      <translation>LaserLog-Datenbank (*.db);;Alle Dateien (*)</translation>
    </message>
    <message>
      <location filename="../../ui/shell/lock_screen.py" />
      <source>LaserLog is locked.

Locked for {name}; the open session was saved.</source>
      <translation>LaserLog ist gesperrt.

Gesperrt für {name}; die offene Behandlung wurde gespeichert.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/account_dialogs.py" />
      <source>LaserLog makes a temporary password for {username}. They sign in with it once and then choose their own; any wait after failed sign-ins ends.</source>
      <translation>LaserLog erstellt ein vorläufiges Passwort für {username}. Damit meldet sich die Person einmal an und wählt dann ein eigenes; eine Sperrfrist nach fehlgeschlagenen Anmeldungen endet.</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>LaserLog period summary</source>
      <translation>LaserLog-Zeitraumübersicht</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>LaserLog there then loses its unsaved work.</source>
      <translation>LaserLog verliert dort dann seine ungespeicherte Arbeit.</translation>
    </message>
    <message>
      <location filename="../../ui/shell/database_dialog.py" />
      <source>LaserLog – database</source>
      <translation>LaserLog – Datenbank</translation>
    </message>
    <message>
      <location filename="../../ui/shell/sign_in_dialogs.py" />
      <source>LaserLog – first start</source>
      <translation>LaserLog – erster Start</translation>
    </message>
    <message>
      <location filename="../../ui/shell/sign_in_dialogs.py" />
      <source>LaserLog – sign in</source>
      <translation>LaserLog – Anmelden</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>LaserLog – {name}</source>
      <translation>LaserLog – {name}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>LaserLog's default</source>
      <translation>Standard von LaserLog</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>Last daily verification</source>
      <translation>Letzte tägliche Prüfung</translation>
    </message>
    <message>
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>Last saved</source>
      <translation>Zuletzt gespeichert</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>Last session</source>
      <translation>Letzte Behandlung</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Last time, {day}</source>
      <translation>Letztes Mal, {day}</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Last time: {photo}, {day}</source>
      <translation>Letztes Mal: {photo}, {day}</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>Latest ← → before</source>
      <translation>Neuestes ← → vorher</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>List</source>
      <translation>Liste</translation>
    </message>
    <message>
      <location filename="../../ui/session/start_field.py" />
      <source>Logged late: why?</source>
      <translation>Nachträglich erfasst: warum?</translation>
    </message>
    <message>
      <location filename="../../ui/session/signing_dialog.py" />
      <source>Logged late: {reason}</source>
      <translation>Nachträglich erfasst: {reason}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/device_edit_dialog.py" />
      <location filename="../../ui/equipment/device_dialog.py" />
      <source>Make</source>
      <translation>Hersteller</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Make the selected person a technician, a supervisor or an administrator</source>
      <translation>Die gewählte Person zum Techniker, Supervisor oder Administrator machen</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>Matching patients</source>
      <translation>Passende Patienten</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_filters.py" />
      <source>Minimum reaction grade</source>
      <translation>Mindestgrad der Reaktion</translation>
    </message>
    <message>
      <location filename="../../ui/admin/device_edit_dialog.py" />
      <location filename="../../ui/equipment/device_dialog.py" />
      <source>Model</source>
      <translation>Modell</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>Name</source>
      <translation>Name</translation>
    </message>
    <message>
      <location filename="../../ui/session/consent_dialog.py" />
      <source>Name of the person signing</source>
      <translation>Name der unterschreibenden Person</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>Ne&amp;w patient…</source>
      <translation>&amp;Neuer Patient…</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/review_queue_model.py" />
      <source>Needs a look because</source>
      <translation>Zu prüfen, weil</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_dialog.py" />
      <source>Needs a valid test patch before a patient is treated</source>
      <translation>Vor der Behandlung eines Patienten ist eine gültige Testbehandlung nötig</translation>
    </message>
    <message>
      <location filename="../../ui/shell/sign_in_dialogs.py" />
      <source>New password</source>
      <translation>Neues Passwort</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>New patient</source>
      <translation>Neuer Patient</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>New photos in the camera folder</source>
      <translation>Neue Fotos im Kameraordner</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>Next session</source>
      <translation>Nächste Behandlung</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>No area recorded.</source>
      <translation>Kein Areal erfasst.</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>No areas recorded.</source>
      <translation>Keine Areale erfasst.</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>No consent signed on screen is on file for this session.</source>
      <translation>Für diese Behandlung liegt keine am Bildschirm unterschriebene Einwilligung vor.</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>No contraindication found.</source>
      <translation>Keine Kontraindikation gefunden.</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>No earlier photo of this area and pose.</source>
      <translation>Kein früheres Foto von diesem Areal in dieser Ansicht.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_check_dialog.py" />
      <source>No handpiece or tip recorded.</source>
      <translation>Kein Handstück und kein Aufsatz erfasst.</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>No patient chosen</source>
      <translation>Kein Patient gewählt</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>No patient found: register them with New patient (Alt+W)</source>
      <translation>Kein Patient gefunden: mit „Neuer Patient“ registrieren (Alt+N)</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>No photos of this area and pose yet.</source>
      <translation>Noch keine Fotos dieses Areals in dieser Ansicht.</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>No photos with this session.</source>
      <translation>Keine Fotos zu dieser Behandlung.</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>No photos yet: choose files with Add photos, drop them on this box, or assign them from the camera folder.</source>
      <translation>Noch keine Fotos: Dateien mit „Fotos hinzufügen“ wählen, auf dieses Feld ziehen oder aus dem Kameraordner zuordnen.</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/file_dialogs.py" />
      <source>No preview of this file here; the photo is read when it is added.</source>
      <translation>Keine Vorschau dieser Datei; das Foto wird beim Hinzufügen gelesen.</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/file_dialogs.py" />
      <source>No preview of {suffix} files here; the photo is read when it is added.</source>
      <translation>Keine Vorschau für {suffix}-Dateien; das Foto wird beim Hinzufügen gelesen.</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>No report filed yet.</source>
      <translation>Noch kein Bericht eingereicht.</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>No test patch recorded for this patient yet.</source>
      <translation>Für diesen Patienten ist noch keine Testbehandlung erfasst.</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>No.</source>
      <translation>Nr.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <location filename="../../ui/session/anaesthetic_field.py" />
      <source>None</source>
      <translation>Keine</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>None kept with this session.</source>
      <translation>Keine zu dieser Behandlung gespeichert.</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>None recorded yet.</source>
      <translation>Noch keine erfasst.</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>None recorded.</source>
      <translation>Keine erfasst.</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>None.</source>
      <translation>Keine.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Not added: {error}</source>
      <translation>Nicht hinzugefügt: {error}</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>Not assessed</source>
      <translation>Nicht bestimmt</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Not completed: see the messages in red.</source>
      <translation>Nicht abgeschlossen: siehe die Meldungen in Rot.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/record_list.py" />
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Not done: {error}</source>
      <translation>Nicht ausgeführt: {error}</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>Not exported: {problem}</source>
      <translation>Nicht exportiert: {problem}</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Not recorded.</source>
      <translation>Nicht erfasst.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Not replaced: {error}</source>
      <translation>Nicht ersetzt: {error}</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Not saved yet: {error}. Your input stays on screen; saving is tried again every few seconds.</source>
      <translation>Noch nicht gespeichert: {error}. Ihre Eingaben bleiben auf dem Bildschirm; das Speichern wird alle paar Sekunden erneut versucht.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Not saved.</source>
      <translation>Nicht gespeichert.</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Not saved: see the message in red.</source>
      <translation>Nicht gespeichert: siehe die Meldung in Rot.</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Not saved: {error}</source>
      <translation>Nicht gespeichert: {error}</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Not saved: {error}. The pulses are kept; try again.</source>
      <translation>Nicht gespeichert: {error}. Die Pulse bleiben erhalten; versuchen Sie es erneut.</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <location filename="../../ui/records/supervisor_actions.py" />
      <source>Not saved: {problem}</source>
      <translation>Nicht gespeichert: {problem}</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Not signed yet: the patient signs the consent form on screen before treatment.</source>
      <translation>Noch nicht unterschrieben: Der Patient unterschreibt die Einwilligungserklärung vor der Behandlung am Bildschirm.</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>Not signed: see the messages in red.</source>
      <translation>Nicht signiert: Beachten Sie die Meldungen in Rot.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_check_dialog.py" />
      <source>Not verified today.</source>
      <translation>Heute nicht geprüft.</translation>
    </message>
    <message>
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>Not voided: {reason}</source>
      <translation>Nicht storniert: {reason}</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>Not yet: see the messages in red.</source>
      <translation>Noch nicht: Beachten Sie die Meldungen in Rot.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_check_dialog.py" />
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/records/follow_up_dialog.py" />
      <location filename="../../ui/records/session_detail.py" />
      <location filename="../../ui/session/patch_test_dialog.py" />
      <location filename="../../ui/session/reactions_editor.py" />
      <source>Note</source>
      <translation>Notiz</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/records/amend_changes.py" />
      <location filename="../../ui/records/amend_form.py" />
      <location filename="../../ui/records/session_detail.py" />
      <location filename="../../ui/session/form_layout.py" />
      <source>Notes</source>
      <translation>Notizen</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>Nothing is changed yet: correct a value first.</source>
      <translation>Noch nichts geändert: Korrigieren Sie zuerst einen Wert.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_check_dialog.py" />
      <source>Nothing logged for this device yet.</source>
      <translation>Für dieses Gerät ist noch nichts protokolliert.</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <location filename="../../ui/records/pdf_reports.py" />
      <source>Nothing to draw for these filters.</source>
      <translation>Für diese Filter gibt es nichts zu zeichnen.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Nothing was imported: see the problems below.</source>
      <translation>Es wurde nichts importiert: siehe Probleme unten.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Nothing was imported: {error}</source>
      <translation>Es wurde nichts importiert: {error}</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>OVERDUE</source>
      <translation>ÜBERFÄLLIG</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>OVERDUE since {time}</source>
      <translation>ÜBERFÄLLIG seit {time}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>Offer the chosen area's poses as LaserLog lists them</source>
      <translation>Die Ansichten des gewählten Areals so anbieten, wie LaserLog sie vorgibt</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>Offer the poses for {area} as LaserLog lists them ({defaults})? The clinic's list ({poses}) stays in the audit trail only.</source>
      <translation>Die Ansichten für {area} so anbieten, wie LaserLog sie vorgibt ({defaults})? Die Liste der Praxis ({poses}) bleibt nur im Prüfpfad erhalten.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>One pose per line, in the order they are taken (at most {most}). "{other}" is offered after them without being listed.</source>
      <translation>Eine Ansicht pro Zeile, in der Reihenfolge der Aufnahme (höchstens {most}). „{other}“ wird danach angeboten, ohne aufgeführt zu sein.</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>Only from</source>
      <translation>Nur von</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>Onset</source>
      <translation>Beginn</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>Opened</source>
      <translation>Eröffnet</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Opening a draft for {name}…</source>
      <translation>Entwurf für {name} wird geöffnet…</translation>
    </message>
    <message>
      <location filename="../../ui/shell/sign_in_dialogs.py" />
      <source>Opening the database…</source>
      <translation>Datenbank wird geöffnet…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Origin</source>
      <translation>Herkunft</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>Overdue</source>
      <translation>Überfällig</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>Overdue or due within a week</source>
      <translation>Überfällig oder binnen einer Woche fällig</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incidents_view.py" />
      <location filename="../../ui/records/history_view.py" />
      <location filename="../../ui/records/session_detail.py" />
      <location filename="../../ui/session/draft_form.py" />
      <location filename="../../ui/session/session_form.py" />
      <source>PDF documents (*.pdf)</source>
      <translation>PDF-Dokumente (*.pdf)</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>PNG images (*.png)</source>
      <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Parameter</source>
      <translation>Parameter</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>Parameters</source>
      <translation>Parameter</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Parameters from</source>
      <translation>Herkunft der Parameter</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/session/session_form.py" />
      <source>Parameters of %n area filled from the device.</source>
      <extracomment>English plural: Parameters of %n areas filled from the device.</extracomment>
      <translation>
        <numerusform>Parameter von %n Areal vom Gerät übernommen.</numerusform>
        <numerusform>Parameter von %n Arealen vom Gerät übernommen.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/shell/lock_screen.py" />
      <location filename="../../ui/shell/sign_in_dialogs.py" />
      <location filename="../../ui/widgets/account_dialog.py" />
      <source>Password</source>
      <translation>Passwort</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>Password of {username}</source>
      <translation>Passwort von {username}</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Patch done on</source>
      <translation>Testbehandlung durchgeführt am</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Patch read on</source>
      <translation>Testbehandlung abgelesen am</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <location filename="../../ui/oversight/audit_viewer.py" />
      <location filename="../../ui/oversight/due_courses_view.py" />
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/oversight/incidents_view.py" />
      <location filename="../../ui/oversight/review_queue_model.py" />
      <location filename="../../ui/records/history_filters.py" />
      <location filename="../../ui/records/history_model.py" />
      <location filename="../../ui/records/session_detail.py" />
      <location filename="../../ui/session/signing_dialog.py" />
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>Patient</source>
      <translation>Patient</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>Patient for the course</source>
      <translation>Patient für den Verlauf</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Patient's language</source>
      <translation>Sprache des Patienten</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_filters.py" />
      <source>Patient: identifier or name</source>
      <translation>Patient: Kennung oder Name</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>Patient: {patient}</source>
      <translation>Patient: {patient}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Patients read the consent form in force and sign it on screen. A new wording is a new version; a version is never changed.</source>
      <translation>Patienten lesen die gültige Einwilligungserklärung und unterschreiben sie am Bildschirm. Ein neuer Wortlaut ist eine neue Version; eine Version wird nie geändert.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Patients reading its language sign the newest version from now on; a version is never changed.</source>
      <translation>Patienten, die seine Sprache lesen, unterschreiben ab jetzt die neueste Version; eine Version wird nie geändert.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Patients will no longer be offered this version; consents already signed for it stay valid until they lapse. It stays listed.</source>
      <translation>Patienten wird diese Version nicht mehr angeboten; bereits unterschriebene Einwilligungen bleiben gültig, bis sie ablaufen. Sie bleibt in der Liste.</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/trace_plots.py" />
      <source>Per-pulse traces</source>
      <translation>Verläufe je Puls</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>Period</source>
      <translation>Zeitraum</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>Person</source>
      <translation>Person</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Photo of area</source>
      <translation>Foto von Areal</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/photo_view.py" />
      <source>Photo of {day}: {caption}</source>
      <translation>Foto vom {day}: {caption}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/admin_view.py" />
      <source>Photo pos&amp;es</source>
      <translation>&amp;Fotoansichten</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Photo taken</source>
      <translation>Foto aufgenommen</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <location filename="../../ui/records/pdf_reports.py" />
      <location filename="../../ui/session/photo_panel.py" />
      <source>Photos</source>
      <translation>Fotos</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Photos (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff)</source>
      <translation>Fotos (*.jpg *.jpeg *.png *.heic *.heif *.webp *.tif *.tiff)</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>Photos: {count}</source>
      <translation>Fotos: {count}</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Photosensitising drugs</source>
      <translation>Lichtsensibilisierende Mittel</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>Plan</source>
      <translation>Plan</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Playback speed</source>
      <translation>Wiedergabegeschwindigkeit</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <location filename="../../ui/session/photo_panel.py" />
      <source>Pose</source>
      <translation>Ansicht</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>Poses</source>
      <translation>Ansichten</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>Poses, in the order they are taken</source>
      <translation>Ansichten, in der Reihenfolge der Aufnahme</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>Poses: {area}</source>
      <translation>Ansichten: {area}</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Pregnant, or may be</source>
      <translation>(Evtl.) schwanger</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Press Start when the treatment begins.</source>
      <translation>Drücken Sie „Starten“, wenn die Behandlung beginnt.</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/file_dialogs.py" />
      <source>Preview</source>
      <translation>Vorschau</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Problems</source>
      <translation>Probleme</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Problems found in the file</source>
      <translation>In der Datei gefundene Probleme</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Procedures this year</source>
      <translation>Behandlungen dieses Jahres</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Profile</source>
      <translation>Profil</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Pulse {pulse} of {total}: {area}, pass {number}; {flagged} flagged for review</source>
      <translation>Puls {pulse} von {total}: {area}, Durchgang {number}; {flagged} zur Prüfung markiert</translation>
    </message>
    <message>
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Pulses</source>
      <translation>Pulse</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Pulses (flagged)</source>
      <translation>Pulse (auffällig)</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_filters.py" />
      <source>Quick search</source>
      <translation>Schnellsuche</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_filters.py" />
      <source>Quick search: patient, technician, room</source>
      <translation>Schnellsuche: Patient, Techniker, Raum</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Rated life (pulses)</source>
      <translation>Nennlebensdauer (Pulse)</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Re&amp;place…</source>
      <translation>&amp;Ersetzen…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <location filename="../../ui/admin/devices_panel.py" />
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <location filename="../../ui/admin/profiles_panel.py" />
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Re&amp;tire…</source>
      <translation>S&amp;tilllegen…</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/oversight/incidents_view.py" />
      <location filename="../../ui/records/follow_up_dialog.py" />
      <location filename="../../ui/records/history_filters.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>Reaction</source>
      <translation>Reaktion</translation>
    </message>
    <message>
      <location filename="../../ui/session/reactions_editor.py" />
      <source>Reaction (grade 0 = none)</source>
      <translation>Reaktion (Grad 0 = keine)</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>Reaction: {reaction}</source>
      <translation>Reaktion: {reaction}</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Reactions</source>
      <translation>Reaktionen</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>Reactions logged at the session</source>
      <translation>Bei der Behandlung erfasste Reaktionen</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Read after</source>
      <translation>Ablesen nach</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Read on</source>
      <translation>Abgelesen am</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_check_dialog.py" />
      <source>Reading the device's log…</source>
      <translation>Das Geräteprotokoll wird gelesen…</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>Reading the photos…</source>
      <translation>Fotos werden gelesen…</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>Reading…</source>
      <translation>Wird gelesen…</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Ready to import.</source>
      <translation>Bereit zum Import.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Real time</source>
      <translation>Echtzeit</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <location filename="../../ui/records/session_detail.py" />
      <location filename="../../ui/records/supervisor_actions.py" />
      <source>Reason</source>
      <translation>Grund</translation>
    </message>
    <message>
      <location filename="../../ui/records/supervisor_actions.py" />
      <source>Reason (required)</source>
      <translation>Grund (Pflichtfeld)</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>Reason for a change</source>
      <translation>Grund einer Änderung</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Reason for a change beyond the limit</source>
      <translation>Grund für eine Änderung über den Grenzwert hinaus</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>Reason for the amendment</source>
      <translation>Grund der Berichtigung</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>Reason for the amendment (required):</source>
      <translation>Grund der Berichtigung (Pflichtfeld):</translation>
    </message>
    <message>
      <location filename="../../ui/session/area_parameters.py" />
      <source>Reason for the change (shown to the supervisor)</source>
      <translation>Grund für die Änderung (für den Supervisor)</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Reason to treat despite: {finding}</source>
      <translation>Grund für die Behandlung trotz: {finding}</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Recent sun or a tan</source>
      <translation>Kürzlich Sonne/Bräune</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>Record</source>
      <translation>Eintrag</translation>
    </message>
    <message>
      <location filename="../../ui/records/follow_up_dialog.py" />
      <source>Record how a reaction goes on after the session, or one found at follow-up</source>
      <translation>Erfassen, wie sich eine Reaktion nach der Behandlung entwickelt, oder eine bei der Nachkontrolle festgestellte Reaktion</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Record the &amp;reading</source>
      <translation>&amp;Ablesung erfassen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Record the selected technician's certification or its renewal</source>
      <translation>Zertifizierung oder Verlängerung des gewählten Technikers erfassen</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>Record this patient's test patches and their readings (Alt+T)</source>
      <translation>Die Testbehandlungen dieses Patienten und ihre Ablesungen erfassen (Alt+T)</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_form.py" />
      <source>Recorded by the device; a value changed here is typed</source>
      <translation>Vom Gerät erfasst; ein hier geänderter Wert gilt als von Hand eingegeben</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Recorded the certification of {username}.</source>
      <translation>Zertifizierung von {username} erfasst.</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Recovered the draft for {name}; carry on where you left off.</source>
      <translation>Entwurf für {name} wiederhergestellt; machen Sie dort weiter, wo Sie aufgehört haben.</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <location filename="../../ui/oversight/incidents_view.py" />
      <location filename="../../ui/oversight/review_queue_view.py" />
      <source>Refresh</source>
      <translation>Aktualisieren</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_dialog.py" />
      <source>Register a device</source>
      <translation>Gerät registrieren</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>Register a patient who is not found</source>
      <translation>Einen nicht gefundenen Patienten registrieren</translation>
    </message>
    <message>
      <location filename="../../ui/session/device_section.py" />
      <source>Register device…</source>
      <translation>Gerät registrieren…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Register the device first</source>
      <translation>Registrieren Sie zuerst das Gerät</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>Registered {device}; technicians can choose it for new sessions now.</source>
      <translation>{device} registriert; Techniker können es jetzt für neue Behandlungen wählen.</translation>
    </message>
    <message>
      <location filename="../../ui/shell/sign_in_dialogs.py" />
      <source>Repeat new password</source>
      <translation>Neues Passwort wiederholen</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/account_dialog.py" />
      <source>Repeat password</source>
      <translation>Passwort wiederholen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>Replace it even if it is open on another PC</source>
      <translation>Auch ersetzen, wenn auf anderem PC geöffnet</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Replace the chosen profile with a newer file (a device's new firmware exports differently)</source>
      <translation>Das gewählte Profil durch eine neuere Datei ersetzen (neue Gerätefirmware exportiert anders)</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Replace the database with a backup's content</source>
      <translation>Die Datenbank durch den Inhalt einer Sicherung ersetzen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Replace {name}</source>
      <translation>{name} ersetzen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Replaced import profile {name} with {file}; every PC reads files with it from now on.</source>
      <translation>Importprofil {name} durch {file} ersetzt; jeder PC liest Dateien ab jetzt damit.</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>Report</source>
      <translation>Bericht</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_check_dialog.py" />
      <source>Report a fa&amp;ult</source>
      <translation>&amp;Störung melden</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Require a test patch</source>
      <translation>Testbehandlung verlangen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>Require a valid test patch for a device, an area, or both</source>
      <translation>Eine gültige Testbehandlung für ein Gerät, ein Areal oder beides verlangen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Reset pass&amp;word…</source>
      <translation>Pass&amp;wort zurücksetzen…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/account_dialogs.py" />
      <source>Reset the password of {name}</source>
      <translation>Passwort von {name} zurücksetzen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Reset the password of {username}; they choose a new one when they next sign in.</source>
      <translation>Passwort von {username} zurückgesetzt; bei der nächsten Anmeldung wird ein neues gewählt.</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>Resolved</source>
      <translation>Abgeklungen</translation>
    </message>
    <message>
      <location filename="../../ui/records/follow_up_dialog.py" />
      <source>Resolved on</source>
      <translation>Abgeklungen am</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>Restore from a backup</source>
      <translation>Aus einer Sicherung wiederherstellen</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Restored the database from {source}; its {events} audit event chains correctly.</source>
      <extracomment>English plural: Restored the database from {source}; its {events} audit events chain correctly.</extracomment>
      <translation>
        <numerusform>Datenbank aus {source} wiederhergestellt; ihr {events} Prüfpfad-Eintrag ist korrekt verkettet.</numerusform>
        <numerusform>Datenbank aus {source} wiederhergestellt; ihre {events} Prüfpfad-Einträge sind korrekt verkettet.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Restoring cancelled; nothing was changed.</source>
      <translation>Wiederherstellung abgebrochen; nichts wurde geändert.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Restoring stopped by a fault inside LaserLog; nothing was changed.</source>
      <translation>Wiederherstellung durch einen Fehler in LaserLog gestoppt; nichts wurde geändert.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Restoring stopped: {error}</source>
      <translation>Wiederherstellung gestoppt: {error}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Restoring…</source>
      <translation>Wiederherstellung läuft…</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Result</source>
      <translation>Ergebnis</translation>
    </message>
    <message>
      <location filename="../../ui/admin/retire_dialog.py" />
      <source>Retire</source>
      <translation>Stilllegen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Retire consent version {version}</source>
      <translation>Einwilligungsversion {version} stilllegen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Retire the import profile {name}</source>
      <translation>Importprofil {name} stilllegen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>Retire the rule: {rule}</source>
      <translation>Regel stilllegen: {rule}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Retire {name}</source>
      <translation>{name} stilllegen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Retired consent version {version}.</source>
      <translation>Einwilligungsversion {version} stillgelegt.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Retired import profile {name}; it stays on record.</source>
      <translation>Importprofil {name} stillgelegt; es bleibt verzeichnet.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>Retired the rule for {rule}; it no longer applies.</source>
      <translation>Regel für {rule} stillgelegt; sie gilt nicht mehr.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Retired {day}</source>
      <translation>Stillgelegt am {day}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>Retired {device}; it is no longer offered for new sessions.</source>
      <translation>{device} stillgelegt; es wird für neue Behandlungen nicht mehr angeboten.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Retired {tip}; {device} has no tip fitted now.</source>
      <translation>{tip} stillgelegt; {device} hat jetzt keinen Aufsatz.</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>Review</source>
      <translation>Freigabe</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Reviewed</source>
      <translation>Freigegeben</translation>
    </message>
    <message>
      <location filename="../../ui/admin/account_dialogs.py" />
      <location filename="../../ui/admin/staff_panel.py" />
      <location filename="../../ui/widgets/account_dialog.py" />
      <source>Role</source>
      <translation>Rolle</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_form.py" />
      <source>Roo&amp;m</source>
      <translation>Rau&amp;m</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/records/amend_changes.py" />
      <location filename="../../ui/records/amend_form.py" />
      <location filename="../../ui/records/history_filters.py" />
      <location filename="../../ui/records/session_detail.py" />
      <location filename="../../ui/session/form_layout.py" />
      <source>Room</source>
      <translation>Raum</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>S&amp;kip to the end</source>
      <translation>Zum &amp;Ende springen</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_form.py" />
      <source>S&amp;tarted</source>
      <translation>Be&amp;ginn</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>S&amp;top</source>
      <translation>S&amp;topp</translation>
    </message>
    <message>
      <location filename="../../ui/shell/database_dialog.py" />
      <source>SQLite database file</source>
      <translation>SQLite-Datenbankdatei</translation>
    </message>
    <message>
      <location filename="../../ui/admin/account_dialogs.py" />
      <source>Save</source>
      <translation>Speichern</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_dialog.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>Save as &amp;PDF…</source>
      <translation>Als &amp;PDF speichern…</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>Save as &amp;PNG…</source>
      <translation>Als &amp;PNG speichern…</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>Save chart</source>
      <translation>Diagramm speichern</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>Save report as P&amp;DF…</source>
      <translation>Bericht als P&amp;DF speichern…</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>Save the aftercare sheet for the areas ticked as a PDF to print, and record it as given (Alt+R)</source>
      <translation>Das Nachsorgeblatt für die angehakten Areale als PDF zum Drucken speichern und als ausgegeben vermerken (Alt+B)</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Save to &amp;session</source>
      <translation>In &amp;Behandlung speichern</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>Saved incident report no. {number} as {path}.</source>
      <translation>Vorfallbericht Nr. {number} als {path} gespeichert.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>Saved the rule; sessions are checked against it from now on.</source>
      <translation>Regel gespeichert; Behandlungen werden ab jetzt danach geprüft.</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Saved the signed consent as {file}</source>
      <translation>Unterschriebene Einwilligung als {file} gespeichert</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>Saved {device}; its sessions show the corrected details.</source>
      <translation>{device} gespeichert; seine Behandlungen zeigen die korrigierten Angaben.</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>Saved {path}.</source>
      <translation>{path} gespeichert.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Saved {tip}.</source>
      <translation>{tip} gespeichert.</translation>
    </message>
    <message>
      <location filename="../../ui/records/supervisor_actions.py" />
      <source>Saved: the session is now a draft.</source>
      <translation>Gespeichert: Die Behandlung ist jetzt ein Entwurf.</translation>
    </message>
    <message>
      <location filename="../../ui/records/supervisor_actions.py" />
      <source>Saved: the session is now amended.</source>
      <translation>Gespeichert: Die Behandlung ist jetzt berichtigt.</translation>
    </message>
    <message>
      <location filename="../../ui/records/supervisor_actions.py" />
      <source>Saved: the session is now completed.</source>
      <translation>Gespeichert: Die Behandlung ist jetzt abgeschlossen.</translation>
    </message>
    <message>
      <location filename="../../ui/records/supervisor_actions.py" />
      <source>Saved: the session is now reviewed.</source>
      <translation>Gespeichert: Die Behandlung ist jetzt freigegeben.</translation>
    </message>
    <message>
      <location filename="../../ui/records/supervisor_actions.py" />
      <source>Saved: the session is now voided.</source>
      <translation>Gespeichert: Die Behandlung ist jetzt storniert.</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Saving draft…</source>
      <translation>Entwurf wird gespeichert…</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Saving the pulses to the session…</source>
      <translation>Pulse werden in der Behandlung gespeichert…</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Screening and checklist</source>
      <translation>Voruntersuchung und Checkliste</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_form.py" />
      <source>Screening and consent</source>
      <translation>Voruntersuchung und Einwilligung</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>Screening: checklist</source>
      <translation>Voruntersuchung: Checkliste</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>Screening: consent</source>
      <translation>Voruntersuchung: Einwilligung</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>Screening: contraindications</source>
      <translation>Voruntersuchung: Kontraindikationen</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>Screening: skin type</source>
      <translation>Voruntersuchung: Hauttyp</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>Searching…</source>
      <translation>Suche läuft…</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>Seen</source>
      <translation>Gesehen</translation>
    </message>
    <message>
      <location filename="../../ui/records/follow_up_dialog.py" />
      <source>Seen on</source>
      <translation>Gesehen am</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Select the photo to show as the patient's portrait</source>
      <translation>Wählen Sie das Foto, das als Porträt des Patienten erscheinen soll</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Select the photos to assign in the camera folder's list</source>
      <translation>Wählen Sie in der Liste des Kameraordners die zuzuordnenden Fotos</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>Serial</source>
      <translation>Seriennr.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/device_edit_dialog.py" />
      <location filename="../../ui/equipment/device_dialog.py" />
      <source>Serial number</source>
      <translation>Seriennummer</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>Session</source>
      <translation>Behandlung</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Session ID</source>
      <translation>Behandlungs-ID</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Session of {moment}</source>
      <translation>Behandlung vom {moment}</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Session report</source>
      <translation>Behandlungsbericht</translation>
    </message>
    <message>
      <location filename="../../ui/session/start_field.py" />
      <source>Session started</source>
      <translation>Beginn der Behandlung</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Session – {patient}</source>
      <translation>Behandlung – {patient}</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <location filename="../../ui/session/course_panel.py" />
      <source>Sessions</source>
      <translation>Behandlungen</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/review_queue_view.py" />
      <source>Sessions awaiting sign-off</source>
      <translation>Behandlungen zur Freigabe</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/review_queue_view.py" />
      <source>Sessions further down the queue, not yet shown, are left.</source>
      <translation>Weiter unten stehende, noch nicht angezeigte Behandlungen bleiben offen.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>Sessions in the file</source>
      <translation>Behandlungen in der Datei</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>Sessions will no longer need a test patch because of this rule (another rule may still require one). The rule stays listed.</source>
      <translation>Behandlungen brauchen wegen dieser Regel keine Testbehandlung mehr (eine andere Regel kann sie weiter verlangen). Die Regel bleibt in der Liste.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Settings of {device} for this patient (read only; they go into the session as the device's):</source>
      <translation>Einstellungen von {device} für diesen Patienten (nur lesbar; sie gehen als die des Geräts in die Behandlung ein):</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>Show &amp;filed ones too</source>
      <translation>Auch &amp;eingereichte zeigen</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_filters.py" />
      <source>Show every session again</source>
      <translation>Wieder alle Behandlungen anzeigen</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Show the selected photo beside the patient's name, here and in the session detail</source>
      <translation>Das gewählte Foto neben dem Namen des Patienten zeigen, hier und in den Details der Behandlung</translation>
    </message>
    <message>
      <location filename="../../ui/records/supervisor_actions.py" />
      <source>Sign &amp;off as reviewed</source>
      <translation>&amp;Freigeben</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>Sign &amp;out</source>
      <translation>&amp;Abmelden</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/signature_pad.py" />
      <source>Sign above the line</source>
      <translation>Über der Linie unterschreiben</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Sign co&amp;nsent again…</source>
      <translation>E&amp;inwilligung erneuern…</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Sign co&amp;nsent…</source>
      <translation>E&amp;inwilligung einholen…</translation>
    </message>
    <message>
      <location filename="../../ui/shell/sign_in_dialogs.py" />
      <source>Sign in</source>
      <translation>Anmelden</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/oversight/review_queue_view.py" />
      <source>Sign off the %n unflagged session shown as reviewed?</source>
      <extracomment>English plural: Sign off the %n unflagged sessions shown as reviewed?</extracomment>
      <translation>
        <numerusform>Die %n angezeigte unauffällige Behandlung als geprüft freigeben?</numerusform>
        <numerusform>Die %n angezeigten unauffälligen Behandlungen als geprüft freigeben?</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/oversight/review_queue_view.py" />
      <source>Sign off the &amp;unflagged shown</source>
      <translation>Angezeigte &amp;unauffällige freigeben</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/review_queue_view.py" />
      <source>Sign off the session of {patient} as reviewed?</source>
      <translation>Die Behandlung von {patient} als geprüft freigeben?</translation>
    </message>
    <message>
      <location filename="../../ui/records/supervisor_actions.py" />
      <source>Sign off this session as reviewed?</source>
      <translation>Diese Behandlung als geprüft freigeben?</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/signature_pad.py" />
      <source>Signature: sign here with a finger, pen or the mouse</source>
      <translation>Unterschrift: hier mit Finger, Stift oder Maus unterschreiben</translation>
    </message>
    <message>
      <location filename="../../ui/session/consent_dialog.py" />
      <source>Signed &amp;by</source>
      <translation>&amp;Unterschrieben von</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Signed at {time}: {name} ({identifier}). Ready for the next patient.</source>
      <translation>Um {time} signiert: {name} ({identifier}). Bereit für den nächsten Patienten.</translation>
    </message>
    <message>
      <location filename="../../ui/session/signing_dialog.py" />
      <source>Signed by</source>
      <translation>Signiert von</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Signed by {name} on {day} (version {version}), valid until {until}.</source>
      <translation>Unterschrieben von {name} am {day} (Version {version}), gültig bis {until}.</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Signed consent</source>
      <translation>Unterschriebene Einwilligung</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Signed on {day}, {why_not}: the patient signs again.</source>
      <translation>Unterschrieben am {day}, {why_not}: Der Patient unterschreibt erneut.</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>Signing…</source>
      <translation>Wird signiert…</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Simulated device – {device}</source>
      <translation>Simuliertes Gerät – {device}</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Skin cancer, now or past</source>
      <translation>Hautkrebs, jetzt/früher</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Skin cl&amp;ean of lotions, make-up and oils</source>
      <translation>Haut frei von &amp;Lotionen, Make-up und Ölen</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>Skin t&amp;ype</source>
      <translation>&amp;Hauttyp</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/trace_plots.py" />
      <source>Skin temperature (°C)</source>
      <translation>Hauttemperatur (°C)</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>Skin type (Fitzpatrick)</source>
      <translation>Hauttyp (Fitzpatrick)</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Skin type (record)</source>
      <translation>Hauttyp (Akte)</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Skin type {skin}; consent {version} signed {day}.</source>
      <translation>Hauttyp {skin}; Einwilligung {version} unterschrieben am {day}.</translation>
    </message>
    <message>
      <location filename="../../ui/shell/lock_screen.py" />
      <source>Someone else can sign in here to take over this PC.</source>
      <translation>Jemand anderes kann sich hier anmelden und diesen PC übernehmen.</translation>
    </message>
    <message>
      <location filename="../../ui/shell/main_window.py" />
      <source>Something went wrong inside LaserLog ({error}). What you typed is still on screen.</source>
      <translation>In LaserLog ist ein Fehler aufgetreten ({error}). Ihre Eingaben sind noch auf dem Bildschirm.</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Speed</source>
      <translation>Geschwindigkeit</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Staff accounts. Accounts are never deleted: disable one to stop it signing in; its records stay.</source>
      <translation>Mitarbeiterkonten. Konten werden nie gelöscht: Deaktivieren Sie eines, um Anmeldungen damit zu sperren; seine Einträge bleiben.</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>Start</source>
      <translation>Beginn</translation>
    </message>
    <message>
      <location filename="../../ui/session/duration_field.py" />
      <source>Start ti&amp;mer</source>
      <translation>Ti&amp;mer starten</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <location filename="../../ui/session/form_layout.py" />
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>Started</source>
      <translation>Beginn</translation>
    </message>
    <message>
      <location filename="../../ui/session/course_panel.py" />
      <source>Starts on</source>
      <translation>Beginnt am</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <location filename="../../ui/admin/devices_panel.py" />
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <location filename="../../ui/admin/profiles_panel.py" />
      <location filename="../../ui/admin/staff_panel.py" />
      <location filename="../../ui/admin/tips_panel.py" />
      <location filename="../../ui/oversight/incident_report.py" />
      <source>State</source>
      <translation>Status</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/oversight/incidents_view.py" />
      <location filename="../../ui/oversight/review_queue_model.py" />
      <location filename="../../ui/records/history_filters.py" />
      <location filename="../../ui/records/history_model.py" />
      <location filename="../../ui/records/pdf_reports.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>Stop offering the chosen profile; it stays on record</source>
      <translation>Das gewählte Profil nicht mehr anbieten; es bleibt verzeichnet</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Stop offering the chosen version</source>
      <translation>Die gewählte Version nicht mehr anbieten</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>Stop requiring what the chosen rule requires</source>
      <translation>Was die gewählte Regel verlangt, nicht mehr verlangen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Stop the selected account signing in; it and its records stay</source>
      <translation>Anmeldungen mit dem gewählten Konto sperren; das Konto und seine Einträge bleiben</translation>
    </message>
    <message>
      <location filename="../../ui/session/duration_field.py" />
      <source>Stop ti&amp;mer</source>
      <translation>Ti&amp;mer stoppen</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Stopped before the first pulse; nothing to save.</source>
      <translation>Vor dem ersten Puls gestoppt; nichts zu speichern.</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>Stopped: %n pulse, {flagged} flagged for review. Save it to the session, or Cancel.</source>
      <extracomment>English plural: Stopped: %n pulses, {flagged} flagged for review. Save them to the session, or Cancel.</extracomment>
      <translation>
        <numerusform>Gestoppt: %n Puls, {flagged} zur Prüfung markiert. Speichern Sie ihn in der Behandlung oder wählen Sie „Abbrechen“.</numerusform>
        <numerusform>Gestoppt: %n Pulse, {flagged} zur Prüfung markiert. Speichern Sie sie in der Behandlung oder wählen Sie „Abbrechen“.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Take out</source>
      <translation>Herausnehmen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>Take the chosen device out of use; it stays on record</source>
      <translation>Das gewählte Gerät außer Betrieb nehmen; es bleibt verzeichnet</translation>
    </message>
    <message>
      <location filename="../../ui/admin/tips_panel.py" />
      <source>Take the chosen tip off its device without fitting another</source>
      <translation>Den gewählten Aufsatz ohne Ersatz vom Gerät abnehmen</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Take the selected photo out of this draft</source>
      <translation>Das gewählte Foto aus diesem Entwurf herausnehmen</translation>
    </message>
    <message>
      <location filename="../../ui/session/form_layout.py" />
      <source>Take the ticked areas' parameters and pulses from the simulated device as the treatment happens (Alt+S)</source>
      <translation>Parameter und Pulse der angehakten Areale während der Behandlung vom simulierten Gerät übernehmen (Alt+V)</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Taken</source>
      <translation>Aufnahme</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/oversight/incidents_view.py" />
      <location filename="../../ui/oversight/review_queue_model.py" />
      <location filename="../../ui/records/history_filters.py" />
      <location filename="../../ui/records/history_model.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>Technician</source>
      <translation>Techniker</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>Technicians take each photo in one of its area's standard poses, or "{other}", which every area offers last. A changed list is offered on every PC from the next session; photos already taken keep their pose.</source>
      <translation>Techniker nehmen jedes Foto in einer der Standardansichten seines Areals auf oder als „{other}“, das jedes Areal zuletzt anbietet. Eine geänderte Liste gilt auf jedem PC ab der nächsten Behandlung; bereits aufgenommene Fotos behalten ihre Ansicht.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/account_dialogs.py" />
      <source>Temporary password</source>
      <translation>Vorläufiges Passwort</translation>
    </message>
    <message>
      <location filename="../../ui/admin/admin_view.py" />
      <source>Test patch ru&amp;les</source>
      <translation>&amp;Testregeln</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Test patches</source>
      <translation>Testbehandlungen</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>Test patches – {name}</source>
      <translation>Testbehandlungen – {name}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Text</source>
      <translation>Text</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>That rule is retired; add a new one instead.</source>
      <translation>Diese Regel ist stillgelegt; legen Sie stattdessen eine neue an.</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>The camera folder {folder} cannot be read: {reason}. Photos can still be added from files.</source>
      <translation>Der Kameraordner {folder} kann nicht gelesen werden: {reason}. Fotos lassen sich weiterhin aus Dateien hinzufügen.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>The chosen version's text, as patients read it</source>
      <translation>Der Text der gewählten Version, wie Patienten ihn lesen</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>The clinic has no consent form in {language} in force: an administrator adds one, or choose another of the patient's languages</source>
      <translation>Die Praxis hat keine gültige Einwilligung auf {language}: Ein Administrator fügt eine hinzu, oder wählen Sie eine andere Sprache des Patienten</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>The clinic's devices. A retired device stays here and in the sessions logged with it; it is no longer offered for new sessions.</source>
      <translation>Die Geräte der Praxis. Ein stillgelegtes Gerät bleibt hier und in den damit erfassten Behandlungen; für neue Behandlungen wird es nicht mehr angeboten.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/admin_view.py" />
      <source>The clinic's name, address and phone, the consent period, photo rules, the change limit, late entries, the incident due time and the course plan: the same on every PC</source>
      <translation>Name, Adresse und Telefon der Praxis, Gültigkeit der Einwilligung, Fotoregeln, Änderungsgrenze, Nachträge, Frist für Vorfallberichte und Behandlungsserien: auf jedem PC gleich</translation>
    </message>
    <message>
      <location filename="../../ui/session/consent_dialog.py" />
      <source>The consent form the patient reads</source>
      <translation>Die Einwilligungserklärung, die der Patient liest</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>The consent on file as signed, with the signature, as a PDF to print or give the patient</source>
      <translation>Die hinterlegte Einwilligung mit Unterschrift als PDF zum Drucken oder für den Patienten</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>The database server cannot be reached. Your input stays on screen and is saved as soon as the server is back.</source>
      <translation>Der Datenbankserver ist nicht erreichbar. Ihre Eingaben bleiben auf dem Bildschirm und werden gespeichert, sobald der Server wieder erreichbar ist.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>The database: {url}. A backup is checked (integrity, schema, the whole audit chain) before it counts. A restore checks the backup first and asks before it replaces anything. Verify checks the database end to end: storage, guards, every audit event and every signed session.</source>
      <translation>Die Datenbank: {url}. Eine Sicherung gilt erst, wenn sie geprüft ist (Integrität, Schema, der ganze Prüfpfad). Eine Wiederherstellung prüft zuerst die Sicherung und fragt, bevor sie etwas ersetzt. Prüfen kontrolliert die ganze Datenbank: Speicher, Schutzregeln, jeden Prüfpfad-Eintrag und jede signierte Behandlung.</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>The date done</source>
      <translation>Das Datum der Durchführung</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>The date of birth</source>
      <translation>Das Geburtsdatum</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>The date read</source>
      <translation>Das Datum der Ablesung</translation>
    </message>
    <message>
      <location filename="../../ui/records/follow_up_dialog.py" />
      <source>The date resolved</source>
      <translation>Das Abklingdatum</translation>
    </message>
    <message>
      <location filename="../../ui/records/follow_up_dialog.py" />
      <source>The date seen</source>
      <translation>Das Beobachtungsdatum</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/live_device_dialog.py" />
      <source>The device's settings</source>
      <translation>Einstellungen des Geräts</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>The file copied from the device (CSV, JSON or XML)</source>
      <translation>Die vom Gerät kopierte Datei (CSV, JSON oder XML)</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>The file seems cut off: import what is complete, without its incomplete end</source>
      <translation>Die Datei scheint abgeschnitten: das Vollständige importieren, ohne das unvollständige Ende</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>The folder this room's camera or phone writes into: new photos appear below as they arrive</source>
      <translation>Der Ordner, in den Kamera oder Telefon dieses Raums speichern: neue Fotos erscheinen unten, sobald sie eintreffen</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>The folder this room's camera writes into</source>
      <translation>Der Ordner, in den die Kamera dieses Raums speichert</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>The language of the consent the patient reads and signs, and of the aftercare sheet</source>
      <translation>Die Sprache der Einwilligung, die der Patient liest und unterschreibt, und des Nachsorgeblatts</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>The patient reads the consent form in force and signs on the screen; you witness with your password</source>
      <translation>Der Patient liest die gültige Einwilligungserklärung und unterschreibt am Bildschirm; Sie bezeugen mit Ihrem Passwort</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <location filename="../../ui/session/patient_picker.py" />
      <source>The patient's portrait</source>
      <translation>Porträt des Patienten</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>The patient's previous photo of this area and pose shows here.</source>
      <translation>Hier erscheint das letzte Foto dieses Areals in dieser Ansicht.</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/photo_view.py" />
      <source>The photo</source>
      <translation>Das Foto</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>The photo of {day}, {caption}, stays with the session, marked void; it leaves the comparisons and exports.</source>
      <translation>Das Foto vom {day}, {caption}, bleibt als storniert markiert bei der Behandlung; es entfällt aus Vergleichen und Exporten.</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>The reading of the selected patch</source>
      <translation>Ablesung der gewählten Testbehandlung</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>The same on every PC, from the next session on.</source>
      <translation>Auf jedem PC gleich, ab der nächsten Behandlung.</translation>
    </message>
    <message>
      <location filename="../../ui/shell/language_dialog.py" />
      <source>The screens change at the next sign-in (File &gt; Sign out). Dates and numbers follow the language, or the system's locale when it speaks the same language.</source>
      <translation>Die Bildschirme wechseln bei der nächsten Anmeldung (Datei &gt; Abmelden). Datum und Zahlen folgen der Sprache oder dem Gebietsschema des Systems, wenn es dieselbe Sprache spricht.</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>The session</source>
      <translation>Die Behandlung</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>The session's photos</source>
      <translation>Fotos der Behandlung</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>The sessions found: as a spreadsheet-safe CSV file, a FHIR R4 Bundle, or a PDF summary of the period</source>
      <translation>Die gefundenen Behandlungen: als tabellensichere CSV-Datei, als FHIR-R4-Bundle oder als PDF-Übersicht des Zeitraums</translation>
    </message>
    <message>
      <location filename="../../ui/admin/device_edit_dialog.py" />
      <source>The sessions logged with this device will show the corrected details; the audit trail keeps what they were.</source>
      <translation>Die mit diesem Gerät erfassten Behandlungen zeigen die korrigierten Angaben; der Prüfpfad bewahrt die bisherigen.</translation>
    </message>
    <message>
      <location filename="../../ui/session/course_panel.py" />
      <source>The start date</source>
      <translation>Das Startdatum</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/account_dialog.py" />
      <source>The two passwords differ</source>
      <translation>Die beiden Passwörter stimmen nicht überein</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>The values above are the current ones; each amendment lists what it replaced.</source>
      <translation>Die Werte oben sind die aktuellen; jede Berichtigung führt auf, was sie ersetzt hat.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>The whole text the patient reads and signs</source>
      <translation>Der vollständige Text, den der Patient liest und unterschreibt</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>There is no file of that name</source>
      <translation>Eine Datei dieses Namens gibt es nicht</translation>
    </message>
    <message>
      <location filename="../../ui/shell/sign_in_dialogs.py" />
      <source>This database ({url}) has no users yet.
Create the administrator who will add the clinic's staff.</source>
      <translation>Diese Datenbank ({url}) hat noch keine Benutzer.
Legen Sie den Administrator an, der die Mitarbeiter der Praxis hinzufügt.</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>This session's photos</source>
      <translation>Fotos dieser Behandlung</translation>
    </message>
    <message>
      <location filename="../../ui/admin/admin_view.py" />
      <source>Ti&amp;ps</source>
      <translation>A&amp;ufsätze</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Tick an area to add its photos.</source>
      <translation>Haken Sie ein Areal an, um seine Fotos hinzuzufügen.</translation>
    </message>
    <message>
      <location filename="../../ui/session/session_form.py" />
      <source>Tick the areas to treat first; the device fills their parameters</source>
      <translation>Haken Sie zuerst die zu behandelnden Areale an; das Gerät füllt ihre Parameter</translation>
    </message>
    <message>
      <location filename="../../ui/session/course_panel.py" />
      <source>Tick the areas treated to see where each stands in its course.</source>
      <translation>Haken Sie die behandelten Areale an, um zu sehen, wo jedes in seiner Behandlungsserie steht.</translation>
    </message>
    <message>
      <location filename="../../ui/session/session_form.py" />
      <source>Tick the areas treated: the sheet is for them</source>
      <translation>Haken Sie die behandelten Areale an: Das Blatt gilt für sie</translation>
    </message>
    <message>
      <location filename="../../ui/session/area_parameters.py" />
      <source>Tick the areas treated; a row of parameters appears for each.</source>
      <translation>Haken Sie die behandelten Areale an; für jedes erscheint eine Zeile mit Parametern.</translation>
    </message>
    <message>
      <location filename="../../ui/session/anaesthetic_field.py" />
      <source>Time applied</source>
      <translation>Aufgetragen um</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>Tip fitted now</source>
      <translation>Aktueller Aufsatz</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Title</source>
      <translation>Titel</translation>
    </message>
    <message>
      <location filename="../../ui/session/anaesthetic_field.py" />
      <source>Topical</source>
      <translation>Lokal</translation>
    </message>
    <message>
      <location filename="../../ui/session/anaesthetic_field.py" />
      <source>Topical agent</source>
      <translation>Lokalanästhetikum</translation>
    </message>
    <message>
      <location filename="../../ui/session/area_parameters.py" />
      <source>Treated &amp;areas (click the map, or Space in the list):</source>
      <translation>Behandelte A&amp;reale (Karte anklicken oder Leertaste in der Liste):</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_filters.py" />
      <source>Treated area</source>
      <translation>Behandeltes Areal</translation>
    </message>
    <message>
      <location filename="../../ui/session/area_parameters.py" />
      <source>Treated areas (Space ticks an area)</source>
      <translation>Behandelte Areale (die Leertaste hakt ein Areal an)</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>Treated areas and parameters</source>
      <translation>Behandelte Areale und Parameter</translation>
    </message>
    <message>
      <location filename="../../ui/session/course_panel.py" />
      <source>Treatment course</source>
      <translation>Behandlungsserie</translation>
    </message>
    <message>
      <location filename="../../ui/session/course_panel.py" />
      <source>Treatment course plan</source>
      <translation>Plan der Behandlungsserie</translation>
    </message>
    <message>
      <location filename="../../ui/session/consent_dialog.py" />
      <source>Type the name of the person signing</source>
      <translation>Geben Sie den Namen der unterschreibenden Person ein</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>Type the patient's identifier and press Enter.</source>
      <translation>Geben Sie die Kennung des Patienten ein und drücken Sie die Eingabetaste.</translation>
    </message>
    <message>
      <location filename="../../ui/session/start_field.py" />
      <source>Type the start as {example}, not {text}</source>
      <translation>Geben Sie den Beginn als {example} ein, nicht {text}</translation>
    </message>
    <message>
      <location filename="../../ui/session/anaesthetic_field.py" />
      <source>Type the time applied as HH:MM (e.g. 09:40), not {text}</source>
      <translation>Geben Sie die Uhrzeit als HH:MM ein (z. B. 09:40), nicht {text}</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <location filename="../../ui/session/signing_dialog.py" />
      <source>Type your password to sign</source>
      <translation>Geben Sie zum Signieren Ihr Passwort ein</translation>
    </message>
    <message>
      <location filename="../../ui/session/consent_dialog.py" />
      <source>Type your password to witness the signature</source>
      <translation>Geben Sie Ihr Passwort ein, um die Unterschrift zu bezeugen</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <location filename="../../ui/session/patient_picker.py" />
      <location filename="../../ui/session/screening_panel.py" />
      <source>Type {numeral}</source>
      <translation>Typ {numeral}</translation>
    </message>
    <message>
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>Unfinished sessions</source>
      <translation>Offene Behandlungen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>Unlocked {username}; they may sign in again now.</source>
      <translation>{username} entsperrt; die Anmeldung ist jetzt wieder möglich.</translation>
    </message>
    <message>
      <location filename="../../ui/session/photo_panel.py" />
      <source>Use as portrait</source>
      <translation>Als Porträt verwenden</translation>
    </message>
    <message>
      <location filename="../../ui/shell/database_dialog.py" />
      <source>Use this &amp;PC's database</source>
      <translation>Datenbank dieses &amp;PCs verwenden</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>User</source>
      <translation>Benutzer</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <location filename="../../ui/shell/lock_screen.py" />
      <location filename="../../ui/shell/sign_in_dialogs.py" />
      <location filename="../../ui/widgets/account_dialog.py" />
      <source>User name</source>
      <translation>Benutzername</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>Uses the History's filters. Hover over a bar or point for its value.</source>
      <translation>Nutzt die Filter der Historie. Zeigen Sie auf einen Balken oder Punkt, um seinen Wert zu sehen.</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/photo_thumbnails.py" />
      <source>VOID</source>
      <translation>STORNO</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_check_dialog.py" />
      <source>Verification &amp;failed</source>
      <translation>&amp;Nicht bestanden</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_check_dialog.py" />
      <source>Verification &amp;passed</source>
      <translation>&amp;Bestanden</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_check_dialog.py" />
      <source>Verified today.</source>
      <translation>Heute geprüft.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Verified: storage and foreign keys are sound; {events}; {sessions} ({unsealed}).</source>
      <translation>Geprüft: Speicher und Fremdschlüssel sind in Ordnung; {events}; {sessions} ({unsealed}).</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Verified: storage and foreign keys are sound; {events}; {sessions}.</source>
      <translation>Geprüft: Speicher und Fremdschlüssel sind in Ordnung; {events}; {sessions}.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Verify found problems; nothing was changed. Keep this database as it is and call IT.</source>
      <translation>Die Prüfung hat Probleme gefunden; nichts wurde geändert. Lassen Sie die Datenbank unverändert und rufen Sie die IT an.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Verifying cancelled; nothing was changed.</source>
      <translation>Prüfung abgebrochen; nichts wurde geändert.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Verifying stopped by a fault inside LaserLog; nothing was changed.</source>
      <translation>Prüfung durch einen Fehler in LaserLog gestoppt; nichts wurde geändert.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Verifying stopped: {error}</source>
      <translation>Prüfung gestoppt: {error}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Verifying…</source>
      <translation>Prüfung läuft…</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Version</source>
      <translation>Version</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>Version {version} is in force: patients reading {language} sign it from now on.</source>
      <translation>Version {version} ist in Kraft: Patienten, die {language} lesen, unterschreiben ab jetzt diese.</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>Vo&amp;id photo…</source>
      <translation>Foto st&amp;ornieren…</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>Void a photo</source>
      <translation>Foto stornieren</translation>
    </message>
    <message>
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>Void the chosen draft (started by mistake, or for the wrong patient); you give the reason. Nothing is deleted.</source>
      <translation>Den gewählten Entwurf stornieren (versehentlich oder für den falschen Patienten begonnen); Sie geben den Grund an. Nichts wird gelöscht.</translation>
    </message>
    <message>
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>Void the draft for {name}</source>
      <translation>Entwurf für {name} stornieren</translation>
    </message>
    <message>
      <location filename="../../ui/records/supervisor_actions.py" />
      <source>Void the session</source>
      <translation>Behandlung stornieren</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Waiting for your answer…</source>
      <translation>Wartet auf Ihre Antwort…</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <location filename="../../ui/records/amend_changes.py" />
      <source>What</source>
      <translation>Was</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_filing.py" />
      <source>What happened, what was done, the follow-up arranged, and whether the patient was told</source>
      <translation>Was geschah, was getan wurde, die vereinbarte Nachkontrolle und ob der Patient informiert wurde</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>What the amendment changes</source>
      <translation>Was die Berichtigung ändert</translation>
    </message>
    <message>
      <location filename="../../ui/admin/account_dialogs.py" />
      <source>What the new role may do applies from their next sign-in.</source>
      <translation>Was die neue Rolle darf, gilt ab der nächsten Anmeldung.</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>What the skin showed</source>
      <translation>Was die Haut zeigte</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_check_dialog.py" />
      <source>What was found (needed for a failure or fault)</source>
      <translation>Befund (nötig bei nicht bestandener Prüfung oder Störung)</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <location filename="../../ui/oversight/due_courses_view.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>When</source>
      <translation>Wann</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_form.py" />
      <source>When and where</source>
      <translation>Wann und wo</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>Who</source>
      <translation>Wer</translation>
    </message>
    <message>
      <location filename="../../ui/admin/account_dialogs.py" />
      <location filename="../../ui/admin/retire_dialog.py" />
      <location filename="../../ui/records/photo_compare.py" />
      <source>Why</source>
      <translation>Grund</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>Why the record is corrected, e.g. fluence misread from the device's screen</source>
      <translation>Warum der Eintrag berichtigt wird, z. B. Fluenz vom Gerätedisplay falsch abgelesen</translation>
    </message>
    <message>
      <location filename="../../ui/session/start_field.py" />
      <source>Why the session is logged late</source>
      <translation>Warum die Behandlung nachträglich erfasst wird</translation>
    </message>
    <message>
      <location filename="../../ui/session/consent_dialog.py" />
      <source>Witnessed by {name}: your &amp;password</source>
      <translation>Bezeugt von {name}: Ihr &amp;Passwort</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/review_queue_model.py" />
      <location filename="../../ui/records/history_model.py" />
      <location filename="../../ui/session/signing_dialog.py" />
      <source>Worst reaction</source>
      <translation>Stärkste Reaktion</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>Write a checked backup of the database to a file</source>
      <translation>Eine geprüfte Sicherung der Datenbank in eine Datei schreiben</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>Yes</source>
      <translation>Ja</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>You have %n unfinished session, the most recently saved first. Resume one to carry on with it, or void one started by mistake. Closing this keeps them all.</source>
      <extracomment>English plural: You have %n unfinished sessions, the most recently saved first. Resume one to carry on with it, or void one started by mistake. Closing this keeps them all.</extracomment>
      <translation>
        <numerusform>Sie haben %n offene Behandlung. Setzen Sie sie fort oder stornieren Sie sie, falls sie versehentlich begonnen wurde. Beim Schließen bleibt sie erhalten.</numerusform>
        <numerusform>Sie haben %n offene Behandlungen, die zuletzt gespeicherte zuerst. Setzen Sie eine fort oder stornieren Sie eine versehentlich begonnene. Beim Schließen bleiben alle erhalten.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>You have no unfinished sessions.</source>
      <translation>Sie haben keine offenen Behandlungen.</translation>
    </message>
    <message>
      <location filename="../../ui/session/signing_dialog.py" />
      <source>Your &amp;password signs this session; after signing it changes only by amendment.</source>
      <translation>Ihr &amp;Passwort signiert diese Behandlung; danach ist sie nur noch durch eine Berichtigung änderbar.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>Your password</source>
      <translation>Ihr Passwort</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>Your password signs this amendment; the session then awaits review again.</source>
      <translation>Ihr Passwort signiert diese Berichtigung; die Behandlung wartet danach erneut auf Freigabe.</translation>
    </message>
    <message>
      <location filename="../../ui/session/signing_dialog.py" />
      <source>Your password, to sign</source>
      <translation>Ihr Passwort, zum Signieren</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>Your password, to sign the amendment</source>
      <translation>Ihr Passwort, um die Berichtigung zu signieren</translation>
    </message>
    <message>
      <location filename="../../ui/session/consent_dialog.py" />
      <source>Your password, to witness</source>
      <translation>Ihr Passwort, zur Bezeugung</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>active</source>
      <translation>aktiv</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/photo_thumbnails.py" />
      <source>after</source>
      <comment>photo kind</comment>
      <translation>nachher</translation>
    </message>
    <message>
      <location filename="../../ui/session/session_form.py" />
      <source>aftercare sheet given ({file})</source>
      <translation>Nachsorgeblatt ausgegeben ({file})</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>all sessions</source>
      <translation>alle Behandlungen</translation>
    </message>
    <message>
      <location filename="../../ui/session/anaesthetic_field.py" />
      <source>applied at</source>
      <translation>aufgetragen um</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>area {value}</source>
      <translation>Areal {value}</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>at a time not recorded</source>
      <translation>zu nicht erfasster Zeit</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>at an unrecorded time</source>
      <translation>zu nicht erfasster Zeit</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>awaiting its report, due {time}</source>
      <translation>Bericht ausstehend, fällig am {time}</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>awaiting report</source>
      <translation>Bericht ausstehend</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/photo_thumbnails.py" />
      <source>before</source>
      <comment>photo kind</comment>
      <translation>vorher</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>before {day}</source>
      <translation>vor {day}</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>chart.png</source>
      <translation>diagramm.png</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>date of birth unknown</source>
      <translation>Geburtsdatum unbekannt</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>disabled</source>
      <translation>deaktiviert</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_dialogs.py" />
      <source>e.g. IR handpiece 2, tip 15 mm</source>
      <translation>z. B. IR-Handstück 2, Aufsatz 15 mm</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>e.g. LST-2</source>
      <translation>z. B. LST-2</translation>
    </message>
    <message>
      <location filename="../../ui/records/photo_compare.py" />
      <source>e.g. another patient's photo, taken by mistake</source>
      <translation>z. B. Foto eines anderen Patienten, versehentlich aufgenommen</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>e.g. clinic file number</source>
      <translation>z. B. Aktennummer der Praxis</translation>
    </message>
    <message>
      <location filename="../../ui/admin/account_dialogs.py" />
      <source>e.g. forgot it; locked out</source>
      <translation>z. B. vergessen; ausgesperrt</translation>
    </message>
    <message>
      <location filename="../../ui/admin/account_dialogs.py" />
      <source>e.g. now leads the evening shift</source>
      <translation>z. B. leitet jetzt die Spätschicht</translation>
    </message>
    <message>
      <location filename="../../ui/records/follow_up_dialog.py" />
      <source>e.g. redness receding; pigment change found</source>
      <translation>z. B. Rötung geht zurück; Pigmentveränderung festgestellt</translation>
    </message>
    <message>
      <location filename="../../ui/admin/retire_dialog.py" />
      <source>e.g. sold, worn out, replaced by …</source>
      <translation>z. B. verkauft, verschlissen, ersetzt durch …</translation>
    </message>
    <message>
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>e.g. started for the wrong patient</source>
      <translation>z. B. für den falschen Patienten begonnen</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>every %n day</source>
      <extracomment>English plural: every %n days</extracomment>
      <translation>
        <numerusform>Abstand %n Tag</numerusform>
        <numerusform>Abstand %n Tage</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>every item ticked</source>
      <translation>alle Punkte abgehakt</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>filed</source>
      <translation>eingereicht</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>filed {time} by {name}</source>
      <translation>eingereicht am {time} von {name}</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>from {day}</source>
      <translation>ab {day}</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>given {moment}</source>
      <translation>ausgehändigt am {moment}</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>grade {grade}</source>
      <translation>Grad {grade}</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_filters.py" />
      <source>grade ≥ </source>
      <translation>Grad ≥ </translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>identifier or part of the name</source>
      <translation>Kennung oder Teil des Namens</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>in %n day</source>
      <extracomment>English plural: in %n days</extracomment>
      <translation>
        <numerusform>in %n Tag</numerusform>
        <numerusform>in %n Tagen</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incidents_view.py" />
      <source>incident-{number}.pdf</source>
      <translation>vorfall-{number}.pdf</translation>
    </message>
    <message>
      <location filename="../../ui/session/duration_field.py" />
      <source>minutes, e.g. 45</source>
      <translation>Minuten, z. B. 45</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>never</source>
      <translation>nie</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>no pose</source>
      <translation>keine Ansicht</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>no settings</source>
      <translation>keine Einstellungen</translation>
    </message>
    <message>
      <location filename="../../ui/session/signing_dialog.py" />
      <source>none</source>
      <translation>keine</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>none</source>
      <comment>no anaesthetic</comment>
      <translation>keine</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_form.py" />
      <location filename="../../ui/session/signing_dialog.py" />
      <source>none</source>
      <comment>no device</comment>
      <translation>keines</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <location filename="../../ui/session/signing_dialog.py" />
      <location filename="../../ui/widgets/display.py" />
      <source>none</source>
      <comment>no reaction</comment>
      <translation>keine</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>none</source>
      <comment>no tip fitted</comment>
      <translation>keiner</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>none added</source>
      <translation>keine hinzugefügt</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>none found</source>
      <translation>keine gefunden</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>none recorded</source>
      <translation>nichts erfasst</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <location filename="../../ui/shell/open_drafts_dialog.py" />
      <source>none yet</source>
      <translation>noch keine</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>not assessed</source>
      <translation>nicht bestimmt</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>not recorded</source>
      <translation>nicht erfasst</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>not recorded as given</source>
      <translation>nicht als ausgehändigt erfasst</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>not reviewed: awaiting review again</source>
      <translation>nicht freigegeben: wartet erneut auf Freigabe</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>not since amendment {number}: awaiting review again</source>
      <translation>nicht seit Berichtigung {number}: wartet erneut auf Freigabe</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>not ticked: {items}</source>
      <translation>nicht abgehakt: {items}</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>not treated</source>
      <translation>nicht behandelt</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>not yet</source>
      <translation>noch nicht</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>not yet: awaiting review of the amended session</source>
      <translation>noch nicht: wartet auf Freigabe der berichtigten Behandlung</translation>
    </message>
    <message>
      <location filename="../../ui/session/patch_test_dialog.py" />
      <source>or energy</source>
      <translation>oder Energie</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/session/session_form.py" />
      <source>parameters of %n area filled from the device</source>
      <extracomment>English plural: parameters of %n areas filled from the device</extracomment>
      <translation>
        <numerusform>Parameter von %n Areal vom Gerät übernommen</numerusform>
        <numerusform>Parameter von %n Arealen vom Gerät übernommen</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/records/amend_changes.py" />
      <source>pass {number}: {settings}</source>
      <translation>Durchgang {number}: {settings}</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>passes</source>
      <translation>Durchgänge</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/charts_view.py" />
      <source>patient identifier, then Enter</source>
      <translation>Patientenkennung, dann Eingabetaste</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>patient {value}</source>
      <translation>Patient {value}</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/photo_thumbnails.py" />
      <source>progress</source>
      <comment>photo kind</comment>
      <translation>Zwischenstand</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <source>pulses</source>
      <translation>Pulse</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>reason for the change: {reason}</source>
      <translation>Grund der Änderung: {reason}</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>reviewed {moment} by {user}</source>
      <translation>freigegeben am {moment} von {user}</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>room {value}</source>
      <translation>Raum {value}</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>search {value}</source>
      <translation>Suche {value}</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/trace_plots.py" />
      <source>seconds since the first pulse</source>
      <translation>Sekunden seit dem ersten Puls</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>session ID, from its detail</source>
      <translation>Behandlungs-ID, aus ihrer Detailansicht</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>session.pdf</source>
      <translation>behandlung.pdf</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>sessions.csv</source>
      <translation>behandlungen.csv</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>sessions.json</source>
      <translation>behandlungen.json</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>status {value}</source>
      <translation>Status {value}</translation>
    </message>
    <message>
      <location filename="../../ui/records/history_view.py" />
      <source>summary.pdf</source>
      <translation>zeitraum.pdf</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>temporary password</source>
      <translation>vorläufiges Passwort</translation>
    </message>
    <message>
      <location filename="../../ui/admin/backups_panel.py" />
      <source>the audit chain is broken at sequence number {number}</source>
      <translation>der Prüfpfad ist bei Laufnummer {number} unterbrochen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/restore_dialog.py" />
      <source>the backup file</source>
      <translation>die Sicherungsdatei</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/admin/backups_panel.py" />
      <source>the {n} audit event chains correctly</source>
      <extracomment>English plural: all {n} audit events chain correctly</extracomment>
      <translation>
        <numerusform>der {n} Prüfpfad-Eintrag ist korrekt verkettet</numerusform>
        <numerusform>alle {n} Prüfpfad-Einträge sind korrekt verkettet</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/oversight/audit_viewer.py" />
      <source>to</source>
      <translation>bis</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>today</source>
      <translation>heute</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>type ?</source>
      <translation>Typ ?</translation>
    </message>
    <message>
      <location filename="../../ui/session/patient_picker.py" />
      <source>type {numeral}</source>
      <translation>Typ {numeral}</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/photo_thumbnails.py" />
      <source>voided: {reason}</source>
      <translation>storniert: {reason}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>waiting until {time}</source>
      <translation>gesperrt bis {time}</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/chart_drawing.py" />
      <source>with a reaction</source>
      <translation>mit Reaktion</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <location filename="../../ui/records/session_detail.py" />
      <source>{agent}, applied {moment}</source>
      <translation>{agent}, aufgetragen {moment}</translation>
    </message>
    <message>
      <location filename="../../ui/session/area_parameters.py" />
      <source>{area} (device)</source>
      <translation>{area} (Gerät)</translation>
    </message>
    <message>
      <location filename="../../ui/session/body_map.py" />
      <source>{area} (ticked)</source>
      <translation>{area} (angehakt)</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>{area} already has the default poses.</source>
      <translation>{area} hat bereits die Standardansichten.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>{area} has the default poses again: {poses}.</source>
      <translation>{area} hat wieder die Standardansichten: {poses}.</translation>
    </message>
    <message>
      <location filename="../../ui/session/body_map.py" />
      <source>{area} – treated before</source>
      <translation>{area} – bereits behandelt</translation>
    </message>
    <message>
      <location filename="../../ui/session/body_map.py" />
      <source>{area} – treated before, course session {progress}</source>
      <translation>{area} – bereits behandelt, Behandlung {progress} der Serie</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/session/course_panel.py" />
      <source>{area}: first session; completing it starts a course of {sessions}, every %n day</source>
      <extracomment>English plural: {area}: first session; completing it starts a course of {sessions}, every %n days</extracomment>
      <translation>
        <numerusform>{area}: erste Behandlung einer Serie von {sessions}, alle %n Tag</numerusform>
        <numerusform>{area}: erste Behandlung einer Serie von {sessions}, alle %n Tage</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/admin/photo_poses_panel.py" />
      <source>{area}: photos are taken as {poses} or {other} from now on.</source>
      <translation>{area}: Fotos werden ab jetzt als {poses} oder {other} aufgenommen.</translation>
    </message>
    <message>
      <location filename="../../ui/session/area_parameters.py" />
      <source>{area}: reason for the change in settings</source>
      <translation>{area}: Grund für die geänderten Einstellungen</translation>
    </message>
    <message>
      <location filename="../../ui/session/signing_dialog.py" />
      <source>{area}: settings changed because {reason}</source>
      <translation>{area}: Einstellungen geändert, Grund: {reason}</translation>
    </message>
    <message>
      <location filename="../../ui/session/area_parameters.py" />
      <source>{area}: {problems}</source>
      <translation>{area} – {problems}</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/photo_thumbnails.py" />
      <source>{caption}, {width} × {height}, added by {user}</source>
      <translation>{caption}, {width} × {height}, hinzugefügt von {user}</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/photo_thumbnails.py" />
      <source>{caption}, {width} × {height}, added by {user}; voided: {reason}</source>
      <translation>{caption}, {width} × {height}, hinzugefügt von {user}; storniert: {reason}</translation>
    </message>
    <message>
      <location filename="../../ui/session/area_parameters.py" />
      <source>{change}, beyond the {limit}% limit: give the reason</source>
      <translation>{change}, über der Grenze von {limit} %: bitte Grund angeben</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>{contraindication} (treated because {reason})</source>
      <translation>{contraindication} (behandelt, Grund: {reason})</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>{contraindication}: treated because {reason}</source>
      <translation>{contraindication}: behandelt, Grund: {reason}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/patch_rules_panel.py" />
      <source>{day} by {name}</source>
      <translation>{day} von {name}</translation>
    </message>
    <message>
      <location filename="../../ui/session/start_field.py" />
      <source>{day} {time}</source>
      <comment>a day and a time of day</comment>
      <translation>{day} {time}</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/photo_view.py" />
      <source>{day} · {caption} · {width} × {height} px, added by {user}</source>
      <translation>{day} · {caption} · {width} × {height} px, hinzugefügt von {user}</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/photo_view.py" />
      <source>{day} · {caption} · {width} × {height} px, added by {user} · VOIDED: {reason}</source>
      <translation>{day} · {caption} · {width} × {height} px, hinzugefügt von {user} · STORNIERT: {reason}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>{device} is retired; it is kept as it was.</source>
      <translation>{device} ist stillgelegt; es bleibt, wie es war.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>{device} will no longer be offered for new sessions. It stays in the register and in every session logged with it.</source>
      <translation>{device} wird für neue Behandlungen nicht mehr angeboten. Es bleibt im Geräteverzeichnis und in jeder damit erfassten Behandlung.</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/records/session_detail.py" />
      <source>{file} – {moment} by {user}, profile {profile}, device session {session}: %n pulse ({flagged} flagged for review); SHA-256 {sha256}</source>
      <extracomment>English plural: {file} – {moment} by {user}, profile {profile}, device session {session}: %n pulses ({flagged} flagged for review); SHA-256 {sha256}</extracomment>
      <translation>
        <numerusform>{file} – {moment} von {user}, Importprofil {profile}, Gerätesitzung {session}: %n Puls ({flagged} zur Prüfung markiert); SHA-256 {sha256}</numerusform>
        <numerusform>{file} – {moment} von {user}, Importprofil {profile}, Gerätesitzung {session}: %n Pulse ({flagged} zur Prüfung markiert); SHA-256 {sha256}</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/records/pdf_reports.py" />
      <source>{filters}; %n session.</source>
      <extracomment>English plural: {filters}; %n sessions.</extracomment>
      <translation>
        <numerusform>{filters}; %n Behandlung.</numerusform>
        <numerusform>{filters}; %n Behandlungen.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/session/signing_dialog.py" />
      <source>{finding}: treated because {reason}</source>
      <translation>{finding}: behandelt, Grund: {reason}</translation>
    </message>
    <message>
      <location filename="../../ui/session/screening_panel.py" />
      <source>{finding}: why treatment goes ahead</source>
      <translation>{finding}: warum trotzdem behandelt wird</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_form.py" />
      <source>{item}: as recorded with the session</source>
      <translation>{item}: wie mit der Behandlung erfasst</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <location filename="../../ui/session/signing_dialog.py" />
      <location filename="../../ui/widgets/display.py" />
      <source>{minutes} min</source>
      <translation>{minutes} min</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>{moment} by {user}</source>
      <translation>{moment} von {user}</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>{moment} by {user}: {reason}</source>
      <translation>{moment} von {user}: {reason}</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/file_dialogs.py" />
      <source>{name} cannot be shown: {problem}</source>
      <translation>{name} kann nicht angezeigt werden: {problem}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>{name} is retired; add it again under another name.</source>
      <translation>{name} ist stillgelegt; fügen Sie es unter einem anderen Namen erneut hinzu.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>{name} is shipped with LaserLog; only the clinic's own profiles can be replaced.</source>
      <translation>{name} wird mit LaserLog ausgeliefert; nur eigene Profile der Praxis können ersetzt werden.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>{name} is shipped with LaserLog; only the clinic's own profiles can be retired.</source>
      <translation>{name} wird mit LaserLog ausgeliefert; nur eigene Profile der Praxis können stillgelegt werden.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/profiles_panel.py" />
      <source>{name} will no longer be offered when a file is imported. Sessions imported with it keep what was imported; it stays listed.</source>
      <translation>{name} wird beim Import einer Datei nicht mehr angeboten. Damit importierte Behandlungen behalten, was importiert wurde; es bleibt in der Liste.</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/chart_drawing.py" />
      <source>{note} on {day}</source>
      <translation>{note} am {day}</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/due_courses_view.py" />
      <source>{number} of {planned}</source>
      <translation>{number} von {planned}</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/admin/backups_panel.py" />
      <source>{n} signed before LaserLog kept their digests</source>
      <extracomment>English plural: {n} signed before LaserLog kept their digests</extracomment>
      <translation>
        <numerusform>{n} davon signiert, bevor LaserLog Prüfsummen speicherte</numerusform>
        <numerusform>{n} davon signiert, bevor LaserLog Prüfsummen speicherte</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/admin/backups_panel.py" />
      <source>{n} signed session is as it was signed</source>
      <extracomment>English plural: {n} signed sessions are as they were signed</extracomment>
      <translation>
        <numerusform>{n} signierte Behandlung ist unverändert seit der Signatur</numerusform>
        <numerusform>{n} signierte Behandlungen sind unverändert seit der Signatur</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_dialog.py" />
      <source>{patient} ({identifier}), session of {moment}</source>
      <translation>{patient} ({identifier}), Behandlung vom {moment}</translation>
    </message>
    <message>
      <location filename="../../ui/session/draft_form.py" />
      <source>{patient}, started {moment}</source>
      <translation>{patient}, Beginn {moment}</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_filing.py" />
      <source>{patient}: {reaction}, grade {grade}</source>
      <translation>{patient}: {reaction}, Grad {grade}</translation>
    </message>
    <message>
      <location filename="../../ui/records/follow_up_dialog.py" />
      <source>{pattern}, when it has resolved</source>
      <translation>{pattern}, wenn abgeklungen</translation>
    </message>
    <message>
      <location filename="../../ui/admin/tips_panel.py" />
      <source>{pulses} of {rated}</source>
      <translation>{pulses} von {rated}</translation>
    </message>
    <message>
      <location filename="../../ui/session/reactions_editor.py" />
      <source>{reaction} grade</source>
      <translation>{reaction}: Grad</translation>
    </message>
    <message>
      <location filename="../../ui/session/reactions_editor.py" />
      <source>{reaction} note</source>
      <translation>{reaction}: Notiz</translation>
    </message>
    <message>
      <location filename="../../ui/widgets/display.py" />
      <source>{reaction} {grade}</source>
      <translation>{reaction} {grade}</translation>
    </message>
    <message>
      <location filename="../../ui/oversight/incident_report.py" />
      <location filename="../../ui/session/signing_dialog.py" />
      <source>{reaction}, grade {grade}</source>
      <translation>{reaction}, Grad {grade}</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>{reaction}, grade {grade} ({onset})</source>
      <translation>{reaction}, Grad {grade} ({onset})</translation>
    </message>
    <message>
      <location filename="../../ui/records/session_detail.py" />
      <source>{reaction}, grade {grade} ({onset}): {note}</source>
      <translation>{reaction}, Grad {grade} ({onset}): {note}</translation>
    </message>
    <message>
      <location filename="../../ui/session/signing_dialog.py" />
      <source>{reaction}: an incident report falls due when this is signed</source>
      <translation>{reaction}: Mit dem Signieren wird ein Vorfallbericht fällig</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>{rows} pulse records read, %n session found with profile {profile}; {flagged} pulses flagged for review.</source>
      <extracomment>English plural: {rows} pulse records read, %n sessions found with profile {profile}; {flagged} pulses flagged for review.</extracomment>
      <translation>
        <numerusform>{rows} Pulsdatensätze gelesen, %n Behandlung mit Profil {profile} gefunden; {flagged} Pulse zur Prüfung markiert.</numerusform>
        <numerusform>{rows} Pulsdatensätze gelesen, %n Behandlungen mit Profil {profile} gefunden; {flagged} Pulse zur Prüfung markiert.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/widgets/file_dialogs.py" />
      <source>{suffix} file</source>
      <translation>{suffix}-Datei</translation>
    </message>
    <message>
      <location filename="../../ui/session/duration_field.py" />
      <source>{time} running</source>
      <translation>{time} läuft</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/admin/tips_panel.py" />
      <source>{tip} comes off {device}, which then has no tip fitted until one is. Its {pulses} pulse stays on record.</source>
      <extracomment>English plural: {tip} comes off {device}, which then has no tip fitted until one is. Its {pulses} pulses stay on record.</extracomment>
      <translation>
        <numerusform>{tip} wird von {device} abgenommen, das dann keinen Aufsatz hat, bis einer eingesetzt wird. Sein {pulses} Puls bleibt verzeichnet.</numerusform>
        <numerusform>{tip} wird von {device} abgenommen, das dann keinen Aufsatz hat, bis einer eingesetzt wird. Seine {pulses} Pulse bleiben verzeichnet.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/admin/tips_panel.py" />
      <source>{tip} is no longer fitted (replaced {day}).</source>
      <translation>{tip} ist nicht mehr eingesetzt (ersetzt am {day}).</translation>
    </message>
    <message>
      <location filename="../../ui/admin/tips_panel.py" />
      <source>{tip} is no longer fitted (retired {day}).</source>
      <translation>{tip} ist nicht mehr eingesetzt (stillgelegt am {day}).</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/device_check_dialog.py" />
      <source>{tip}: {pulses} of {rated} rated pulses, fitted {fitted}</source>
      <translation>{tip}: {pulses} von {rated} Nennpulsen, eingesetzt am {fitted}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/consent_forms_panel.py" />
      <source>{title} (version {version})</source>
      <translation>{title} (Version {version})</translation>
    </message>
    <message>
      <location filename="../../ui/records/pdf_reports.py" />
      <source>{title}, version {version}: signed by {name} on {moment}, witnessed by {witness}.</source>
      <translation>{title}, Version {version}: unterschrieben von {name} am {moment}, bezeugt von {witness}.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>{username} is now a supervisor; the new role applies from their next sign-in.</source>
      <translation>{username} ist jetzt Supervisor; die neue Rolle gilt ab der nächsten Anmeldung.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>{username} is now a technician; the new role applies from their next sign-in.</source>
      <translation>{username} ist jetzt Techniker; die neue Rolle gilt ab der nächsten Anmeldung.</translation>
    </message>
    <message>
      <location filename="../../ui/admin/staff_panel.py" />
      <source>{username} is now an administrator; the new role applies from their next sign-in.</source>
      <translation>{username} ist jetzt Administrator; die neue Rolle gilt ab der nächsten Anmeldung.</translation>
    </message>
    <message>
      <location filename="../../ui/records/amend_changes.py" />
      <source>{version}, signed {day}</source>
      <translation>{version}, unterschrieben am {day}</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>{when} FAILED ({by})</source>
      <translation>{when} NICHT BESTANDEN ({by})</translation>
    </message>
    <message>
      <location filename="../../ui/admin/devices_panel.py" />
      <source>{when} passed ({by})</source>
      <translation>{when} bestanden ({by})</translation>
    </message>
    <message>
      <location filename="../../ui/equipment/import_dialog.py" />
      <source>… and {count} more</source>
      <translation>… und {count} weitere</translation>
    </message>
  </context>
</TS>
