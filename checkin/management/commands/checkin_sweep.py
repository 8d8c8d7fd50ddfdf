"""`manage.py checkin_sweep [--now ISO-DATETIME] [--dry-run]`: run the check-in sweep once
(the service beat runs every minute), as of the given time, and print what it changed or,
with --dry-run, what it would change. Safe to run twice: the second run finds nothing due."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from checkin.services import checkin_sweep
from core import clock


class Command(BaseCommand):
    help = "Apply the 5-day rule, close sessions that end by themselves, send reminders."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="ISO 8601 date and time with its offset, e.g. 2026-03-08T00:00:00+01:00",
        )
        parser.add_argument("--dry-run", action="store_true", help="Change nothing; list only.")

    def handle(self, *args, now=None, dry_run=False, **options):
        moment = clock.now()
        if now:
            try:
                moment = parse_datetime(now)
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None:
                raise CommandError("--now needs an ISO 8601 date and time with its UTC offset.")
        changes = checkin_sweep(now=moment, dry_run=dry_run)
        verb = "would" if dry_run else "did"
        as_of = clock.to_paris(moment).strftime("%Y-%m-%d %H:%M %Z")
        for change in changes:
            detail = f" ({change.detail})" if change.detail else ""
            self.stdout.write(f"{change.action}: {change.subject}{detail}")
        self.stdout.write(f"checkin_sweep as of {as_of}: {verb} change {len(changes)} session(s).")
