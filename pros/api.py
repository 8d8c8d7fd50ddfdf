"""Pro API of the pros app: the pro's own score, explained (GET /api/v1/pro/score)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .api_access import IsPro
from .scoring import score_explained


class ScoreComponentOutSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="responsiveness | reliability | rating | loyalty")
    title = serializers.CharField()
    value = serializers.IntegerField(help_text="0-100; 50 is neutral.")
    weight = serializers.IntegerField(help_text="Percent of the score.")
    counts = serializers.CharField(help_text="What it counted, in plain words.")
    raise_it = serializers.CharField(help_text="What would raise it.")
    is_best_lever = serializers.BooleanField(help_text="What would raise the score most.")


class ScoreWeekOutSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    score = serializers.IntegerField()


class ScoreFactsOutSerializer(serializers.Serializer):
    proposals = serializers.IntegerField(help_text="Answered or left to expire (bonus excluded).")
    answered = serializers.IntegerField()
    expired = serializers.IntegerField()
    refused = serializers.IntegerField(help_text="Recorded; refusals never count.")
    average_answer_seconds = serializers.IntegerField(allow_null=True)
    honoured = serializers.IntegerField()
    late_cancellations = serializers.IntegerField()
    ratings = serializers.IntegerField()
    average_rating = serializers.FloatField(allow_null=True)
    counted_rating = serializers.FloatField(help_text="The average with the prior reviews.")
    rebooked = serializers.IntegerField()
    favourites = serializers.IntegerField()


class ScoreOutSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="0-100: what dispatch uses now.")
    is_neutral = serializers.BooleanField(help_text="Too few events yet: the neutral score.")
    neutral_score = serializers.IntegerField()
    events = serializers.IntegerField(help_text="Events that count, in the window.")
    min_events = serializers.IntegerField()
    window_days = serializers.IntegerField()
    components = ScoreComponentOutSerializer(many=True)
    weeks = ScoreWeekOutSerializer(many=True, source="history", help_text="Last 12 weeks.")
    facts = ScoreFactsOutSerializer()


class ProScoreApi(APIView):
    permission_classes = [IsPro]

    @extend_schema(
        tags=["pro score"],
        summary="My score: each part with what it counted and what would raise it, 12 weeks",
        responses={200: ScoreOutSerializer},
    )
    def get(self, request):
        return Response(ScoreOutSerializer(score_explained(request.pro)).data)
