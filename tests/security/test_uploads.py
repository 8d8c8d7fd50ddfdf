"""Hostile uploads (issue 7, item 7): a decompression bomb (a ~48 KB PNG declaring 20000x20000)
was a 500 on the pro photo and document uploads; it is now a form error. Photos are stored
re-encoded (upright, at most 1600 px, JPEG, no EXIF/GPS, no ICC), and polyglots (a JPEG, PNG or
`%PDF-` file that also carries HTML or script) are refused. Nothing is written on a refusal."""

import io
import struct
import zlib
from functools import cache

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from core.models import AuditEvent
from pros import rules
from pros.errors import InvalidFile
from pros.models import Document
from pros.services import document_upload, pro_update_profile
from tests.factories import ProFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@cache
def png_bomb(side: int = 20000) -> bytes:
    """A real bomb: a 1-bit PNG of side x side zeros (about 48 KB for 20000; 400 M pixels,
    which Pillow would decode to gigabytes)."""
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


def png_declaring(width: int, height: int) -> bytes:
    """A PNG header declaring a size, with a token body (refused before any decoding)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def jpeg(size=(640, 480), *, exif=None, icc=None, colour=(30, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    extra = {}
    if exif is not None:
        extra["exif"] = exif
    if icc is not None:
        extra["icc_profile"] = icc
    Image.new("RGB", size, colour).save(buffer, "JPEG", **extra)
    return buffer.getvalue()


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (48.0, 51.0, 24.0)  # the pro's home, to the metre
    gps[3] = "E"
    gps[4] = (2.0, 21.0, 7.0)
    return exif


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type)


@pytest.fixture(autouse=True)
def _english():
    """The services' messages in English (the tests read them)."""
    with translation.override("en"):
        yield


@pytest.fixture
def pro_client(client):
    pro = ProFactory()
    client.force_login(pro.user)
    client.pro = pro
    return client


# --- decompression bombs -----------------------------------------------------------------------


def test_the_bomb_is_small_and_declares_400_million_pixels():
    bomb = png_bomb()
    assert len(bomb) < 60_000
    assert struct.unpack(">II", bomb[16:24]) == (20000, 20000)  # IHDR: width, height


@pytest.mark.parametrize(
    "data",
    [
        png_declaring(20000, 20000),  # Pillow's own error (over 2x its limit)
        png_declaring(10000, 10000),  # Pillow's warning (between 1x and 2x)
        png_declaring(6000, 6000),  # ours: over IMAGE_MAX_PIXELS
        png_declaring(1, 30_000_000),
    ],
    ids=["error", "warning", "ours", "thin"],
)
def test_every_bomb_size_is_a_refusal(data):
    with pytest.raises(InvalidFile) as refused:
        rules.check_document(upload("id.png", data))
    assert "megapixels" in str(refused.value.message)
    assert refused.value.fields == {"file": [str(refused.value.message)]}
    with pytest.raises(InvalidFile):
        rules.check_photo(upload("me.png", data))


