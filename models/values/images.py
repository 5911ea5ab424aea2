"""A photo on its way in: decoded with Pillow, turned upright, scaled, and re-encoded bare.

Whatever a camera, a phone or a file wrote is never stored as it came. The image is decoded
(JPEG, PNG, WebP, TIFF, and HEIC/HEIF from phones through pillow-heif), turned upright from
its EXIF orientation, scaled so its long side is at most the clinic's limit, and written
again as a JPEG with no metadata at all: no GPS position, camera serial, owner name or
thumbnail of the original survives. A small thumbnail is made beside it for lists.

Bounded: a file larger than ``MAX_FILE_BYTES`` is refused before it is read, and an image
whose header announces more than ``MAX_PIXELS`` is refused before it is decoded, so a
decompression bomb costs nothing. A truncated file or one that is not an image is refused
in one sentence.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from models.errors import ValidationFailed
from models.language import _, number_text

MAX_FILE_BYTES = 80 * 1024 * 1024
MAX_PIXELS = 80_000_000  # a 12-megapixel photo is well inside; 30,000 × 30,000 is not
THUMBNAIL_SIDE = 320
DEFAULT_LONG_SIDE = 2560
QUALITY = 88
FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "HEIF", "BMP")
_EXIF_TAKEN = 0x9003  # DateTimeOriginal, in the Exif IFD
_EXIF_ORIENTATION = 0x0112


class ImageRefused(ValidationFailed):
    """A file that cannot become a stored photo; the message says why in one sentence."""

    def __init__(self, message: str) -> None:
        super().__init__({"photo": message})


@dataclass(frozen=True)
class CleanImage:
    """An image ready to store: JPEG bytes without metadata, and their thumbnail."""

    data: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str
    taken_at: datetime | None  # the camera's own clock, local time, when it wrote one


def _pillow() -> None:
    """Pillow with HEIF support, its own bomb check at our bound (made once)."""
    from PIL import Image

    if getattr(Image, "_laserlog_ready", False):
        return
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # pragma: no cover - HEIC refused as unknown where it is missing
        pass
    Image.MAX_IMAGE_PIXELS = 2 * MAX_PIXELS  # ours is checked first, with the size named
    Image._laserlog_ready = True  # type: ignore[attr-defined]


def read_image_file(path: Path, long_side: int = DEFAULT_LONG_SIDE,
                    name: str | None = None) -> CleanImage:
    """``clean_image`` of a file, refused in words when it is too large or unreadable (the
    file called ``name`` there, else by its own name)."""
    name = path.name if name is None else name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImageRefused(_("{name} is {size} MB; a photo may be at most {limit} MB").format(
                name=name, size=size // (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024)))
        data = path.read_bytes()
    except OSError as error:
        from models.errors import os_reason

        raise ImageRefused(_("{name} cannot be read: {reason}").format(
            name=name, reason=os_reason(error))) from error
    return clean_image(data, name, long_side)


def clean_image(data: bytes, name: str | None = None,
                long_side: int = DEFAULT_LONG_SIDE) -> CleanImage:
    """The image in ``data`` made safe to store (see the module's description); ``name``
    names it in a refusal (None: "The file")."""
    _pillow()
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = _("The file") if name is None else name
    if len(data) > MAX_FILE_BYTES:
        raise ImageRefused(_("{name} is larger than a photo may be ({limit} MB)").format(
            name=name, limit=MAX_FILE_BYTES // (1024 * 1024)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageRefused(_(
                    "{name} is {width} × {height} pixels, more than a photo may have "
                    "({limit} megapixels)").format(name=name, width=number_text(width),
                                                   height=number_text(height),
                                                   limit=MAX_PIXELS // 1_000_000))
            taken_at = _taken_at(image)
            image.load()
            # Turned only when the camera says so (a copy of 12 megapixels costs time).
            turned = image.getexif().get(_EXIF_ORIENTATION, 1) not in (1, None)
            upright = ImageOps.exif_transpose(image) if turned else image
    except ImageRefused:
        raise
    except UnidentifiedImageError as error:
        raise ImageRefused(_("{name} is not a photo LaserLog can read "
                             "(JPEG, PNG, HEIC, WebP or TIFF)").format(name=name)) from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRefused(_("{name} has more pixels than a photo may have "
                             "({limit} megapixels)").format(
            name=name, limit=MAX_PIXELS // 1_000_000)) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageRefused(_("{name} is damaged or cut off and cannot be read as a photo"
                             ).format(name=name)) from error
    rgb = upright if upright.mode == "RGB" else upright.convert("RGB")
    rgb.thumbnail((long_side, long_side), Image.Resampling.BICUBIC)
    stored = _jpeg(rgb)
    small = rgb.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.BILINEAR)
    return CleanImage(stored, _jpeg(small), rgb.width, rgb.height,
                      hashlib.sha256(stored).hexdigest(), taken_at)


def _jpeg(image: object) -> bytes:
    """The image as a baseline JPEG with nothing but pixels (no EXIF, ICC, XMP or comment)."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True, exif=b"",  # type: ignore[attr-defined]
               icc_profile=None)
    return out.getvalue()


def _taken_at(image: object) -> datetime | None:
    """When the camera says it took the photo, if it says so plausibly."""
    try:
        exif = image.getexif()  # type: ignore[attr-defined]
        value = exif.get_ifd(0x8769).get(_EXIF_TAKEN) or exif.get(0x0132)
        return datetime.strptime(str(value).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except (ValueError, TypeError, AttributeError, KeyError, OSError, SyntaxError):
        return None


def image_size(data: bytes) -> tuple[int, int]:
    """The width and height of a stored image (read from its header)."""
    _pillow()
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
    return width, height
