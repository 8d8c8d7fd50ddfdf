"""`manage.py apply_retention [--dry-run] [--now ISO]`: apply the retention periods now (what the
daily beat task does): identity documents past their period, documents never reviewed,
blacklist carry-overs past theirs, saved cards of closed accounts still to detach, old booking and support messages,
masked originals, message quotes in notifications. `--dry-run` deletes nothing and prints what
would go (counts and ids). Both are audited (`privacy.retention_applied` / `_previewed`)."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from privacy.retention import LISTED_IDS, RetentionReport, apply_retention

LABELS = {
    "id_documents": "identity documents (file deleted, review record kept)",
    "pending_documents": "documents never reviewed (abandoned or closed account; file deleted)",
    "blacklist_carry_overs": "blacklist carry-overs of closed accounts deleted",
    "card_detaches": "saved cards of closed accounts detached at the provider",
    "messages": "booking messages deleted",
    "masked_originals": "originals of masked messages cleared",
    "support_messages": "support messages deleted",
    "notification_quotes": "message quotes removed from notifications",
    "files_retried": "document files deleted on retry",
}


class Command(BaseCommand):
    help = "Delete the personal data whose retention period is over (--dry-run: list only)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Delete nothing; list.")
        parser.add_argument("--now", help="Aware ISO 8601 moment to judge from (default: now).")

    def handle(self, *args, dry_run=False, now=None, **options):
        report = apply_retention(dry_run=dry_run, now=_parse_now(now) if now else None)
        self.stdout.write(render(report))


def render(report: RetentionReport) -> str:
    verb = "would delete" if report.dry_run else "deleted"
    lines = [f"apply_retention {report.now.isoformat()}: {verb}"]
    for kind in RetentionReport.KINDS:
        ids = getattr(report, kind)
        lines.append(f"  {LABELS[kind]}: {len(ids)}")
        if ids:
            listed = ", ".join(str(pk) for pk in ids[:LISTED_IDS])
            more = f" (+{len(ids) - LISTED_IDS} more)" if len(ids) > LISTED_IDS else ""
            lines.append(f"    ids: {listed}{more}")
    return "\n".join(lines)


def _parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            "--now must be an ISO 8601 moment, e.g. 2026-03-02T09:00:00+01:00"
        ) from exc
    if moment.tzinfo is None:
        raise CommandError("--now must carry its UTC offset (e.g. +01:00).")
    return moment
