"""Every write about pros. Views, API, admin actions and tasks call these functions."""

import io
import secrets
from datetime import date, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit
from core.errors import Conflict, InvalidInput, RuleRefused

from .models import Document, Pro, ReferralInvite, TimeOff, WorkingHours, ZoneCell
from .signals import pro_suspended
from .zones import zone_cells

DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_BYTES = 5 * 1024 * 1024
# Content sniffing: the first bytes decide the type, never the file name.
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class EmailTaken(RuleRefused):
    code = "email_taken"
    default_message = gettext_lazy(
        "An account already uses this e-mail address. Log in first, then create your pro profile."
    )


class AlreadyPro(Conflict):
    code = "already_pro"
    default_message = gettext_lazy("You already have a pro profile.")


class InvalidReferralCode(InvalidInput):
    code = "invalid_referral_code"
    default_message = gettext_lazy("This referral code does not exist.")


class TermsNotAccepted(InvalidInput):
    code = "terms_not_accepted"
    default_message = gettext_lazy("You must accept the partnership terms.")


class InvalidFile(InvalidInput):
    code = "invalid_file"
    default_message = gettext_lazy("This file is not accepted.")


class InvalidHours(InvalidInput):
    code = "invalid_hours"


class CannotActivate(RuleRefused):
    code = "pro_incomplete"
    default_message = gettext_lazy("This pro cannot be activated yet.")


# --- dispatch index ------------------------------------------------------------------------------


def pro_is_dispatchable(pro: Pro) -> bool:
    """Whether the pro may receive ordinary proposals now (settings-based matching aside)."""
    return pro.is_dispatchable


def pro_refresh_dispatch_index(*, pro: Pro) -> None:
    """Copy what ranking needs (dispatchable, score) onto the pro's zone cells."""
    ZoneCell.objects.filter(pro=pro).update(dispatchable=pro_is_dispatchable(pro), score=pro.score)


def _lock(pro: Pro) -> Pro:
    return Pro.objects.select_for_update().get(pk=pro.pk)


# --- status ----------------------------------------------------------------------------------------


def _complete_for_proposals(pro: Pro) -> bool:
    return (
        pro.is_id_verified
        and pro.services.exists()
        and pro.radius_km is not None
        and pro.zone_cells.exists()
        and pro.working_hours.exists()
    )


@transaction.atomic
def pro_refresh_status(*, pro: Pro, actor=None) -> Pro:
    """Onboarding <-> active as the profile becomes complete (verified ID, services, zone,
    hours) or incomplete again; a suspended pro stays suspended. Refreshes the dispatch index."""
    pro = _lock(pro)
    previous = pro.status
    if pro.status != Pro.Status.SUSPENDED:
        pro.status = Pro.Status.ACTIVE if _complete_for_proposals(pro) else Pro.Status.ONBOARDING
    if pro.status != previous:
        pro.save(update_fields=["status"])
        audit(
            action="pro.status_changed",
            subject=pro,
            actor=actor,
            data={"from": previous, "to": pro.status, "automatic": True},
        )
    pro_refresh_dispatch_index(pro=pro)
    return pro


@transaction.atomic
def pro_activate(*, pro: Pro, by) -> Pro:
    """Support's "activate": only a complete, non-suspended profile becomes active."""
    pro = _lock(pro)
    if pro.status == Pro.Status.SUSPENDED:
        raise CannotActivate(_("This pro is suspended: reactivate them instead."))
    if not _complete_for_proposals(pro):
        raise CannotActivate(_("Still missing: %(items)s.") % {"items": ", ".join(_missing(pro))})
    return pro_refresh_status(pro=pro, actor=by)


def _missing(pro):
    from .selectors import missing_for_proposals

    return [str(item.label) for item in missing_for_proposals(pro)]


@transaction.atomic
def pro_suspend(*, pro: Pro, by, reason: str) -> Pro:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("A reason is required to suspend a pro."), fields={"reason": [_("Required.")]}
        )
    pro = _lock(pro)
    if pro.status == Pro.Status.SUSPENDED:
        return pro
    previous = pro.status
    pro.status = Pro.Status.SUSPENDED
    pro.suspended_at = timezone.now()
    pro.suspension_reason = reason
    pro.save(update_fields=["status", "suspended_at", "suspension_reason"])
    audit(action="pro.suspended", subject=pro, actor=by, data={"from": previous, "reason": reason})
    pro_refresh_dispatch_index(pro=pro)
    suspended = pro
    transaction.on_commit(lambda: pro_suspended.send(sender=Pro, pro=suspended, by=by))
    return pro


