"""Settings, part 5: the business rules' knobs (payments, dispatch, geocoding, check-in, money, score)."""

from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured

from .base import env

# --- Domain settings --------------------------------------------------------------------------
H3_RESOLUTION = env.int("H3_RESOLUTION", default=7)
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="fake")
if PAYMENT_GATEWAY not in {"fake", "stripe"}:
    raise ImproperlyConfigured("PAYMENT_GATEWAY must be 'fake' or 'stripe'.")
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# The Connect endpoint's secret (events of pros' connected accounts), when it is a second one.
STRIPE_CONNECT_WEBHOOK_SECRET = env.str("STRIPE_CONNECT_WEBHOOK_SECRET", default="")
if PAYMENT_GATEWAY == "stripe" and not STRIPE_SECRET_KEY:
    raise ImproperlyConfigured("STRIPE_SECRET_KEY must be set when PAYMENT_GATEWAY=stripe.")

# Customers may book up to this long before the start.
BOOKING_MIN_LEAD = timedelta(hours=env.int("BOOKING_MIN_LEAD_HOURS", default=2))
# ...and at most this long before it (API, web forms and services: bookings.rules.horizon_problem).
BOOKING_MAX_AHEAD = timedelta(days=env.int("BOOKING_MAX_AHEAD_DAYS", default=366))
# Gap kept free between two sessions of one pro, for travel.
DISPATCH_TRAVEL_BUFFER = timedelta(minutes=env.int("DISPATCH_TRAVEL_BUFFER_MINUTES", default=30))
# Wave policy: (minimum lead time, pros open at once, answer time), first match wins.
DISPATCH_WAVES = [
    (timedelta(hours=48), 1, timedelta(minutes=60)),
    (timedelta(hours=24), 1, timedelta(minutes=30)),
    (timedelta(hours=6), 2, timedelta(minutes=15)),
    (timedelta(0), 3, timedelta(minutes=5)),
]
# The sweep claims due requests this many at a time (one transaction and one set-based step
# per batch) and yields after this many seconds, below the 30 s beat: the next pass goes on.
# 250: ~x0.75 the time per request of 100 (bench/sweep.py), a batch's transaction still well
# under a second (a pro answering one of its requests waits at most that).
DISPATCH_SWEEP_BATCH = env.int("DISPATCH_SWEEP_BATCH", default=250)
DISPATCH_SWEEP_SECONDS = env.float("DISPATCH_SWEEP_SECONDS", default=20.0)
# Threads (each with its own database connection) a sweep pass claims batches from.
DISPATCH_SWEEP_THREADS = env.int("DISPATCH_SWEEP_THREADS", default=2)
# A wake-up also steps up to this many other due requests in its transaction (bursts).
DISPATCH_WAKE_BATCH = env.int("DISPATCH_WAKE_BATCH", default=20)
PRO_DEFAULT_SCORE = 50

# Addresses typed in a pro's zone settings are looked up in France's national address base
# (pros/geocoding.py): `ban`, or `none` (no network; the form's "use my position" still works).
GEOCODER = env.str("GEOCODER", default="none")  # no outside network unless asked for
if GEOCODER not in {"ban", "none"}:
    raise ImproperlyConfigured("GEOCODER must be 'ban' or 'none'.")
GEOCODER_BAN_URL = env.str("GEOCODER_BAN_URL", default="https://api-adresse.data.gouv.fr")
GEOCODER_TIMEOUT = env.float("GEOCODER_TIMEOUT_SECONDS", default=2.0)

# --- Check-in, cancellations and fees (checkin/rules.py; the README lists them) --------------
# Check-in (arrival and the on-site declarations) opens this long before the start.
CHECKIN_OPENS_BEFORE = timedelta(minutes=env.int("CHECKIN_OPENS_BEFORE_MINUTES", default=30))
# With the customer absent, the pro may leave (and declare a no-show) this long after the start.
CHECKIN_MAY_LEAVE_AFTER = timedelta(minutes=env.int("CHECKIN_MAY_LEAVE_AFTER_MINUTES", default=30))
# Declarations are accepted until the end of this many days after the appointment date (Paris).
CHECKIN_DECLARATION_DAYS = env.int("CHECKIN_DECLARATION_DAYS", default=5)
# A pending declaration is recalled to the pro on these days after the session, at this hour.
CHECKIN_REMINDER_DAYS = (1, 4)
CHECKIN_REMINDER_HOUR = env.int("CHECKIN_REMINDER_HOUR", default=10)
CHECKIN_LATE_MINUTES = (5, 120)  # allowed range of a "late" declaration
CHECKIN_SWEEP_BATCH = env.int("CHECKIN_SWEEP_BATCH", default=200)
# Customer cancellation: free within this long after booking, whatever the lead time...
CANCELLATION_FREE_AFTER_BOOKING = timedelta(minutes=15)
# ...else the first tier whose lead time (start - now) is reached: (lead, % of the price, cap in
# cents). A boundary belongs to the cheaper tier (8 h before exactly is free). None = any lead,
# after the start too. Help-centre tiers: >= 8 h free, 8-4 h €10, 4-2 h 50 % <= €20, < 2 h 80 % <= €30.
CANCELLATION_FEES = [
    (timedelta(hours=8), 0, 0),
    (timedelta(hours=4), 100, 1000),
    (timedelta(hours=2), 50, 2000),
    (None, 80, 3000),
]
# Customer absent (no-show declared by the pro): % of the price, cap in cents.
CANCELLATION_ABSENCE_FEE = (100, 4000)
# Pro cancellations: late under this lead time; this many late ones within the window block
# new proposals for the block's length. A cancellation leaves the request to other pros when
# the start is at least PRO_CANCEL_REDISPATCH_MIN_LEAD away.
PRO_LATE_CANCEL_LEAD = timedelta(hours=24)
PRO_LATE_CANCEL_LIMIT = 3
PRO_LATE_CANCEL_WINDOW = timedelta(days=30)
PRO_LATE_CANCEL_BLOCK = timedelta(hours=48)
PRO_CANCEL_REDISPATCH_MIN_LEAD = BOOKING_MIN_LEAD
_leads = [lead for lead, _percent, _cap in CANCELLATION_FEES]
if (
    _leads[-1] is not None
    or None in _leads[:-1]
    or _leads[:-1] != sorted(_leads[:-1], reverse=True)
):
    raise ImproperlyConfigured(
        "CANCELLATION_FEES: leads must decrease and only the last one may be None."
    )

