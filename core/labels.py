"""Human titles for what support reads (admin object titles and lists): what, how long, when
in Paris time, for whom ("Ménage 2 h, mer. 2 déc. 14:00, customer1"). Never UTC, never a bare
id. Dates and durations come from core.datefmt, the one date format of the project.
"""

from datetime import datetime

from . import datefmt


def session_label(service_name: str, start: datetime, end: datetime, who: str = "") -> str:
    """'Ménage 2 h, mer. 2 déc. 14:00, customer1'."""
    parts = [f"{service_name} {datefmt.duration_between(start, end)}", datefmt.short_when(start)]
    if who:
        parts.append(who)
    return ", ".join(parts)


def person_label(user) -> str:
    """A user as support names them: the local part of their e-mail ("customer1"), which is
    unique enough to search by and not their full address."""
    email = getattr(user, "email", "") or ""
    return email.split("@", 1)[0] or str(getattr(user, "pk", ""))
