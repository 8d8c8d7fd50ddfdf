"""Pure checks on what a pro enters (no database, no writes): files, hours, bank details.

Services call them before writing; the admin form calls the file checks too, so a refused
upload is shown on the form instead of failing after validation.
"""

import io
import re
import warnings
from contextlib import contextmanager
from datetime import time

from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.text import clean_text

from .errors import InvalidFile, InvalidHours
from .models import WorkingHours

DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_BYTES = 5 * 1024 * 1024
BIO_MAX_CHARS = 600
# Declared pixels an uploaded image may have before anything is decoded: 25 megapixels holds a
# 6000x4000 camera photo or an A4 scan at 600 dpi; a 48 KB PNG declaring 20000x20000 (400 M
# pixels, gigabytes once decoded) is refused from its header.
IMAGE_MAX_PIXELS = 25_000_000
# Photos are re-encoded: this size (longest side), this format, no metadata.
PHOTO_MAX_SIDE = 1600
PHOTO_FORMAT = ("JPEG", "jpg")
PHOTO_JPEG_QUALITY = 85
# Content sniffing: the first bytes decide the type, never the file name.
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
# What makes a PDF or an image a polyglot: markup a browser would render or run if it ever
# sniffed the file as a page, and PDF actions that run something. A heuristic on the raw
# bytes (a compressed stream can hide anything); the documents are also served with their
# sniffed type, `nosniff` and only to their pro and support.
_ACTIVE_CONTENT = re.compile(
    rb"<\s*(?:script|html|body|iframe|frameset|svg|object|embed|!doctype\s+html)[\s>/]"
    rb"|javascript:|/JavaScript\b|/Launch\b",
    re.IGNORECASE,
)


# --- files ---------------------------------------------------------------------------------------


