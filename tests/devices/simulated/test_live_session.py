"""A connected simulated device: pulses as they happen, stored into the draft at once."""

import math

import pytest
from sqlalchemy import func, select

from devices.importing.traces import TraceBuffer
from devices.simulated.live_session import LiveRecording, Playback, planned_areas
from devices.simulated.treatment_device import SimulatedDevice
from models.errors import LaserLogError, NotAllowed
from models.reading import history
from models.records.audit_events import AuditEvent
from models.records.imports import TRACE_CHUNK, PulseTrace
from models.workflow import import_recording, session_logging
from tests.devices.conftest import SERIAL, floats


def test_a_trace_buffer_pads_missing_channels_and_splits_into_chunks():
    buffer = TraceBuffer()
    buffer.append(0.0, [("skin_temperature_c", None)])
    for n in range(1, TRACE_CHUNK + 2):
        buffer.append(float(n), [("skin_temperature_c", 30.0 + n % 7)])
    chunks = buffer.take()
    assert [(c.channel, c.chunk, c.count) for c in chunks] == [
        ("time_s", 0, TRACE_CHUNK), ("skin_temperature_c", 0, TRACE_CHUNK),
        ("time_s", 1, 2), ("skin_temperature_c", 1, 2)]
    skin = floats(chunks[1].data)
    assert math.isnan(skin[0]) and skin[1] == 31.0
    assert len(buffer) == 0
    buffer.append(5.0, [])
    assert buffer.take()[0].chunk == 2  # numbering goes on after a take


def test_playback_hands_out_each_pulse_once_when_its_time_comes():
    device = SimulatedDevice("laser", seed=4)
    areas = planned_areas(device, ["cheeks", "neck"], fitzpatrick=4)
    replay = SimulatedDevice("laser", seed=4)
    expected = list(replay.pulses(planned_areas(replay, ["cheeks", "neck"], 4)))
    playback = Playback(device, areas)
    assert playback.total == len(expected) and playback.due(-1) == []
    given = []
    clock = 0.0
    while not playback.finished:
        clock += 7.5
        batch = playback.due(clock)
        assert all(p.offset_s <= clock for p in batch)
        given += batch
    assert given == expected


def test_a_recording_counts_pulses_by_area_and_pass_and_flags_strays():
    device = SimulatedDevice("rf", seed=9)
    areas = planned_areas(device, ["jawline", "abdomen"], fitzpatrick=2)
    recording = LiveRecording("rf", areas)
    pulses = list(device.pulses(areas))
    flagged = [recording.add(p) for p in pulses]
    assert recording.pulses == len(pulses) == sum(a.pulses for a in areas)
    for planned, got in zip(areas, recording.areas(), strict=True):
        assert got.area == planned.area and got.settings == planned.settings
        assert got.pulses == planned.pulses and got.passes == planned.passes
        assert got.source == "simulated"
    assert recording.flagged == sum(flagged)
    wanted = {a.area: a.settings["energy_j"] for a in areas}
    assert flagged == [abs(p.delivered / wanted[p.area] - 1) > 0.2 or p.skin_temperature_c > 45
                       for p in pulses]
    assert recording.series("delivered_energy_j").tolist() == pytest.approx(
        [p.delivered for p in pulses], rel=1e-6)


def test_stopping_early_keeps_only_the_areas_that_had_pulses():
    device = SimulatedDevice("ipl", seed=2)
    areas = planned_areas(device, ["forehead", "hands"], fitzpatrick=3)
    recording = LiveRecording("ipl", areas)
    playback = Playback(device, areas)
    for pulse in playback.due(10.0):
        recording.add(pulse)
    (only,) = recording.areas()
    assert only.area == "forehead" and 0 < only.pulses < areas[0].pulses


@pytest.fixture
def draft(database, technician, clinic):
    with database.read() as db:
        patient = import_recording.patient_by_identifier(db, "P-100")
        device = import_recording.device_by_serial(db, SERIAL)
    with database.write() as db:
        detail = session_logging.start_draft(db, technician, patient.id)
    return detail.summary.id, device.id


def record(database, actor, session_id, device_id, recording):
    with database.write() as db:
        return import_recording.record_device_pulses(
            db, actor, session_id, device_id, device_session="live", areas=recording.areas(),
            duration_s=recording.duration_s, pulses=recording.pulses,
            flagged=recording.flagged, traces=recording.chunks())


def test_the_pulses_of_a_connected_device_fill_the_draft_with_their_traces(
        database, technician, clinic, draft):
    session_id, device_id = draft
    device = SimulatedDevice(clinic.kind, seed=1)
    areas = planned_areas(device, ["cheeks"], fitzpatrick=2)
    recording = LiveRecording(clinic.kind, areas)
    pulses = list(device.pulses(areas))
    for pulse in pulses:
        recording.add(pulse)

    detail = record(database, technician, session_id, device_id, recording)

    (area,) = detail.areas
    assert area.source == "simulated" and area.pulses == len(pulses)
    assert area.settings["energy_j"] == areas[0].settings["energy_j"]
    assert detail.device.serial == SERIAL and detail.imports == ()
    with database.read() as db:
        traces = import_recording.load_traces(db, session_id)
        actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert floats(traces["time_s"]) == pytest.approx([p.offset_s for p in pulses], rel=1e-6)
    assert floats(traces["impedance_ohm"]) == pytest.approx(
        [p.impedance_ohm for p in pulses], rel=1e-6)
    assert actions[-1] == "session.device_pulses"


def test_a_second_recording_or_an_empty_one_is_refused_and_writes_nothing(
        database, technician, clinic, draft):
    session_id, device_id = draft
    device = SimulatedDevice(clinic.kind, seed=1)
    areas = planned_areas(device, ["neck"], fitzpatrick=2)
    with pytest.raises(LaserLogError, match="no pulses"):
        record(database, technician, session_id, device_id, LiveRecording(clinic.kind, areas))
    recording = LiveRecording(clinic.kind, areas)
    for pulse in device.pulses(areas):
        recording.add(pulse)
    record(database, technician, session_id, device_id, recording)
    with database.read() as db:
        before = db.scalar(select(func.count()).select_from(PulseTrace))
    with pytest.raises(NotAllowed, match="already holds"):
        record(database, technician, session_id, device_id, recording)
    with database.read() as db:
        assert db.scalar(select(func.count()).select_from(PulseTrace)) == before


def test_only_the_drafts_own_technician_can_record_into_it(database, admin, clinic, draft):
    session_id, device_id = draft
    device = SimulatedDevice(clinic.kind, seed=1)
    areas = planned_areas(device, ["neck"], fitzpatrick=2)
    recording = LiveRecording(clinic.kind, areas)
    for pulse in device.pulses(areas):
        recording.add(pulse)
    with pytest.raises(NotAllowed, match="Only the technician"):
        record(database, admin, session_id, device_id, recording)
    with database.read() as db:
        assert history.load_session(db, session_id).areas == ()


def test_demo_sessions_carry_the_pulses_the_simulated_device_delivered(database):
    from devices.simulated.demo_clinic import build_demo

    build_demo(database, sessions=4, seed=8)
    with database.read() as db:
        ids = db.scalars(select(PulseTrace.session_id).distinct()).all()
        assert len(ids) == 4
        for session_id in ids:
            detail = history.load_session(db, session_id)
            traces = import_recording.load_traces(db, session_id)
            assert {a.source for a in detail.areas} == {"simulated"}
            assert len(traces["time_s"]) // 4 == sum(a.pulses for a in detail.areas)
            assert detail.summary.duration_s >= max(floats(traces["time_s"]))
