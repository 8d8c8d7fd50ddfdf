"""Contact masking: the issue's tricky cases, what must never be masked (times, prices,
postcodes, dates), and hypothesis-generated numbers and addresses in every common format."""

import re

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from feedback.masking import EMAIL, LINK, PHONE, TOKENS, mask_contacts

MASKED = [
    # (text, what remains, kinds)
    ("Appelle-moi au 06 12 34 56 78 stp", "Appelle-moi au [☎ •••] stp", (PHONE,)),
    ("0 6 12 34 56 78", "[☎ •••]", (PHONE,)),
    ("0 6 1 2 3 4 5 6 7 8", "[☎ •••]", (PHONE,)),
    ("+44 7700 900123", "[☎ •••]", (PHONE,)),
    ("07700 900123", "[☎ •••]", (PHONE,)),
    ("+447911123456", "[☎ •••]", (PHONE,)),
    ("020 7946 0958", "[☎ •••]", (PHONE,)),
    ("06.12.34.56.78", "[☎ •••]", (PHONE,)),
    ("06-12-34-56-78", "[☎ •••]", (PHONE,)),
    ("0612345678", "[☎ •••]", (PHONE,)),
    ("+33 6 12 34 56 78", "[☎ •••]", (PHONE,)),
    ("+33 (0)6 12 34 56 78", "[☎ •••]", (PHONE,)),
    ("0033 6 12 34 56 78", "[☎ •••]", (PHONE,)),
    ("+33612345678", "[☎ •••]", (PHONE,)),
    ("01 42 68 53 00", "[☎ •••]", (PHONE,)),
    ("+32 470 12 34 56", "[☎ •••]", (PHONE,)),
    ("tel0612345678", "tel[☎ •••]", (PHONE,)),
    ("au06.12.34.56.78!", "au[☎ •••]!", (PHONE,)),
    ("06 12 34 56 78 14h30 75011", "[☎ •••] 14h30 75011", (PHONE,)),
    ("06 12 34 56 78 ou 07 98 76 54 32", "[☎ •••] ou [☎ •••]", (PHONE,)),
    ("06\u200b12\u200b34 56 78", "[☎ •••]", (PHONE,)),  # zero-width spaces
    ("name [at] domain dot com", "[✉ •••]", (EMAIL,)),
    ("name(at)domain(dot)com", "[✉ •••]", (EMAIL,)),
    ("jean.dupont@gmail.com", "[✉ •••]", (EMAIL,)),
    ("Jean.Dupont @ Gmail . com", "[✉ •••]", (EMAIL,)),
    ("jean at gmail dot com", "[✉ •••]", (EMAIL,)),
    ("jean arobase orange point fr", "[✉ •••]", (EMAIL,)),
    ("mail: j.d{at}free[dot]fr.", "mail: [✉ •••].", (EMAIL,)),
    ("https://wa.me/33612345678", "[🔗 •••]", (LINK,)),
    ("voir www.example.com/page?x=1", "voir [🔗 •••]", (LINK,)),
    ("mon site: dupont-menage.fr", "mon site: [🔗 •••]", (LINK,)),
    ("t.me/jean", "[🔗 •••]", (LINK,)),
    (
        "Écris à a@b.fr ou au 0612345678, ou bit.ly/x",
        "Écris à [✉ •••] ou au [☎ •••], ou [🔗 •••]",
        (PHONE, EMAIL, LINK),
    ),
]

NEVER_MASKED = [
    "Je serai là à 14h30.",
    "rdv à 14h30 le 01/03/2026",
    "le 01.03.2026 14h30",
    "le 12 03 2026 à 14h",
    "le 2026-03-12 à 09:30",
    "de 10:00 à 12:00, entre 9h et 18h30",
    "45,90 €",
    "Prix 1 200 €, 3 fois, 2 x 45,90 € = 91,80 €",
    "75011",
    "75011 Paris, 75012 et 92100 Boulogne",
    "M. Dupont, 12 rue de la Paix, 75002 Paris",
    "Code 4589B, 3e étage, porte 12",
    "Commande n° 123456789",
    "1 234 567 890",
    "3 chambres, 2 salles de bain, 120 m2",
    "Je suis at home, point barre.",
    "Merci ! À demain :)",
    "IBAN FR76 3000 6000 0112 3456 7890 189",
]


@pytest.mark.parametrize(("text", "expected", "kinds"), MASKED)
def test_contact_details_are_masked(text, expected, kinds):
    result = mask_contacts(text)
    assert result.text == expected
    assert result.kinds == kinds
    assert result.changed


@pytest.mark.parametrize("text", NEVER_MASKED)
def test_times_prices_postcodes_and_dates_are_never_masked(text):
    result = mask_contacts(text)
    assert result == (text, ())
    assert not result.changed


# --- generated ------------------------------------------------------------------------------


