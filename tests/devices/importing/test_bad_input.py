"""Broken export files: one clear message per problem, with its place, and nothing written."""

import codecs

import pytest

from devices.importing.contract import ImportFailed
from devices.importing.importer import import_file
from devices.importing.profiles import find_profile
from tests.devices.conftest import simulate, table_counts

HEADER = "session,serial,patient,time,area,pass,fluence [J/cm2],skin_temperature [°C]\n"
GOOD = "S1,SIM-T-1,P-100,2026-02-02 09:00:00,Neck,1,30.5,33.1\n"


def generic_csv(tmp_path, text, encoding="utf-8", name="pulses.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def refused(database, technician, path, **options):
    before = table_counts(database)
    with pytest.raises(ImportFailed) as failure:
        import_file(database, technician, path, **options)
    assert table_counts(database) == before
    return [str(p) for p in failure.value.problems]


@pytest.mark.parametrize("text, expected", [
    ("", "The file is empty"),
    (HEADER + "S1,SIM-T-1,P-100,2026-02-02 09:00:00,Neck,1,abc,33.1\n",
     "line 2: Fluence (fluence) 'abc' is not a number"),
    (HEADER + "S1,SIM-T-1,P-100,2026-02-02 09:00:00,Neck,1,900,33.1\n",
     "line 2: Fluence 900 J/cm² is outside the plausible range 0.01 to 500 J/cm²"),
    (HEADER + "S1,SIM-T-1,P-100,02/02/2026 9am,Neck,1,30,33.1\n",
     "line 2: The time '02/02/2026 9am' is not a date and time"),
    (HEADER + "S1,SIM-T-1,P-100,2026-02-02 09:00:00,Left ear,1,30,33.1\n",
     "line 2: The area 'Left ear' is not one LaserLog knows"),
    (HEADER + GOOD + "S1,SIM-OTHER,P-100,2026-02-02 09:00:01,Neck,1,30,33.1\n",
     "line 3: This pulse is from device SIM-OTHER, but the file's earlier pulses are from "
     "device SIM-T-1"),
    (HEADER.replace("fluence [J/cm2]", "fluence [J/cm3]") + GOOD,
     "unknown unit 'J/cm3' for fluence"),
    (HEADER.replace("serial,", "") + GOOD, "line 1: The file has no column 'serial'"),
    (HEADER + GOOD.replace("P-100", "P-404"), "line 2: Patient P-404 is not registered"),
    (HEADER + GOOD.replace("SIM-T-1", "SN-UNKNOWN"),
     "line 2: Device SN-UNKNOWN is not in the device register"),
])
def test_each_problem_is_named_with_its_line(database, technician, clinic, tmp_path, text,
                                             expected):
    path = generic_csv(tmp_path, text)
    problems = refused(database, technician, path, profile=find_profile("generic-csv"))
    assert any(expected in p for p in problems), problems


def test_every_problem_is_listed_not_only_the_first(database, technician, clinic, tmp_path):
    bad_rows = "".join(f"S1,SIM-T-1,P-100,2026-02-02 09:00:{n:02d},Neck,1,x{n},33\n"
                       for n in range(10))
    problems = refused(database, technician, generic_csv(tmp_path, HEADER + GOOD + bad_rows),
                       profile=find_profile("generic-csv"))
    assert [p.split(":")[0] for p in problems] == [f"line {n}" for n in range(3, 13)]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_csv_dialects_and_encodings(database, technician, clinic, tmp_path, encoding,
                                    separator):
    comma = separator != ","
    rows = [HEADER, GOOD, GOOD.replace("09:00:00", "09:00:01").replace("30.5", "31.5")]
    text = "".join(row.replace(",", separator) for row in rows)
    if comma:
        text = text.replace("30.5", "30,5").replace("31.5", "31,5").replace("33.1", "33,1")
    result = import_file(database, technician,
                         generic_csv(tmp_path, text.replace("\n", "\r\n"), encoding))
    assert result.profile == "generic-csv" and result.rows == 2


def test_a_truncated_json_file(database, technician, clinic, tmp_path):
    path, _, _ = simulate(tmp_path, "json")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    problems = refused(database, technician, path)
    assert any("The file seems cut off at line" in p for p in problems), problems


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE device-log [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE device-log [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
])
def test_an_xml_bomb_or_external_entity_is_refused(database, technician, clinic, tmp_path,
                                                   doctype):
    path, _, _ = simulate(tmp_path, "xml")
    text = path.read_text(encoding="utf-8").replace("?>\n", "?>\n" + doctype + "\n", 1)
    path.write_text(text.replace('client="P-100"', 'client="&b;"'), encoding="utf-8")
    problems = refused(database, technician, path, profile=find_profile("simulated-xml"))
    assert problems == ["The file declares a document type or entities, which LaserLog "
                        "refuses to read for safety"]


def test_binary_garbage_and_a_file_too_large(database, technician, clinic, tmp_path):
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(bytes(range(256)) * 64)
    assert refused(database, technician, garbage, profile=find_profile("generic-csv")) == [
        "This is not a text export file: it holds binary data"]
    path, _, _ = simulate(tmp_path, "csv")
    with pytest.raises(ImportFailed, match=r"larger than the 0 MB an export file may be"):
        import_file(database, technician, path, max_bytes=1000)


def test_a_utf16_file_without_bom_reads(tmp_path, database, technician, clinic):
    text = (HEADER + GOOD).encode("utf-16-le")
    path = tmp_path / "nobom.csv"
    path.write_bytes(text)
    assert not text.startswith(codecs.BOM_UTF16_LE)
    assert import_file(database, technician, path).rows == 1
