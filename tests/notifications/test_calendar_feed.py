"""A pro's private calendar feed: their live sessions as iCalendar, times in Europe/Paris that a
calendar parser reads right on both sides of a DST change; cancelled sessions and other pros'
are absent; the secret URL opens nothing once reset."""

from datetime import datetime, timedelta

import pytest
from icalendar import Calendar

from catalog.models import Service
from core import clock
from core.models import AuditEvent
from notifications.calendar_feeds import calendar_feed_for
from tests.factories import ProFactory, booking_customer, booking_row

pytestmark = pytest.mark.django_db

# 28 March 2027: Paris moves from UTC+1 to UTC+2 at 02:00.
BEFORE_DST = datetime(2027, 3, 27, 10, 0, tzinfo=clock.PARIS)
AFTER_DST = datetime(2027, 3, 29, 10, 0, tzinfo=clock.PARIS)


@pytest.fixture
def menage():
    return Service.objects.get(slug="menage-2h")


@pytest.fixture
def pro_with_sessions(menage, time_machine):
    time_machine.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=clock.PARIS), tick=False)
    pro = ProFactory(active=True)
    customer, address = booking_customer()
    customer.user.first_name = "Camille"
    customer.user.save(update_fields=["first_name"])
    rows = {
        "before": booking_row(
            pro=pro, customer=customer, address=address, service=menage, start=BEFORE_DST
        ),
        "after": booking_row(
            pro=pro, customer=customer, address=address, service=menage, start=AFTER_DST
        ),
        "cancelled": booking_row(
            pro=pro,
            customer=customer,
            address=address,
            service=menage,
            start=AFTER_DST + timedelta(days=2),
            status="cancelled",
        ),
        "someone_else": booking_row(
            pro=ProFactory(active=True),
            customer=customer,
            address=address,
            service=menage,
            start=AFTER_DST + timedelta(days=3),
        ),
    }
    return pro, address, rows


def _feed(client, pro):
    return client.get(f"/pro/calendar/{calendar_feed_for(user=pro.user).token}.ics")


def test_the_feed_parses_with_paris_times_across_a_dst_change(client, pro_with_sessions):
    pro, address, rows = pro_with_sessions
    response = _feed(client, pro)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert "DTSTART;TZID=Europe/Paris:20270327T100000" in text
    assert "DTSTART;TZID=Europe/Paris:20270329T100000" in text

    calendar = Calendar.from_ical(response.content)
    [timezone] = calendar.walk("VTIMEZONE")
    assert timezone["TZID"] == "Europe/Paris"
    assert {part.name for part in timezone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    events = {event["UID"]: event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"booking-{rows['before'].pk}@localhost",
        f"booking-{rows['after'].pk}@localhost",
    }
    before = events[f"booking-{rows['before'].pk}@localhost"]
    after = events[f"booking-{rows['after'].pk}@localhost"]
    # The same wall-clock hour in Paris, one UTC hour apart: the DST change is honoured.
    assert before.decoded("DTSTART") == BEFORE_DST
    assert after.decoded("DTSTART") == AFTER_DST
    assert before.decoded("DTSTART").utcoffset() == timedelta(hours=1)
    assert after.decoded("DTSTART").utcoffset() == timedelta(hours=2)
    assert (before.decoded("DTSTART").hour, after.decoded("DTSTART").hour) == (10, 10)
    assert (
        after.decoded("DTEND") - after.decoded("DTSTART") == rows["after"].end - rows["after"].start
    )
    assert str(after["SUMMARY"]).endswith(" · Camille")
    assert str(after["LOCATION"]) == f"{address.street}, {address.postal_code} {address.city}"
    assert str(after["URL"]).endswith(f"/pro/bookings/{rows['after'].pk}")


def test_a_reset_link_stops_working_at_once(client, pro_with_sessions):
    pro = pro_with_sessions[0]
    old = calendar_feed_for(user=pro.user).token
    client.force_login(pro.user)
    page = client.get("/pro/settings/calendar")
    assert page.status_code == 200
    assert f"/pro/calendar/{old}.ics".encode() in page.content
    assert b"webcal://" in page.content

    client.post("/pro/settings/calendar")
    client.logout()
    assert client.get(f"/pro/calendar/{old}.ics").status_code == 404
    assert _feed(client, pro).status_code == 200
    assert AuditEvent.objects.filter(action="calendar_feed.reset").count() == 1


def test_an_unknown_token_opens_nothing(client, pro_with_sessions):
    assert client.get("/pro/calendar/not-a-token.ics").status_code == 404
    assert client.get(f"/pro/calendar/{'x' * 80}.ics").status_code == 404


def test_a_user_without_a_pro_profile_has_no_feed(client):
    from tests.factories import UserFactory

    user = UserFactory()
    assert client.get(f"/pro/calendar/{calendar_feed_for(user=user).token}.ics").status_code == 404
