"""User preferences, declared once with their defaults, kept in a JSON file.

Window geometry and other remembered GUI state live apart, in Qt's own settings store.
"""

import json
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import platformdirs

APP_NAME = "LaserLog"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    return config_dir() / "settings.json"


def _this_pc() -> str:
    import socket  # only when no room is set: not on every start

    return socket.gethostname()


@dataclass
class Settings:
    database_url: str = field(default="", metadata={"title": "Database URL (empty: this PC)"})
    room: str = field(
        default_factory=_this_pc, metadata={"title": "Treatment room of this PC"}
    )
    autosave_seconds: float = field(default=1.5, metadata={"title": "Save drafts after (s)"})
    idle_lock_minutes: float = field(
        default=5.0, metadata={"title": "Lock the screen after idle (min)"})
    last_device_id: int | None = field(
        default=None, metadata={"title": "Device last used in this room"})
    language: str = field(
        default="", metadata={"title": "Language of this PC (empty: the system's)"})
    camera_folder: str = field(
        default="", metadata={"title": "Folder the room's camera writes photos into"})

    @classmethod
    def load(cls, path: Path | None = None) -> "Settings":
        """Read the settings file; keys it lacks keep their defaults, unknown keys are ignored."""
        path = path or settings_path()
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            return cls()  # a damaged preferences file must not stop the clinic working
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in stored.items() if k in known})

    def save(self, path: Path | None = None) -> None:
        path = path or settings_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        tmp.replace(path)


# --- which database this PC uses (no SQLAlchemy here: the sign-in shows before it loads) ---
ENV_VAR = "LASERLOG_DB"


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'laserlog.db'}"


def resolve_url(
    cli_url: str | None,
    environ: Mapping[str, str] | None = None,
    settings: Settings | None = None,
) -> str:
    """First match wins: ``--db``, ``LASERLOG_DB``, the settings file, the default SQLite file."""
    environ = os.environ if environ is None else environ
    settings = Settings.load() if settings is None else settings
    for candidate in (cli_url, environ.get(ENV_VAR), settings.database_url):
        if candidate:
            return candidate
    return default_url()


def url_shown(url: str) -> str:
    """The URL as people see it, its password hidden (as ``database.describe`` does)."""
    return re.sub(r"^([^:/]+://[^:/@]*):[^@]*@", r"\1:***@", url)
