from django.apps import AppConfig
from django.db.models.signals import post_migrate

# What support needs on dispatch: see and act on requests, proposals, bookings and timelines.
SUPPORT_BOOKINGS_PERMISSIONS = [
    "view_bookingrequest",
    "change_bookingrequest",
    "view_proposal",
    "add_proposal",
    "view_counteroffer",
    "view_booking",
    "change_booking",
    "view_bookingevent",
    "view_favorite",
    # The flagged-requests queue (proxy model, its own permissions).
    "view_flaggedbookingrequest",
    "change_flaggedbookingrequest",
]


def extend_support_group(sender, using="default", **kwargs):
    from django.contrib.auth.models import Permission

    from pros.services import ensure_support_group

    group = ensure_support_group(using=using)
    group.permissions.add(
        *Permission.objects.using(using).filter(
            content_type__app_label="bookings", codename__in=SUPPORT_BOOKINGS_PERMISSIONS
        )
    )


def _withdraw_on_suspension(sender, pro, by=None, **kwargs):
    from .services import pro_proposals_withdraw

    pro_proposals_withdraw(pro=pro, by=by)


class BookingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bookings"

    def ready(self):
        from pros.signals import pro_suspended

        post_migrate.connect(
            extend_support_group, sender=self, dispatch_uid="bookings_support_group"
        )
        pro_suspended.connect(
            _withdraw_on_suspension, dispatch_uid="bookings_withdraw_on_suspension"
        )
