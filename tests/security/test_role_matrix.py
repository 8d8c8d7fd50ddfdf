"""Endpoint x role matrix (issue 7): every API and pro web URL, generated from the URL
configuration, answers each role with the status written in TABLE below.

Roles: anonymous, another customer, another pro, the owner (the customer or the pro whose
object it is, or simply a user of the right kind for lists), support (staff in the Support
group, no customer or pro profile) and a superuser (likewise). Every request runs in a
savepoint rolled back afterwards, so each role meets the same world.

A URL pattern without a row fails the test (so does an API method without a row): adding an
endpoint means stating who may use it. Admin URLs follow one rule (anonymous and non-staff
users are sent to the admin login from every one of them; staff get in); the two unnamed
patterns (the root redirect, media under DEBUG) are in SIMPLE.

Reading TABLE: owners' 400s are empty bodies (the role got through; the input did not), 404
for another customer or pro means "not yours", 403 on the API "not a customer" or "not a
pro", 302 on pro pages the way to the login or the pro sign-up.

To see what a new URL answers: ROLE_MATRIX_PRINT=1 pytest tests/security/test_role_matrix.py
prints the observed rows in TABLE's syntax (check them before copying them: this test states
the intended access, it does not record whatever happens).
"""

import copy
import os
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.views import APIView

from bookings.models import CounterOffer, Favorite, Proposal
from catalog.models import Service
from checkin import services as checkin_services
from checkin.models import BillableItem
from feedback.models import Report
from notifications.calendar_feeds import calendar_feed_for
from notifications.models import Notification, PushSubscription
from pros.models import TimeOff
from tests.bookings.helpers import NOW, at
from tests.factories import (
    DocumentFactory,
    UserFactory,
    booking_customer,
    booking_request_row,
    booking_row,
    dispatchable_pro,
)
from wecasa.roles import ensure_support_group

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "other_customer", "other_pro", "owner", "support", "superuser")


@dataclass(frozen=True)
class Row:
    """One request and the status each role gets (in ROLES' order)."""

    method: str
    obj: str | None  # a key of World.targets, None for a URL without parameters
    owner: str  # "customer" or "pro": who the owner is
    statuses: tuple[int, ...]


def C(method, obj, *statuses):  # noqa: N802 - a table cell, short on purpose
    """A row whose owner is the customer."""
    return Row(method, obj, "customer", statuses)


def P(method, obj, *statuses):  # noqa: N802
    """A row whose owner is the pro."""
    return Row(method, obj, "pro", statuses)


