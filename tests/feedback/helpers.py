"""Constants and small helpers the feedback tests import (fixtures stay in conftest.py)."""

from datetime import datetime, time, timedelta

from django.test import Client
from rest_framework.test import APIClient

from core.clock import PARIS

# A Monday in winter (UTC+1). Sessions start relative to it.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)
HTMX = {"HX-Request": "true"}


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """Paris wall-clock `hour:minute`, `days` after NOW's date."""
    return datetime.combine(NOW.date() + timedelta(days=days), time(hour, minute), tzinfo=PARIS)


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def web_for(user, language="en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


def error_code(response) -> str:
    return response.json()["error"]["code"]
