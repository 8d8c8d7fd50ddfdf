"""The application server's VAPID key pair (web push): the private key signs each push's JWT,
the public key is what browsers subscribe with (`applicationServerKey`).

From the environment (WEBPUSH_VAPID_PRIVATE_KEY, base64url of the raw P-256 private key:
`manage.py webpush_keys` makes one). Unset: development and tests generate a pair for this
process and say so in the logs (`make run` keeps one in .run/webpush.env so that the web and
worker processes share it); production then has web push turned off.
"""

import base64
import logging
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VapidKeys:
    private_key: str  # base64url, raw 32 bytes (what pywebpush and py_vapid read)
    public_key: str  # base64url, uncompressed point (65 bytes): the applicationServerKey


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def generate_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def keys_from_private(private_key: str) -> VapidKeys:
    try:
        raw = b64url_decode(private_key.strip())
        if len(raw) != 32:
            raise ValueError("not 32 bytes")
        key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    except ValueError as error:
        raise ImproperlyConfigured(
            "WEBPUSH_VAPID_PRIVATE_KEY must be the base64url of a raw P-256 private key "
            "(python manage.py webpush_keys makes one)."
        ) from error
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return VapidKeys(private_key=b64url(raw), public_key=b64url(public))


@cache
def vapid_keys() -> VapidKeys | None:
    """This process's key pair, or None when web push is off (production without keys)."""
    if settings.WEBPUSH_VAPID_PRIVATE_KEY:
        return keys_from_private(settings.WEBPUSH_VAPID_PRIVATE_KEY)
    if settings.WEBPUSH_GENERATE_DEV_KEYS:
        keys = keys_from_private(generate_private_key())
        logger.warning(
            "WEBPUSH_VAPID_PRIVATE_KEY is not set: generated a development VAPID key pair for "
            "this process (public key %s). Set one for production: manage.py webpush_keys.",
            keys.public_key,
        )
        return keys
    logger.warning("WEBPUSH_VAPID_PRIVATE_KEY is not set: web push is off.")
    return None
