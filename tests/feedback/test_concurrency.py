"""Real threads on PostgreSQL: both sides writing at once never deadlock, and one sender's
burst respects the rate limit exactly."""

from threading import Barrier, Thread

import pytest
from django.db import connection

from feedback import services
from feedback.models import Message

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _run(jobs):
    barrier, answers = Barrier(len(jobs)), []

    def run(job):
        try:
            barrier.wait()
            job()
            answers.append("ok")
        except Exception as error:  # noqa: BLE001 - the answers are compared below
            answers.append(getattr(error, "code", repr(error)))
        finally:
            connection.close()

    threads = [Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_customer_and_pro_writing_at_once_never_deadlock(booking):
    def send(side, user, number):
        return lambda: services.message_send(
            booking=booking, sender=user, side=side, body=f"{side} {number}"
        )

    jobs = []
    for number in range(4):
        jobs.append(send("customer", booking.customer.user, number))
        jobs.append(send("pro", booking.pro.user, number))
    assert _run(jobs) == ["ok"] * 8
    assert Message.objects.count() == 8


def test_a_burst_from_one_sender_is_cut_at_the_limit(booking):
    user = booking.customer.user
    jobs = [
        (
            lambda n=n: services.message_send(
                booking=booking, sender=user, side="customer", body=f"{n}"
            )
        )
        for n in range(14)
    ]
    answers = _run(jobs)
    assert sorted(answers) == ["ok"] * 10 + ["too_many_messages"] * 4
    assert Message.objects.count() == 10
