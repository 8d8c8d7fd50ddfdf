"""Addresses to coordinates for a pro's zone: one interface, two implementations.

`ban` (the default) asks the French national address base's public search API (Base Adresse
Nationale, api-adresse.data.gouv.fr) over HTTP with a short timeout; `none` finds nothing (no
network: the zone form still works with the "use my position" button). A failure or a timeout
is an empty answer, never an error page. Tests give BanGeocoder a fake `requests` session.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Protocol

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

MIN_QUERY_LENGTH = 3
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Place:
    label: str  # "12 Rue de Rivoli 75004 Paris"
    lat: Decimal
    lng: Decimal


class Geocoder(Protocol):
    def search(self, query: str, *, limit: int = 5) -> list[Place]: ...


class NoGeocoder:
    def search(self, query: str, *, limit: int = 5) -> list[Place]:
        return []


class BanGeocoder:
    """The Base Adresse Nationale's /search endpoint (GeoJSON features, lon/lat order)."""

    def __init__(self, *, base_url: str, timeout: float, session=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()

    def search(self, query: str, *, limit: int = 5) -> list[Place]:
        query = " ".join(str(query).split())[:MAX_QUERY_LENGTH]
        if len(query) < MIN_QUERY_LENGTH:
            return []
        try:
            response = self.session.get(
                f"{self.base_url}/search/",
                params={"q": query, "limit": limit, "autocomplete": 1},
                timeout=self.timeout,
            )
            response.raise_for_status()
            features = response.json().get("features", [])
        except (requests.RequestException, ValueError, AttributeError) as error:
            logger.warning("geocoder unavailable: %s", error.__class__.__name__)
            return []
        places = []
        for feature in features[:limit]:
            try:
                lng, lat = feature["geometry"]["coordinates"][:2]
                label = str(feature["properties"]["label"])[:250]
            except (KeyError, TypeError, ValueError):
                continue
            places.append(Place(label=label, lat=_coordinate(lat, 90), lng=_coordinate(lng, 180)))
        return [place for place in places if place.lat is not None and place.lng is not None]


def _coordinate(value, limit: int) -> Decimal | None:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except ArithmeticError:
        return None
    return number if -limit <= number <= limit else None


def geocoder() -> Geocoder:
    return _geocoder(settings.GEOCODER, settings.GEOCODER_BAN_URL, settings.GEOCODER_TIMEOUT)


@cache  # one HTTP session per process (connections reused)
def _geocoder(kind: str, base_url: str, timeout: float) -> Geocoder:
    if kind == "ban":
        return BanGeocoder(base_url=base_url, timeout=timeout)
    if kind == "none":
        return NoGeocoder()
    raise ImproperlyConfigured("GEOCODER must be 'ban' or 'none'.")
