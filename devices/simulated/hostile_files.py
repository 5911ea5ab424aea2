"""Broken and hostile export files: what an import must refuse in bounded memory and time.

``write_hostile_files(folder)`` writes the corpus of issue #14, each file a valid export of the
simulated device (one session of a few pulses, for the device and patient named) with one
thing wrong: a value no device logs, a file cut off while copied, or a structure built to
exhaust memory or time (nesting 100,000 deep, a 50 MB number, 50 MB of elements that are not
pulses, ...). The tests import every one in a process with capped memory; the import
benchmark can reuse them. Big files are written in pieces, so writing them takes little
memory.
"""

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from devices.importing.profiles import Profile
from devices.simulated.export_files import plan_sessions, simulated_profile, write_export
from devices.simulated.treatment_device import SIMULATED_MODELS, DeviceModel, SimulatedDevice

BIG_BYTES = 50 * 1024**2
DEEP = 100_000
_PIECE = 1024**2
_EXTENSIONS = {"csv": "csv", "json": "json", "xml": "xml"}

#: A value of one field, in every format: (profile field key, text in CSV and XML, JSON token).
_BAD_VALUES: dict[str, tuple[str, str, str]] = {
    "pass-inf": ("pass", "inf", '"inf"'),
    "pass-1e400": ("pass", "1e400", "1e400"),
    "time-year-1-east": ("time", "0001-01-01T00:00:00+05:00", '"0001-01-01T00:00:00+05:00"'),
    "time-year-9999-west": ("time", "9999-12-31T23:59:59-05:00",
                            '"9999-12-31T23:59:59-05:00"'),
    "time-year-1": ("time", "0001-01-01 09:00:00", '"0001-01-01 09:00:00"'),
    "time-2099": ("time", "2099-06-01 09:00:00+00:00", '"2099-06-01T09:00:00+00:00"'),
    "setting-nan": ("energy_j", "nan", "NaN"),
    "setting-infinity": ("energy_j", "inf", "Infinity"),
    "setting-1e400": ("energy_j", "1e400", "1e400"),
    "setting-huge-integer": ("energy_j", "1" + "0" * 400, "1" + "0" * 400),
}


