"""A pro's lifecycle: onboarding <-> active as the profile completes, suspension by support,
the pause switch, the block of new proposals after late cancellations, and the dispatch index
(ZoneCell) that follows every change."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core.audit import audit
from core.errors import InvalidInput
from core.text import clean_text

from .. import notifications
from ..errors import CannotActivate
from ..models import Pro, ZoneCell
from ..selectors import missing_for_proposals
from ..signals import pro_suspended


def lock_pro(pro: Pro) -> Pro:
    """The pro's row, locked for the rest of the transaction (re-read: `pro` may be stale)."""
    return Pro.objects.select_for_update().get(pk=pro.pk)


def pro_refresh_dispatch_index(*, pro: Pro) -> None:
    """Copy what ranking needs (dispatchable, score) onto the pro's zone cells."""
    ZoneCell.objects.filter(pro=pro).update(dispatchable=pro.is_dispatchable, score=pro.score)


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
    pro = lock_pro(pro)
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
    pro = lock_pro(pro)
    if pro.status == Pro.Status.SUSPENDED:
        raise CannotActivate(_("This pro is suspended: reactivate them instead."))
    if not _complete_for_proposals(pro):
        missing = [str(item.label) for item in missing_for_proposals(pro)]
        raise CannotActivate(_("Still missing: %(items)s.") % {"items": ", ".join(missing)})
    return pro_refresh_status(pro=pro, actor=by)


@transaction.atomic
def pro_suspend(*, pro: Pro, by, reason: str) -> Pro:
    reason = clean_text(reason, field="reason")
    if not reason:
        raise InvalidInput(
            _("A reason is required to suspend a pro."), fields={"reason": [_("Required.")]}
        )
    pro = lock_pro(pro)
    if pro.status == Pro.Status.SUSPENDED:
        return pro
    previous = pro.status
    pro.status = Pro.Status.SUSPENDED
    pro.suspension_reason = reason
    pro.save(update_fields=["status", "suspension_reason"])
    audit(action="pro.suspended", subject=pro, actor=by, data={"from": previous, "reason": reason})
    pro_refresh_dispatch_index(pro=pro)
    notifications.tell_pro_suspended(pro)
    suspended = pro
    transaction.on_commit(lambda: pro_suspended.send(sender=Pro, pro=suspended, by=by))
    return pro


@transaction.atomic
def pro_reactivate(*, pro: Pro, by) -> Pro:
    """Lift a suspension; the pro goes back to active or onboarding depending on their profile."""
    pro = lock_pro(pro)
    if pro.status != Pro.Status.SUSPENDED:
        return pro
    pro.status = Pro.Status.ONBOARDING
    pro.suspension_reason = ""
    pro.save(update_fields=["status", "suspension_reason"])
    audit(action="pro.reactivated", subject=pro, actor=by)
    pro = pro_refresh_status(pro=pro, actor=by)
    notifications.tell_pro_reactivated(pro)
    return pro


@transaction.atomic
def pro_set_paused(*, pro: Pro, paused: bool, actor=None) -> Pro:
    pro = lock_pro(pro)
    if pro.is_paused == paused:
        return pro
    pro.is_paused = paused
    pro.save(update_fields=["is_paused"])
    audit(action="pro.paused" if paused else "pro.resumed", subject=pro, actor=actor)
    pro_refresh_dispatch_index(pro=pro)
    return pro


@transaction.atomic
def pro_block_new_proposals(*, pro: Pro, until, reason: str, by=None) -> Pro:
    """No new proposals until `until` (checkin's late-cancellation rule). A longer block
    already running is kept."""
    pro = lock_pro(pro)
    if pro.proposals_blocked_until is not None and pro.proposals_blocked_until >= until:
        return pro
    pro.proposals_blocked_until = until
    pro.save(update_fields=["proposals_blocked_until"])
    audit(
        action="pro.proposals_blocked",
        subject=pro,
        actor=by,
        data={"until": until.isoformat(), "reason": reason},
    )
    pro_refresh_dispatch_index(pro=pro)
    return pro


@transaction.atomic
def pro_unblock_new_proposals(*, pro: Pro, by=None) -> Pro:
    """End a block: support lifts it, or it is over (`pro_proposal_blocks_lift_expired`)."""
    pro = lock_pro(pro)
    if pro.proposals_blocked_until is None:
        return pro
    until = pro.proposals_blocked_until
    pro.proposals_blocked_until = None
    pro.save(update_fields=["proposals_blocked_until"])
    audit(
        action="pro.proposals_unblocked",
        subject=pro,
        actor=by,
        data={"until": until.isoformat(), "lifted_early": by is not None},
    )
    pro_refresh_dispatch_index(pro=pro)
    return pro


def pro_proposal_blocks_lift_expired(*, now) -> list[int]:
    """Clear every block whose end has come (run by the check-in sweep); the pros' ids."""
    ids = list(
        Pro.objects.filter(proposals_blocked_until__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pro in Pro.objects.filter(pk__in=ids).order_by("pk"):
        pro_unblock_new_proposals(pro=pro)
    return ids


def pro_record_completed_session(*, pro: Pro) -> None:
    """Count one completed session (bookings calls this); the first one unlocks the personal link."""
    Pro.objects.filter(pk=pro.pk).update(completed_sessions_count=F("completed_sessions_count") + 1)
    audit(action="pro.session_completed", subject=pro)
