"""Settings, part 7: personal data (retention periods, the data export's link)."""

from django.core.exceptions import ImproperlyConfigured

from .base import env

# --- Personal data: retention (privacy/retention.py; the README says why each period) -------
# Identity documents: deleted this many days after support's review (CNIL: an ID copy is kept
# only for the verification); the review itself (status, date, reviewer) stays.
ID_DOCUMENT_RETENTION_DAYS = env.int("ID_DOCUMENT_RETENTION_DAYS", default=7)
# Booking messages: this long after the session's end (a card payment can be contested up to
# 13 months after the debit); messages named by a report stay with it.
MESSAGE_RETENTION_DAYS = env.int("MESSAGE_RETENTION_DAYS", default=395)
# The original of a masked message (support's copy): this long after it was sent.
MASKED_ORIGINAL_RETENTION_DAYS = env.int("MASKED_ORIGINAL_RETENTION_DAYS", default=30)
# Messages of support conversations: this long after they were written.
SUPPORT_MESSAGE_RETENTION_DAYS = env.int("SUPPORT_MESSAGE_RETENTION_DAYS", default=3 * 365)
# Identity documents never reviewed (an abandoned application): this long after the upload;
# every pending document of a closed account goes at the next run.
PENDING_DOCUMENT_RETENTION_DAYS = env.int("PENDING_DOCUMENT_RETENTION_DAYS", default=90)
# A blacklisted customer's closed account: keyed hashes of its e-mail/phone kept this long so
# a new account with them is blacklisted again (privacy.blacklist_carry_over).
PRIVACY_BLACKLIST_CARRY_OVER_DAYS = env.int("PRIVACY_BLACKLIST_CARRY_OVER_DAYS", default=3 * 365)
# Key of those hashes (HMAC-SHA256, key derived with a salt). Empty: SECRET_KEY. Set it in
# production so rotating SECRET_KEY does not lose the carry-overs.
PRIVACY_HASH_KEY = env("PRIVACY_HASH_KEY", default="")
RETENTION_BATCH = env.int("RETENTION_BATCH", default=500)
if (
    min(
        ID_DOCUMENT_RETENTION_DAYS,
        PENDING_DOCUMENT_RETENTION_DAYS,
        PRIVACY_BLACKLIST_CARRY_OVER_DAYS,
        MESSAGE_RETENTION_DAYS,
        MASKED_ORIGINAL_RETENTION_DAYS,
        SUPPORT_MESSAGE_RETENTION_DAYS,
    )
    < 0
    or RETENTION_BATCH < 1
):
    raise ImproperlyConfigured("*_RETENTION_DAYS must be >= 0 and RETENTION_BATCH >= 1.")

# --- Personal data: a copy of my data (privacy.export) -----------------------------------------
# The e-mailed link works this long after the file is ready (then 410, and the file is deleted).
PRIVACY_EXPORT_LINK_HOURS = env.int("PRIVACY_EXPORT_LINK_HOURS", default=72)
# A new copy at most this often per account (building one reads everything the person has).
PRIVACY_EXPORT_MIN_INTERVAL_HOURS = env.int("PRIVACY_EXPORT_MIN_INTERVAL_HOURS", default=24)
if PRIVACY_EXPORT_LINK_HOURS < 1 or PRIVACY_EXPORT_MIN_INTERVAL_HOURS < 0:
    raise ImproperlyConfigured(
        "PRIVACY_EXPORT_LINK_HOURS must be >= 1 and PRIVACY_EXPORT_MIN_INTERVAL_HOURS >= 0."
    )
