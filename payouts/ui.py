"""What the pro's Earnings page shows, computed for the templates: the 12-week bar chart
(server-rendered SVG: no script, no CDN, CSP-clean) and the payouts' rows."""

from dataclasses import dataclass

from core.money import format_eur

CHART_WIDTH = 360
CHART_HEIGHT = 160
LABEL_SPACE = 18


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str  # week start, e.g. "3/3"
    title: str  # e.g. "3/3-9/3: 245,00 €"
    label_x: int
    is_current: bool
    show_label: bool  # every other week, counting back from the current one


def weekly_chart(totals, *, language: str = "fr") -> dict:
    """Bars for [(period, cents)] (oldest first), scaled to the largest week."""
    count = len(totals) or 1
    slot = CHART_WIDTH // count
    bar_width = max(slot - 6, 4)
    top = max((cents for _period, cents in totals), default=0)
    plot_height = CHART_HEIGHT - LABEL_SPACE
    bars = []
    for index, (period, cents) in enumerate(totals):
        height = round(plot_height * cents / top) if top > 0 and cents > 0 else 0
        height = max(height, 2) if cents > 0 else 0
        x = index * slot + (slot - bar_width) // 2
        bars.append(
            Bar(
                x=x,
                y=plot_height - height,
                width=bar_width,
                height=height,
                label=f"{period.start.day}/{period.start.month}",
                title=f"{period.start:%d/%m}–{period.end:%d/%m}: {format_eur(cents, language)}",
                label_x=x + bar_width // 2,
                is_current=index == len(totals) - 1,
                show_label=(len(totals) - 1 - index) % 2 == 0,
            )
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": plot_height,
        "label_y": CHART_HEIGHT - 4,
        "bars": bars,
        "max": format_eur(top, language),
        "total": format_eur(sum(cents for _period, cents in totals), language),
    }


def entry_label(entry) -> str:
    """One ledger line for the pro: the service and date, or what the entry is."""
    from django.utils.translation import gettext as _

    if entry.billable_id:
        booking = entry.billable.booking
        what = booking.service.name
        if entry.kind == entry.Kind.FEE_SHARE:
            what = _("Fee: %(service)s") % {"service": what}
        return f"{what} · #{booking.pk}"
    if entry.kind == entry.Kind.REFERRAL_BONUS:
        name = entry.referred_pro.user.get_full_name() if entry.referred_pro_id else ""
        return _("Referral bonus (%(name)s)") % {"name": name}
    return _("Adjustment: %(reason)s") % {"reason": entry.reason}