@transaction.atomic
def pro_reactivate(*, pro: Pro, by) -> Pro:
    """Lift a suspension; the pro goes back to active or onboarding depending on their profile."""
    pro = _lock(pro)
    if pro.status != Pro.Status.SUSPENDED:
        return pro
    pro.status = Pro.Status.ONBOARDING
    pro.suspended_at = None
    pro.suspension_reason = ""
    pro.save(update_fields=["status", "suspended_at", "suspension_reason"])
    audit(action="pro.reactivated", subject=pro, actor=by)
    return pro_refresh_status(pro=pro, actor=by)


@transaction.atomic
def pro_set_paused(*, pro: Pro, paused: bool, actor=None) -> Pro:
    pro = _lock(pro)
    if pro.is_paused == paused:
        return pro
    pro.is_paused = paused
    pro.save(update_fields=["is_paused"])
    audit(action="pro.paused" if paused else "pro.resumed", subject=pro, actor=actor)
    pro_refresh_dispatch_index(pro=pro)
    return pro


# --- sign-up -----------------------------------------------------------------------------------------


def _unique_slug(first_name: str, last_name: str) -> str:
    base = slugify(f"{first_name} {last_name[:1]}".strip())[:60] or "pro"
    slug, n = base, 1
    while Pro.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _new_referral_code() -> str:
    while True:
        code = "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(8))
        if not Pro.objects.filter(referral_code=code).exists():
            return code


def _referrer(referral_code: str) -> Pro | None:
    code = (referral_code or "").strip().upper()
    if not code:
        return None
    referrer = Pro.objects.filter(referral_code=code).first()
    if referrer is None:
        raise InvalidReferralCode(
            fields={"referral_code": [str(InvalidReferralCode.default_message)]}
        )
    return referrer


@transaction.atomic
def pro_signup(
    *,
    terms_accepted: bool,
    user=None,
    email: str = "",
    password: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    referral_code: str = "",
) -> Pro:
    """Create a pro profile (status onboarding) for a new user, or for `user` (an existing
    account, e.g. a customer, becoming a pro too). Free; accepting the terms is required."""
    if not terms_accepted:
        raise TermsNotAccepted(fields={"terms": [str(TermsNotAccepted.default_message)]})
    referrer = _referrer(referral_code)
    User = get_user_model()
    if user is None:
        email = (email or "").strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise EmailTaken(fields={"email": [str(EmailTaken.default_message)]})
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    first_name=first_name.strip(),
                    last_name=last_name.strip(),
                    phone=phone.strip(),
                )
        except IntegrityError as exc:  # a concurrent sign-up with the same e-mail
            raise EmailTaken(fields={"email": [str(EmailTaken.default_message)]}) from exc
    else:
        user = User.objects.select_for_update().get(pk=user.pk)
        if Pro.objects.filter(user=user).exists():
            raise AlreadyPro()
        changed = []
        for field, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("phone", phone),
        ):
            if value and not getattr(user, field):
                setattr(user, field, value.strip())
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
    pro = Pro.objects.create(
        user=user,
        slug=_unique_slug(user.first_name, user.last_name),
        referral_code=_new_referral_code(),
        referred_by=referrer,
        terms_accepted_at=timezone.now(),
    )
    audit(
        action="pro.signed_up",
        subject=pro,
        actor=user,
        data={"referred_by": referrer.pk if referrer else None},
    )
    return pro


# --- profile, services, zone, hours, days off ------------------------------------------------------


def _sniff(uploaded) -> tuple[str, str]:
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for signature, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    raise InvalidFile(_("Only PDF, JPEG and PNG files are accepted."))


def _check_image(uploaded) -> None:
    from PIL import Image, UnidentifiedImageError

    uploaded.seek(0)
    try:
        with Image.open(io.BytesIO(uploaded.read())) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidFile(_("This image is damaged or not an image.")) from exc
    finally:
        uploaded.seek(0)


@transaction.atomic
def pro_update_profile(*, pro: Pro, bio: str, photo=None, actor=None) -> Pro:
    """Short bio and, optionally, a new photo (JPEG or PNG, at most 5 MB, a real image)."""
    bio = (bio or "").strip()
    if len(bio) > 600:
        raise InvalidInput(
            _("The bio is limited to 600 characters."), fields={"bio": [_("Too long.")]}
        )
    if photo is not None:
        if photo.size > PHOTO_MAX_BYTES:
            raise InvalidFile(_("The photo must not exceed 5 MB."))
        content_type, extension = _sniff(photo)
        if not content_type.startswith("image/"):
            raise InvalidFile(_("The photo must be a JPEG or PNG image."))
        _check_image(photo)
    pro = _lock(pro)
    pro.bio = bio
    fields = ["bio"]
    if photo is not None:
        old = pro.photo.name if pro.photo else ""
        pro.photo.save(f"pro-{pro.pk}-{secrets.token_hex(6)}.{extension}", photo, save=False)
        fields.append("photo")
        if old:
            storage = pro.photo.storage
            transaction.on_commit(lambda: storage.delete(old))
    pro.save(update_fields=fields)
    audit(action="pro.profile_updated", subject=pro, actor=actor, data={"photo": photo is not None})
    return pro


