"""A push service on 127.0.0.1 for the tests, and the browser side of a subscription.

`LocalPushService` receives the real HTTP requests the server sends (as FCM or Mozilla's
autopush would), checks the VAPID `Authorization` header (an ES256 JWT signed by the key in
`k`, `aud` = the endpoint's origin, `exp` within 24 h) and keeps each message. A
`BrowserSubscription` is what a browser makes when it subscribes: a P-256 key pair and a
16-byte auth secret; it decrypts a received body (aes128gcm, `http_ece`) with its private key,
so a test reads the very bytes a service worker would be given.
"""

import base64
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


@dataclass
class ReceivedPush:
    path: str
    headers: dict
    body: bytes
    received_at: float  # time.monotonic()
    received_wall: float = 0.0  # time.time(), to compare with database timestamps
    claims: dict = field(default_factory=dict)
    vapid_public_key: str = ""


class BrowserSubscription:
    """The keys a browser generates for one push subscription (kept private to the test)."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def as_json(self) -> dict:
        """What PushSubscription.toJSON() gives the page's script."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    def decrypt(self, push: ReceivedPush) -> dict:
        assert push.headers.get("content-encoding") == "aes128gcm"
        plain = http_ece.decrypt(
            push.body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )
        return json.loads(plain)


def verify_vapid(authorization: str, origin: str) -> tuple[dict, str]:
    """Check `vapid t=<jwt>, k=<public key>` as a push service does; return (claims, k)."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid", authorization
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    token, public_key = values["t"], values["k"]
    header_b64, claims_b64, signature_b64 = token.split(".")
    header = json.loads(b64url_decode(header_b64))
    assert header == {"typ": "JWT", "alg": "ES256"}
    signature = b64url_decode(signature_b64)
    assert len(signature) == 64
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(public_key))
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:  # pragma: no cover - the assertion says it
        raise AssertionError("VAPID signature does not verify") from error
    claims = json.loads(b64url_decode(claims_b64))
    assert claims["aud"] == origin, claims
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600, claims
    assert claims["sub"].startswith(("mailto:", "https:")), claims
    return claims, public_key


class LocalPushService:
    """An HTTP push service on 127.0.0.1: answers 201 (or the status set for an endpoint),
    keeps what it received in `.received`; use as a context manager."""

    def __init__(self):
        self.received: list[ReceivedPush] = []
        self.statuses: dict[str, int] = {}
        self._arrived = threading.Condition()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                push = ReceivedPush(self.path, headers, body, time.monotonic(), time.time())
                try:
                    push.claims, push.vapid_public_key = verify_vapid(
                        headers.get("authorization", ""), service.origin
                    )
                    status = service.statuses.get(self.path, 201)
                except (AssertionError, KeyError, ValueError):
                    status = 401  # what a push service answers to a bad VAPID header
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with service._arrived:
                    if status == 201:
                        service.received.append(push)
                    else:
                        service.refused.append((push, status))
                    service._arrived.notify_all()

            def log_message(self, *args):
                pass

        self.refused: list[tuple[ReceivedPush, int]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"

    def subscription(self) -> BrowserSubscription:
        return BrowserSubscription(f"{self.origin}/push/{secrets.token_urlsafe(12)}")

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[ReceivedPush]:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.received)} push(es) received, {count} awaited")
                self._arrived.wait(left)
            return list(self.received)

    def __enter__(self):
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
