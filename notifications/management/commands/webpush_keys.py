"""Print a new VAPID key pair for web push, as environment lines:

    python manage.py webpush_keys >> .env

Keep the private key secret and stable: browsers subscribed with the public key stop
receiving pushes when it changes (they subscribe again on their next visit).
"""

from django.core.management.base import BaseCommand

from notifications.vapid import generate_private_key, keys_from_private


class Command(BaseCommand):
    help = "Print a new VAPID key pair (WEBPUSH_VAPID_PRIVATE_KEY) for web push."

    def handle(self, *args, **options):
        keys = keys_from_private(generate_private_key())
        self.stdout.write(f"WEBPUSH_VAPID_PRIVATE_KEY={keys.private_key}")
        self.stdout.write(f"# public key (applicationServerKey): {keys.public_key}")
