"""Personal links become unguessable: every pro's slug gets 80 random bits after the readable
part (`amina-b` -> `amina-b-7k3xq9...`). The old, guessable links stop working.

The generation is copied here (not imported) so this migration keeps doing what it did when
pros.services.link changes. Going back keeps the new slugs (they are valid slugs too).
"""

import base64
import secrets

from django.db import migrations
from django.utils.text import slugify


def _slug(first_name: str, last_name: str) -> str:
    base = slugify(f"{first_name} {(last_name or '')[:1]}".strip())[:50].strip("-") or "pro"
    return f"{base}-{base64.b32encode(secrets.token_bytes(10)).decode().lower()}"


def forwards(apps, schema_editor):
    Pro = apps.get_model("pros", "Pro")
    batch = []
    for pro in Pro.objects.select_related("user").only(
        "pk", "slug", "user__first_name", "user__last_name"
    ).iterator(chunk_size=500):
        pro.slug = _slug(pro.user.first_name, pro.user.last_name)
        batch.append(pro)
        if len(batch) == 500:
            Pro.objects.bulk_update(batch, ["slug"])
            batch = []
    Pro.objects.bulk_update(batch, ["slug"])


class Migration(migrations.Migration):
    dependencies = [("pros", "0002_suspension_stored_once")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
