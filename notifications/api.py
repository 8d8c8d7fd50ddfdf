"""In-app notifications of the signed-in user (customer or pro). House style: customers/api.py."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Notification
from .selectors import notifications_for, unread_count
from .services import notification_mark_read


class NotificationOutSerializer(serializers.ModelSerializer):
    """Title and body rendered in the request's language (a language switch re-renders old
    notifications); `is_read`: false while the notification counts in the bell."""

    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    is_read = serializers.SerializerMethodField()

    def get_is_read(self, notification) -> bool:
        unread = getattr(notification, "unread", None)
        return notification.is_read if unread is None else not unread

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "data", "created_at", "read_at", "is_read"]


class NotificationsMarkedReadOutSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class UnreadCountOutSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class NotificationListApi(generics.ListAPIView):
    serializer_class = NotificationOutSerializer

    def get_queryset(self):
        unread_only = self.request.query_params.get("unread") in {"1", "true"}
        return notifications_for(self.request.user, unread_only=unread_only)

    @extend_schema(
        tags=["notifications"],
        summary="My notifications, newest first",
        parameters=[
            OpenApiParameter("unread", bool, description="`1` or `true`: unread ones only.")
        ],
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class NotificationReadApi(APIView):
    @extend_schema(
        tags=["notifications"],
        summary="Mark one of my notifications read",
        request=None,
        responses={200: NotificationOutSerializer},
    )
    def post(self, request, pk):
        notification = get_object_or_404(Notification, pk=pk, user=request.user)
        notification_mark_read(user=request.user, notification_ids=[notification.pk])
        notification = notifications_for(request.user).get(pk=notification.pk)
        return Response(NotificationOutSerializer(notification).data)


class NotificationReadAllApi(APIView):
    @extend_schema(
        tags=["notifications"],
        summary="Mark all my notifications read",
        request=None,
        responses={200: NotificationsMarkedReadOutSerializer},
    )
    def post(self, request):
        marked = notification_mark_read(user=request.user)
        return Response({"marked": marked, "unread": 0})


class NotificationUnreadCountApi(APIView):
    @extend_schema(
        tags=["notifications"],
        summary="How many of my notifications are unread",
        responses={200: UnreadCountOutSerializer},
    )
    def get(self, request):
        return Response({"unread": unread_count(user=request.user)})
