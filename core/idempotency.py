"""The store behind `Idempotency-Key` (the HTTP side is core.idempotency_middleware): who
holds a key, what was answered, when it is forgotten.

Rules:
- the first request with a key claims it (a row unique per user and key) and runs;
- its answer, when successful (2xx), is kept and replayed to every retry with the same key and
  the same request (method, path, body). A refusal (4xx) or a failure (5xx) changed nothing,
  so the key is released and a retry runs again;
- the same key with another request is refused (`reused`);
- a retry while the first one still runs is refused (`in_use`: no waiting, a worker is not
  held). A claim older than IDEMPOTENCY_LEASE is taken as lost (a killed worker) and the
  retry runs instead;
- keys are forgotten after IDEMPOTENCY_KEY_TTL (24 h); `purge_expired` deletes them (beat).
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import IdempotencyRecord

RUN, REPLAY, REUSED, IN_USE = "run", "replay", "reused", "in_use"
_CLAIM_ATTEMPTS = 3


@dataclass
class Claim:
    """What a request with a key may do: RUN (it holds `record`), REPLAY `record`'s answer,
    or be refused (REUSED, IN_USE)."""

    outcome: str
    record: IdempotencyRecord | None = None


def fingerprint(*, method: str, path: str, body: bytes) -> str:
    """sha256 of the request: the same key must come with the same request."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def claim(*, user, key: str, request_fingerprint: str) -> Claim:
    """Take the key for this request, or say what to answer instead."""
    for _attempt in range(_CLAIM_ATTEMPTS):
        now = timezone.now()
        fresh = {
            "fingerprint": request_fingerprint,
            "status_code": None,
            "content_type": "",
            "body": "",
            "locked_until": now + settings.IDEMPOTENCY_LEASE,
            "created_at": now,
            "expires_at": now + settings.IDEMPOTENCY_KEY_TTL,
        }
        try:
            with transaction.atomic():
                return Claim(RUN, IdempotencyRecord.objects.create(user=user, key=key, **fresh))
        except IntegrityError:
            pass  # the key is known: in what state?
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is None:
            continue  # released meanwhile (the first request was refused): claim it again
        rows = IdempotencyRecord.objects.filter(pk=record.pk)
        if record.expires_at <= now:  # forgotten, not purged yet: a new key
            if rows.filter(expires_at__lte=now).update(**fresh):
                return Claim(RUN, rows.get())
            continue
        if record.fingerprint != request_fingerprint:
            return Claim(REUSED, record)
        if record.status_code is not None:
            return Claim(REPLAY, record)
        if record.locked_until and record.locked_until > now:
            return Claim(IN_USE, record)
        # The first request's claim lapsed (its worker died): this retry runs instead.
        lease = now + settings.IDEMPOTENCY_LEASE
        if rows.filter(status_code__isnull=True, locked_until=record.locked_until).update(
            locked_until=lease
        ):
            record.locked_until = lease
            return Claim(RUN, record)
    return Claim(IN_USE)


def finish(record: IdempotencyRecord, *, status_code: int, content_type: str, body) -> None:
    """Keep a successful answer (`body` as text) for the retries; release the key otherwise
    (`body` None, or not a 2xx). Only while this request still holds the claim."""
    mine = IdempotencyRecord.objects.filter(
        pk=record.pk, status_code__isnull=True, locked_until=record.locked_until
    )
    if body is None or not 200 <= status_code < 300:
        mine.delete()
        return
    mine.update(
        status_code=status_code, content_type=content_type[:100], body=body, locked_until=None
    )


def purge_expired(*, batch: int = 5000) -> int:
    """Delete forgotten keys, a batch at a time. Returns how many went."""
    deleted = 0
    while True:
        ids = list(
            IdempotencyRecord.objects.filter(expires_at__lte=timezone.now()).values_list(
                "pk", flat=True
            )[:batch]
        )
        if not ids:
            return deleted
        deleted += IdempotencyRecord.objects.filter(pk__in=ids).delete()[0]
