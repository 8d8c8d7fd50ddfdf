"""Support's view of requests in the admin."""

from django.utils.translation import gettext_lazy as _

from .requests import BookingRequest

# --- support admin (pro web UI / admin section) --------------------------------------------------


class FlaggedBookingRequest(BookingRequest):
    """Support's queue in the admin: open requests that ran out of candidates."""

    class Meta:
        proxy = True
        verbose_name = _("flagged request")
        verbose_name_plural = _("flagged requests (support queue)")
