"""Images the photo tests make: photos with and without metadata, and hostile files."""

import io


def jpeg(width=1200, height=800, colour=(180, 120, 100), exif=None, orientation=None):
    """A JPEG; with ``exif`` (a PIL Exif) or an EXIF ``orientation`` tag."""
    from PIL import Image

    image = Image.new("RGB", (width, height), colour)
    image.paste((40, 40, 40), (0, 0, width // 4, height // 4))  # a dark top-left corner
    out = io.BytesIO()
    if orientation is not None:
        exif = exif or Image.Exif()
        exif[0x0112] = orientation
    image.save(out, "JPEG", exif=exif or b"")
    return out.getvalue()


def with_gps_and_owner():
    """A JPEG carrying a GPS position, a camera serial and an owner's name."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x013B] = "Dr Artist Owner"  # Artist
    exif[0x010F] = "CameraMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 31.0, 12.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (13.0, 24.0, 36.0)
    exif.get_ifd(0x8769)[0xA431] = "SERIAL-998877"  # BodySerialNumber
    exif.get_ifd(0x8769)[0x9003] = "2026:11:29 09:15:00"
    return jpeg(exif=exif)


def png_header(width, height):
    """A PNG that announces ``width`` × ``height`` pixels but holds almost nothing."""
    import struct
    import zlib

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def heic_from_a_phone(width=640, height=480):
    """A HEIC photo as a phone writes it: turned by its EXIF orientation, with an owner."""
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    image = Image.new("RGB", (width, height), (200, 100, 90))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to show
    exif[0x013B] = "Phone Owner Name"
    out = io.BytesIO()
    image.save(out, "HEIF", exif=exif.tobytes(), quality=80)
    return out.getvalue()
