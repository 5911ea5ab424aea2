"""Arbitrary bytes and mutated valid files: a reader only ever raises its own clear error."""

import resource
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.importing.contract import ImportFailed
from devices.importing.export_file import FileAdapter
from devices.importing.profiles import builtin_profiles
from tests.devices.conftest import simulate

PROFILES = builtin_profiles()
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def read_all(path: Path, profile_name: str) -> None:
    """Read every pulse; only ImportFailed may come out, quickly and without memory growth."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    adapter = FileAdapter(path, PROFILES[profile_name])
    try:
        for _ in adapter.readings():
            pass
    except ImportFailed as failure:
        assert failure.problems and all(p.message for p in failure.problems)
    assert all(isinstance(p.message, str) and p.message for p in adapter.problems)
    assert time.perf_counter() - started < 20
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024


@pytest.mark.parametrize("profile_name", sorted(PROFILES))
@FUZZ
@given(data=st.binary(max_size=4096))
def test_arbitrary_bytes(tmp_path_factory, profile_name, data):
    path = tmp_path_factory.mktemp("fuzz") / "export"
    path.write_bytes(data)
    read_all(path, profile_name)


@pytest.fixture(scope="module", params=["csv", "json", "xml"])
def valid_export(request, tmp_path_factory):
    path, _, _ = simulate(tmp_path_factory.mktemp("valid"), request.param, sessions=1,
                          pulses=40)
    return request.param, path.read_bytes()


@FUZZ
@given(data=st.data())
def test_mutated_valid_files(tmp_path_factory, valid_export, data):
    file_format, original = valid_export
    content = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        action = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = data.draw(st.integers(0, max(0, len(content) - 1)))
        if action == "flip" and content:
            content[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del content[at:]
        elif action == "insert":
            content[at:at] = data.draw(st.binary(min_size=1, max_size=16))
        elif content:
            del content[at:at + data.draw(st.integers(1, 64))]
    path = tmp_path_factory.mktemp("mutated") / f"export.{file_format}"
    path.write_bytes(bytes(content))
    read_all(path, f"simulated-{file_format}")