# --- Money: charges, earnings ledger, payouts (payouts/; the README lists them) --------------
# A declined charge (or one the bank wants the customer to confirm) is retried this many days
# after its first attempt; after the last, it has failed for good (support sees it).
CHARGE_RETRY_DAYS = (1, 3)
# A charge or payout claimed by a worker that died is given back after this long (the retry
# reuses the same idempotency key, so the provider never acts twice).
CHARGE_CLAIM_TIMEOUT = timedelta(minutes=15)
PAYOUT_CLAIM_TIMEOUT = timedelta(minutes=30)
# Payouts sent per claimed chunk (one statement claims, one writes the answers).
PAYOUT_SEND_CHUNK = env.int("PAYOUT_SEND_CHUNK", default=200)
# The monthly batch runs this many days before the last day of the month.
PAYOUT_MONTHLY_DAYS_BEFORE_END = env.int("PAYOUT_MONTHLY_DAYS_BEFORE_END", default=4)
if not 1 <= PAYOUT_MONTHLY_DAYS_BEFORE_END <= 20:
    raise ImproperlyConfigured("PAYOUT_MONTHLY_DAYS_BEFORE_END must be between 1 and 20.")
# Paid to the referrer when the referred cleaning pro completes their 5th session.
REFERRAL_BONUS_CENTS = 10_000

# --- The pro score (pros/scoring/; the README lists the rules) --------------------------------
# 0-100 over the last SCORE_WINDOW_DAYS, from four components weighted in percent (sum 100):
# responsiveness (proposals answered, and how fast for the time given; refusals never count),
# reliability (sessions honoured vs cancelled late), rating (a Bayesian average of the stars),
# loyalty (customers who book again or make the pro a favourite).
SCORE_WINDOW_DAYS = env.int("SCORE_WINDOW_DAYS", default=90)
SCORE_WEIGHTS = {
    "responsiveness": env.int("SCORE_WEIGHT_RESPONSIVENESS", default=35),
    "reliability": env.int("SCORE_WEIGHT_RELIABILITY", default=35),
    "rating": env.int("SCORE_WEIGHT_RATING", default=15),
    "loyalty": env.int("SCORE_WEIGHT_LOYALTY", default=15),
}
# A pro stays at the neutral PRO_DEFAULT_SCORE until this many weighing events in the window.
SCORE_MIN_EVENTS = env.int("SCORE_MIN_EVENTS", default=5)
# Responsiveness and reliability start from this many neutral (50) proposals / sessions, so
# the first few events move them gently.
SCORE_PRIOR_EVENTS = env.int("SCORE_PRIOR_EVENTS", default=3)
# An answer given at the very end of the answer time earns this share (%) of an instant one
# (linear in between); a proposal left to expire earns 0.
SCORE_LAST_MOMENT_ANSWER_CREDIT = env.int("SCORE_LAST_MOMENT_ANSWER_CREDIT", default=50)
# A late cancellation counts as this many sessions not honoured.
SCORE_LATE_CANCEL_WEIGHT = env.int("SCORE_LATE_CANCEL_WEIGHT", default=2)
# Rating: every pro starts with this many reviews of this many stars (the usual average),
# which is the middle (50) of the component; 5 stars is 100, 1 star 0.
SCORE_RATING_PRIOR_STARS = env.float("SCORE_RATING_PRIOR_STARS", default=4.5)
SCORE_RATING_PRIOR_REVIEWS = env.int("SCORE_RATING_PRIOR_REVIEWS", default=5)
# Loyalty: 50 + 50 * n / (n + this), n = rebookings + favourites in the window: it only adds
# (75 at this n). Every component is 50, neutral, with no event of its kind.
SCORE_LOYALTY_HALF = env.int("SCORE_LOYALTY_HALF", default=4)
if sum(SCORE_WEIGHTS.values()) != 100:
    raise ImproperlyConfigured("SCORE_WEIGHT_*: the four weights must add up to 100.")
if min(SCORE_WEIGHTS.values()) < 0:
    raise ImproperlyConfigured("SCORE_WEIGHT_*: weights cannot be negative.")
if not 1 < SCORE_RATING_PRIOR_STARS < 5:
    raise ImproperlyConfigured("SCORE_RATING_PRIOR_STARS must be strictly between 1 and 5.")
if SCORE_WINDOW_DAYS < 1 or SCORE_LOYALTY_HALF < 1 or SCORE_PRIOR_EVENTS < 0:
    raise ImproperlyConfigured(
        "SCORE_WINDOW_DAYS and SCORE_LOYALTY_HALF must be >= 1, SCORE_PRIOR_EVENTS >= 0."
    )
if not 0 <= SCORE_LAST_MOMENT_ANSWER_CREDIT <= 100:
    raise ImproperlyConfigured("SCORE_LAST_MOMENT_ANSWER_CREDIT is a percentage (0-100).")
