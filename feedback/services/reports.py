"""Reports and what support does with them.

A pro reports a proposal they received (an inappropriate comment), a customer's message on
one of their bookings, or a customer's behaviour at one of their sessions; a customer reports
a pro's behaviour at one of their sessions. Reporting the same thing again while the first
report is open returns that report (one open report per reporter and object: a database
constraint). Support then dismisses it, warns the reported person (in their language, with
support's words) or blacklists the reported customer (customers.services.customer_blacklist,
whose signal cancels the customer's open work: feedback/services/blacklist.py). Every step is
an AuditEvent; the reporter is told when their report is handled.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.models import Booking, Proposal
from core import clock
from core.audit import audit
from core.errors import InvalidInput, NotFound
from core.text import clean_text
from customers import services as customer_services

from .. import notifications, rules
from ..errors import ReportAlreadyHandled, ReportNotAllowed
from ..models import Message, Report, Side

Kind, Status = Report.Kind, Report.Status
PRO_KINDS = (Kind.PROPOSAL, Kind.MESSAGE, Kind.CUSTOMER_BEHAVIOUR)


def _details(details, *, required: bool) -> str:
    return clean_text(
        details, field="details", required=required, max_length=rules.REPORT_DETAILS_MAX_LENGTH
    )


def _as_id(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise NotFound()
    return value


def _create(*, reporter, side, kind, object_key, details, **targets) -> tuple[Report, bool]:
    """Write the report, or return the reporter's open report on the same object; and
    whether it was written now."""
    existing = Report.objects.filter(
        reporter=reporter, object_key=object_key, status=Status.OPEN
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                reporter_side=side,
                kind=kind,
                object_key=object_key,
                details=details,
                created_at=clock.now(),
                **targets,
            )
            reported = targets.get("reported_customer") or targets.get("reported_pro")
            audit(
                action="report.created",
                subject=report,
                actor=reporter,
                data={"kind": kind, "object": object_key, "reported": reported.pk},
            )
    except IntegrityError:  # the same report sent twice at once
        existing = Report.objects.get(reporter=reporter, object_key=object_key, status=Status.OPEN)
        return existing, False
    return report, True


def report_by_pro(*, pro, kind: str, object_id, details="") -> tuple[Report, bool]:
    """A pro reports a proposal, a message or a customer's behaviour (`object_id`: the
    proposal, the message or the booking). Someone else's object is 404. Returns the report
    and whether it is new."""
    if kind not in PRO_KINDS:
        raise InvalidInput(fields={"kind": [_("Choose what you report.")]})
    object_id = _as_id(object_id)
    details = _details(details, required=kind == Kind.CUSTOMER_BEHAVIOUR)
    if kind == Kind.PROPOSAL:
        proposal = (
            Proposal.objects.select_related("request__customer")
            .filter(pk=object_id, pro=pro)
            .first()
        )
        if proposal is None:
            raise NotFound()
        targets = {"proposal": proposal, "reported_customer": proposal.request.customer}
    elif kind == Kind.MESSAGE:
        message = (
            Message.objects.select_related("booking__customer")
            .filter(pk=object_id, booking__pro=pro)
            .first()
        )
        if message is None:
            raise NotFound()
        if message.sender_side != Side.CUSTOMER:
            raise ReportNotAllowed(_("You can report only the customer's messages."))
        targets = {
            "message": message,
            "booking": message.booking,
            "reported_customer": message.booking.customer,
        }
    else:
        booking = Booking.objects.select_related("customer").filter(pk=object_id, pro=pro).first()
        if booking is None:
            raise NotFound()
        targets = {"booking": booking, "reported_customer": booking.customer}
    return _create(
        reporter=pro.user,
        side=Side.PRO,
        kind=kind,
        object_key=f"{kind}:{object_id}",
        details=details,
        **targets,
    )


def report_by_customer(*, customer, booking: Booking, details) -> tuple[Report, bool]:
    """The customer reports the pro's behaviour at one of their sessions; returns the report
    and whether it is new."""
    if booking.customer_id != customer.pk:
        raise NotFound()
    details = _details(details, required=True)
    return _create(
        reporter=customer.user,
        side=Side.CUSTOMER,
        kind=Kind.PRO_BEHAVIOUR,
        object_key=f"booking:{booking.pk}",
        details=details,
        booking=booking,
        reported_pro=booking.pro,
    )


# --- support -------------------------------------------------------------------------------------


def _close(report: Report, status: str, *, by, note: str, now) -> None:
    report.status = status
    report.handled_at = now
    report.handled_by = by if by is not None and by.is_authenticated else None
    report.handling_note = note
    report.save(update_fields=["status", "handled_at", "handled_by", "handling_note"])
    audit(
        action=f"report.{status}",
        subject=report,
        actor=by,
        data={"note": note} if note else {},
    )
    notifications.tell_reporter_handled(report)


def _locked_open(report: Report) -> Report:
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("reporter", "reported_customer__user", "reported_pro__user")
        .get(pk=report.pk)
    )
    if not report.is_open:
        raise ReportAlreadyHandled()
    return report


def report_dismiss(*, report: Report, by, reason="") -> Report:
    reason = clean_text(reason, field="reason", max_length=500)
    with transaction.atomic():
        report = _locked_open(report)
        _close(report, Status.DISMISSED, by=by, note=reason, now=clock.now())
    return report


def report_warn(*, report: Report, by, reason) -> Report:
    """Support warns the reported person: `reason` is the warning they read."""
    reason = clean_text(reason, field="reason", required=True, max_length=500)
    with transaction.atomic():
        report = _locked_open(report)
        _close(report, Status.WARNED, by=by, note=reason, now=clock.now())
        if report.reported_customer_id:
            user, is_pro = report.reported_customer.user, False
        else:
            user, is_pro = report.reported_pro.user, True
        notifications.tell_warning(user, text=reason, is_pro=is_pro, report_id=report.pk)
    return report


def report_blacklist(*, report: Report, by, reason) -> Report:
    """Support blacklists the reported customer from the report, with a reason. The other
    open reports against that customer are closed with it. The cancellations follow on
    commit (the customers signal)."""
    reason = clean_text(reason, field="reason", required=True, max_length=500)
    with transaction.atomic():
        report = _locked_open(report)
        customer = report.reported_customer
        if customer is None:
            raise ReportNotAllowed(_("Only a customer can be blacklisted."))
        customer_services.customer_blacklist(customer=customer, by=by, reason=reason)
        now = clock.now()
        _close(report, Status.BLACKLISTED, by=by, note=reason, now=now)
        others = (
            Report.objects.select_for_update(of=("self",))
            .select_related("reporter")
            .filter(reported_customer=customer, status=Status.OPEN)
            .exclude(pk=report.pk)
            .order_by("pk")
        )
        for other in others:
            _close(other, Status.BLACKLISTED, by=by, note=reason, now=now)
    return report
