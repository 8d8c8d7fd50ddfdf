"""Support's side of personal data: close a customer's or a pro's account (an audited action
with a reason, added to the customers' and pros' admin pages: those apps sit below privacy
and cannot import it), and the list of data exports asked for (read-only)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import ServiceOnlyAdmin, reason_action
from customers.models import Customer
from pros.models import Pro

from . import erasure
from .models import DataExport

close_account = reason_action(
    description=_("Fermer le compte (données personnelles effacées ; donnez une raison)"),
    title=_("Fermer des comptes"),
    intro=_(
        "Ces comptes seront fermés : demandes ouvertes et séances à venir annulées (sans frais"
        " pour un client), données personnelles effacées, réservations et paiements gardés"
        " pour la comptabilité. C'est définitif."
    ),
    help_text=_("Gardée dans le journal d'audit (par exemple : demande reçue par e-mail le ...)."),
    apply=lambda row, by, reason: erasure.account_close(user=row.user, by=by, reason=reason),
    done_message=ngettext_lazy("%(count)d compte fermé.", "%(count)d comptes fermés.", "count"),
)
close_account.__name__ = "close_account"  # the action's name in the admin's POST


def _add_close_action(model) -> None:
    model_admin = admin.site.get_model_admin(model)
    model_admin.actions = [*(model_admin.actions or []), close_account]


_add_close_action(Customer)
_add_close_action(Pro)


@admin.register(DataExport)
class DataExportAdmin(ServiceOnlyAdmin):
    list_display = [
        "id",
        "user",
        "status",
        "requested_at",
        "ready_at",
        "expires_at",
        "downloaded_at",
    ]
    list_filter = ["status"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    exclude = ["nonce", "file"]
