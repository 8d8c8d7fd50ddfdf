"""The zone's geocoder: the national address base's search API read through a fake HTTP
session (the request it makes, the places it returns, a timeout or a bad answer is an empty
list), and the zone form looking an address up when no suggestion was picked."""

from decimal import Decimal

import pytest
import requests

from pros.forms import ZoneForm
from pros.geocoding import BanGeocoder, NoGeocoder, Place

BAN_ANSWER = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [2.361923, 48.855461]},
            "properties": {"label": "12 Rue de Rivoli 75004 Paris", "score": 0.97},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [2.339, 48.8608]},
            "properties": {"label": "12 Rue de Rivoli 75001 Paris"},
        },
        {"type": "Feature", "geometry": None, "properties": {}},  # skipped
    ],
}


class FakeResponse:
    def __init__(self, payload=None, status=200):
        self.payload, self.status_code = payload, status

    def raise_for_status(self):
        if self.status_code >= 400:
            raise requests.HTTPError(f"{self.status_code}")

    def json(self):
        if isinstance(self.payload, Exception):
            raise self.payload
        return self.payload


class FakeSession:
    def __init__(self, answer):
        self.answer, self.calls = answer, []

    def get(self, url, *, params, timeout):
        self.calls.append((url, params, timeout))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def _ban(answer):
    session = FakeSession(answer)
    return BanGeocoder(base_url="https://ban.test/", timeout=1.5, session=session), session


def test_search_asks_the_address_base_and_reads_lon_lat():
    geocoder, session = _ban(FakeResponse(BAN_ANSWER))
    places = geocoder.search("  12 rue   de rivoli ", limit=3)
    assert session.calls == [
        (
            "https://ban.test/search/",
            {"q": "12 rue de rivoli", "limit": 3, "autocomplete": 1},
            1.5,
        )
    ]
    assert places == [
        Place("12 Rue de Rivoli 75004 Paris", Decimal("48.855461"), Decimal("2.361923")),
        Place("12 Rue de Rivoli 75001 Paris", Decimal("48.860800"), Decimal("2.339000")),
    ]


@pytest.mark.parametrize(
    "answer",
    [
        requests.Timeout("slow"),
        requests.ConnectionError("no network"),
        FakeResponse({"message": "boom"}, status=503),
        FakeResponse(ValueError("not json")),
        FakeResponse({"features": [{"geometry": {"coordinates": ["x", 1]}}]}),
    ],
)
def test_an_unavailable_or_odd_answer_finds_nothing(answer):
    geocoder, _session = _ban(answer)
    assert geocoder.search("12 rue de Rivoli") == []


def test_a_query_too_short_is_not_sent():
    geocoder, session = _ban(FakeResponse(BAN_ANSWER))
    assert geocoder.search("12") == [] and session.calls == []


def _form(geocoder, **data):
    return ZoneForm({"radius_km": "8", **data}, geocoder=geocoder)


def test_an_address_typed_without_a_pick_is_looked_up_on_save():
    geocoder, _session = _ban(FakeResponse(BAN_ANSWER))
    form = _form(geocoder, base_address="12 rue de rivoli")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["base_address"] == "12 Rue de Rivoli 75004 Paris"
    assert form.cleaned_data["lat"] == Decimal("48.855461")


def test_a_picked_suggestion_or_a_position_is_used_as_it_is():
    picked = _form(
        NoGeocoder(),
        base_address="12 Rue de Rivoli 75001 Paris",
        located_address="12 Rue de Rivoli 75001 Paris",
        lat="48.8608",
        lng="2.339",
    )
    assert picked.is_valid() and picked.cleaned_data["lat"] == Decimal("48.8608")
    position = _form(NoGeocoder(), base_address="", lat="48.85", lng="2.35")
    assert position.is_valid(), position.errors


def test_coordinates_of_an_older_address_are_not_kept_for_a_new_one():
    geocoder, _session = _ban(FakeResponse(BAN_ANSWER))
    form = _form(
        geocoder,
        base_address="12 rue de rivoli",
        located_address="1 place de la Bastille",
        lat="48.853",
        lng="2.369",
    )
    assert form.is_valid()
    assert form.cleaned_data["lat"] == Decimal("48.855461")


def test_an_address_not_found_is_a_form_error():
    form = _form(NoGeocoder(), base_address="nowhere at all")
    assert not form.is_valid() and "base_address" in form.errors
