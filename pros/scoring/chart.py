"""The 12-week score chart of the My score page: server-rendered SVG geometry (no script, no
CDN, CSP-clean), a line over 0-100 with the neutral score marked."""

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

    def y_of(score):
        return round(plot_bottom - (plot_bottom - PAD_TOP) * score / 100)

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
        "top_y": y_of(100),
        "points": " ".join(f"{dot.x},{dot.y}" for dot in dots),
        "dots": dots,
        "first": dots[0].score if dots else None,
        "last": dots[-1].score if dots else None,
    }