# fmt: off
TABLE: dict[str, list[Row]] = {
    "healthz": [C("GET", None, 200, 200, 200, 200, 200, 200)],
    "set_language": [C("GET", None, 302, 302, 302, 302, 302, 302)],
    "api:schema": [C("GET", None, 200, 200, 200, 200, 200, 200)],
    "api:docs": [C("GET", None, 200, 200, 200, 200, 200, 200)],
    "api:catalog_api:services": [C("GET", None, 200, 200, 200, 200, 200, 200)],
    "api:customers_api:register": [C("POST", None, 400, 400, 400, 400, 400, 400)],
    "api:customers_api:token": [C("DELETE", None, 401, 204, 204, 204, 204, 204), C("POST", None, 400, 400, 400, 400, 400, 400)],
    "api:customers_api:tokens": [C("DELETE", None, 401, 200, 200, 200, 200, 200)],
    "api:customers_api:password_reset": [C("POST", None, 400, 400, 400, 400, 400, 400)],
    "api:customers_api:me": [C("GET", None, 401, 200, 200, 200, 200, 200), C("PATCH", None, 401, 400, 400, 400, 400, 400)],
    "api:customers_api:me_customer": [C("POST", None, 401, 200, 201, 200, 201, 201)],
    "api:customers_api:addresses": [C("GET", None, 401, 200, 403, 200, 403, 403), C("POST", None, 401, 400, 403, 400, 403, 403)],
    "api:customers_api:address": [C("DELETE", 'address', 401, 404, 403, 204, 403, 403), C("GET", 'address', 401, 404, 403, 200, 403, 403)],
    "api:pros_api:pro_score": [P("GET", None, 401, 403, 200, 200, 403, 403)],
    "api:checkin_api:pro_bookings": [P("GET", None, 401, 403, 200, 200, 403, 403)],
    "api:checkin_api:pro_booking": [P("GET", 'booking', 401, 403, 404, 200, 403, 403)],
    "api:checkin_api:pro_booking_declarations": [P("POST", 'booking', 401, 403, 404, 400, 403, 403)],
    "api:checkin_api:booking_cancellation": [C("GET", 'booking', 401, 404, 403, 200, 403, 403)],
    "api:checkin_api:booking_cancel": [C("POST", 'booking', 401, 404, 403, 200, 403, 403)],
    "api:bookings_api:booking_requests": [C("GET", None, 401, 200, 403, 200, 403, 403), C("POST", None, 401, 400, 403, 400, 403, 403)],
    "api:bookings_api:booking_request": [C("GET", 'request', 401, 404, 403, 200, 403, 403)],
    "api:bookings_api:booking_request_cancel": [C("POST", 'request', 401, 404, 403, 200, 403, 403)],
    "api:bookings_api:booking_request_access_details": [C("POST", 'request', 401, 404, 403, 400, 403, 403)],
    "api:bookings_api:booking_request_confirm": [C("POST", 'request', 401, 404, 403, 409, 403, 403)],
    "api:bookings_api:booking_request_decline": [C("POST", 'request', 401, 404, 403, 409, 403, 403)],
    "api:bookings_api:counter_offer_accept": [C("POST", 'counter', 401, 404, 403, 200, 403, 403)],
    "api:bookings_api:counter_offer_decline": [C("POST", 'counter', 401, 404, 403, 200, 403, 403)],
    "api:bookings_api:bookings": [C("GET", None, 401, 200, 403, 200, 403, 403)],
    "api:bookings_api:booking": [C("GET", 'booking', 401, 404, 403, 200, 403, 403)],
    "api:bookings_api:past_pros": [C("GET", None, 401, 200, 403, 200, 403, 403)],
    "api:bookings_api:favorites": [C("GET", None, 401, 200, 403, 200, 403, 403), C("POST", None, 401, 400, 403, 400, 403, 403)],
    "api:bookings_api:favorite": [C("DELETE", 'favorite', 401, 404, 403, 204, 403, 403)],
    "api:bookings_api:pro_slots": [C("GET", 'pro', 401, 400, 403, 400, 403, 403)],
    "api:bookings_api:pro_by_link": [C("GET", 'link', 401, 200, 200, 200, 200, 200)],
    "api:bookings_api:pro_proposals": [P("GET", None, 401, 403, 200, 200, 403, 403)],
    "api:bookings_api:pro_proposal_accept": [P("POST", 'proposal', 401, 403, 404, 200, 403, 403)],
    "api:bookings_api:pro_proposal_refuse": [P("POST", 'proposal', 401, 403, 404, 200, 403, 403)],
    "api:bookings_api:pro_proposal_counter": [P("POST", 'proposal', 401, 403, 404, 400, 403, 403)],
    "api:bookings_api:pro_bookings": [P("GET", None, 401, 403, 200, 200, 403, 403)],
    "api:feedback_api:booking_messages": [C("GET", 'booking', 401, 404, 403, 200, 403, 403), C("POST", 'booking', 401, 404, 403, 400, 403, 403)],
    "api:feedback_api:booking_review": [C("POST", 'booking', 401, 404, 403, 400, 403, 403)],
    "api:feedback_api:booking_report": [C("POST", 'booking', 401, 404, 403, 400, 403, 403)],
    "api:feedback_api:pro_reviews": [C("GET", 'pro', 401, 200, 200, 200, 200, 200)],
    "api:feedback_api:support_messages": [C("GET", None, 401, 200, 200, 200, 200, 200), C("POST", None, 401, 400, 400, 400, 400, 400)],
    "api:feedback_api:pro_booking_messages": [P("GET", 'booking', 401, 403, 404, 200, 403, 403), P("POST", 'booking', 401, 403, 404, 400, 403, 403)],
    "api:feedback_api:pro_reports": [P("POST", None, 401, 403, 400, 400, 403, 403)],
    "api:notifications_api:notifications": [C("GET", None, 401, 200, 200, 200, 200, 200)],
    "api:notifications_api:notifications_read_all": [C("POST", None, 401, 200, 200, 200, 200, 200)],
    "api:notifications_api:notifications_unread_count": [C("GET", None, 401, 200, 200, 200, 200, 200)],
    "api:notifications_api:notification_read": [C("POST", 'customer_note', 401, 404, 404, 200, 404, 404)],
    "api:payouts_api:setup_intent": [C("POST", None, 401, 200, 403, 200, 403, 403)],
    "api:payouts_api:payment_methods": [C("GET", None, 401, 200, 403, 200, 403, 403), C("POST", None, 401, 400, 403, 400, 403, 403)],
    "api:payouts_api:charges": [C("GET", None, 401, 200, 403, 200, 403, 403)],
    "api:payouts_api:pro_earnings": [P("GET", None, 401, 403, 200, 200, 403, 403)],
    "api:payouts_api:pro_payouts": [P("GET", None, 401, 403, 200, 200, 403, 403)],
    "pros:signup": [P("GET", None, 200, 200, 302, 302, 200, 200), P("POST", None, 400, 400, 302, 302, 400, 400)],
    "pros:login": [P("GET", None, 200, 200, 200, 200, 200, 200), P("POST", None, 400, 400, 400, 400, 400, 400)],
    "pros:logout": [P("POST", None, 302, 302, 302, 302, 302, 302)],
    "pros:password_reset": [P("GET", None, 200, 200, 200, 200, 200, 200)],
    "pros:password_reset_done": [P("GET", None, 200, 200, 200, 200, 200, 200)],
    "pros:password_reset_complete": [P("GET", None, 200, 200, 200, 200, 200, 200)],
    "pros:password_reset_confirm": [P("GET", 'reset', 200, 200, 200, 200, 200, 200)],
    "pros:onboarding": [P("GET", None, 302, 302, 200, 200, 302, 302)],
    "pros:score": [P("GET", None, 302, 302, 200, 200, 302, 302)],
    "pros:settings": [P("GET", None, 302, 302, 200, 200, 302, 302)],
    "pros:settings_profile": [P("GET", None, 302, 302, 200, 200, 302, 302), P("POST", None, 302, 302, 400, 400, 302, 302)],
    "pros:settings_services": [P("GET", None, 302, 302, 200, 200, 302, 302), P("POST", None, 302, 302, 400, 400, 302, 302)],
    "pros:settings_zone": [P("GET", None, 302, 302, 200, 200, 302, 302), P("POST", None, 302, 302, 400, 400, 302, 302)],
    "pros:settings_zone_suggest": [P("GET", None, 302, 302, 200, 200, 302, 302)],
    "pros:settings_hours": [P("GET", None, 302, 302, 200, 200, 302, 302), P("POST", None, 302, 302, 400, 400, 302, 302)],
    "pros:settings_hours_row": [P("GET", 'day', 302, 302, 200, 200, 302, 302)],
    "pros:settings_availability": [P("GET", None, 302, 302, 200, 200, 302, 302), P("POST", None, 302, 302, 400, 400, 302, 302)],
    "pros:settings_pause": [P("POST", None, 302, 302, 302, 302, 302, 302)],
    "pros:settings_time_off_delete": [P("POST", 'time_off', 302, 302, 404, 302, 302, 302)],
    "pros:settings_documents": [P("GET", None, 302, 302, 200, 200, 302, 302), P("POST", None, 302, 302, 400, 400, 302, 302)],
    "pros:document_file": [P("GET", 'document', 302, 404, 404, 200, 200, 200)],
    "pros:settings_bank": [P("GET", None, 302, 302, 200, 200, 302, 302), P("POST", None, 302, 302, 400, 400, 302, 302)],
    "pros:settings_link": [P("GET", None, 302, 302, 200, 200, 302, 302), P("POST", None, 302, 302, 302, 302, 302, 302)],
    "pros:settings_referral": [P("GET", None, 302, 302, 200, 200, 302, 302), P("POST", None, 302, 302, 400, 400, 302, 302)],
    "pro_public_profile": [C("GET", 'link', 200, 200, 200, 200, 200, 200)],
    "bookings:dashboard": [P("GET", None, 302, 302, 200, 200, 302, 302)],
    "bookings:proposals": [P("GET", None, 302, 302, 200, 200, 302, 302)],
    "bookings:next_sessions": [P("GET", None, 302, 302, 200, 200, 302, 302)],
    "bookings:proposal_accept": [P("POST", 'proposal', 302, 302, 404, 302, 302, 302)],
    "bookings:proposal_refuse": [P("POST", 'proposal', 302, 302, 404, 302, 302, 302)],
    "bookings:proposal_counter": [P("POST", 'proposal', 302, 302, 404, 302, 302, 302)],
    "bookings:agenda": [P("GET", None, 302, 302, 200, 200, 302, 302)],
    "bookings:booking": [P("GET", 'booking', 302, 302, 404, 200, 302, 302)],
    "bookings:session_new": [P("GET", None, 302, 302, 200, 200, 302, 302), P("POST", None, 302, 302, 400, 400, 302, 302)],
    "checkin:to_declare": [P("GET", None, 302, 302, 200, 200, 302, 302)],
    "checkin:declare": [P("POST", 'booking', 302, 302, 404, 302, 302, 302)],
    "checkin:fee_waive": [P("POST", 'fee', 302, 302, 404, 302, 302, 302)],
    "feedback:thread": [P("GET", 'booking', 302, 302, 404, 200, 302, 302)],
    "feedback:message_send": [P("POST", 'booking', 302, 302, 404, 302, 302, 302)],
    "feedback:report_new": [P("GET", 'report', 302, 302, 404, 200, 302, 302), P("POST", 'report', 302, 302, 404, 400, 302, 302)],
    "feedback:support": [P("GET", None, 302, 302, 200, 200, 302, 302), P("POST", None, 302, 302, 400, 400, 302, 302)],
    "feedback:reviews": [P("GET", None, 302, 302, 200, 200, 302, 302)],
    "notifications:list": [P("GET", None, 302, 200, 200, 200, 200, 200)],
    "notifications:bell": [P("GET", None, 286, 200, 200, 200, 200, 200)],
    "notifications:read_all": [P("POST", None, 302, 302, 302, 302, 302, 302)],
    "notifications:open": [P("POST", 'pro_note', 302, 404, 404, 302, 404, 404)],
    "notifications:manifest": [P("GET", None, 200, 200, 200, 200, 200, 200)],
    "notifications:service_worker": [P("GET", None, 200, 200, 200, 200, 200, 200)],
    "notifications:offline": [P("GET", None, 200, 200, 200, 200, 200, 200)],
    "payouts:earnings": [P("GET", None, 302, 302, 200, 200, 302, 302)],
    "payouts:statement_csv": [P("GET", None, 302, 302, 200, 200, 302, 302)],
    "stripe_webhook": [C("POST", None, 400, 400, 400, 400, 400, 400)],
    "privacy_notice": [C("GET", None, 200, 200, 200, 200, 200, 200)],  # public
    # METRICS_TOKEN unset in tests: the endpoint does not exist (a token is no role: tests/ops).
    "ops:metrics": [C("GET", None, 404, 404, 404, 404, 404, 404)],
    "bookings:calendar_settings": [P("GET", None, 302, 302, 200, 200, 302, 302), P("POST", None, 302, 302, 302, 302, 302, 302)],
    "bookings:calendar_feed": [P("GET", 'calendar', 200, 200, 200, 200, 200, 200)],  # the token is the key
    "notifications:live": [P("GET", None, 204, 204, 204, 204, 204, 204)],  # a stream under ASGI only
    "notifications:devices": [P("GET", None, 302, 200, 200, 200, 200, 200)],
    "notifications:push_subscribe": [P("POST", None, 302, 400, 400, 400, 400, 400)],
    "notifications:push_unsubscribe": [P("POST", None, 302, 204, 204, 204, 204, 204)],
    "notifications:push_test": [P("POST", None, 302, 302, 302, 302, 302, 302)],
    "notifications:device_remove": [P("POST", 'device', 302, 302, 302, 302, 302, 302)],
    "api:privacy_api:me": [C("DELETE", None, 401, 400, 400, 400, 400, 400), C("GET", None, 401, 200, 200, 200, 200, 200), C("PATCH", None, 401, 400, 400, 400, 400, 400)],
    "api:privacy_api:me_export": [C("GET", None, 401, 202, 202, 202, 202, 202)],
    "privacy:my_data": [P("GET", None, 302, 302, 200, 200, 302, 302)],
    "privacy:export_request": [P("POST", None, 302, 302, 302, 302, 302, 302)],
    # The owner's open work (the matrix world's bookings) blocks closing: 409, whatever the form.
    "privacy:close_account": [P("GET", None, 302, 302, 200, 200, 302, 302), P("POST", None, 302, 302, 400, 409, 302, 302)],
    "privacy:account_closed": [P("GET", None, 200, 200, 200, 200, 200, 200)],
    "privacy:export_download": [P("GET", 'export', 404, 404, 404, 404, 404, 404)],
}
# fmt: on

