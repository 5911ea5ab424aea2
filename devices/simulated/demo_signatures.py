"""Signatures for the demo clinic's consents: strokes as a hand on the signature box would
draw them, and their rendering, black on white, as the box renders them (a PNG).

The strokes are kept as fractions of the box (0 to 1 across and down), as the box keeps
them; Pillow draws them, so the demo needs no Qt.
"""

import io
import math
import random
from datetime import datetime

from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from models.clinic import consent_forms
from models.errors import LaserLogError
from models.language import _
from models.values.rows import Actor, Signature

Stroke = list[tuple[float, float]]
RENDERING_SIZE = (600, 200)  # as ui/widgets/signature_pad.py renders a signature
INK = "#10243e"


def handwritten(rnd: random.Random, name: str) -> list[Stroke]:
    """A flowing scribble per word of ``name``, left to right, then a stroke under it."""
    words = name.split() or ["x"]
    strokes: list[Stroke] = []
    left, width = 0.06, 0.82 / len(words)
    baseline = rnd.uniform(0.5, 0.6)
    for number, word in enumerate(words):
        start = left + number * width
        loops = max(3, len(word))
        height = rnd.uniform(0.12, 0.2)
        points = []
        for step in range(loops * 6 + 1):
            t = step / (loops * 6)
            wave = math.sin(t * loops * 2 * math.pi + rnd.uniform(-0.2, 0.2))
            x = start + t * width * 0.9 + 0.01 * math.cos(t * loops * 2 * math.pi)
            y = baseline - height * (0.5 + 0.5 * wave) * (1.6 if step < 6 else 1.0)
            points.append((round(min(max(x, 0.0), 1.0), 4), round(min(max(y, 0.0), 1.0), 4)))
        strokes.append(points)
    under = baseline + rnd.uniform(0.08, 0.14)
    strokes.append([(round(left + t * 0.8, 4), round(under + 0.02 * math.sin(t * 3), 4))
                    for t in (0.0, 0.25, 0.5, 0.75, 1.0)])
    return strokes


def rendering(strokes: list[Stroke]) -> bytes:
    """The strokes drawn as the signature box draws them, as PNG bytes."""
    width, height = RENDERING_SIZE
    image = Image.new("RGB", RENDERING_SIZE, "white")
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        draw.line([(x * width, y * height) for x, y in stroke], fill=INK, width=3,
                  joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def sign_in_force(db: Session, technician: Actor, signature: Signature, patient_id: int,
                  name: str, rnd: random.Random, signed_at: datetime | None = None) -> None:
    """The patient ``name`` signs the consent form in force with a drawn signature,
    witnessed by ``technician`` (the demo's and the benchmarks' patients)."""
    document = consent_forms.in_force(db)
    if document is None:
        raise LaserLogError(_("This database has no consent form in force for its patients "
                              "to sign"))
    strokes = handwritten(rnd, name)
    consent_forms.sign_consent(db, technician, patient_id, document.id, name, strokes,
                               rendering(strokes), signature, signed_at=signed_at)
