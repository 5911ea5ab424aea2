"""User preferences, declared once with their defaults, kept in a JSON file.

Window geometry and other remembered GUI state live apart, in Qt's own settings store.
"""

import json
import socket
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


@dataclass
class Settings:
    database_url: str = field(default="", metadata={"title": "Database URL (empty: this PC)"})
    room: str = field(
        default_factory=socket.gethostname, metadata={"title": "Treatment room of this PC"}
    )
    autosave_seconds: float = field(default=1.5, metadata={"title": "Save drafts after (s)"})
    idle_lock_minutes: float = field(
        default=5.0, metadata={"title": "Lock the screen after idle (min)"})
    last_device_id: int | None = field(
        default=None, metadata={"title": "Device last used in this room"})

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
