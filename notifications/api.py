"""In-app notifications of the signed-in user (customer or pro)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Notification
from .services import notification_mark_read, unread_count


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "data", "created_at", "read_at", "is_read"]


class NotificationListView(ListAPIView):
    """GET /api/v1/notifications (newest first; `?unread=1` for unread ones only)."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        queryset = Notification.objects.filter(user=self.request.user).order_by(
            "-created_at", "-id"
        )
        if self.request.query_params.get("unread") in {"1", "true"}:
            queryset = queryset.filter(read_at__isnull=True)
        return queryset


class NotificationReadView(APIView):
    """POST /api/v1/notifications/{id}/read"""

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk):
        notification = get_object_or_404(Notification, pk=pk, user=request.user)
        notification_mark_read(user=request.user, notification_ids=[notification.pk])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    """POST /api/v1/notifications/read-all"""

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "NotificationsMarkedRead",
            {"marked": serializers.IntegerField(), "unread": serializers.IntegerField()},
        ),
    )
    def post(self, request):
        marked = notification_mark_read(user=request.user)
        return Response({"marked": marked, "unread": 0})


class NotificationUnreadCountView(APIView):
    """GET /api/v1/notifications/unread-count"""

    @extend_schema(
        responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})
    )
    def get(self, request):
        return Response({"unread": unread_count(user=request.user)})
