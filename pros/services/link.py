"""The pro's personal link: an unguessable slug, made at sign-up and reset by the pro.

A link lets a customer who never had a session with the pro see their free slots and book
them, so it must not be guessable from the pro's name: the readable part (first name, last
initial) is followed by 80 random bits. Resetting it kills the old link at once.
"""

import base64
import secrets

from django.db import transaction
from django.utils.text import slugify

from core.audit import audit

from ..models import Pro
from .status import lock_pro

# 10 random bytes = 80 bits = 16 lowercase base32 characters (a-z, 2-7: safe in any URL,
# no case to get wrong when read aloud).
LINK_SECRET_BYTES = 10


def new_personal_link_slug(first_name: str, last_name: str) -> str:
    """`amina-b-7k3xq9...`: readable for the eye, unguessable for a scraper; free in the table."""
    base = slugify(f"{first_name} {last_name[:1]}".strip())[:50].strip("-") or "pro"
    while True:
        secret = base64.b32encode(secrets.token_bytes(LINK_SECRET_BYTES)).decode().lower()
        slug = f"{base}-{secret}"
        if not Pro.objects.filter(slug=slug).exists():
            return slug


@transaction.atomic
def pro_reset_personal_link(*, pro: Pro, actor=None) -> Pro:
    """A new link for the pro; the old one stops working at once (audited)."""
    pro = lock_pro(pro)
    old = pro.slug
    pro.slug = new_personal_link_slug(pro.user.first_name, pro.user.last_name)
    pro.save(update_fields=["slug"])
    audit(action="pro.personal_link_reset", subject=pro, actor=actor, data={"old": old})
    return pro
