"""The standard poses of each treated area's photos (resources/photo_poses.toml)."""

import tomllib
from functools import cache
from importlib import resources

from models.values.vocabulary import Area

OTHER_POSE = "other"


@cache
def poses() -> dict[str, tuple[str, ...]]:
    """Each area's poses, in the order they are taken; every area has at least "other"."""
    text = (resources.files("resources") / "photo_poses.toml").read_text(encoding="utf-8")
    listed = tomllib.loads(text)
    return {area.value: (*tuple(str(p) for p in listed.get(area.value, ())), OTHER_POSE)
            for area in Area}


def poses_of(area: str) -> tuple[str, ...]:
    return poses().get(area, (OTHER_POSE,))
