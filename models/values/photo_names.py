"""How a photo's file name says what it shows: the convention ``photos export`` writes and
``photos import`` reads, ``{identifier}_{area}_{date}_{kind}_{pose}.jpg``.

Kept free of other imports: the command line's help shows the default pattern.
"""

import re

#: identifier_area_YYYY-MM-DD[_kind][_pose].ext, in any case; a copy's " (2)" before the
#: extension is allowed, so what ``photos export`` wrote reads back in.
DEFAULT_PATTERN = (
    r"(?i)(?P<identifier>[^_]+)_(?P<area>[a-z]+)_(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:_(?P<kind>before|after|progress))?(?:_(?P<pose>[^.]+?))?(?: \(\d+\))?"
    r"\.(?:jpe?g|png|heic|heif|tiff?|webp)"
)
MAX_NAME_PART = 60


def name_part(text: str) -> str:
    """``text`` as one part of a file name: letters, digits and single hyphens ("left 45°"
    gives "left-45"), never empty, never the separator of the name's parts."""
    cleaned = re.sub(r"-{2,}", "-", re.sub(r"[^\w-]|_", "-", text)).strip("-")
    return cleaned[:MAX_NAME_PART].strip("-") or "x"


def photo_file_name(identifier: str, area: str, day: str, kind: str, pose: str) -> str:
    """``{identifier}_{area}_{day}_{kind}_{pose}.jpg``, each part made safe by ``name_part``."""
    return "_".join(name_part(part) for part in (identifier, area, day, kind, pose)) + ".jpg"
