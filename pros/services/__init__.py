"""Every write about pros. Views, API, admin actions and tasks call these functions.

One module per concern; the public names are re-exported here so callers keep writing
`from pros import services` / `services.pro_suspend(...)`:
  status.py        lifecycle (onboarding/active/suspended), pause, dispatch index
  signup.py        pro sign-up and its checks
  profile.py       bio and photo, services offered, zone
  availability.py  weekly hours, days off
  documents.py     upload and support's review (ID verification)
  bank.py          payout bank details
  referral.py      invitations
  link.py          the personal link (unguessable slug, reset)
Pure checks are in pros.rules, reads in pros.selectors, errors in pros.errors.
"""

from ..errors import (
    AlreadyPro,
    CannotActivate,
    EmailTaken,
    InvalidFile,
    InvalidHours,
    InvalidReferralCode,
    TermsNotAccepted,
)
from ..rules import (
    DOCUMENT_MAX_BYTES,
    PHOTO_MAX_BYTES,
    normalize_iban,
    validate_hour_ranges,
)
from ..selectors import pro_is_dispatchable
from .availability import pro_set_working_hours, time_off_add, time_off_delete
from .bank import pro_set_bank_details
from .documents import document_reject, document_upload, document_verify
from .link import new_personal_link_slug, pro_reset_personal_link
from .profile import pro_set_services, pro_set_zone, pro_update_profile
from .referral import referral_invite_create
from .signup import REFERRAL_ALPHABET, pro_signup
from .status import (
    lock_pro,
    pro_activate,
    pro_block_new_proposals,
    pro_proposal_blocks_lift_expired,
    pro_reactivate,
    pro_record_completed_session,
    pro_refresh_dispatch_index,
    pro_refresh_status,
    pro_set_paused,
    pro_suspend,
    pro_unblock_new_proposals,
)

__all__ = [
    "DOCUMENT_MAX_BYTES",
    "PHOTO_MAX_BYTES",
    "REFERRAL_ALPHABET",
    "AlreadyPro",
    "CannotActivate",
    "EmailTaken",
    "InvalidFile",
    "InvalidHours",
    "InvalidReferralCode",
    "TermsNotAccepted",
    "document_reject",
    "document_upload",
    "document_verify",
    "lock_pro",
    "new_personal_link_slug",
    "normalize_iban",
    "pro_activate",
    "pro_block_new_proposals",
    "pro_is_dispatchable",
    "pro_proposal_blocks_lift_expired",
    "pro_reactivate",
    "pro_record_completed_session",
    "pro_refresh_dispatch_index",
    "pro_refresh_status",
    "pro_reset_personal_link",
    "pro_set_bank_details",
    "pro_set_paused",
    "pro_set_services",
    "pro_set_working_hours",
    "pro_set_zone",
    "pro_signup",
    "pro_suspend",
    "pro_unblock_new_proposals",
    "pro_update_profile",
    "referral_invite_create",
    "time_off_add",
    "time_off_delete",
    "validate_hour_ranges",
]