def test_bomb_as_profile_photo_is_a_form_error(pro_client):
    response = pro_client.post(
        reverse("pros:settings_profile"),
        {"bio": "Coiffeuse", "photo": upload("me.png", png_bomb())},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "too large" in str(response.context["form"].errors["photo"])
    pro_client.pro.refresh_from_db()
    assert not pro_client.pro.photo and pro_client.pro.bio == ""
    assert not AuditEvent.objects.filter(action="pro.profile_updated").exists()


def test_bomb_as_document_is_a_form_error(pro_client):
    response = pro_client.post(
        reverse("pros:settings_documents"),
        {"kind": "id", "file": upload("id.png", png_bomb())},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "too large" in str(response.context["form"].errors["file"])
    assert not Document.objects.exists()


# --- photos are re-encoded ------------------------------------------------------------------------


def test_photo_is_stored_without_metadata_and_bounded():
    pro = ProFactory()
    original = jpeg((4000, 3000), exif=gps_exif(), icc=b"\x00" * 128)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS is there
    pro_update_profile(pro=pro, bio="", photo=upload("me.jpg", original, "image/jpeg"))
    pro.refresh_from_db()
    with pro.photo.open("rb") as handle:
        stored = handle.read()
    assert pro.photo.name.endswith(".jpg")
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.mode == "RGB"
    assert image.size == (1600, 1200)
    assert not image.getexif() and "exif" not in image.info
    assert "icc_profile" not in image.info
    assert b"PhoneMaker" not in stored and b"Exif" not in stored


def test_photo_is_turned_upright_from_its_exif_orientation():
    pro = ProFactory()
    sideways = jpeg((400, 200), exif=gps_exif(orientation=6))  # rotate 90 degrees on display
    pro_update_profile(pro=pro, bio="", photo=upload("me.jpg", sideways, "image/jpeg"))
    pro.refresh_from_db()
    with pro.photo.open("rb") as handle:
        assert Image.open(handle).size == (200, 400)


def test_transparent_png_is_flattened_on_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (100, 50), (0, 0, 0, 0)).save(buffer, "PNG")
    stored = rules.reencode_photo(upload("me.png", buffer.getvalue()))
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (100, 50)
    red, green, blue = image.getpixel((50, 25))
    assert min(red, green, blue) > 245


def test_a_small_photo_keeps_its_size():
    stored = rules.reencode_photo(upload("me.jpg", jpeg((300, 300)), "image/jpeg"))
    assert Image.open(io.BytesIO(stored)).size == (300, 300)


# --- polyglots ------------------------------------------------------------------------------------


def _png_with_text(text: bytes) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    data = buffer.getvalue()
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + _chunk(b"tEXt", b"Comment\x00" + text) + data[iend:]


POLYGLOTS = {
    "jpeg+html": (jpeg() + HTML, "image/jpeg"),
    "jpeg+svg": (jpeg() + b'<svg onload="alert(1)"/>', "image/jpeg"),
    "png+script in a text chunk": (_png_with_text(b"<script>alert(1)</script>"), "image/png"),
    "pdf+html": (PDF + HTML, "application/pdf"),
    "pdf+doctype": (b"%PDF-1.4\n<!DOCTYPE html><p>hi</p>\n%%EOF", "application/pdf"),
    "pdf+javascript action": (
        b"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\n%%EOF",
        "application/pdf",
    ),
}


@pytest.mark.parametrize("name", list(POLYGLOTS))
def test_polyglot_document_is_refused(name):
    data, content_type = POLYGLOTS[name]
    pro = ProFactory()
    with pytest.raises(InvalidFile) as refused:
        document_upload(pro=pro, kind="id", uploaded_file=upload("id", data, content_type))
    assert "script" in str(refused.value.message)
    assert not Document.objects.exists()


@pytest.mark.parametrize("name", [name for name in POLYGLOTS if not name.startswith("pdf")])
def test_polyglot_photo_is_refused(name):
    data, content_type = POLYGLOTS[name]
    pro = ProFactory()
    with pytest.raises(InvalidFile):
        pro_update_profile(pro=pro, bio="", photo=upload("me", data, content_type))
    pro.refresh_from_db()
    assert not pro.photo


def test_polyglot_photo_on_the_web_form(pro_client):
    response = pro_client.post(
        reverse("pros:settings_profile"),
        {"bio": "", "photo": upload("me.jpg", jpeg() + HTML, "image/jpeg")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "script" in str(response.context["form"].errors["photo"])


def test_plain_files_still_pass():
    pro = ProFactory()
    for data, content_type in ((PDF, "application/pdf"), (jpeg(), "image/jpeg")):
        document_upload(pro=pro, kind="id", uploaded_file=upload("id", data, content_type))
    assert Document.objects.count() == 2
    # The stored document is the file as sent (evidence), GPS included: only support sees it.
    gps = jpeg(exif=gps_exif())
    document = document_upload(
        pro=pro, kind="id", uploaded_file=upload("id.jpg", gps, "image/jpeg")
    )
    with document.file.open("rb") as handle:
        assert handle.read() == gps
