"""Issue #14: a file cut off is caught, rows short of a field are problems, and a time outside
the plausible window is never taken (nor replaced by "now")."""

import signal
import tomllib
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest

from devices.importing.contract import ImportFailed
from devices.importing.export_file import FileAdapter
from devices.importing.importer import import_file
from devices.importing.profiles import builtin_profiles, find_profile, parse_profile
from devices.importing.readers import split_header
from devices.simulated.hostile_files import write_hostile_files
from tests.devices.conftest import table_counts
from tests.devices.importing.test_bad_input import GOOD, HEADER, generic_csv

CUT_AT = {"csv": "The file seems cut off at line 9: its last line ends without the line break",
          "json": "The file seems cut off at line 9: it ends before its JSON is closed, after "
                  "record 7",
          "xml": "The file seems cut off at line 10: it ends before <device-log> is closed, "
                 "after element 7"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The hostile corpus, its big files small: these tests are about values and ends."""
    return write_hostile_files(tmp_path_factory.mktemp("corpus"), big_bytes=4096)


def _shipped_text(name: str) -> str:
    return resources.files("resources").joinpath(f"profiles/{name}.toml").read_text("utf-8")


def problems_of(path, profile_name: str, **options) -> list[str]:
    """What reading the file finds, without a database."""
    adapter = FileAdapter(path, find_profile(profile_name), **options)
    try:
        for _ in adapter.readings():
            pass
    except ImportFailed as failure:
        return [str(p) for p in [*adapter.problems, *failure.problems]]
    return [str(p) for p in adapter.problems]


@pytest.mark.parametrize("file_format", ["csv", "json", "xml"])
def test_a_cut_off_file_is_refused_unless_the_technician_confirms(
        database, technician, clinic, corpus, file_format):
    path = corpus[f"{file_format}-cut-mid-value"]
    before = table_counts(database)
    with pytest.raises(ImportFailed) as failure:
        import_file(database, technician, path)
    assert table_counts(database) == before
    assert failure.value.cut_off is not None
    assert CUT_AT[file_format] in str(failure.value.cut_off)
    assert [str(p) for p in failure.value.problems] == [str(failure.value.cut_off)]

    checked = import_file(database, technician, path, dry_run=True)
    assert checked.problem_count == 1 and checked.cut_off == failure.value.cut_off
    assert checked.rows == 7 and sum(s.pulses for s in checked.sessions) == 7

    confirmed = import_file(database, technician, path, accept_cut_off=True)
    assert confirmed.problem_count == 0 and not confirmed.problems
    assert confirmed.cut_off == failure.value.cut_off  # still said, for the window to show
    assert sum(s.pulses for s in confirmed.sessions) == 7  # the cut pulse is left out
    assert table_counts(database)["TreatmentSession"] == before["TreatmentSession"] + 1


def test_a_csv_last_row_short_of_columns_is_cut_off_and_a_middle_one_is_a_problem(corpus):
    problems = problems_of(corpus["csv-short-last-row"], "simulated-csv")
    assert problems == ["The file seems cut off at line 9: its last line has 5 of the 17 "
                        "values the first line names. Copy it from the device again, or "
                        "confirm to import it without its incomplete end"]
    problems = problems_of(corpus["csv-records-without-settings"], "simulated-csv")
    assert problems == [f"line {n}: This line has 6 of the 17 values the first line names; "
                        "it was cut short" for n in (4, 5)]


def test_a_final_line_break_of_another_kind_is_not_a_cut(tmp_path):
    text = (HEADER + GOOD).replace("\n", "\r\n")
    assert problems_of(generic_csv(tmp_path, text[:-1]), "generic-csv") == [
        "The file seems cut off at line 2: its last line ends without the line break the "
        "others end with. Copy it from the device again, or confirm to import it without its "
        "incomplete end"]
    assert problems_of(generic_csv(tmp_path, HEADER + GOOD.replace("\n", "\r\n")),
                       "generic-csv") == []


@pytest.mark.parametrize("file_format, place", [("json", "record"), ("xml", "element")])
def test_records_without_any_setting_are_problems(corpus, file_format, place):
    problems = problems_of(corpus[f"{file_format}-records-without-settings"],
                           f"simulated-{file_format}")
    assert [p.split(":")[0] for p in problems] == [f"{place} 3", f"{place} 4"]
    assert all("This pulse gives none of its settings (wavelength, fluence, " in p
               for p in problems)


def test_a_setting_the_profile_requires_must_be_on_every_pulse(tmp_path):
    source = tomllib.loads(_shipped_text("generic-csv"))
    source["fields"]["fluence_j_cm2"]["required"] = True
    profile = parse_profile("strict-csv", source)
    path = generic_csv(tmp_path, HEADER + GOOD + GOOD.replace(",30.5,", ",,"))
    adapter = FileAdapter(path, profile)
    assert len(list(adapter.readings())) == 1
    assert [str(p) for p in adapter.problems] == ["line 3: Missing Fluence (fluence)"]


@pytest.mark.parametrize("time, expected", [
    ("1985-06-01 10:00:00", "line 2: The time '1985-06-01 10:00:00' is before 1990-01-01, "
                            "earlier than the profile accepts; the device's clock may be wrong"),
    ("0001-01-01 00:00:00", "line 2: The time '0001-01-01 00:00:00' is before 1990-01-01"),
    ("0001-01-01T00:00:00+05:00", "is before 1990-01-01"),
    ("9999-12-31T23:59:59-05:00", "line 2: The time '9999-12-31T23:59:59-05:00' is in the "
                                  "future, more than 24 hours from now"),
    ("2099-01-01 00:00:00", "is in the future, more than 24 hours from now; the device's "
                            "clock may be wrong"),
])
def test_a_time_outside_the_plausible_window_is_a_problem_never_replaced(
        database, technician, clinic, tmp_path, time, expected):
    path = generic_csv(tmp_path, HEADER + GOOD.replace("2026-02-02 09:00:00", time))
    before = table_counts(database)
    with pytest.raises(ImportFailed) as failure:
        import_file(database, technician, path, profile=find_profile("generic-csv"))
    assert table_counts(database) == before
    assert any(expected in str(p) for p in failure.value.problems), failure.value.problems


def test_the_window_is_the_profiles_to_widen_or_narrow(tmp_path):
    soon = (datetime.now(UTC) + timedelta(hours=3)).strftime("%Y-%m-%d %H:%M:%S+00:00")
    text = (HEADER + GOOD.replace("2026-02-02 09:00:00", "1985-06-01 10:00:00")
            + GOOD.replace("2026-02-02 09:00:00", soon))
    path = generic_csv(tmp_path, text)
    source = tomllib.loads(_shipped_text("generic-csv"))
    assert [p.split(":")[0] for p in problems_of(path, "generic-csv")] == ["line 2"]
    widened = parse_profile("old-device", {**source, "earliest_date": "1980-01-01"})
    adapter = FileAdapter(path, widened)
    assert len(list(adapter.readings())) == 2 and not adapter.problems
    strict = parse_profile("strict-clock", {**source, "earliest_date": "1980-01-01",
                                            "hours_ahead": 1})
    adapter = FileAdapter(path, strict)
    list(adapter.readings())
    assert [str(p) for p in adapter.problems] == [
        f"line 3: The time '{soon}' is in the future, more than 1 hour from now; the "
        "device's clock may be wrong"]


@pytest.mark.parametrize("value, expected", [
    ("inf", "The pass 'inf' is not a whole number from 1 to 50"),
    ("1e400", "The pass '1e400' is not a whole number from 1 to 50"),
    ("nan", "The pass 'nan' is not a whole number from 1 to 50"),
    ("2.5", "The pass '2.5' is not a whole number from 1 to 50"),
    ("2.0", None),
])
def test_a_pass_is_a_whole_number_never_a_crash(tmp_path, value, expected):
    path = generic_csv(tmp_path, HEADER + GOOD.replace(",Neck,1,", f",Neck,{value},"))
    problems = problems_of(path, "generic-csv")
    assert problems == ([f"line 2: {expected}"] if expected else [])


def test_every_shipped_profile_keeps_the_default_window():
    for profile in builtin_profiles().values():
        assert profile.earliest_date.isoformat() == "1990-01-01"
        assert profile.hours_ahead == 24


@pytest.mark.parametrize("name, expected", [
    ("Fluence (mJ/cm²)", ("fluence", "mJ/cm²")), ("fluence [J/cm2]", ("fluence", "J/cm2")),
    (" Skin temp ( °C ) ", ("skin temp", "°C")), ("Treatment ID", ("treatment id", None)),
    ("a (b (c)", ("a", "b (c")), ("a [b] (c)", ("a [b]", "c")), ("x []", ("x", None)),
])
def test_a_column_name_and_its_unit(name, expected):
    assert split_header(name) == expected


def test_a_header_of_brackets_is_split_at_once():
    """It took the old pattern 35 s to give up on a 60,000-character first line of '['."""
    def too_slow(*_):
        raise TimeoutError("split_header backtracks")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(5)
    try:
        assert split_header("[" * 60_000 + "Fluence") == ("[" * 60_000 + "fluence", None)
        assert split_header("(" * 60_000 + ")") == ("", "(" * 59_999)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