# URLs outside the matrix, by route: (method, path, the status every role gets). Checked
# when the URL configuration has them (media is served by Django only with DEBUG).
SIMPLE = {
    "": ("GET", "/", 302),  # to the pro dashboard
    "^media/(?P<path>.*)$": ("GET", "/media/nothing.png", 404),
}


# --- the world --------------------------------------------------------------------------------


class World:
    """One customer and one pro who share requests, a counter-offer, a booking with a fee,
    messages and notifications; another customer, another pro, support and a superuser."""

    def __init__(self):
        service = Service.objects.get(slug="menage-2h")
        self.pro = dispatchable_pro(services=[service])
        self.pro.completed_sessions_count = 1  # the personal link is live
        self.pro.save(update_fields=["completed_sessions_count"])
        self.other_pro = dispatchable_pro(services=[service])
        self.customer, address = booking_customer()
        self.other_customer, _ = booking_customer()
        self.support = UserFactory(is_staff=True)
        self.support.groups.add(ensure_support_group())
        self.superuser = UserFactory(is_staff=True, is_superuser=True)

        def request(start, **fields):
            return booking_request_row(
                customer=self.customer, address=address, service=service, start=start, **fields
            )

        open_request = request(at(3, 10))
        proposal = Proposal.objects.create(
            request=open_request, pro=self.pro, expires_at=NOW + timedelta(hours=1)
        )
        countered = request(at(4, 10))
        counter_proposal = Proposal.objects.create(
            request=countered,
            pro=self.pro,
            expires_at=NOW + timedelta(hours=1),
            status=Proposal.Status.COUNTERED,
        )
        counter = CounterOffer.objects.create(
            proposal=counter_proposal,
            request=countered,
            pro=self.pro,
            start=at(4, 14),
            end=at(4, 16),
            created_at=NOW,
        )
        booking = booking_row(
            pro=self.pro,
            customer=self.customer,
            address=address,
            service=service,
            start=at(5, 10),
            created_at=NOW - timedelta(days=2),
        )
        checkin_services.session_record_open(booking=booking)
        # A late customer cancellation leaves a fee the pro may waive.
        late = booking_row(
            pro=self.pro,
            customer=self.customer,
            address=address,
            service=service,
            start=NOW + timedelta(hours=3),
            created_at=NOW - timedelta(days=1),
        )
        checkin_services.session_record_open(booking=late)
        checkin_services.booking_customer_cancel(booking=late, customer=self.customer)
        fee = BillableItem.objects.get(booking=late)
        Favorite.objects.create(customer=self.customer, pro=self.pro)
        document = DocumentFactory(pro=self.pro)
        time_off = TimeOff.objects.create(
            pro=self.pro, start_date=at(20, 0).date(), end_date=at(21, 0).date()
        )
        customer_note = Notification.objects.create(
            user=self.customer.user, kind="t", params={"legacy": {"title": "t", "body": ""}}
        )
        pro_note = Notification.objects.create(
            user=self.pro.user, kind="t", params={"legacy": {"title": "t", "body": ""}}
        )
        calendar = calendar_feed_for(user=self.pro.user)
        report = f"?kind={Report.Kind.PROPOSAL}&id={proposal.pk}"
        # key -> (URL kwargs, query string)
        self.targets = {
            "address": ({"pk": address.pk}, ""),
            "request": ({"pk": open_request.pk}, ""),
            "counter": ({"pk": counter.pk}, ""),
            "proposal": ({"pk": proposal.pk}, ""),
            "booking": ({"pk": booking.pk}, ""),
            "fee": ({"pk": late.pk, "item_pk": fee.pk}, ""),
            "pro": ({"pk": self.pro.pk}, ""),
            "favorite": ({"pro_id": self.pro.pk}, ""),
            "link": ({"slug": self.pro.slug}, ""),
            "document": ({"pk": document.pk}, ""),
            "time_off": ({"pk": time_off.pk}, ""),
            "customer_note": ({"pk": customer_note.pk}, ""),
            "pro_note": ({"pk": pro_note.pk}, ""),
            "reset": ({"uidb64": "MQ", "token": "set-password"}, ""),
            "calendar": ({"token": calendar.token}, ""),
            "export": ({"token": "not-a-signed-token"}, ""),  # privacy's own tests: real links
            "day": (None, "?day=1"),
            "report": (None, report),
        }

    def add_device(self):
        """The pro's push device, once the world's notifications were sent (none is pushed)."""
        device = PushSubscription.objects.create(
            user=self.pro.user,
            endpoint="https://push.example/device-1",
            p256dh="BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
            auth="tBHItJI5svbpez7KI4CCXg",
        )
        self.targets["device"] = ({"pk": device.pk}, "")

    def path(self, name: str, key: str | None) -> str:
        kwargs, query = self.targets[key] if key else (None, "")
        return reverse(name, kwargs=kwargs) + query

    def user(self, role: str, owner: str):
        if role == "owner":
            return self.customer.user if owner == "customer" else self.pro.user
        return {
            "anonymous": None,
            "other_customer": self.other_customer.user,
            "other_pro": self.other_pro.user,
            "support": self.support,
            "superuser": self.superuser,
        }[role]


