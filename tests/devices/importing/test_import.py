"""A simulated export file imported back: the same sessions, settings and pulses, exactly."""

from array import array

import pytest

from devices.importing.contract import ImportFailed
from devices.importing.importer import import_file
from models.reading import history
from models.workflow import import_recording
from tests.devices.conftest import floats, simulate, table_counts


@pytest.mark.parametrize("file_format", ["csv", "json", "xml"])
def test_an_export_file_reads_back_exactly(database, technician, clinic, tmp_path,
                                           file_format):
    path, plan, pulses = simulate(tmp_path, file_format)
    result = import_file(database, technician, path)

    assert result.profile == f"simulated-{file_format}" and not result.problems
    assert result.rows == sum(len(p) for p in pulses)
    assert result.flagged_pulses == sum(s.flagged_pulses for s in result.sessions)
    for planned, logged, imported in zip(plan, pulses, result.sessions, strict=True):
        assert imported.device_session == planned.reference
        with database.read() as db:
            detail = history.load_session(db, imported.session_uuid)
            traces = import_recording.load_traces(db, detail.summary.id)
        assert detail.summary.status == "draft" and detail.patient.identifier == planned.patient
        assert detail.device.serial == "SIM-T-1"
        assert detail.summary.started_at == planned.started_at
        by_area = {a.area: a for a in detail.areas}
        assert set(by_area) == {a.area for a in planned.areas}
        for area in planned.areas:
            row = by_area[area.area]
            assert row.source == "import" and row.pulses == area.pulses
            assert row.passes == area.passes
            for number, settings in row.per_pass:
                for key, value in area.settings.items():
                    assert settings[key] == pytest.approx(value, rel=1e-9), (number, key)
        expected = {
            "delivered_energy_j": [p.delivered for p in logged],
            "skin_temperature_c": [p.skin_temperature_c for p in logged],
            "impedance_ohm": [p.impedance_ohm for p in logged],
            "time_s": [p.offset_s for p in logged],
        }
        for channel, values in expected.items():
            assert floats(traces[channel]) == pytest.approx(array("f", values).tolist(),
                                                            rel=1e-6)
        (batch,) = detail.imports
        assert batch.file_name == path.name and batch.user == "Tess Tech"
        assert batch.pulses == len(logged)


def test_the_same_file_twice_is_refused_naming_the_first_import(database, technician, clinic,
                                                                tmp_path):
    path, _, _ = simulate(tmp_path, "csv")
    import_file(database, technician, path)
    before = table_counts(database)
    renamed = path.rename(tmp_path / "copy-of-export.csv")
    already = r"already imported on .* by Tess Tech"
    with pytest.raises(import_recording.AlreadyImported, match=already):
        import_file(database, technician, renamed)
    assert table_counts(database) == before


def test_a_dry_run_checks_everything_and_writes_nothing(database, technician, clinic, tmp_path):
    path, plan, _ = simulate(tmp_path, "json")
    before = table_counts(database)
    result = import_file(database, technician, path, dry_run=True)
    assert result.dry_run and len(result.sessions) == len(plan) and not result.problems
    assert table_counts(database) == before


def test_an_import_fills_the_technicians_own_draft(database, technician, clinic, tmp_path):
    from models.values.session_input import AreaInput, SessionInput
    from models.workflow import session_logging

    path, plan, _ = simulate(tmp_path, "xml", sessions=1)
    with database.read() as db:
        patient = import_recording.patient_by_identifier(db, plan[0].patient)
    typed = SessionInput(areas=(AreaInput("hands", {"fluence_j_cm2": 10.0}),))
    with database.write() as db:
        draft = session_logging.start_draft(db, technician, patient.id, typed)
    result = import_file(database, technician, path, session_uuid=draft.summary.uuid)
    assert result.sessions[0].session_uuid == draft.summary.uuid
    with database.read() as db:
        detail = history.load_session(db, draft.summary.id)
    sources = {a.area: a.source for a in detail.areas}
    assert sources.pop("hands", "manual") == "manual"  # typed areas the file lacks are kept
    assert set(sources.values()) == {"import"}
    assert detail.device.serial == "SIM-T-1"


def test_a_file_from_another_device_than_the_sessions_is_refused(
        database, technician, admin, clinic, tmp_path):
    from models.clinic import device_register
    from models.values.session_input import SessionInput
    from models.workflow import session_logging

    path, plan, _ = simulate(tmp_path, "csv", sessions=1)
    with database.write() as db:
        other = device_register.add_device(db, admin, make="Other", model="X", serial="OTHER-9",
                                           kind="laser")
        patient = import_recording.patient_by_identifier(db, plan[0].patient)
        draft = session_logging.start_draft(db, technician, patient.id,
                                            SessionInput(device_id=other.id))
    before = table_counts(database)
    with pytest.raises(ImportFailed, match=r"from device SIM-T-1.*logged with device OTHER-9"):
        import_file(database, technician, path, session_uuid=draft.summary.uuid)
    assert table_counts(database) == before


def test_the_import_benchmark_imports_its_own_file():
    from ui.bench.import_bench import peak_rss_importing

    assert peak_rss_importing(2_000) > 0  # raises if the benchmark's import is refused


def open_draft(database, technician, identifier, started_at):
    from models.values.session_input import SessionInput
    from models.workflow import session_logging

    with database.write() as db:
        patient = import_recording.patient_by_identifier(db, identifier)
        return session_logging.start_draft(db, technician, patient.id,
                                           SessionInput(started_at=started_at))


def test_an_import_fills_the_draft_the_technician_opened_that_day(database, technician,
                                                                  clinic, tmp_path):
    path, plan, _ = simulate(tmp_path, "csv", sessions=1)
    draft = open_draft(database, technician, plan[0].patient,
                       plan[0].started_at.replace(hour=8))
    before = table_counts(database)
    result = import_file(database, technician, path)  # no session chosen
    assert result.sessions[0].session_uuid == draft.summary.uuid
    assert table_counts(database)["TreatmentSession"] == before["TreatmentSession"]
    with database.read() as db:
        detail = history.load_session(db, draft.summary.id)
    assert {a.source for a in detail.areas} == {"import"}
    assert detail.device.serial == "SIM-T-1"


def test_a_draft_of_another_day_or_already_filled_gets_a_session_of_its_own(
        database, technician, clinic, tmp_path):
    from datetime import timedelta

    path, plan, _ = simulate(tmp_path, "csv", sessions=1)
    draft = open_draft(database, technician, plan[0].patient,
                       plan[0].started_at - timedelta(days=3))
    result = import_file(database, technician, path)
    assert result.sessions[0].session_uuid != draft.summary.uuid
    imported = result.sessions[0].session_uuid
    with database.write() as db:  # two device sessions of that patient that day, in one file
        patient = import_recording.patient_by_identifier(db, plan[0].patient)
        device = import_recording.device_by_serial(db, "SIM-T-1")
        first = import_recording.new_session(db, technician, patient, device,
                                             plan[0].started_at, "R1")
        second = import_recording.new_session(db, technician, patient, device,
                                              plan[0].started_at, "R1", {first})
        assert import_recording.session_uuid(db, first) == imported  # that day's open draft
    assert second != first
