"""core.instances.new builds the same unsaved instance as Model(**values), for every model the
dispatch sweep builds with it, and refuses what Model(**values) refuses."""

from datetime import timedelta

import pytest
from django.db.models.base import ModelState

from bookings.models import BookingEvent, BookingRequest, Proposal
from core import clock
from core.instances import loaded, new
from core.models import User
from notifications.models import Notification
from pros.models import Pro, ScoreEvent


def _state(state: ModelState) -> tuple:
    return state.db, state.adding, dict(state.__dict__.get("fields_cache", {}))


def assert_same(model, **values):
    expected, built = model(**values), new(model, **values)
    expected_attributes = {k: v for k, v in vars(expected).items() if k != "_state"}
    built_attributes = {k: v for k, v in vars(built).items() if k != "_state"}
    # A default computed per instance (a clock's now) is compared by type, not by value.
    for name, value in expected_attributes.items():
        if name not in values and hasattr(value, "tzinfo"):
            assert type(built_attributes[name]) is type(value)
            built_attributes[name] = value
    assert built_attributes == expected_attributes
    assert _state(built._state) == _state(expected._state)
    return built


def test_the_sweeps_models_are_built_as_the_orm_builds_them():
    now = clock.now()
    request = BookingRequest(id=7)
    user = User(id=3, email="pro@example.com", language="fr")
    pro = Pro(id=4, user=user)
    assert_same(User, id=3, email="pro@example.com", language="fr")
    assert_same(Pro, id=4, user=user)
    assert_same(
        Proposal, request=request, pro=pro, sent_at=now, expires_at=now + timedelta(minutes=5)
    )
    assert_same(Proposal, id=9, request=request, pro_id=4, is_bonus=True)
    assert_same(
        BookingEvent,
        request=request,
        booking=None,
        actor=None,
        kind="proposal_sent",
        data={"pro": 4},
        created_at=now,
    )
    assert_same(
        Notification,
        user=user,
        kind="proposal_new",
        params={"net_cents": 4200},
        url="/pro/",
        data={"proposal": 9},
        expires_at=now,
        urgent=True,
    )
    assert_same(ScoreEvent, pro_id=4, kind="expired", at=now, ref="proposal:9")


def test_related_instances_are_cached_and_their_keys_copied():
    user = new(User, id=3, email="pro@example.com")
    pro = new(Pro, id=4, user=user)
    proposal = new(Proposal, request=BookingRequest(id=7), pro=pro)
    assert (proposal.request_id, proposal.pro_id, proposal.pro.user_id) == (7, 4, 3)
    assert proposal.pro is pro and pro.user is user  # from the cache: no query
    assert new(Proposal, request=None).request_id is None


def test_mutable_defaults_are_not_shared():
    first, second = new(BookingEvent, kind="x"), new(BookingEvent, kind="x")
    assert first.data == {} and first.data is not second.data


def test_what_the_orm_refuses_is_refused():
    with pytest.raises(TypeError, match="unexpected keyword"):
        new(Proposal, colour="blue")
    with pytest.raises(ValueError, match="must be a"):
        new(Proposal, pro=User(id=3))


def test_a_loaded_instance_is_what_from_db_gives_with_the_other_fields_deferred():
    now = clock.now()
    names = ["id", "request_id", "pro_id", "status", "expires_at"]
    values = [9, 7, 4, "sent", now]
    expected = Proposal.from_db("default", names, values)
    built = loaded(Proposal, names, values, "default")
    assert vars(built).keys() == vars(expected).keys()
    assert {n: getattr(built, n) for n in names} == {n: getattr(expected, n) for n in names}
    assert built.get_deferred_fields() == expected.get_deferred_fields()
    assert _state(built._state) == _state(expected._state) == ("default", False, {})
    every = [f.attname for f in Proposal._meta.concrete_fields]
    unsaved = new(Proposal, id=9, request_id=7, pro_id=4, sent_at=now, expires_at=now)
    full = loaded(Proposal, every, [getattr(unsaved, n) for n in every], "default")
    assert not full.get_deferred_fields()