def _client(user) -> APIClient:
    client = APIClient(headers={"Accept-Language": "en"})
    client.raise_request_exception = False  # a 500 is a status like any other here
    if user is not None:
        client.force_login(user)  # the pro web pages (session)
        _instance, token = AuthToken.objects.create(user=user)  # the API
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _response(client, method: str, path: str):
    """One request, in a savepoint rolled back afterwards (and with throttles reset)."""
    cache.clear()  # throttle counters
    cookies = copy.deepcopy(client.cookies)  # a logout must not log the next request out
    with transaction.atomic():
        response = getattr(client, method.lower())(path)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


def _status(client, method: str, path: str) -> int:
    return _response(client, method, path).status_code


# --- the URL configuration ----------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield prefix + str(pattern.pattern), name, pattern.callback


def url_patterns():
    """(route, name, callback) of every URL pattern of the project."""
    return list(_walk(get_resolver().url_patterns))


def _api_methods(callback) -> set[str]:
    view_class = getattr(callback, "cls", None)
    if isinstance(view_class, type) and issubclass(view_class, APIView):
        return {
            method.upper()
            for method in view_class.http_method_names
            if method not in ("options", "head") and hasattr(view_class, method)
        }
    return set()


def _is_admin(route: str) -> bool:
    return route.startswith("admin/")


