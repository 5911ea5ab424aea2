"""Photos for the demo clinic's sessions: images drawn with Pillow, one per area and pose, as
the course goes on (the redness of the first session fading, the skin a little tighter).

Each is a JPEG a camera might write, with an EXIF block (a camera model and the time) that
the photo intake strips like any other; the demo stores them through the real intake.
"""

import io
import random
import unicodedata
from datetime import datetime

from PIL import Image, ImageDraw

from models.values.vocabulary import Area

SIZE = (640, 480)
SKIN = {1: (244, 214, 196), 2: (236, 198, 172), 3: (214, 170, 140), 4: (186, 136, 104),
        5: (140, 96, 70), 6: (96, 64, 48)}


def demo_photo(rnd: random.Random, area: str, pose: str, fitzpatrick: int | None,
               course_share: float, taken_at: datetime) -> bytes:
    """A photo of ``area`` in ``pose``; ``course_share`` (0 at the first session, 1 at the
    last) fades its redness."""
    base = SKIN.get(fitzpatrick or 3, SKIN[3])
    image = Image.new("RGB", SIZE, (58, 64, 72))  # the backdrop
    draw = ImageDraw.Draw(image)
    turn = {"left": -60, "right": 60}.get(next((w for w in pose.split() if w in
                                                  ("left", "right")), ""), 0)
    box = (160 + turn, 60, 480 + turn, 460)
    draw.ellipse(box, fill=base)  # the treated area, lit from the front
    redness = int(70 * (1 - course_share))
    centre = ((box[0] + box[2]) // 2, 260)
    for ring in range(6, 0, -1):  # the flush after treatment, fading as the course goes on
        r = 25 * ring
        tint = tuple(min(255, c + (redness * (7 - ring)) // 6 * (i == 0) - (redness // 8)
                         * (i > 0)) for i, c in enumerate(base))
        draw.ellipse((centre[0] - r, centre[1] - r // 2, centre[0] + r, centre[1] + r // 2),
                     fill=tint)
    for _ in range(400):  # the skin's grain
        x, y = rnd.randrange(box[0], box[2]), rnd.randrange(box[1], box[3])
        draw.point((x, y), fill=tuple(max(0, c - rnd.randint(5, 20)) for c in base))
    draw.text((12, 10), _plain(f"{Area(area).source_label} - {pose}"), fill=(230, 230, 230))
    exif = Image.Exif()
    exif[0x0110] = "DemoCam 12"
    exif.get_ifd(0x8769)[0x9003] = taken_at.astimezone().strftime("%Y:%m:%d %H:%M:%S")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def _plain(text: str) -> str:
    """``text`` in the letters Pillow's built-in font has ("Décolletage - left 45°" is drawn
    "Decolletage - left 45 deg"), not boxes."""
    folded = unicodedata.normalize("NFKD", text.replace("°", " deg"))
    return folded.encode("ascii", "ignore").decode("ascii")
