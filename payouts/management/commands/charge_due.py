"""`manage.py charge_due [--date YYYY-MM-DD] [--dry-run]`: the morning charge run (the same
service beat runs at 07:00 Paris): record final earnings, create the due charges, attempt
every due charge (retries included). Safe to run twice: the second run finds nothing due."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from core import clock
from payouts.services import charges_run_due

from ..output import ProgressBar, eur, table


class Command(BaseCommand):
    help = "Charge every billable item due on the date (default: today, Paris)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Paris date YYYY-MM-DD (default: today).")
        parser.add_argument("--dry-run", action="store_true", help="Charge nothing; count only.")

    def handle(self, *args, date=None, dry_run=False, **options):
        on = _parse_date(date) if date else clock.today()
        bar = ProgressBar(self.stdout, "charging")
        summary = charges_run_due(on=on, dry_run=dry_run, progress=bar)
        bar.close()
        rows = [
            [status, count, eur(cents)]
            for status, (count, cents) in sorted(summary.by_status.items())
        ]
        total = [
            "Total",
            sum(count for count, _cents in summary.by_status.values()),
            eur(sum(cents for _count, cents in summary.by_status.values())),
        ]
        self.stdout.write(table(["outcome", "charges", "amount"], rows, total))
        verb = "would create" if dry_run else "created"
        self.stdout.write(
            f"charge_due {on.isoformat()}: {verb} {summary.created} charge(s), attempted "
            f"{summary.attempted}, provider unavailable {summary.errors}."
        )


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError("--date needs YYYY-MM-DD.") from None