def _fr_national():
    """Valid French numbers (0 + 9 digits), mobiles and landlines."""
    return (
        st.tuples(st.sampled_from("1234567"), st.text("0123456789", min_size=8, max_size=8))
        .map(lambda parts: "0" + parts[0] + parts[1])
        .filter(lambda number: phonenumbers.is_valid_number(phonenumbers.parse(number, "FR")))
    )


def _pairs(digits: str, separator: str) -> str:
    return separator.join(digits[i : i + 2] for i in range(0, len(digits), 2))


def _fr_written(digits: str, style: int) -> str:
    """One of the ways people write a French number."""
    national = digits[1:]
    return [
        digits,
        _pairs(digits, " "),
        _pairs(digits, "."),
        _pairs(digits, "-"),
        " ".join(digits),  # 0 6 1 2 3 4 5 6 7 8
        digits[0] + " " + digits[1] + " " + _pairs(digits[2:], " "),  # 0 6 12 34 56 78
        "+33" + national,
        "+33 " + national[0] + " " + _pairs(national[1:], " "),
        "+33 (0)" + national[0] + " " + _pairs(national[1:], " "),
        "0033 " + national[0] + " " + _pairs(national[1:], " "),
    ][style]


_WORDS = st.sampled_from(
    ["Bonjour", "appelez", "moi", "au", "merci", "demain", "14h30", "45,90 €", "75011", "ok,", "!"]
)
_AROUND = st.lists(_WORDS, max_size=4).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(digits=_fr_national(), style=st.integers(0, 9), before=_AROUND, after=_AROUND)
def test_any_french_number_in_any_common_format_is_masked(digits, style, before, after):
    written = _fr_written(digits, style)
    text = f"{before} {written} {after}"
    result = mask_contacts(text)
    assert PHONE in result.kinds
    assert written not in result.text
    # No run of the number's significant digits is left readable.
    left = re.sub(r"\D", "", result.text)
    assert digits[1:] not in left


@settings(max_examples=200, deadline=None)
@given(
    digits=st.text("0123456789", min_size=8, max_size=8),
    prefix=st.sampled_from(["+44 7", "07", "+447", "0044 7"]),
    second=st.sampled_from("1234579"),
    before=_AROUND,
)
def test_any_uk_mobile_is_masked(digits, prefix, second, before):
    written = f"{prefix}{second}{digits[:2]} {digits[2:]}"
    result = mask_contacts(f"{before} {written}")
    assert PHONE in result.kinds
    assert written not in result.text


_LOCAL = st.from_regex(r"[a-z][a-z0-9]{1,10}(\.[a-z]{2,8})?", fullmatch=True)
_DOMAIN = st.from_regex(r"[a-z][a-z0-9-]{1,12}[a-z0-9]", fullmatch=True)
_AT = st.sampled_from(["@", " @ ", " [at] ", "(at)", " {at} ", " at ", " arobase "])
_DOT = st.sampled_from([".", " . ", " [dot] ", "(dot)", " dot ", " point "])


@settings(max_examples=300, deadline=None)
@given(
    local=_LOCAL,
    domain=_DOMAIN,
    tld=st.sampled_from(["com", "fr", "net", "org", "co.uk"]),
    at=_AT,
    dot=_DOT,
    before=_AROUND,
)
def test_any_email_address_even_spelled_out_is_masked(local, domain, tld, at, dot, before):
    assume(local not in {"at", "arobase", "dot", "point"})
    assume(domain not in {"at", "arobase", "dot", "point"})
    address = f"{local}{at}{domain}{dot}{tld.replace('.', dot)}"
    result = mask_contacts(f"{before} {address} merci")
    assert EMAIL in result.kinds
    assert domain not in result.text.replace(before, "")


@settings(max_examples=300, deadline=None)
@given(
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    euros=st.integers(0, 9999),
    cents=st.integers(0, 99),
    postcode=st.integers(1000, 98999),
    day=st.integers(1, 28),
    month=st.integers(1, 12),
    year=st.integers(2024, 2030),
    separator=st.sampled_from([" ", ", ", " et ", " - "]),
)
def test_times_prices_postcodes_and_dates_survive_in_any_combination(
    hour, minute, euros, cents, postcode, day, month, year, separator
):
    parts = [
        f"{hour}h{minute:02d}",
        f"{hour:02d}:{minute:02d}",
        f"{euros},{cents:02d} €",
        f"{euros} €",
        f"{postcode:05d}",
        f"{day:02d}/{month:02d}/{year}",
        f"{day:02d}.{month:02d}.{year}",
    ]
    text = separator.join(parts)
    assert mask_contacts(text) == (text, ())


def test_tokens_are_the_same_in_every_language():
    assert set(TOKENS) == {PHONE, EMAIL, LINK}
    assert all("•" in token for token in TOKENS.values())


def test_a_long_message_full_of_digits_is_masked_quickly():
    import time

    text = " ".join("0" for _ in range(1000))[:2000]
    started = time.perf_counter()
    mask_contacts(text)
    assert time.perf_counter() - started < 1.0
