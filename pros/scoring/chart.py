"""The 12-week score chart of the My score page: server-rendered SVG geometry (no script, no
CDN, CSP-clean), a line with the neutral score marked, over the range the weeks cover (in
steps of 10, at least 40 points tall) so that a change of a few points shows."""

import math
from dataclasses import dataclass

from core import clock

WIDTH = 360
HEIGHT = 160
LABEL_SPACE = 18
PAD_X = 14
PAD_TOP = 14


@dataclass(frozen=True)
class Dot:
    x: int
    y: int
    score: int
    label: str  # the week's day, e.g. "3/3"
    title: str  # e.g. "3/3: 62"
    show_label: bool  # every other week, counting back from now
    is_current: bool


def score_chart(history, *, neutral: int) -> dict:
    """Geometry for [WeekPoint] (oldest first)."""
    plot_bottom = HEIGHT - LABEL_SPACE
    count = max(len(history), 2)
    step = (WIDTH - 2 * PAD_X) / (count - 1)

    scores = [point.score for point in history] + [neutral]
    low = max(0, math.floor((min(scores) - 5) / 10) * 10)
    high = min(100, math.ceil((max(scores) + 5) / 10) * 10)
    while high - low < 40:
        low, high = max(0, low - 10), min(100, high + 10)

    def y_of(score):
        return round(plot_bottom - (plot_bottom - PAD_TOP) * (score - low) / (high - low))

    dots = []
    for index, point in enumerate(history):
        day = clock.to_paris(point.at)
        dots.append(
            Dot(
                x=round(PAD_X + index * step),
                y=y_of(point.score),
                score=point.score,
                label=f"{day.day}/{day.month}",
                title=f"{day:%d/%m}: {point.score}",
                show_label=(len(history) - 1 - index) % 2 == 0,
                is_current=index == len(history) - 1,
            )
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": plot_bottom,
        "label_y": HEIGHT - 4,
        "neutral_y": y_of(neutral),
        "low": low,
        "high": high,
        "top_y": y_of(high),
        "points": " ".join(f"{dot.x},{dot.y}" for dot in dots),
        "dots": dots,
        "first": dots[0].score if dots else None,
        "last": dots[-1].score if dots else None,
    }
