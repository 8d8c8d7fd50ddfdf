"""`manage.py run_payouts --frequency weekly|monthly [--date YYYY-MM-DD] [--dry-run]`: run the
payout batch of the latest batch day on or before the date (the same service beat runs on
Wednesdays and on the monthly day). Safe to rerun: it creates and sends nothing twice, and
resumes a batch that stopped halfway."""

from django.core.management.base import BaseCommand

from core import clock
from payouts import periods
from payouts.services import payout_batch_run

from ..output import ProgressBar, eur, table
from .charge_due import _parse_date


class Command(BaseCommand):
    help = "Pay the pros of one frequency for the period of the latest batch day."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", required=True, choices=periods.FREQUENCIES)
        parser.add_argument("--date", help="Paris date YYYY-MM-DD (default: today).")
        parser.add_argument("--dry-run", action="store_true", help="Pay nothing; preview only.")

    def handle(self, *args, frequency, date=None, dry_run=False, **options):
        on = _parse_date(date) if date else clock.today()
        bar = ProgressBar(self.stdout, "sending")
        result = payout_batch_run(frequency=frequency, on=on, dry_run=dry_run, progress=bar)
        bar.close()
        period = result.period
        self.stdout.write(
            f"{frequency} batch of {period.batch_on.isoformat()}: sessions up to "
            f"{period.end.isoformat()} (period from {period.start.isoformat()}), expected "
            f"arrival {period.arrival_on.isoformat()}."
        )
        pros, items, amount = result.totals
        held = [row for row in result.rows if row[0].startswith("held")]
        rows = [
            [outcome, count, item_count, eur(cents)]
            for outcome, count, item_count, cents in result.rows
        ]
        self.stdout.write(
            table(["payouts", "pros", "items", "amount"], rows, ["Total", pros, items, eur(amount)])
        )
        self.stdout.write(
            f"{'preview: ' if dry_run else ''}{pros} pro(s), {items} item(s), {eur(amount)}; "
            f"held: {sum(row[1] for row in held)} pro(s), {eur(sum(row[3] for row in held))}; "
            f"created now: {result.created}; provider errors: {result.send_errors}."
        )
