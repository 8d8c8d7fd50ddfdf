"""The counters are bumped where the events are decided, through the real services: a
refusal, an expiry, a request ending unfulfilled at its deadline, a charge failing for good,
a worker finishing a task, a pro's live stream open then closed."""

import time
from datetime import date, datetime, timedelta
from datetime import time as wall_time
from types import SimpleNamespace

import pytest
import time_machine

from bookings import services as booking_services
from bookings import tasks
from catalog.models import Service
from core import metrics
from core.clock import PARIS
from ops import workers
from payouts import services as payout_services
from payouts.gateway.fake import FakeGateway
from payouts.models import Charge
from tests.factories import booking_customer, dispatchable_pro
from tests.notifications.asgi_server import AsgiServer
from tests.payouts.conftest import close_session, make_customer, make_pro

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)  # a Monday


def _totals() -> dict:
    return metrics.read(date.today())["total"]


@pytest.fixture
def cleaning(db):
    return Service.objects.select_related("category").get(slug="menage-2h")


@pytest.mark.django_db
def test_refusal_expiry_and_an_unfulfilled_request_are_counted(
    cleaning, django_capture_on_commit_callbacks
):
    first, second = dispatchable_pro(services=[cleaning]), dispatchable_pro(services=[cleaning])
    customer, address = booking_customer()
    start = datetime.combine(NOW.date(), wall_time(15, 0), tzinfo=PARIS)  # 6 h ahead: 6to24h
    with time_machine.travel(NOW, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            request = booking_services.booking_request_create(
                customer=customer, address=address, service=cleaning, start=start
            )
            tasks.dispatch_request(request.pk)  # a wave of two
            refused = request.proposals.get(pro=first)
            booking_services.proposal_refuse(proposal=refused, pro=first)
            tasks.dispatch_request(request.pk)  # nobody left: flagged, the other still holds
        clock.shift(timedelta(minutes=20))  # the second pro's answer time is over
        with django_capture_on_commit_callbacks(execute=True):
            tasks.dispatch_request(request.pk)
        clock.move_to(request.booking_deadline)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.dispatch_request(request.pk)
    request.refresh_from_db()
    assert request.status == "unfulfilled"
    labels = (cleaning.pk, "6to24h")
    assert _totals() == {
        metrics.field("requests_created", *labels): 1,
        metrics.field("requests_unfulfilled", *labels): 1,
        "proposals_sent": 2,
        "proposals_answered|refused": 1,
        "proposals_expired": 1,
    }
    assert second.proposals.get().status == "expired"


@pytest.mark.django_db
def test_a_charge_failing_for_good_is_counted_once(cleaning, django_capture_on_commit_callbacks):
    customer = make_customer(card="pm_fake_chargefail_")
    close_session(
        pro=make_pro(),
        customer=customer,
        service=cleaning,
        start=datetime(2026, 3, 3, 10, tzinfo=PARIS),
    )
    gateway = FakeGateway()
    with django_capture_on_commit_callbacks(execute=True):
        for day in (4, 5, 7):  # the billable day, D+1, D+3
            payout_services.charges_run_due(on=date(2026, 3, day), gateway=gateway)
    assert Charge.objects.get().status == Charge.Status.FAILED
    assert _totals() == {"charges_failed": 1}


def test_a_worker_finishing_tasks_records_its_queue_at_most_every_few_seconds():
    task = SimpleNamespace(request=SimpleNamespace(delivery_info={"routing_key": "wecasa"}))
    workers._last_written.clear()
    workers.task_finished(task=task)
    first = metrics.read(date.today())["worker"]["wecasa"]
    workers.task_finished(task=task)  # within MIN_INTERVAL_SECONDS: not written again
    assert metrics.read(date.today())["worker"] == {"wecasa": first}
    eager = SimpleNamespace(request=SimpleNamespace(is_eager=True, delivery_info={}))
    workers.task_finished(task=eager)  # ran in-process: no worker
    assert set(metrics.read(date.today())["worker"]) == {"wecasa"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_open_dashboard_stream_counts_as_online_until_it_closes(settings):
    from tests.notifications.test_live import EventStream, _pro_user, _session_cookie

    settings.LIVE_CHANNEL_PREFIX = f"test-live-{settings.METRICS_KEY_PREFIX}"
    settings.LIVE_HEARTBEAT_SECONDS = 0.2  # a closed connection is noticed at the next ping
    user = _pro_user()  # only pros get a stream
    with AsgiServer() as server:
        stream = EventStream(server, cookie=_session_cookie(user))
        assert stream.next_block().startswith("retry:")
        for _ in range(50):  # the stream records itself just after its first bytes
            if metrics.read(date.today())["online"] == 1:
                break
            time.sleep(0.05)
        assert metrics.read(date.today())["online"] == 1
        stream.close()
        for _ in range(100):
            if metrics.read(date.today())["online"] == 0:
                break
            time.sleep(0.05)
    assert metrics.read(date.today())["online"] == 0
