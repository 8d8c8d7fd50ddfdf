"""Replay a day of requests through the real dispatch engine with simulated pros, inside a
transaction rolled back at the end (nothing stays, nothing is sent), and print what ops
compare between wave policies:

  manage.py simulate_dispatch --requests 300 --pros 80 [--policy waves.json] [--seed 7]
  manage.py simulate_dispatch --day 2026-11-20      # a real past day, on a copy of its requests

waves.json: [[min_lead_minutes, pros_at_once, answer_minutes], ...], longest lead first (the
DISPATCH_WAVES setting's rows). Synthetic pros answer with the --answer-rate/--accept-rate/
--mean-delay parameters, each pro drawn around them; existing pros with a score history
answer as that history says.
"""

import json
import random
import time
from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from bookings.models import BookingRequest
from bookings.simulation import (
    Behaviour,
    SimulatedRequest,
    behaviour_from_history,
    build_world,
    report_of,
    simulate,
)
from catalog.models import Service
from core import clock
from pros.models import Pro

PARIS_CENTRE = (48.8566, 2.3522)


def load_policy(path: str) -> list:
    try:
        with open(path, encoding="utf-8") as handle:
            rows = json.load(handle)
        policy = [
            (timedelta(minutes=int(lead)), int(size), timedelta(minutes=int(answer)))
            for lead, size, answer in rows
        ]
    except (OSError, ValueError, TypeError) as error:
        raise CommandError(f"{path}: {error}") from error
    leads = [lead for lead, _size, _answer in policy]
    if not policy or leads != sorted(leads, reverse=True) or leads[-1] != timedelta(0):
        raise CommandError(f"{path}: rows must go from the longest lead down to 0.")
    if any(size < 1 or answer <= timedelta(0) for _lead, size, answer in policy):
        raise CommandError(f"{path}: pros at once >= 1 and answer time > 0.")
    return policy


class Command(BaseCommand):
    help = "Simulate a day of dispatch on the real engine (rolled back) and print its figures."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--pros", type=int, default=60, help="Synthetic pros to add.")
        parser.add_argument("--policy", help="waves.json (default: the DISPATCH_WAVES setting)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--day", help="Replay this real past day (YYYY-MM-DD) instead.")
        parser.add_argument("--service", default="menage-2h")
        parser.add_argument("--answer-rate", type=float, default=0.8)
        parser.add_argument("--accept-rate", type=float, default=0.45)
        parser.add_argument("--mean-delay", type=float, default=6.0, help="Minutes.")

    def handle(self, *args, **options):
        policy = load_policy(options["policy"]) if options["policy"] else settings.DISPATCH_WAVES
        try:
            service = Service.objects.get(slug=options["service"])
        except Service.DoesNotExist as error:
            raise CommandError(f"No service {options['service']!r}.") from error
        default = Behaviour(
            answer_rate=options["answer_rate"],
            accept_rate=options["accept_rate"],
            mean_delay=timedelta(minutes=options["mean_delay"]),
        )
        started = time.monotonic()
        with transaction.atomic():
            requests, synthetic = self._world(options, service)
            pool = sorted(
                set(
                    Pro.objects.dispatchable().filter(services=service).values_list("pk", flat=True)
                )
            )
            behaviours = behaviour_from_history(pool, default=default)
            behaviours.update(self._spread(synthetic, default, options["seed"]))
            with override_settings(DISPATCH_WAVES=policy):
                outcome = simulate(
                    requests=requests,
                    behaviours=behaviours,
                    default=default,
                    pool=pool,
                    seed=options["seed"],
                )
            transaction.set_rollback(True)  # a simulation leaves nothing behind
        report = report_of(outcome)
        self.stdout.write(f"policy: {options['policy'] or 'DISPATCH_WAVES (settings)'}")
        for lead, size, answer in policy:
            self.stdout.write(
                f"  lead >= {lead.total_seconds() / 3600:g} h: {size} pro(s) at once, "
                f"{answer.total_seconds() / 60:g} min to answer"
            )
        self.stdout.write(
            f"pros: {len(pool)} dispatchable ({len(synthetic)} synthetic, "
            f"{len(set(pool) & set(behaviours)) - len(synthetic)} with their own history)"
        )
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"({time.monotonic() - started:.1f} s, rolled back)")

    def _world(self, options, service):
        if options["day"]:
            return self._past_day(options["day"]), []
        tomorrow = clock.today() + timedelta(days=1)
        tag = f"{options['seed']}-{random.Random().randrange(10**6)}"
        pros, requests = build_world(
            pros=options["pros"],
            requests=options["requests"],
            day=tomorrow,
            service=service,
            centre=PARIS_CENTRE,
            seed=options["seed"],
            tag=tag,
        )
        return requests, pros

    def _past_day(self, day: str) -> list:
        """Copies of the day's customer requests, moved to tomorrow (whole days: same hours,
        same lead times), for the same customers, addresses and services."""
        try:
            past = date.fromisoformat(day)
        except ValueError as error:
            raise CommandError("--day: YYYY-MM-DD") from error
        shift = timedelta(days=(clock.today() + timedelta(days=1) - past).days)
        day_start = clock.start_of_paris_day(past)
        rows = (
            BookingRequest.objects.filter(
                created_at__gte=day_start,
                created_at__lt=day_start + timedelta(days=1),
                origin=BookingRequest.Origin.CUSTOMER,
                exclusive_pro__isnull=True,
            )
            .select_related("customer", "address", "service")
            .order_by("created_at")
        )
        requests = [
            SimulatedRequest(
                created_at=row.created_at + shift,
                customer=row.customer,
                address=row.address,
                service=row.service,
                start=row.start + shift,
            )
            for row in rows
        ]
        if not requests:
            raise CommandError(f"No customer request was created on {past}.")
        return requests

    @staticmethod
    def _spread(pros, default: Behaviour, seed: int) -> dict:
        """Each synthetic pro answers a little differently around the parameters."""
        rng = random.Random(seed * 7919)
        behaviours = {}
        for pro in pros:
            behaviours[pro.pk] = Behaviour(
                answer_rate=min(1.0, max(0.05, rng.gauss(default.answer_rate, 0.15))),
                accept_rate=min(1.0, max(0.0, rng.gauss(default.accept_rate, 0.15))),
                mean_delay=default.mean_delay * rng.lognormvariate(0, 0.5),
            )
        return behaviours
