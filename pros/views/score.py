"""The pro's My score page: the number, what each part counted and what would raise it, the
last 12 weeks (server-rendered SVG). Read off pros.scoring, like the API and the admin."""

from django.views.decorators.http import require_GET

from ..access import pro_required
from ..scoring import score_explained
from ..scoring.chart import score_chart
from .common import render_for_pro


@require_GET
@pro_required
def score(request):
    explained = score_explained(request.pro)
    context = {
        "explained": explained,
        "chart": score_chart(explained.history, neutral=explained.neutral_score),
    }
    return render_for_pro(request, "pros/score.html", context)
