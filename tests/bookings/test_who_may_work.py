""" "May this pro take work" is one rule in three forms (pros.models): the queryset
`Pro.objects.dispatchable()`, the property `Pro.is_dispatchable`, and the SQL fragment
`DISPATCHABLE_SQL` the candidate query embeds (plus `ZoneCell.dispatchable`, its copy on the
zone index). On a table of pro states, all of them select the same pros, and so does the real
candidate query."""

import pytest
from django.db import connection
from django.utils import timezone

from bookings import services, tasks
from bookings.dispatch import candidate_sql
from pros import services as pro_services
from pros.models import DISPATCHABLE_SQL, Pro, ZoneCell
from tests.bookings.helpers import at
from tests.factories import booking_row

pytestmark = pytest.mark.django_db

# (status, paused, ID verified) -> receives ordinary proposals?
STATES = [
    ("active", False, True, True),
    ("active", True, True, False),
    ("active", False, False, False),
    ("onboarding", False, True, False),
    ("onboarding", False, False, False),
    ("suspended", False, True, False),
    ("suspended", True, True, False),
]


def _set_state(pro, status, paused, verified):
    Pro.objects.filter(pk=pro.pk).update(
        status=status,
        is_paused=paused,
        id_verified_at=timezone.now() if verified else None,
    )
    pro.refresh_from_db()
    pro_services.pro_refresh_dispatch_index(pro=pro)
    return pro


@pytest.fixture
def pros_in_every_state(make_pro):
    return {state: _set_state(make_pro(), *state[:3]) for state in STATES}


def test_the_sql_fragment_the_queryset_and_the_property_agree(pros_in_every_state):
    expected = {pro.pk for state, pro in pros_in_every_state.items() if state[3]}
    ids = [pro.pk for pro in pros_in_every_state.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id FROM pros_pro p WHERE p.id = ANY(%s) AND "
            + DISPATCHABLE_SQL.format(t="p"),
            [ids],
        )
        by_sql = {row[0] for row in cursor.fetchall()}
    by_queryset = set(Pro.objects.dispatchable().filter(pk__in=ids).values_list("pk", flat=True))
    by_property = {pro.pk for pro in Pro.objects.filter(pk__in=ids) if pro.is_dispatchable}
    on_the_index = set(
        ZoneCell.objects.filter(pro_id__in=ids, dispatchable=True).values_list("pro_id", flat=True)
    )
    assert by_sql == by_queryset == by_property == on_the_index == expected
    # May work (bonus proposals, a pro's own sessions): everyone but the suspended.
    may_work = set(Pro.objects.may_work().filter(pk__in=ids).values_list("pk", flat=True))
    assert may_work == {p.pk for s, p in pros_in_every_state.items() if s[0] != "suspended"}
    assert may_work == {p.pk for p in Pro.objects.filter(pk__in=ids) if p.may_work}


def test_the_candidate_query_embeds_the_rule():
    assert DISPATCHABLE_SQL.format(t="pro") in candidate_sql.EXCLUSIVE
    assert "zc.dispatchable" in candidate_sql.RANKED


@pytest.mark.parametrize("state", STATES, ids=lambda s: "-".join(map(str, s)))
def test_the_candidate_query_asks_a_pro_exactly_when_the_rule_says(
    state, clock, make_pro, customer, address, service
):
    pro = make_pro()
    make_pro()  # someone else covers the address, so a request can always be made
    # A completed session: the customer may book this pro directly (the exclusive branch reads
    # the pro from pros_pro), and the zone walk ranks them first as a past pro.
    booking_row(
        pro=pro,
        customer=customer,
        address=address,
        service=service,
        start=at(-7, 10),
        status="completed",
    )
    exclusive = services.booking_request_create(
        customer=customer, address=address, service=service, start=at(2, 10), pro=pro
    )
    _set_state(pro, *state[:3])
    walked = services.booking_request_create(
        customer=customer, address=address, service=service, start=at(2, 15)
    )
    for request in (exclusive, walked):
        tasks.dispatch_request(request.pk)
    asked = [request.proposals.filter(pro=pro).exists() for request in (exclusive, walked)]
    assert asked == [state[3], state[3]]
