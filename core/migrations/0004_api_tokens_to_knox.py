"""API tokens move from DRF's authtoken (clear keys, no expiry) to django-rest-knox (hashed,
expiring). Existing keys keep working: each becomes a knox row holding its hash, expiring one
TOKEN_TTL from now; then the table of clear keys is dropped."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def tokens_to_knox(apps, schema_editor):
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS

    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    AuthToken = apps.get_model("knox", "AuthToken")
    expiry = timezone.now() + settings.REST_KNOX["TOKEN_TTL"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id FROM authtoken_token")
        rows = cursor.fetchall()
    AuthToken.objects.bulk_create(
        AuthToken(
            digest=hash_token(key),
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
            user_id=user_id,
            expiry=expiry,
        )
        for key, user_id in rows
    )
    schema_editor.execute("DROP TABLE authtoken_token")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_user_language"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(tokens_to_knox, migrations.RunPython.noop)]
