"""Reads about pros that carry logic: who is the signed-in pro, what is missing, the zone
summary, the pro's public links, access-checked getters."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import datefmt
from core.audit import subject_of
from core.models import AuditEvent

from .models import Document, Pro


def pro_for(user) -> Pro | None:
    """The pro profile of `user`, or None (anonymous, or an account without a pro profile).

    Through the reverse one-to-one accessor: the signed-in user comes with it already (the
    session backend and the API's token read join it, core.auth_backends), so no query; any
    other user object costs one, cached on it. `pro.user` is that same object."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.pro
    except ObjectDoesNotExist:
        return None


def pro_is_dispatchable(pro: Pro) -> bool:
    """Whether the pro may receive ordinary proposals now (the rule is Pro.is_dispatchable)."""
    return pro.is_dispatchable


@dataclass(frozen=True)
class MissingItem:
    key: str
    label: str
    url_name: str  # the settings page where the pro fixes it


def suspended_since(pro: Pro):
    """When the current suspension began, or None when the pro is not suspended. Whether a
    pro is suspended is their status alone; the moment is read from the audit log."""
    if not pro.is_suspended:
        return None
    return (
        AuditEvent.objects.filter(action="pro.suspended", subject=subject_of(pro))
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )


def missing_for_proposals(pro: Pro) -> list[MissingItem]:
    """What still keeps the pro from receiving proposals, in the order to fix it."""
    missing = []
    if not pro.services.exists():
        missing.append(
            MissingItem("services", _("Choose the services you offer"), "pros:settings_services")
        )
    if pro.radius_km is None or not pro.zone_cells.exists():
        missing.append(
            MissingItem("zone", _("Set your zone (base address and radius)"), "pros:settings_zone")
        )
    if not pro.working_hours.exists():
        missing.append(
            MissingItem("hours", _("Set your weekly working hours"), "pros:settings_hours")
        )
    if not pro.is_id_verified:
        documents = pro.documents.filter(kind=Document.Kind.ID)
        if documents.filter(status=Document.Status.PENDING).exists():
            label = _("Your ID document is waiting for verification by support")
            key = "id_pending"
        elif documents.filter(status=Document.Status.REJECTED).exists():
            label = _("Your ID document was rejected: upload a new one")
            key = "id_rejected"
        else:
            label = _("Upload your ID document")
            key = "id"
        missing.append(MissingItem(key, label, "pros:settings_documents"))
    if not pro.may_work:
        missing.append(
            MissingItem(
                "suspended", _("Your account is suspended: contact support"), "pros:onboarding"
            )
        )
    if pro.proposals_blocked_until is not None:
        until = datefmt.long_when(pro.proposals_blocked_until)
        missing.append(
            MissingItem(
                "blocked",
                _(
                    "No new proposals until %(until)s: 3 sessions cancelled less than 24 hours "
                    "before their start within 30 days. Contact support if this is a mistake."
                )
                % {"until": until},
                "pros:onboarding",
            )
        )
    if pro.is_paused:
        missing.append(
            MissingItem(
                "paused",
                _("You are on pause: resume to receive proposals"),
                "pros:settings_availability",
            )
        )
    return missing


def missing_for_payment(pro: Pro) -> list[MissingItem]:
    missing = []
    if not pro.iban:
        missing.append(MissingItem("iban", _("Add your IBAN to be paid"), "pros:settings_bank"))
    return missing


def zone_summary(pro: Pro) -> dict | None:
    if pro.radius_km is None or pro.base_lat is None:
        return None
    return {
        "base_address": pro.base_address,
        "lat": pro.base_lat,
        "lng": pro.base_lng,
        "radius_km": pro.radius_km,
        "cells": pro.zone_cells.count(),
        "resolution": settings.H3_RESOLUTION,
    }


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def personal_link(pro: Pro) -> str | None:
    """The booking link a new customer can use; only once a session has been completed."""
    if not pro.has_personal_link:
        return None
    return _absolute(reverse("pro_public_profile", kwargs={"slug": pro.slug}))


def referral_signup_url(pro: Pro) -> str:
    """The sign-up page with the pro's referral code filled in (invitations, referral page)."""
    return f"{_absolute(reverse('pros:signup'))}?ref={pro.referral_code}"


def document_for_user(*, user, document_id: int) -> Document | None:
    """The document if `user` may see it: its own pro, or staff with the view permission."""
    document = Document.objects.select_related("pro").filter(pk=document_id).first()
    if document is None or not user.is_authenticated:
        return None
    if document.pro.user_id == user.pk:
        return document
    if user.is_staff and user.has_perm("pros.view_document"):
        return document
    return None


def rejected_documents(pro: Pro):
    return pro.documents.filter(status=Document.Status.REJECTED)


def pro_by_personal_link(slug: str) -> Pro | None:
    """The pro a personal link points to, if the link is live: at least one completed session
    and not suspended. Used by the public page and the customer API alike."""
    return (
        Pro.objects.may_work()
        .select_related("user")
        .prefetch_related("services")
        .filter(slug=slug, completed_sessions_count__gt=0)
        .first()
    )


def personal_link_opens(slug: str, pro: Pro) -> bool:
    """Whether `slug` is `pro`'s live personal link (the rule of pro_by_personal_link): what
    lets a customer who never had a session with the pro see their slots and book them."""
    opened = pro_by_personal_link(slug) if slug else None
    return opened is not None and opened.pk == pro.pk
