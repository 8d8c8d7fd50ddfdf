"""Pure checks on what a pro enters (no database, no writes): files, hours, bank details.

Services call them before writing; the admin form calls the file checks too, so a refused
upload is shown on the form instead of failing after validation.
"""

import io
from datetime import time

from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.text import clean_text

from .errors import InvalidFile, InvalidHours
from .models import WorkingHours

DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_BYTES = 5 * 1024 * 1024
BIO_MAX_CHARS = 600
# Content sniffing: the first bytes decide the type, never the file name.
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
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


def check_image(uploaded) -> None:
    """Refuse a file that claims to be an image but does not decode as one."""
    from PIL import Image, UnidentifiedImageError  # lazy: only uploads need Pillow

    uploaded.seek(0)
    try:
        with Image.open(io.BytesIO(uploaded.read())) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidFile(_("This image is damaged or not an image.")) from exc
    finally:
        uploaded.seek(0)


def check_photo(photo) -> str:
    """A profile photo: JPEG or PNG, at most 5 MB, a real image. Returns its file extension."""
    if photo.size > PHOTO_MAX_BYTES:
        raise InvalidFile(_("The photo must not exceed 5 MB."))
    content_type, extension = sniff_file_type(photo)
    if not content_type.startswith("image/"):
        raise InvalidFile(_("The photo must be a JPEG or PNG image."))
    check_image(photo)
    return extension


def check_document(uploaded_file) -> tuple[str, str]:
    """A document: not empty, at most 5 MB, PDF/JPEG/PNG by content. (content type, extension)."""
    if uploaded_file.size > DOCUMENT_MAX_BYTES:
        raise InvalidFile(_("The file must not exceed 5 MB."))
    if uploaded_file.size == 0:
        raise InvalidFile(_("The file is empty."))
    content_type, extension = sniff_file_type(uploaded_file)
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