def sniff_file_type(uploaded) -> tuple[str, str]:
    """(content type, extension) from the file's first bytes; PDF, JPEG or PNG only."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    raise InvalidFile(_("Only PDF, JPEG and PNG files are accepted."))


def _read_all(uploaded) -> bytes:
    uploaded.seek(0)
    try:
        return uploaded.read()
    finally:
        uploaded.seek(0)


def check_no_active_content(uploaded) -> None:
    """Refuse a polyglot: a PDF or an image that also carries HTML or script."""
    if _ACTIVE_CONTENT.search(_read_all(uploaded)):
        raise InvalidFile(
            _("This file contains web page code or a script. Send the plain document or photo.")
        )


def _too_large() -> InvalidFile:
    return InvalidFile(
        _("This image is too large: %(megapixels)d megapixels at most.")
        % {"megapixels": IMAGE_MAX_PIXELS // 1_000_000}
    )


def _open_image(data: bytes):
    """A Pillow image read from its header only, once its declared size is within
    IMAGE_MAX_PIXELS. Pillow's own decompression-bomb guard (a warning, then an error) ends
    as the same refusal instead of a 500."""
    from PIL import Image, UnidentifiedImageError  # lazy: only uploads need Pillow

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidFile(_("This image is damaged or not an image.")) from exc
    width, height = image.size
    if width < 1 or height < 1 or width * height > IMAGE_MAX_PIXELS:
        raise _too_large()
    return image


def _decode(action, data: bytes):
    """Run `action(image)` on the opened image; a decoding failure is a refusal."""
    from PIL import Image

    image = _open_image(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return action(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as exc:
        raise InvalidFile(_("This image is damaged or not an image.")) from exc
    finally:
        image.close()


def check_image(uploaded) -> None:
    """Refuse a file that claims to be an image but does not decode as one, or that declares
    more pixels than IMAGE_MAX_PIXELS (a decompression bomb)."""
    _decode(lambda image: image.verify(), _read_all(uploaded))


@contextmanager
def _on_field(field: str):
    """A file refusal names the form field it belongs to (a form shows it next to the input)."""
    try:
        yield
    except InvalidFile as error:
        if error.fields:
            raise
        raise InvalidFile(error.message, fields={field: [str(error.message)]}) from error


def check_photo(photo, *, field: str = "photo") -> str:
    """A profile photo: JPEG or PNG, at most 5 MB, a real image of sane size, no markup.
    Returns the extension of the stored photo (reencode_photo's format)."""
    with _on_field(field):
        if photo.size > PHOTO_MAX_BYTES:
            raise InvalidFile(_("The photo must not exceed 5 MB."))
        content_type, _extension = sniff_file_type(photo)
        if not content_type.startswith("image/"):
            raise InvalidFile(_("The photo must be a JPEG or PNG image."))
        check_no_active_content(photo)
        check_image(photo)
    return PHOTO_FORMAT[1]


def reencode_photo(photo) -> bytes:
    """The photo as stored: turned upright (EXIF orientation), at most PHOTO_MAX_SIDE on its
    longest side, flattened on white, JPEG, without metadata (no EXIF, so no GPS position, no
    camera serial; no ICC profile, no comment). Only these freshly encoded pixels are kept, so
    nothing appended to or hidden in the upload survives. Call check_photo first."""
    from PIL import Image, ImageOps

    def encode(image) -> bytes:
        # JPEG: decode straight at a reduced scale (cheap even for a large photo).
        image.draft("RGB", (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        image = ImageOps.exif_transpose(image)
        image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            image = image.convert("RGBA")
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        # A new image holds the pixels alone: no info dictionary (EXIF, XMP, ICC) to carry.
        clean = Image.new("RGB", image.size)
        clean.paste(image.convert("RGB"))
        out = io.BytesIO()
        clean.save(out, PHOTO_FORMAT[0], quality=PHOTO_JPEG_QUALITY, optimize=True)
        return out.getvalue()

    return _decode(encode, _read_all(photo))


def check_document(uploaded_file, *, field: str = "file") -> tuple[str, str]:
    """A document: not empty, at most 5 MB, PDF/JPEG/PNG by content, no markup or script
    inside, images of sane size. (content type, extension). Stored as sent (it is evidence)."""
    with _on_field(field):
        if uploaded_file.size > DOCUMENT_MAX_BYTES:
            raise InvalidFile(_("The file must not exceed 5 MB."))
        if uploaded_file.size == 0:
            raise InvalidFile(_("The file is empty."))
        content_type, extension = sniff_file_type(uploaded_file)
        check_no_active_content(uploaded_file)
        if content_type.startswith("image/"):
            check_image(uploaded_file)
    return content_type, extension


def clean_bio(bio: str) -> str:
    bio = clean_text(bio, field="bio")
    if len(bio) > BIO_MAX_CHARS:
        raise InvalidInput(
            _("The bio is limited to 600 characters."), fields={"bio": [_("Too long.")]}
        )
    return bio


# --- weekly hours ----------------------------------------------------------------------------------


def validate_hour_ranges(ranges) -> list[tuple[int, time, time]]:
    """Sorted (weekday, start, end) with end > start and no overlap within a day."""
    cleaned = sorted((int(day), start, end) for day, start, end in ranges)
    for day, start, end in cleaned:
        if not 0 <= day <= 6:
            raise InvalidHours(_("Unknown weekday."))
        if end <= start:
            raise InvalidHours(_("The end of a range must be after its start."))
    for (day_a, _start_a, end_a), (day_b, start_b, _end_b) in zip(
        cleaned, cleaned[1:], strict=False
    ):
        if day_a == day_b and start_b < end_a:
            raise InvalidHours(
                _("Two ranges overlap on %(day)s.") % {"day": WorkingHours.Weekday(day_a).label}
            )
    return cleaned


# --- bank details ----------------------------------------------------------------------------------


def normalize_iban(iban: str) -> tuple[str, str]:
    """(compact IBAN, BIC or "") from a schwifty-validated IBAN; raises InvalidInput."""
    # Lazy: schwifty takes ~50 ms to import, and only the bank-details page needs it.
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        parsed = IBAN(iban or "")
    except (SchwiftyException, ValueError) as exc:
        raise InvalidInput(
            _("This IBAN is not valid."), fields={"iban": [_("This IBAN is not valid.")]}
        ) from exc
    try:
        bic = parsed.bic
    except (SchwiftyException, ValueError):
        bic = None
    return parsed.compact, str(bic.compact) if bic else ""


def normalize_bic(bic: str) -> str:
    """A compact, validated BIC, or "" when none is given; raises InvalidInput."""
    bic = (bic or "").strip().upper().replace(" ", "")
    if not bic:
        return ""
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    try:
        return BIC(bic).compact
    except (SchwiftyException, ValueError) as exc:
        raise InvalidInput(
            _("This BIC is not valid."), fields={"bic": [_("This BIC is not valid.")]}
        ) from exc
