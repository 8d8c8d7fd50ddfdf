"""Pro web UI of money: the Earnings page (next payout, this period, 12-week chart, past
payouts with their items) and the CSV statement. Thin: selectors do the reading."""

import csv
from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import clock
from core.money import format_eur
from pros.access import pro_required

from . import selectors, ui
from .forms import StatementForm

PAST_PAYOUTS = 12


@require_GET
@pro_required
def earnings(request):
    pro = request.pro
    today = clock.today()
    language = translation.get_language() or "fr"
    payouts = list(selectors.payouts_for(pro, with_items=True)[:PAST_PAYOUTS])
    for payout in payouts:
        payout.lines = [
            (entry.earned_on, ui.entry_label(entry), entry.amount_cents)
            for entry in (item.entry for item in payout.items.all())
        ]
    context = {
        "pro": pro,
        "overview": selectors.earnings_overview(pro, today=today),
        "chart": ui.weekly_chart(selectors.weekly_totals(pro, today=today), language=language),
        "payouts": payouts,
        "statement_form": StatementForm(initial={"start": date(today.year, 1, 1), "end": today}),
    }
    return render(request, "payouts/earnings.html", context)


@require_GET
@pro_required
def statement_csv(request):
    """Every earning of a date range, then per-month totals (sessions and amounts): what a
    micro-entrepreneur needs for their turnover declaration."""
    form = StatementForm(request.GET)
    if not form.is_valid():
        today = clock.today()
        start, end = date(today.year, 1, 1), today
    else:
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    entries = selectors.statement_entries(request.pro, start=start, end=end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="wecasa-statement-{start.isoformat()}-{end.isoformat()}.csv"'
    )
    response.write("\ufeff")  # spreadsheets read UTF-8 with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [_("Date"), _("Month"), _("Type"), _("Description"), _("Amount (EUR)"), _("Paid on")]
    )
    months: dict[str, list[int]] = {}
    for entry in entries:
        month = entry.earned_on.strftime("%Y-%m")
        item = getattr(entry, "payout_item", None)
        paid = (
            item.payout.arrival_on.isoformat()
            if item and item.payout.status in ("sent", "paid")
            else ""
        )
        writer.writerow(
            [
                entry.earned_on.isoformat(),
                month,
                entry.get_kind_display(),
                ui.entry_label(entry),
                _euros(entry.amount_cents),
                paid,
            ]
        )
        sessions, cents = months.get(month, [0, 0])
        sessions += 1 if entry.kind == entry.Kind.EARNING else 0
        months[month] = [sessions, cents + entry.amount_cents]
    writer.writerow([])
    writer.writerow([_("Month"), _("Sessions"), _("Amount (EUR)")])
    for month, (sessions, cents) in sorted(months.items()):
        writer.writerow([month, sessions, _euros(cents)])
    writer.writerow(
        [_("Total"), sum(v[0] for v in months.values()), _euros(sum(v[1] for v in months.values()))]
    )
    return response


def _euros(cents: int) -> str:
    """1234 -> "12,34" (a French spreadsheet reads it as a number)."""
    return format_eur(cents, "fr").replace("\u00a0€", "").replace("\u202f", "")
