"""``bench verify``: the whole-database check on the synthetic clinic, against hashing the
same number of bytes with hashlib alone, in one run."""

import hashlib
import json
import sys
from pathlib import Path
from time import perf_counter

from models.admin.integrity import verify
from ui.bench.history_bench import clinic_database

CHUNK = 64 * 1024


def hashlib_seconds(size: int) -> float:
    """SHA-256 over ``size`` bytes in 64 KiB pieces: the floor any content check stands on."""
    block = b"\x5a" * CHUNK
    digest = hashlib.sha256()
    started = perf_counter()
    for _ in range(size // CHUNK):
        digest.update(block)
    digest.update(block[: size % CHUNK])
    digest.hexdigest()
    return perf_counter() - started


def run_verify_bench(sessions: int, url: str | None, json_path: str | None = None) -> int:
    database = clinic_database(url, sessions)
    try:
        started = perf_counter()
        result = verify(database)
        verify_s = perf_counter() - started
    finally:
        database.dispose()
    baseline_s = hashlib_seconds(result.content_bytes)
    figures = {
        "sessions": sessions,
        "verify_s": round(verify_s, 4),
        "content_mb": round(result.content_bytes / 2**20, 1),
        "hashlib_s": round(baseline_s, 6),
        "verify_to_hashlib_ratio": round(verify_s / baseline_s, 1) if baseline_s else None,
        "events": result.events,
        "problems": len(result.problems),
    }
    print(f"verify of {sessions:,} sessions: {verify_s:.1f} s for "
          f"{figures['content_mb']} MB of content; hashlib alone {baseline_s:.2f} s "
          f"(ratio {figures['verify_to_hashlib_ratio']}); {result.events:,} audit events, "
          f"{len(result.problems)} problem(s)")
    if json_path:
        Path(json_path).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    for problem in result.problems[:3]:
        print(f"verify: {problem}", file=sys.stderr)
    return 0 if result.ok else 1
