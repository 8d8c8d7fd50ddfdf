"""Contact details hidden from a message before anyone reads it: phone numbers, e-mail
addresses (also written "name [at] domain dot com") and links. Pure: no database, no web.

`mask_contacts(text)` returns the text everyone sees and the kinds it hid. What it must never
hide: times (`14h30`, `9:45`), prices (`45,90 €`, `1 200 €`), postcodes (`75011`), dates.

Phone numbers: `phonenumbers`' own matcher misses a number glued to a word (`tel0612345678`)
or followed by other digits (`06 12 34 56 78 14h30` finds nothing), so candidates are cut
here and phonenumbers decides what is a number:
1. a run of digits separated by at most three spaces, dots, hyphens or brackets;
2. inside it, a candidate starts where a group starts with `+` or `0` (a trunk or
   international prefix: `75011 75012` never starts one) and ends where a group ends, longest
   first, holding 9 to 15 digits;
3. it is a number when, written internationally (`+`, `00`), phonenumbers finds it possible;
   written nationally, when it is a valid French or UK number or has the shape of a mobile
   (`06/07` + 8 digits, UK `07` + 9 digits: unallocated ranges such as 07700 900xxx too);
4. never a date (`01.03.2026 14` is a valid Paris number otherwise).
"""

import re
import unicodedata
from typing import NamedTuple

import phonenumbers

PHONE, EMAIL, LINK = "phone", "email", "link"
KINDS = (PHONE, EMAIL, LINK)
# What replaces a hidden detail: the same for every reader, whatever their language.
TOKENS = {PHONE: "[☎ •••]", EMAIL: "[✉ •••]", LINK: "[🔗 •••]"}


class Masked(NamedTuple):
    text: str
    kinds: tuple[str, ...]  # what was hidden, in KINDS order; empty when nothing was

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


# --- links and e-mails ----------------------------------------------------------------------

_TLDS = (
    "com|fr|net|org|io|me|eu|uk|co|info|biz|be|ch|de|es|it|nl|pt|lu|re|app|link|ly|gg|tv|"
    "page|site|online|shop|store|xyz|dev|ai"
)
_SCHEME_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"']+", re.IGNORECASE)
_BARE_DOMAIN = re.compile(
    rf"\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_OPEN, _CLOSE = r"[\[\(\{<]", r"[\]\)\}>]"
_LOCAL = r"[a-z0-9](?:[a-z0-9._%+-]*[a-z0-9])?"
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
# "@", "＠", "[at]", "(at)", "{arobase}", "(@)".
_AT_STRICT = rf"(?:\s*[@＠]\s*|\s*{_OPEN}\s*(?:at|arobase|@)\s*{_CLOSE}\s*)"
_DOT_STRICT = rf"(?:\s*\.\s*|\s*{_OPEN}\s*(?:dot|point|\.)\s*{_CLOSE}\s*)"
_DOT_SPOKEN = r"(?:\s+(?:dot|point)\s+)"
# A real or bracketed "at": any ending. Spoken words ("jean at gmail dot com") are only taken
# with a known ending, so ordinary sentences with "at" or "point" stay untouched.
_EMAIL_STRICT = re.compile(
    rf"\b{_LOCAL}{_AT_STRICT}{_LABEL}(?:(?:{_DOT_STRICT}|{_DOT_SPOKEN}){_LABEL})*"
    rf"(?:{_DOT_STRICT}|{_DOT_SPOKEN})[a-z]{{2,12}}\b",
    re.IGNORECASE,
)
_EMAIL_SPOKEN = re.compile(
    rf"\b{_LOCAL}\s+(?:at|arobase)\s+{_LABEL}(?:(?:{_DOT_STRICT}|{_DOT_SPOKEN}){_LABEL})*"
    rf"(?:{_DOT_STRICT}|{_DOT_SPOKEN})(?:{_TLDS})\b",
    re.IGNORECASE,
)

# --- phone numbers --------------------------------------------------------------------------

# Digits separated by at most three separators; a "+" or "(" may open the run.
_RUN = re.compile(r"[+(]?\d(?:[ \t\u00a0.\-()]{0,3}\d)+")
_GROUP = re.compile(r"\d+")
_DATE = re.compile(r"\d{1,2}\s*[.\-]\s*\d{1,2}\s*[.\-]\s*\d{4}")
_MOBILE_SHAPES = (re.compile(r"0[67]\d{8}"), re.compile(r"07\d{9}"))
_MIN_DIGITS, _MAX_DIGITS = 9, 15


def _is_phone(candidate: str) -> bool:
    if _DATE.search(candidate):
        return False
    digits = re.sub(r"\D", "", candidate)
    international = candidate.lstrip("(").startswith("+") or digits.startswith("00")
    for region in ("FR", "GB"):
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if international:
            return phonenumbers.is_possible_number(number)
        if phonenumbers.is_valid_number(number):
            return True
    return not international and any(shape.fullmatch(digits) for shape in _MOBILE_SHAPES)


def _phone_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for run in _RUN.finditer(text):
        offset, chunk = run.start(), run.group()
        groups = [(g.start(), g.end()) for g in _GROUP.finditer(chunk)]
        i = 0
        while i < len(groups):
            start = groups[i][0]
            if start > 0 and chunk[start - 1] in "+(":
                start -= 1
                if start > 0 and chunk[start - 1] == "+":  # "+(33)..."
                    start -= 1
            if chunk[start] not in "+(" and chunk[groups[i][0]] != "0":
                i += 1
                continue
            found = None
            digits = 0
            ends = []
            for j in range(i, len(groups)):
                digits += groups[j][1] - groups[j][0]
                if digits > _MAX_DIGITS:
                    break
                if digits >= _MIN_DIGITS:
                    ends.append(j)
            for j in reversed(ends):  # longest first
                if _is_phone(chunk[start : groups[j][1]]):
                    found = j
                    break
            if found is None:
                i += 1
                continue
            spans.append((offset + start, offset + groups[found][1]))
            i = found + 1
    return spans


# --- putting it together ----------------------------------------------------------------------


def _invisible(char: str) -> bool:
    """Format characters (zero-width spaces, joiners...) that could split a number unseen."""
    return unicodedata.category(char) == "Cf"


def clean_invisible(text: str) -> str:
    return "".join(char for char in text if not _invisible(char))


def mask_contacts(text: str) -> Masked:
    """`text` with every phone number, e-mail address and link replaced by a token (see
    TOKENS), and the kinds replaced. Invisible format characters are removed first (they
    could hide a number from the matcher while it still shows)."""
    text = clean_invisible(text)
    spans: list[tuple[int, int, str]] = []

    def add(start, end, kind):
        if all(end <= s or start >= e for s, e, _k in spans):
            spans.append((start, end, kind))

    # Most specific first: an address holds a domain, a link may hold digits.
    for pattern in (_SCHEME_URL,):
        for match in pattern.finditer(text):
            add(match.start(), match.end(), LINK)
    for pattern in (_EMAIL_STRICT, _EMAIL_SPOKEN):
        for match in pattern.finditer(text):
            add(match.start(), match.end(), EMAIL)
    for match in _BARE_DOMAIN.finditer(text):
        add(match.start(), match.end(), LINK)
    for start, end in _phone_spans(text):
        add(start, end, PHONE)
    if not spans:
        return Masked(text, ())
    parts, last = [], 0
    for start, end, kind in sorted(spans):
        parts.append(text[last:start])
        parts.append(TOKENS[kind])
        last = end
    parts.append(text[last:])
    found = {kind for _s, _e, kind in spans}
    return Masked("".join(parts), tuple(kind for kind in KINDS if kind in found))
