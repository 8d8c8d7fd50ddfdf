"""Pro web UI: thin views that parse forms, call pros.services and show a refusal's message.

  account.py    sign-up, login, logout, password reset
  settings.py   onboarding checklist and the settings pages
  documents.py  document upload and the access-checked file
  public.py     the public page of a personal link
  score.py      the My score page
URL names are in pros/urls.py; every name stays importable from `pros.views`.
"""

from ..access import pro_required
from .account import (
    login_view,
    logout_view,
    password_reset,
    password_reset_complete,
    password_reset_confirm,
    password_reset_done,
    signup,
)
from .documents import document_file, settings_documents
from .public import public_profile
from .score import score
from .settings import (
    onboarding,
    settings_availability,
    settings_bank,
    settings_hours,
    settings_hours_row,
    settings_index,
    settings_link,
    settings_pause,
    settings_profile,
    settings_referral,
    settings_services,
    settings_time_off_delete,
    settings_zone,
    settings_zone_suggest,
)

__all__ = [
    "document_file",
    "login_view",
    "logout_view",
    "onboarding",
    "password_reset",
    "password_reset_complete",
    "password_reset_confirm",
    "password_reset_done",
    "pro_required",
    "public_profile",
    "score",
    "settings_availability",
    "settings_bank",
    "settings_documents",
    "settings_hours",
    "settings_hours_row",
    "settings_index",
    "settings_link",
    "settings_pause",
    "settings_profile",
    "settings_referral",
    "settings_services",
    "settings_time_off_delete",
    "settings_zone",
    "settings_zone_suggest",
    "signup",
]
