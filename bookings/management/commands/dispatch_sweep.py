from django.core.management.base import BaseCommand

from bookings.services import dispatch_sweep


class Command(BaseCommand):
    help = "Run one dispatch sweep now: expire due proposals, open next waves, close at deadlines."

    def handle(self, *args, **options):
        processed = dispatch_sweep()
        self.stdout.write(f"{processed} request(s) processed")