def write_hostile_files(folder: Path, *, serial: str = "SIM-T-1", patient: str = "P-100",
                        model: DeviceModel = SIMULATED_MODELS[2],
                        big_bytes: int = BIG_BYTES) -> dict[str, Path]:
    """Write the hostile corpus into ``folder``; returns each file by its name.

    The valid pulses are from device ``serial`` for patient ``patient`` (register both for a
    file's only problem to be the one it was built with). Names say the format first:
    ``csv-cut-mid-value``, ``json-deep-nesting``, ``xml-flood``, ...
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for file_format in ("csv", "json", "xml"):
        base = _valid_export(folder, file_format, serial, patient, model)
        profile = simulated_profile(file_format)
        lines = base.splitlines(keepends=True)
        for name, (key, text, token) in _BAD_VALUES.items():
            value = token if file_format == "json" else text
            written[f"{file_format}-{name}"] = _write(
                folder, f"{file_format}-{name}", file_format,
                [_with_value(file_format, profile, lines, 3, key, value)])
        for name, pieces in _broken(file_format, profile, lines, big_bytes).items():
            written[f"{file_format}-{name}"] = _write(folder, f"{file_format}-{name}",
                                                      file_format, pieces)
    return written


def _valid_export(folder: Path, file_format: str, serial: str, patient: str,
                  model: DeviceModel) -> str:
    """A valid export of one session of 8 pulses, as text (the CSV file's own encoding)."""
    device = SimulatedDevice(model.kind, 11)
    plan = plan_sessions(device, [(patient, 3)], 1, datetime(2026, 2, 2, 9, tzinfo=UTC), 8)
    path = folder / f"valid.{file_format}"
    write_export(path, file_format, device, model, serial, plan)
    encoding = simulated_profile(file_format).encoding if file_format == "csv" else "utf-8"
    text = path.read_bytes().decode(encoding)
    path.unlink()
    return text


def _write(folder: Path, name: str, file_format: str,
           pieces: list[str | bytes | Iterator[bytes]]) -> Path:
    path = folder / f"{name}.{_EXTENSIONS[file_format]}"
    encoding = simulated_profile("csv").encoding if file_format == "csv" else "utf-8"
    with path.open("wb") as out:
        for piece in pieces:
            if isinstance(piece, str):
                out.write(piece.encode(encoding))
            elif isinstance(piece, bytes):
                out.write(piece)
            else:
                for part in piece:
                    out.write(part)
    return path


def _repeated(unit: str, total: int) -> Iterator[bytes]:
    """``unit`` repeated to about ``total`` bytes, a megabyte at a time."""
    piece = unit.encode("utf-8") * max(1, _PIECE // len(unit))
    for _ in range(max(1, total // len(piece))):
        yield piece


def _numbered(template: str, total: int) -> Iterator[bytes]:
    """``template`` with ``{n}`` counting up, to about ``total`` bytes: all names differ."""
    written, number = 0, 0
    while written < total:
        piece = "".join(template.format(n=n) for n in range(number, number + 20_000))
        number += 20_000
        data = piece.encode("utf-8")
        written += len(data)
        yield data


def _record_lines(file_format: str, lines: list[str]) -> list[int]:
    if file_format == "csv":
        return list(range(1, len(lines)))
    if file_format == "json":
        return [i for i, line in enumerate(lines) if line.startswith("{\"treatment\"")]
    return [i for i, line in enumerate(lines) if line.lstrip().startswith("<pulse ")]


def _with_value(file_format: str, profile: Profile, lines: list[str], record: int, key: str,
                value: str) -> str:
    """The export with field ``key`` of its ``record``-th pulse written as ``value``."""
    index = _record_lines(file_format, lines)[record]
    column = profile.fields[key].column
    line = lines[index]
    if file_format == "csv":
        header = [c.split(" (")[0] for c in lines[0].rstrip("\r\n").split(";")]
        cells = line.rstrip("\r\n").split(";")
        cells[header.index(column)] = value
        line = ";".join(cells) + "\r\n"
    elif file_format == "json":
        body = line.rstrip().rstrip(",")
        values = json.loads(body)
        values[column] = "@@value@@"
        line = line.replace(body, json.dumps(values).replace('"@@value@@"', value))
    else:
        pattern = re.compile(rf'\s{re.escape(column)}="[^"]*"')
        replaced = f' {column}="{value}"'
        line = (pattern.sub(replaced, line) if pattern.search(line)
                else line.replace("<pulse ", f"<pulse{replaced} ", 1))
    return "".join([*lines[:index], line, *lines[index + 1:]])


def _without_settings(file_format: str, profile: Profile, line: str) -> str:
    """A pulse holding only who, when and where: every setting and measurement dropped."""
    text_columns = [profile.fields[k].column
                    for k in ("session", "serial", "patient", "time", "area", "pass")]
    if file_format == "csv":
        return ";".join(line.rstrip("\r\n").split(";")[:6]) + "\r\n"
    if file_format == "json":
        body = line.rstrip().rstrip(",")
        values = {k: v for k, v in json.loads(body).items() if k in text_columns}
        return line.replace(body, json.dumps(values))
    kept = re.findall(r'\s([\w-]+)="([^"]*)"', line)
    attributes = " ".join(f'{k}="{v}"' for k, v in kept if k in text_columns)
    return f"  <pulse {attributes}/>\n"


def _cut_mid_value(file_format: str, lines: list[str]) -> str:
    """The export cut off in the middle of the last pulse's last number."""
    index = _record_lines(file_format, lines)[-1]
    last = lines[index]
    digits = [m.start() for m in re.finditer(r"\d\d", last)]
    return "".join(lines[:index]) + last[:digits[-1] + 1]


def _broken(file_format: str, profile: Profile, lines: list[str], big: int
            ) -> dict[str, list[str | bytes | Iterator[bytes]]]:
    records = _record_lines(file_format, lines)
    head, tail = "".join(lines[:records[0]]), "".join(lines[records[-1] + 1:])
    body = "".join(lines[records[0]:records[-1] + 1])
    first = lines[records[0]]
    short = "".join(_without_settings(file_format, profile, lines[i]) if i in records[2:4]
                    else line for i, line in enumerate(lines))
    broken: dict[str, list[str | bytes | Iterator[bytes]]] = {
        "cut-mid-value": [_cut_mid_value(file_format, lines)],
        "records-without-settings": [short],
    }
    build: dict[str, Callable[[], dict[str, list[str | bytes | Iterator[bytes]]]]] = {
        "csv": lambda: _broken_csv(lines, records, big),
        "json": lambda: _broken_json(head, body, first, big),
        "xml": lambda: _broken_xml(head, body, tail, first, big),
    }
    broken.update(build[file_format]())
    return broken


def _broken_csv(lines: list[str], records: list[int], big: int
                ) -> dict[str, list[str | bytes | Iterator[bytes]]]:
    header, body = lines[0], "".join(lines[1:])
    last = lines[records[-1]]
    return {
        # the last row stops after its area: a whole line end, but fewer fields than the header
        "short-last-row": ["".join(lines[:-1]) + ";".join(last.split(";")[:5]) + "\r\n"],
        "long-line": [header, body, _repeated("1234567890", big)],
        "long-header": [_repeated("Column;", big), "\r\n", body],
        "unclosed-quote": [header, body, 'T1;"', _repeated("unclosed quoted text\r\n", big)],
    }


def _broken_json(head: str, body: str, first: str, big: int
                 ) -> dict[str, list[str | bytes | Iterator[bytes]]]:
    record = first.rstrip().rstrip(",")
    open_record = record[:-1] + ", "
    return {
        "deep-nesting": [head, "[" * DEEP, "]" * DEEP, "\n]}\n"],
        "deep-objects": [head, '{"a": ' * DEEP, "1", "}" * DEEP, "\n]}\n"],
        "long-number": [head, open_record, '"energy": 1', _repeated("1234567890", big),
                        "}\n]}\n"],
        "long-string": [head, open_record, '"note": "', _repeated("abcdefghij", big),
                        '"}\n]}\n'],
        "huge-record": [head, open_record, _numbered('"k{n}": [], ', big), '"end": 1}\n]}\n'],
        "big-header": [head.replace('"pulses": [', '"calibration": ['),
                       _repeated("[0.5, 1.5], ", big), '[]], "pulses": [\n', body, "]}\n"],
        "blank-flood": [head, body.rstrip("\n"), _repeated(" " * 64 + "\n", big), "]}\n"],
        "junk-after-records": [head, body, '], "junk": [', _repeated("[], ", big), "[]]}\n"],
        "bad-utf8": [head, body.replace('"P-', '"\udcff-', 1).encode("utf-8", "surrogateescape"),
                     b"]}\n"],
        "bad-character": [head, body.replace(": 1,", ": x,", 1), "]}\n"],
    }


def _broken_xml(head: str, body: str, tail: str, first: str, big: int
                ) -> dict[str, list[str | bytes | Iterator[bytes]]]:
    open_record = first.rstrip().removesuffix("/>") + ">"
    return {
        "flood": [head, body, _repeated('  <note kind="service">filter cleaned</note>\n', big),
                  tail],
        "deep-nesting": [head, "<a>" * DEEP, "</a>" * DEEP, tail],
        "long-attribute": [head, '  <pulse note="', _repeated("abcdefghij", big),
                           '" ' + first.strip().removeprefix("<pulse ") + "\n", body, tail],
        "long-text": [head, open_record, "<energy>1", _repeated("1234567890", big),
                      "</energy></pulse>\n", tail],
        "long-comment": [head, body, "<!--", _repeated("a comment ", big), "-->\n", tail],
        "many-names": [head, body, _numbered("<n{n}/>", big), tail],
        "huge-record": [head, open_record, _repeated("<x/>", big), "</pulse>\n", tail],
        "many-attributes": [head, "<pulse ", _numbered('a{n}="1" ', min(big, 16 * 1024**2)),
                            "/>\n", body, tail],
    }
