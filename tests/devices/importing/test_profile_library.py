"""Profiles a clinic adds for its own device models: checked, stored for every PC, used to
detect files, retired but never deleted; only administrators manage them."""

import pytest
from sqlalchemy import func, select

from devices.importing.importer import import_file
from devices.importing.profile_library import add_profile, clinic_profiles, resolve_profile
from devices.importing.profiles import ProfileError
from models.access.permissions import Refused
from models.clinic import stored_profiles
from models.errors import LaserLogError, ValidationFailed
from models.records.clinic_config import StoredProfile
from tests.devices.conftest import SERIAL
from tests.test_cli import laserlog

CLINIC_PROFILE = """
title = "Glowtek G2, CSV export"
format = "csv"
delimiter = ","
decimal = "."
date_format = "%d/%m/%Y %H:%M:%S"
timezone = "UTC"

[detect]
columns = ["G2 session", "G2 serial"]

[fields]
session = "G2 session"
serial = "G2 serial"
patient = "Client"
time = "When"
area = "Zone"
energy_j = { column = "Energy", unit = "kJ" }
"""

FILE = ("G2 session,G2 serial,Client,When,Zone,Energy\n"
        f"G-1,{SERIAL},P-100,02/02/2026 09:00:00,Neck,0.09\n"
        f"G-1,{SERIAL},P-100,02/02/2026 09:00:02,Neck,0.091\n")


@pytest.fixture
def profile_file(tmp_path):
    path = tmp_path / "glowtek-g2.toml"
    path.write_text(CLINIC_PROFILE, encoding="utf-8")
    return path


def stored_count(database):
    with database.read() as db:
        return db.scalar(select(func.count()).select_from(StoredProfile))


def test_an_added_profile_detects_and_imports_its_devices_files(database, admin, technician,
                                                                clinic, profile_file,
                                                                tmp_path):
    add_profile(database, admin, profile_file)
    export = tmp_path / "g2.csv"
    export.write_text(FILE, encoding="utf-8")
    result = import_file(database, technician, export)
    assert result.profile == "glowtek-g2" and result.rows == 2
    with database.read() as db:
        assert "glowtek-g2" in clinic_profiles(db)
    assert resolve_profile(database, "glowtek-g2").title == "Glowtek G2, CSV export"


def test_only_administrators_add_profiles_and_bad_ones_are_not_stored(
        database, admin, technician, profile_file, tmp_path):
    with pytest.raises(Refused, match="A technician may not manage import profiles"):
        add_profile(database, technician, profile_file)
    broken = tmp_path / "broken.toml"
    broken.write_text(CLINIC_PROFILE.replace('unit = "kJ"', 'unit = "furlongs"'),
                      encoding="utf-8")
    with pytest.raises(ProfileError, match=r"'broken', key 'fields\.energy_j\.unit'"):
        add_profile(database, admin, broken)
    shipped = tmp_path / "generic-csv.toml"
    shipped.write_text(CLINIC_PROFILE, encoding="utf-8")
    with pytest.raises(LaserLogError, match="name of a shipped profile"):
        add_profile(database, admin, shipped)
    assert stored_count(database) == 0
    add_profile(database, admin, profile_file)
    with pytest.raises(ValidationFailed, match="exists already"):
        add_profile(database, admin, profile_file)
    assert stored_count(database) == 1


def test_a_retired_profile_stops_being_offered_but_stays_on_record(database, admin,
                                                                   profile_file):
    add_profile(database, admin, profile_file)
    with database.write() as db:
        stored_profiles.retire_profile(db, admin, "glowtek-g2")
    with database.read() as db:
        assert "glowtek-g2" not in clinic_profiles(db)
    assert stored_count(database) == 1
    with pytest.raises(LaserLogError, match="No import profile 'glowtek-g2'"):
        resolve_profile(database, "glowtek-g2")


def test_profile_commands(tmp_path, profile_file):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    password = "long-password\n"
    assert laserlog("--db", url, "init", "--admin", "boss", stdin=password).returncode == 0

    def profile(*args: str):
        return laserlog("--db", url, "profile", *args, "--user", "boss", stdin=password)

    added = profile("add", str(profile_file))
    assert added.returncode == 0, added.stderr
    listed = profile("list").stdout.splitlines()
    assert "glowtek-g2\tcsv\tadded by the clinic" in listed
    assert "generic-csv\tcsv\tshipped" in listed
    assert profile("retire", "glowtek-g2").returncode == 0
    again = profile("retire", "glowtek-g2")
    assert again.returncode == 1 and "No import profile" in again.stderr