@transaction.atomic
def pro_set_services(*, pro: Pro, services, actor=None) -> Pro:
    from catalog.models import Service

    ids = sorted({service.pk if hasattr(service, "pk") else int(service) for service in services})
    found = list(Service.objects.active().filter(pk__in=ids).values_list("pk", flat=True))
    if len(found) != len(ids):
        raise InvalidInput(_("Unknown service."), fields={"services": [_("Unknown service.")]})
    pro = _lock(pro)
    pro.services.set(found)
    audit(action="pro.services_set", subject=pro, actor=actor, data={"services": found})
    return pro_refresh_status(pro=pro, actor=actor)


@transaction.atomic
def pro_set_zone(*, pro: Pro, base_address: str, lat, lng, radius_km: int, actor=None) -> int:
    """Set the pro's base point and radius and rebuild their zone cells. Returns the cell count."""
    pro = Pro.objects.select_for_update().get(pk=pro.pk)
    pro.base_address = base_address
    pro.base_lat = lat
    pro.base_lng = lng
    pro.radius_km = radius_km
    pro.save(update_fields=["base_address", "base_lat", "base_lng", "radius_km"])
    cells = zone_cells(lat, lng, radius_km)
    ZoneCell.objects.filter(pro=pro).delete()
    dispatchable = pro_is_dispatchable(pro)
    ZoneCell.objects.bulk_create(
        ZoneCell(pro=pro, cell=cell, distance_m=metres, score=pro.score, dispatchable=dispatchable)
        for cell, metres in cells
    )
    audit(
        action="pro.zone_set",
        subject=pro,
        actor=actor,
        data={"lat": str(lat), "lng": str(lng), "radius_km": radius_km, "cells": len(cells)},
    )
    pro_refresh_status(pro=pro, actor=actor)
    return len(cells)


def validate_hour_ranges(ranges) -> list[tuple[int, time, time]]:
    """Sorted (weekday, start, end) with end > start and no overlap within a day."""
    cleaned = sorted((int(day), start, end) for day, start, end in ranges)
    for day, start, end in cleaned:
        if not 0 <= day <= 6:
            raise InvalidHours(_("Unknown weekday."))
        if end <= start:
            raise InvalidHours(_("The end of a range must be after its start."))
    for (day_a, _start_a, end_a), (day_b, start_b, _end_b) in zip(
        cleaned, cleaned[1:], strict=False
    ):
        if day_a == day_b and start_b < end_a:
            raise InvalidHours(
                _("Two ranges overlap on %(day)s.") % {"day": WorkingHours.Weekday(day_a).label}
            )
    return cleaned


@transaction.atomic
def pro_set_working_hours(*, pro: Pro, ranges, actor=None) -> Pro:
    """Replace the pro's weekly hours by `ranges`: (weekday 0=Monday, start, end) in Paris time."""
    cleaned = validate_hour_ranges(ranges)
    pro = _lock(pro)
    WorkingHours.objects.filter(pro=pro).delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(pro=pro, weekday=day, start_time=start, end_time=end)
        for day, start, end in cleaned
    )
    audit(
        action="pro.hours_set",
        subject=pro,
        actor=actor,
        data={
            "ranges": [[d, s.isoformat("minutes"), e.isoformat("minutes")] for d, s, e in cleaned]
        },
    )
    return pro_refresh_status(pro=pro, actor=actor)


@transaction.atomic
def time_off_add(
    *, pro: Pro, start_date: date, end_date: date, reason: str = "", actor=None
) -> TimeOff:
    from core.clock import today

    if end_date < start_date:
        raise InvalidInput(
            _("The last day off must not be before the first."),
            fields={"end_date": [_("Before the start.")]},
        )
    if end_date < today():
        raise InvalidInput(
            _("These days are already past."), fields={"end_date": [_("In the past.")]}
        )
    pro = _lock(pro)
    entry = TimeOff.objects.create(
        pro=pro, start_date=start_date, end_date=end_date, reason=(reason or "").strip()[:120]
    )
    audit(
        action="pro.time_off_added",
        subject=pro,
        actor=actor,
        data={"id": entry.pk, "start": start_date.isoformat(), "end": end_date.isoformat()},
    )
    return entry