# --- the test ------------------------------------------------------------------------------------


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            built = World()
        built.add_device()
        yield built


def test_every_url_has_a_row_and_every_row_a_url():
    named = {}
    for route, name, callback in url_patterns():
        if _is_admin(route) or route in SIMPLE:
            continue
        assert name, f"unnamed URL pattern {route!r}: name it, or add it to SIMPLE"
        named[name] = callback
    missing = sorted(set(named) - set(TABLE))
    assert not missing, f"URLs without a row in TABLE (state who may use them): {missing}"
    assert not sorted(set(TABLE) - set(named)), "rows for URLs that no longer exist"
    for name, callback in named.items():
        methods = _api_methods(callback)
        covered = {row.method for row in TABLE[name]}
        assert methods <= covered, f"{name}: no row for {sorted(methods - covered)}"


def test_every_role_gets_the_stated_status(world):
    printing = bool(os.environ.get("ROLE_MATRIX_PRINT"))
    clients = {}
    mismatches, observed = [], []
    for name, rows in TABLE.items():
        for row in rows:
            path = world.path(name, row.obj)
            got = []
            for role in ROLES:
                user = world.user(role, row.owner)
                if user not in clients:
                    clients[user] = _client(user)
                got.append(_status(clients[user], row.method, path))
            if tuple(got) != row.statuses:
                mismatches.append(f"{name} {row.method} {path}: {row.statuses} != {tuple(got)}")
            observed.append((name, row, tuple(got)))
    if printing:
        for name, row, got in observed:
            cell = "C" if row.owner == "customer" else "P"
            statuses = ", ".join(str(status) for status in got)
            print(f'    "{name}": [{cell}("{row.method}", {row.obj!r}, {statuses})],')
    assert not mismatches, "\n".join(mismatches)


