import io

import pytest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size=(64, 64)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(name="id.pdf", data=PDF, content_type="application/pdf"):
        return SimpleUploadedFile(name, data, content_type)

    return make


@pytest.fixture
def png_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(name="photo.png"):
        return SimpleUploadedFile(name, png_bytes(), "image/png")

    return make