@transaction.atomic
def time_off_delete(*, pro: Pro, time_off_id: int, actor=None) -> None:
    pro = _lock(pro)
    deleted, _rows = TimeOff.objects.filter(pro=pro, pk=time_off_id).delete()
    if deleted:
        audit(action="pro.time_off_deleted", subject=pro, actor=actor, data={"id": time_off_id})


# --- documents -----------------------------------------------------------------------------------------


@transaction.atomic
def document_upload(*, pro: Pro, kind: str, uploaded_file, actor=None) -> Document:
    """Store a document privately after checking its size and its real type (sniffed bytes)."""
    if kind not in Document.Kind.values:
        raise InvalidInput(
            _("Unknown document type."), fields={"kind": [_("Unknown document type.")]}
        )
    if uploaded_file.size > DOCUMENT_MAX_BYTES:
        raise InvalidFile(_("The file must not exceed 5 MB."))
    if uploaded_file.size == 0:
        raise InvalidFile(_("The file is empty."))
    content_type, extension = _sniff(uploaded_file)
    if content_type.startswith("image/"):
        _check_image(uploaded_file)
    pro = _lock(pro)
    document = Document(
        pro=pro,
        kind=kind,
        original_name=(getattr(uploaded_file, "name", "") or "document")[-200:],
        content_type=content_type,
        size_bytes=uploaded_file.size,
    )
    document.file.save(
        f"pro-{pro.pk}-{kind}-{secrets.token_hex(8)}.{extension}", uploaded_file, save=False
    )
    try:
        document.save()
        audit(
            action="document.uploaded",
            subject=document,
            actor=actor,
            data={"kind": kind, "pro": pro.pk},
        )
    except Exception:
        document.file.storage.delete(document.file.name)  # nothing half-written
        raise
    return document


def _refresh_id_verification(pro: Pro) -> None:
    verified = pro.documents.filter(
        kind=Document.Kind.ID, status=Document.Status.VERIFIED
    ).order_by("reviewed_at")
    first = verified.values_list("reviewed_at", flat=True).first()
    if first is None and pro.id_verified_at is not None:
        pro.id_verified_at = None
        pro.save(update_fields=["id_verified_at"])
    elif first is not None and pro.id_verified_at is None:
        pro.id_verified_at = first
        pro.save(update_fields=["id_verified_at"])


@transaction.atomic
def document_verify(*, document: Document, by) -> Document:
    pro = _lock(document.pro)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.status == Document.Status.VERIFIED:
        return document
    previous = document.status
    document.status = Document.Status.VERIFIED
    document.rejection_reason = ""
    document.reviewed_at = timezone.now()
    document.reviewed_by = by if getattr(by, "is_authenticated", False) else None
    document.save(update_fields=["status", "rejection_reason", "reviewed_at", "reviewed_by"])
    audit(
        action="document.verified",
        subject=document,
        actor=by,
        data={"from": previous, "kind": document.kind, "pro": pro.pk},
    )
    _refresh_id_verification(pro)
    pro_refresh_status(pro=pro, actor=by)
    return document


@transaction.atomic
def document_reject(*, document: Document, by, reason: str) -> Document:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("Say why the document is rejected."), fields={"reason": [_("Required.")]}
        )
    pro = _lock(document.pro)
    document = Document.objects.select_for_update().get(pk=document.pk)
    previous = document.status
    document.status = Document.Status.REJECTED
    document.rejection_reason = reason
    document.reviewed_at = timezone.now()
    document.reviewed_by = by if getattr(by, "is_authenticated", False) else None
    document.save(update_fields=["status", "rejection_reason", "reviewed_at", "reviewed_by"])
    audit(
        action="document.rejected",
        subject=document,
        actor=by,
        data={"from": previous, "kind": document.kind, "pro": pro.pk, "reason": reason},
    )
    _refresh_id_verification(pro)
    pro_refresh_status(pro=pro, actor=by)
    return document


# --- bank details, referral ------------------------------------------------------------------------------


