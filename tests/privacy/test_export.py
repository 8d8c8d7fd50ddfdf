# ruff: noqa: F401, F811  (fixtures imported from tests/privacy/privacy_world.py)
"""A copy of my data: throttled, built by the task, e-mailed as a link that expires; only the
link's owner (or a browser signed in as nobody) opens it; bounded queries."""

import re
from datetime import timedelta

import pytest

from core.models import AuditEvent
from privacy import export
from privacy.export_data import personal_data
from privacy.models import DataExport
from tests.factories import CustomerFactory
from tests.privacy.privacy_world import (  # fixtures
    NOW,
    cleaning,
    clock,
    future_session,
    past_paid_session,
    tasks_inline,
    world,
)

pytestmark = pytest.mark.django_db


def _ready_export(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = export.data_export_request(user=user)
    created.refresh_from_db()
    assert created.status == DataExport.Status.READY
    return created


def _path(mail) -> str:
    return re.search(r"/pro/data-export/\S+", mail.body).group(0)


def test_asking_again_while_pending_returns_the_same_then_throttled(world, clock):
    user = world["customer"].user
    first = export.data_export_request(user=user)  # on_commit not run: still pending
    assert export.data_export_request(user=user).pk == first.pk
    DataExport.objects.filter(pk=first.pk).update(status=DataExport.Status.READY)
    with pytest.raises(export.ExportTooSoon):
        export.data_export_request(user=user)
    clock.shift(timedelta(hours=24))
    assert export.data_export_request(user=user).pk != first.pk
    assert AuditEvent.objects.filter(action="privacy.export_requested").count() == 2


def test_api_throttle_answers_429_in_the_envelope(
    world, api_client, tasks_inline, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(world["customer"].user)
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.get("/api/v1/me/export").status_code == 202
    response = api_client.get("/api/v1/me/export")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "export_too_soon"


def test_the_link_expires_and_the_file_is_purged(
    world, client, clock, mailoutbox, tasks_inline, django_capture_on_commit_callbacks
):
    ready = _ready_export(world["customer"].user, django_capture_on_commit_callbacks)
    path = _path(mailoutbox[-1])
    assert client.get(path).status_code == 200
    name = ready.file.name
    storage = DataExport._meta.get_field("file").storage
    assert storage.exists(name)

    clock.shift(timedelta(hours=71, minutes=59))
    assert client.get(path).status_code == 200
    clock.shift(timedelta(minutes=2))
    response = client.get(path)
    assert response.status_code == 410
    assert "a expiré" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert export.data_exports_purge_expired() == 1
    ready.refresh_from_db()
    assert ready.status == DataExport.Status.EXPIRED and not ready.file
    assert not storage.exists(name)
    assert client.get(path).status_code == 410


def test_other_people_cannot_download(
    world, client, mailoutbox, tasks_inline, django_capture_on_commit_callbacks
):
    _ready_export(world["customer"].user, django_capture_on_commit_callbacks)
    path = _path(mailoutbox[-1])
    # Someone else signed in on this browser: 404, like an unknown link.
    client.force_login(world["pro"].user)
    response = client.get(path)
    assert response.status_code == 404
    assert "autre compte" in response.content.decode()
    client.logout()
    # A tampered token, another export's id with this signature, garbage: 404.
    token = path.rsplit("/", 1)[1]
    assert client.get(path[:-2] + ("aa" if not path.endswith("aa") else "bb")).status_code == 404
    other = DataExport.objects.create(user=world["pro"].user, nonce="x" * 22)
    forged = token.replace(token.split(".", 1)[0], str(other.pk), 1)
    assert client.get(f"/pro/data-export/{forged}").status_code == 404
    assert client.get("/pro/data-export/nothing").status_code == 404
    # The owner, signed in or not, gets it.
    client.force_login(world["customer"].user)
    assert client.get(path).status_code == 200


def test_a_closed_account_gets_no_file(world, django_capture_on_commit_callbacks, tasks_inline):
    from privacy import erasure

    user = world["customer"].user
    pending = export.data_export_request(user=user)
    erasure.account_close(user=user, by=user)
    pending.refresh_from_db()
    assert pending.status == DataExport.Status.EXPIRED
    assert export.data_export_build(export_id=pending.pk).status == DataExport.Status.EXPIRED


def test_query_count_does_not_grow_with_the_history(world, cleaning, django_assert_max_num_queries):
    customer, pro = world["customer"], world["pro"]
    with django_assert_max_num_queries(30) as small:
        personal_data(customer.user)
    for weeks in range(3, 9):
        past_paid_session(
            pro=pro, customer=customer, service=cleaning, start=NOW - timedelta(weeks=weeks)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = personal_data(customer.user)
    assert len(data["customer"]["bookings"]) == 8
    with django_assert_max_num_queries(30):
        pro_data = personal_data(pro.user)
    assert len(pro_data["pro"]["payouts"]) == 7
    assert pro_data["pro"]["bank"]["iban"].startswith("FR14")
    assert pro_data["pro"]["bookings"][0]["customer_first_name"] == "Léa"