def test_the_simple_urls(world):
    routes = {route for route, _name, _callback in url_patterns()}
    for route, (method, path, status) in SIMPLE.items():
        if route not in routes:
            continue
        for role in ROLES:
            got = _status(_client(world.user(role, "customer")), method, path)
            assert got == status, (route, role, got)


# --- the admin: one rule ---------------------------------------------------------------------------

# Admin pages outside the rule: the login form, its translations, the logout (POST only).
ADMIN_OPEN = {"admin:login", "admin:jsi18n", "admin:logout"}


def _resolved_patterns():
    found = {}

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                found[prefix + str(pattern.pattern)] = pattern
        return found

    return walk(get_resolver().url_patterns)


def test_the_admin_sends_visitors_and_non_staff_to_its_login(world):
    """Anonymous visitors and accounts without staff status are sent to the admin login from
    every admin URL (object pages included); support and superusers get in. What staff may do
    inside is the business of tests/security/test_support_escalation.py and each app's admin
    tests."""
    patterns = _resolved_patterns()
    visitors = [_client(None), _client(world.pro.user)]
    checked = 0
    for route, name, _callback in url_patterns():
        if not _is_admin(route) or not name:
            continue
        pattern = patterns[route].pattern
        groups = set(getattr(pattern, "converters", {})) | set(pattern.regex.groupindex)
        kwargs = {group: "core" if group == "app_label" else "1" for group in groups}
        path = reverse(name, kwargs=kwargs or None)
        for client in visitors:
            response = _response(client, "GET", path)
            if name in ADMIN_OPEN:
                assert response.status_code in (200, 302, 405), (name, response.status_code)
            else:
                assert response.status_code == 302, (name, response.status_code)
                assert response["Location"].startswith("/admin/login/"), (name, response)
        checked += 1
    assert checked >= 100
    for staff in (world.support, world.superuser):
        assert _status(_client(staff), "GET", reverse("admin:index")) == 200