def normalize_iban(iban: str) -> tuple[str, str]:
    """(compact IBAN, BIC or "") from a schwifty-validated IBAN; raises InvalidInput."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        parsed = IBAN(iban or "")
    except (SchwiftyException, ValueError) as exc:
        raise InvalidInput(
            _("This IBAN is not valid."), fields={"iban": [_("This IBAN is not valid.")]}
        ) from exc
    try:
        bic = parsed.bic
    except (SchwiftyException, ValueError):
        bic = None
    return parsed.compact, str(bic.compact) if bic else ""


@transaction.atomic
def pro_set_bank_details(
    *, pro: Pro, iban: str, account_holder: str, payout_frequency: str, bic: str = "", actor=None
) -> Pro:
    compact, derived_bic = normalize_iban(iban)
    account_holder = (account_holder or "").strip()
    if not account_holder:
        raise InvalidInput(
            _("The account holder is required."), fields={"account_holder": [_("Required.")]}
        )
    if payout_frequency not in Pro.PayoutFrequency.values:
        raise InvalidInput(
            _("Choose weekly or monthly payouts."), fields={"payout_frequency": [_("Invalid.")]}
        )
    bic = (bic or "").strip().upper().replace(" ", "")
    if bic:
        from schwifty import BIC
        from schwifty.exceptions import SchwiftyException

        try:
            bic = BIC(bic).compact
        except (SchwiftyException, ValueError) as exc:
            raise InvalidInput(
                _("This BIC is not valid."), fields={"bic": [_("This BIC is not valid.")]}
            ) from exc
    pro = _lock(pro)
    pro.iban = compact
    pro.bic = derived_bic or bic
    pro.account_holder = account_holder[:140]
    pro.payout_frequency = payout_frequency
    pro.save(update_fields=["iban", "bic", "account_holder", "payout_frequency"])
    audit(
        action="pro.bank_details_set",
        subject=pro,
        actor=actor,
        data={"iban_last4": compact[-4:], "bic": pro.bic, "payout_frequency": payout_frequency},
    )
    return pro


@transaction.atomic
def referral_invite_create(*, pro: Pro, email: str, name: str = "", actor=None) -> ReferralInvite:
    """Record an invitation and e-mail the invitee (not a user) once committed."""
    email = (email or "").strip().lower()
    pro = _lock(pro)
    if ReferralInvite.objects.filter(pro=pro, email=email).exists():
        raise Conflict(_("You have already invited this person."), code="already_invited")
    if get_user_model().objects.filter(email__iexact=email, pro__isnull=False).exists():
        raise RuleRefused(_("This person is already a pro on the platform."), code="already_pro")
    invite = ReferralInvite.objects.create(pro=pro, email=email, name=(name or "").strip()[:120])
    audit(action="referral.invited", subject=pro, actor=actor, data={"invite": invite.pk})
    inviter = pro.user.get_full_name()
    code = pro.referral_code
    signup_url = f"{settings.SITE_URL}/pro/signup?ref={code}"

    def send():
        send_mail(
            subject=_("%(name)s invites you to work with Wecasa") % {"name": inviter},
            message=_(
                "Hello %(invitee)s,\n\n%(name)s works with Wecasa and thinks you would too.\n"
                "Sign-up is free, with no fixed costs and no exclusivity.\n\n"
                "Sign up here: %(url)s\nReferral code: %(code)s\n"
            )
            % {"invitee": invite.name or "", "name": inviter, "url": signup_url, "code": code},
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )

    transaction.on_commit(send)
    return invite


def pro_record_completed_session(*, pro: Pro) -> None:
    """Count one completed session (bookings calls this); the first one unlocks the personal link."""
    from django.db.models import F

    Pro.objects.filter(pk=pro.pk).update(completed_sessions_count=F("completed_sessions_count") + 1)
    audit(action="pro.session_completed", subject=pro)


# --- support group -----------------------------------------------------------------------------------------

SUPPORT_GROUP = "Support"
SUPPORT_PERMISSIONS = {
    "core": ["view_user", "change_user", "view_auditevent"],
    "catalog": ["view_category", "view_service"],
    "customers": ["view_customer", "change_customer", "view_address", "view_paymentmethod"],
    "pros": [
        "view_pro",
        "change_pro",
        "view_document",
        "change_document",
        "view_workinghours",
        "view_timeoff",
        "view_zonecell",
        "view_referralinvite",
    ],
    "notifications": ["view_notification"],
}


def ensure_support_group(*, using: str = "default"):
    """Create or update the "Support" group with what support needs (idempotent).

    Apps higher up may add their own codenames to the group in their own code."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _created = Group.objects.using(using).get_or_create(name=SUPPORT_GROUP)
    query = Q(pk__in=[])
    for app_label, codenames in SUPPORT_PERMISSIONS.items():
        query |= Q(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.add(*Permission.objects.using(using).filter(query))
    return group
