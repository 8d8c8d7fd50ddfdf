"""What support's decisions about a pro tell them: ID verified, a document refused, suspension,
reactivation. Each is a notification and its e-mail (notifications.services.notify: the row
with the decision's transaction, the e-mail and the push on commit), rendered in the pro's
language of the moment they read it.

Called by the decision services (services/documents.py, services/status.py), whatever
interface (admin action, API) made the decision.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.kinds import renderer
from notifications.services import notify

from .models import Document, Pro

ID_VERIFIED = "pro_id_verified"
DOCUMENT_REFUSED = "pro_document_refused"
SUSPENDED = "pro_suspended"
REACTIVATED = "pro_reactivated"


def _receives_proposals(pro: Pro) -> bool:
    return pro.status == Pro.Status.ACTIVE


def tell_pro_id_verified(pro: Pro) -> None:
    """The pro's identity is verified: they receive proposals now, or once their profile is
    complete."""
    notify(
        user=pro.user,
        kind=ID_VERIFIED,
        params={"receives_proposals": _receives_proposals(pro)},
        url=reverse("bookings:dashboard"),
        data={"pro": pro.pk},
    )


@renderer(ID_VERIFIED)
def _render_id_verified(params):
    title = _("Votre identité est vérifiée")
    if params.get("receives_proposals"):
        return title, _("Vous recevez maintenant des propositions de prestations.")
    return title, _(
        "Complétez votre profil (prestations, zone, horaires) pour recevoir des propositions."
    )


def tell_pro_document_refused(document: Document) -> None:
    notify(
        user=document.pro.user,
        kind=DOCUMENT_REFUSED,
        params={"document_kind": document.kind, "reason": document.rejection_reason},
        url=reverse("pros:settings_documents"),
        data={"pro": document.pro_id, "document": document.pk},
    )


@renderer(DOCUMENT_REFUSED)
def _render_document_refused(params):
    try:
        label = str(Document.Kind(params.get("document_kind")).label)
    except ValueError:
        label = _("Document")
    title = _("Document refusé : %(document)s") % {"document": label}
    body = _("Motif : %(reason)s. Envoyez un nouveau document depuis vos réglages.") % {
        "reason": params.get("reason", "")
    }
    return title, body


def tell_pro_suspended(pro: Pro) -> None:
    notify(
        user=pro.user,
        kind=SUSPENDED,
        params={"reason": pro.suspension_reason},
        url=reverse("bookings:dashboard"),
        data={"pro": pro.pk},
    )


@renderer(SUSPENDED)
def _render_suspended(params):
    body = _(
        "Motif : %(reason)s. Vous ne recevez plus de propositions. Contactez le support si "
        "vous pensez qu'il s'agit d'une erreur."
    ) % {"reason": params.get("reason", "")}
    return _("Votre compte est suspendu"), body


def tell_pro_reactivated(pro: Pro) -> None:
    notify(
        user=pro.user,
        kind=REACTIVATED,
        params={"receives_proposals": _receives_proposals(pro)},
        url=reverse("bookings:dashboard"),
        data={"pro": pro.pk},
    )


@renderer(REACTIVATED)
def _render_reactivated(params):
    title = _("Votre compte est réactivé")
    if params.get("receives_proposals"):
        return title, _("Vous recevez à nouveau des propositions de prestations.")
    return title, _(
        "Complétez votre profil (prestations, zone, horaires) pour recevoir des propositions."
    )
