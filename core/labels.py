"""Human titles for what support reads (admin object titles and lists): what, how long, when
in Paris time, for whom ("Ménage 2 h, mer. 2 déc. 14:00, customer1"). Never UTC, never a bare
id. Dates and durations come from core.datefmt, the one date format of the project.
"""

import re
from datetime import datetime

from . import datefmt

# A length at the end of a catalogue name ("Ménage à domicile, 2 h", "Massage, 60 min").
_NAMED_LENGTH = re.compile(r",\s*\d+\s*(h|min)(\s*\d+)?\s*$")


def session_label(service_name: str, start: datetime, end: datetime, who: str = "") -> str:
    """'Ménage à domicile 2 h, mer. 2 déc. 14:00, customer1': the session's real length (the
    one in the catalogue name is dropped: a session may be longer or shorter)."""
    name = _NAMED_LENGTH.sub("", str(service_name))
    parts = [f"{name} {datefmt.duration_between(start, end)}", datefmt.short_when(start)]
    if who:
        parts.append(who)
    return ", ".join(parts)


def person_label(user) -> str:
    """A user as support names them: the local part of their e-mail ("customer1"), which is
    unique enough to search by and not their full address."""
    email = getattr(user, "email", "") or ""
    return email.split("@", 1)[0] or str(getattr(user, "pk", ""))


def moment_with_year(moment: datetime | None) -> str:
    """'27 nov. 2026 14:00' in Paris time, '-' for none: admin lists and timelines, where a
    row may be months old."""
    if moment is None:
        return "-"
    return f"{datefmt.short_date(moment)} {datefmt.clock_time(moment)}"
