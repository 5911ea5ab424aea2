"""Adapters only read: nothing is opened for writing and nothing is sent anywhere."""

import builtins
import io
import os
import socket

import pytest

from devices.importing.export_file import FileAdapter, detect_profile
from devices.manual import area_from_form
from tests.devices.conftest import simulate

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


@pytest.fixture
def reads_only(monkeypatch):
    """Call it to forbid writing and sockets from then on; it returns the files opened."""
    opened: list[str] = []

    def guard(real):
        def wrapper(file, mode="r", *args, **kwargs):
            if any(flag in str(mode) for flag in "wax+"):
                raise AssertionError(f"an adapter opened {file} with mode {mode!r}")
            opened.append(str(file))
            return real(file, mode, *args, **kwargs)
        return wrapper

    def no_os_write(path, flags, *args, **kwargs):
        raise AssertionError(f"an adapter called os.open({path}, {flags})")

    def no_network(*args, **kwargs):
        raise AssertionError("an adapter opened a socket")

    def start() -> list[str]:
        monkeypatch.setattr(builtins, "open", guard(builtins.open))
        monkeypatch.setattr(io, "open", guard(io.open))
        real_os_open = os.open
        monkeypatch.setattr(os, "open", lambda path, flags, *a, **k: (
            no_os_write(path, flags) if flags & WRITE_FLAGS
            else real_os_open(path, flags, *a, **k)))
        monkeypatch.setattr(socket, "socket", no_network)
        monkeypatch.setattr(socket, "create_connection", no_network)
        return opened

    return start


@pytest.mark.parametrize("file_format", ["csv", "json", "xml"])
def test_file_adapters_open_their_file_for_reading_only(tmp_path, reads_only, file_format):
    path = simulate(tmp_path, file_format)[0]
    opened = reads_only()
    adapter = FileAdapter(path, detect_profile(path))
    assert sum(1 for _ in adapter.readings()) > 0
    assert str(path) in opened
    assert all(name == str(path) or name.endswith(".toml") for name in opened)  # + profiles


def test_the_guard_catches_a_write(tmp_path, reads_only):
    reads_only()
    with pytest.raises(AssertionError, match="opened"):
        open(tmp_path / "x", "w")  # noqa: SIM115 - the guard must refuse before any handle


def test_manual_entry_reads_typed_text_into_canonical_values(reads_only):
    opened = reads_only()
    entry, problems = area_from_form("neck", {"fluence_j_cm2": "32,5", "pulses": "300"})
    assert entry.settings["fluence_j_cm2"] == 32.5 and entry.pulses == 300 and not problems
    assert opened == []
