"""The default poses of each treated area's photos (resources/photo_poses.toml); a clinic's
own lists are kept by ``models.clinic.photo_poses``."""

import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources

from models.language import _
from models.values.vocabulary import Area

OTHER_POSE = "other"


@cache
def default_poses() -> dict[str, tuple[str, ...]]:
    """Each area's poses as the resource file lists them, in the order they are taken."""
    text = (resources.files("resources") / "photo_poses.toml").read_text(encoding="utf-8")
    listed = tomllib.loads(text)
    return {area.value: tuple(str(p) for p in listed.get(area.value, ())) for area in Area}


def pose_label(pose: str) -> str:
    """A pose as a person reads it: the default poses (resources/photo_poses.toml, in the
    catalogues) in the language in use, a pose of the clinic's own as it was typed. The pose
    is stored as it is named, in English for the defaults."""
    return _(pose) if pose else pose


def with_other(poses: Sequence[str]) -> tuple[str, ...]:
    """The poses offered: ``poses`` and, last, "other"."""
    return (*poses, OTHER_POSE)


def spelling(pose: str) -> str:
    """A pose as a file name can spell it: letters and digits only ("left-45" = "left 45°")."""
    return "".join(c for c in pose.casefold() if c.isalnum())
