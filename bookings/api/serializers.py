"""Output serializers both sides of the bookings API answer with: a pro as a customer sees
them, and a pro's counter-offer (another time for a request)."""

from rest_framework import serializers

from ..models import CounterOffer


class ProBriefOutSerializer(serializers.Serializer):
    """A pro as a customer sees them in lists: first name and photo."""

    id = serializers.IntegerField()
    first_name = serializers.CharField(source="user.first_name")
    photo = serializers.SerializerMethodField()

    def get_photo(self, pro) -> str | None:
        return pro.photo.url if pro.photo else None


class CounterOfferOutSerializer(serializers.ModelSerializer):
    pro = ProBriefOutSerializer()

    class Meta:
        model = CounterOffer
        fields = ["id", "status", "pro", "start", "end", "created_at"]
