"""A pro's sessions as an iCalendar feed (RFC 5545, `icalendar`), for their phone's calendar
beside their own clients: their live bookings from CALENDAR_FEED_PAST ago to
CALENDAR_FEED_AHEAD ahead, times in Europe/Paris (TZID with its VTIMEZONE, so a calendar app
places them right on both sides of a DST change). Cancelled sessions are left out, which
removes them from a subscribed calendar. The street is shown as the booking page shows it
(Booking.shows_exact_address); notes and access details never leave the app.

The feed is read through a secret URL (notifications.calendar_feeds), with no session.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar, Event

from core import clock
from core.i18n import language_of

from .models import Booking

CALENDAR_FEED_PAST = timedelta(days=60)
CALENDAR_FEED_AHEAD = timedelta(days=366)


def feed_bookings(pro, *, now=None):
    now = now or clock.now()
    return (
        Booking.objects.filter(
            pro=pro, start__gte=now - CALENDAR_FEED_PAST, start__lt=now + CALENDAR_FEED_AHEAD
        )
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("service", "address", "customer__user")
        .order_by("start", "id")
    )


def pro_calendar(pro, *, now=None) -> bytes:
    """The feed's bytes (text/calendar), written in the pro's language."""
    now = now or clock.now()
    host = urlsplit(settings.SITE_URL).hostname or "wecasa"
    calendar = Calendar()
    calendar.add("prodid", "-//Wecasa//Pro sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Wecasa Pro")
    calendar.add("x-wr-timezone", "Europe/Paris")
    # Ask calendar apps to refresh hourly (most poll less often whatever we say).
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    with translation.override(language_of(pro.user)):
        for booking in feed_bookings(pro, now=now):
            calendar.add_component(_event(booking, host=host, now=now))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(booking: Booking, *, host: str, now) -> Event:
    event = Event()
    event.add("uid", f"booking-{booking.pk}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", clock.to_paris(booking.start))
    event.add("dtend", clock.to_paris(booking.end))
    first_name = booking.customer.user.first_name
    summary = booking.service.name
    event.add("summary", f"{summary} · {first_name}" if first_name else summary)
    address = booking.address
    place = f"{address.postal_code} {address.city}"
    event.add("location", f"{address.street}, {place}" if booking.shows_exact_address else place)
    link = f"{settings.SITE_URL}{reverse('bookings:booking', args=[booking.pk])}"
    event.add("url", link)
    event.add("description", link)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event
