"""Reviews: the invitation once a session is done (once, in the customer's language), the
customer's rating (only theirs, only after completion, once: a database constraint), the
pro's reviews (API, "My reviews", public profile from 3), support hiding one, and the
event recorded for the future score."""

from datetime import timedelta
from threading import Barrier, Thread

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction

from core.models import AuditEvent
from feedback import services
from feedback.models import Review, ReviewInvitation
from feedback.tasks import feedback_sweep
from notifications.models import Notification
from tests.factories import ProFactory, booking_customer
from tests.feedback.helpers import NOW, api_for, at, error_code, web_for

pytestmark = pytest.mark.django_db


def review_url(booking):
    return f"/api/v1/bookings/{booking.pk}/review"


@pytest.fixture
def completed(booking_at, clock):
    return booking_at(at(-1, 10), status="completed", completed_at=at(-1, 12))


@pytest.fixture
def customer_api(customer):
    return api_for(customer.user)


def test_the_customer_rates_a_completed_session_once(completed, customer_api, pro):
    response = customer_api.post(
        review_url(completed), {"rating": 5, "comment": "Parfait, merci Sofia !"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rating"] == 5 and body["pro"] == pro.pk and body["booking"] == completed.pk
    assert body["customer_name"] == "Camille"

    again = customer_api.post(review_url(completed), {"rating": 1}, format="json")
    assert again.status_code == 409 and error_code(again) == "already_reviewed"
    assert Review.objects.get().rating == 5

    event = AuditEvent.objects.get(action="review.recorded")
    assert event.subject == f"pros.pro:{pro.pk}"
    assert event.data == {"review": body["id"], "booking": completed.pk, "rating": 5}
    assert Notification.objects.filter(user=pro.user, kind="review_new").exists()


def test_the_database_allows_one_review_per_booking(completed, customer, pro):
    Review.objects.create(booking=completed, pro=pro, customer=customer, rating=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(booking=completed, pro=pro, customer=customer, rating=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(booking=completed).update(rating=6)


def test_a_session_not_done_yet_cannot_be_rated(booking, booking_at, customer_api):
    for target in (booking, booking_at(at(-2, 10), status="cancelled")):
        response = customer_api.post(review_url(target), {"rating": 4}, format="json")
        assert response.status_code == 409 and error_code(response) == "review_not_allowed"
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{"rating": 0}, {"rating": 6}, {"rating": "cinq"}, {}, {"rating": 4, "comment": "x" * 2001}],
)
def test_bad_ratings_and_comments_are_400(completed, customer_api, body):
    response = customer_api.post(review_url(completed), body, format="json")
    assert response.status_code == 400 and error_code(response) == "invalid"
    assert not Review.objects.exists()


def test_only_the_bookings_customer_may_rate_it(completed, pro):
    stranger, _address = booking_customer()
    response = api_for(stranger.user).post(review_url(completed), {"rating": 1}, format="json")
    assert response.status_code == 404
    assert (
        api_for(pro.user).post(review_url(completed), {"rating": 5}, format="json").status_code
        == 403
    )
    assert not Review.objects.exists()


def test_contact_details_in_a_comment_are_masked(completed, customer_api):
    customer_api.post(
        review_url(completed),
        {"rating": 5, "comment": "Top, appelez-la au 0612345678"},
        format="json",
    )
    review = Review.objects.get()
    assert review.comment == "Top, appelez-la au [☎ •••]"
    assert review.original_comment == "Top, appelez-la au 0612345678"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviews_sent_at_once_make_one(completed, customer):
    barrier, answers = Barrier(2), []

    def rate(rating):
        try:
            barrier.wait()
            services.review_create(booking=completed, customer=customer, rating=rating)
            answers.append("created")
        except Exception as error:  # noqa: BLE001 - the answer is what we compare
            answers.append(getattr(error, "code", repr(error)))
        finally:
            connection.close()

    threads = [Thread(target=rate, args=(rating,)) for rating in (4, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == ["already_reviewed", "created"]
    assert Review.objects.count() == 1


def test_pro_reviews_api_lists_visible_reviews_with_the_average_from_3(
    booking_at, customer, pro, clock
):
    api = api_for(customer.user)
    url = f"/api/v1/pros/{pro.pk}/reviews"
    assert api.get(url).json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
        "average_rating": None,
    }
    for day, rating in ((-5, 5), (-4, 4)):
        done = booking_at(at(day, 10), status="completed")
        services.review_create(booking=done, customer=customer, rating=rating)
    body = api.get(url).json()
    assert body["count"] == 2 and body["average_rating"] is None
    done = booking_at(at(-3, 10), status="completed")
    services.review_create(booking=done, customer=customer, rating=4, comment="Bien")
    body = api.get(url).json()
    assert body["count"] == 3 and body["average_rating"] == 4.3
    assert body["results"][0]["comment"] == "Bien"  # newest first

    hidden = Review.objects.get(rating=5)
    services.review_hide(review=hidden, by=None, reason="Insults")
    body = api.get(url).json()
    assert body["count"] == 2 and body["average_rating"] is None
    assert api.get("/api/v1/pros/999999/reviews").status_code == 404


def test_support_hides_a_review_with_a_reason_audited(completed, customer, pro, admin_user):
    review = services.review_create(booking=completed, customer=customer, rating=1, comment="Nul")
    with pytest.raises(Exception) as refused:
        services.review_hide(review=review, by=admin_user, reason="  ")
    assert getattr(refused.value, "code", "") == "invalid"
    services.review_hide(review=review, by=admin_user, reason="Insulting the pro")
    services.review_hide(review=review, by=admin_user, reason="twice")  # idempotent
    review.refresh_from_db()
    assert review.is_hidden and review.hidden_reason == "Insulting the pro"
    event = AuditEvent.objects.get(action="review.hidden")
    assert event.subject == f"pros.pro:{pro.pk}" and event.data["rating"] == 1
    assert event.actor == admin_user


def test_my_reviews_page_and_the_public_profile_show_the_average_from_3(
    booking_at, customer, pro, clock
):
    web = web_for(pro.user)
    done = booking_at(at(-2, 10), status="completed")
    services.review_create(booking=done, customer=customer, rating=5, comment="Excellent travail")
    page = web.get("/pro/reviews").content.decode()
    assert "Excellent travail" in page and "5.0/5" in page
    assert "from 3 reviews" in page  # not public yet

    pro.completed_sessions_count = 3  # the personal link is live once a session is done
    pro.save(update_fields=["completed_sessions_count"])
    public = web_for(customer.user).get(f"/book/{pro.slug}")
    assert public.status_code == 200 and "★" not in public.content.decode()
    for day in (-4, -3):
        services.review_create(
            booking=booking_at(at(day, 10), status="completed"), customer=customer, rating=4
        )
    page = web.get("/pro/reviews").content.decode()
    assert "4.3/5" in page and "from 3 reviews" not in page
    public = web_for(customer.user).get(f"/book/{pro.slug}").content.decode()
    assert "★ 4.3/5" in public and "3 reviews" in public


def test_the_settings_menu_links_my_reviews_and_support(pro):
    page = web_for(pro.user).get("/pro/settings").content.decode()
    assert 'href="/pro/reviews"' in page and 'href="/pro/support"' in page


# --- the invitation -------------------------------------------------------------------------


def test_a_done_session_brings_one_invitation_in_the_customers_language(
    booking_at, customer, clock, django_capture_on_commit_callbacks
):
    customer.user.language = "en"
    customer.user.save(update_fields=["language"])
    done = booking_at(at(0, 7), status="completed", completed_at=NOW - timedelta(minutes=10))
    booking_at(at(1, 10))  # not done: no invitation
    with django_capture_on_commit_callbacks(execute=True):
        assert feedback_sweep()["invitations"] == 1
        assert feedback_sweep()["invitations"] == 0  # once
    assert ReviewInvitation.objects.get().booking == done
    invitation = Notification.objects.get(kind="review_invitation")
    assert invitation.user == customer.user
    assert invitation.rendered_for_reader().title == "How was your session with Sofia?"
    assert done.service.name_en in invitation.rendered_for_reader().body
    assert [message.to for message in mail.outbox] == [[customer.user.email]]


def test_no_invitation_for_old_history_or_an_already_rated_session(booking_at, customer, clock):
    booking_at(at(-10, 10), status="completed", completed_at=at(-10, 12))
    rated = booking_at(at(-1, 10), status="completed", completed_at=at(-1, 12))
    services.review_create(booking=rated, customer=customer, rating=5)
    assert services.review_invitations_send_due() == 0


def test_the_sweep_sends_invitations_for_another_pros_session_too(booking_at, clock):
    other = ProFactory(bare_active=True)
    booking_at(at(-1, 10), status="completed", completed_at=at(-1, 12), who=other)
    assert services.review_invitations_send_due() == 1
