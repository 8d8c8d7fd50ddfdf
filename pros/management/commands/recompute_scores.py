"""Every pro's score again, now (what the nightly beat job runs): `manage.py recompute_scores
[--dry-run] [--chunk N]`. Set-based, one statement per chunk of pros, with a progress bar."""

import time

from django.core.management.base import BaseCommand

from core import clock
from pros.scoring.nightly import CHUNK, score_recompute_all

BAR = 30


class Command(BaseCommand):
    help = "Recompute every pro's score (and their zone cells) from their last 90 days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; write nothing."
        )
        parser.add_argument("--chunk", type=int, default=CHUNK, help="Pros per statement.")

    def handle(self, *args, dry_run=False, chunk=CHUNK, **options):
        started = time.monotonic()
        tty = self.stdout.isatty()

        def progress(done, total):
            filled = BAR * done // max(total, 1)
            line = f"[{'#' * filled}{'.' * (BAR - filled)}] {done:,}/{total:,} pros"
            if tty:
                self.stdout.write("\r" + line, ending="")
            else:
                self.stdout.write(line)

        result = score_recompute_all(
            now=clock.now(), chunk=max(chunk, 1), dry_run=dry_run, progress=progress
        )
        if tty and result.pros:
            self.stdout.write("")
        if result.skipped:
            self.stdout.write("Another recompute_scores run holds the lock: nothing done.")
            return
        seconds = time.monotonic() - started
        if dry_run:
            self.stdout.write(
                f"Dry run: {result.pros:,} pros scored in {seconds:.1f} s; "
                f"{result.changed:,} would change ({result.raised:,} up, "
                f"{result.changed - result.raised:,} down), {result.cells:,} zone cells."
            )
        else:
            self.stdout.write(
                f"{result.pros:,} pros scored in {seconds:.1f} s; {result.changed:,} changed, "
                f"{result.cells:,} zone cells updated."
            )
