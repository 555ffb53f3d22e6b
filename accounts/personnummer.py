"""Swedish personnummer and samordningsnummer: parsing, validation and masking.

Accepted input: YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDD+NNNN (+ = 100 years or older)
and YYMMDDNNNN. A samordningsnummer has 60 added to the day of birth. The last digit is a Luhn
check digit computed over the ten digits YYMMDDNNN. The normalised form stored is twelve digits
without separator (YYYYMMDDNNNN).
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PATTERN = re.compile(
    r"^(?P<century>\d{2})?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})(?P<sep>[-+]?)(?P<serial>\d{3})(?P<check>\d)$"
)


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit for a string of nine digits (YYMMDDNNN)."""
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return (10 - total % 10) % 10


def normalise(value: str, *, today: datetime.date | None = None) -> str:
    """Return the 12-digit form or raise ValidationError with a translated message."""
    raw = (value or "").strip().replace(" ", "")
    match = _PATTERN.match(raw)
    if not match:
        raise ValidationError(_("Enter a personnummer as YYYYMMDD-NNNN (or YYMMDD-NNNN)."), code="format")
    today = today or datetime.date.today()
    yy, mm, dd = int(match["yy"]), int(match["mm"]), int(match["dd"])
    if match["century"]:
        year = int(match["century"] + match["yy"])
        if match["sep"] == "+":
            raise ValidationError(_("Use '+' only with a six-digit date of birth."), code="format")
    else:
        # Two-digit year: the most recent year not in the future; '+' means 100 years more.
        year = today.year - (today.year - yy) % 100
        if match["sep"] == "+":
            year -= 100
    day = dd - 60 if dd > 60 else dd  # samordningsnummer
    try:
        born = datetime.date(year, mm, day)
    except ValueError:
        raise ValidationError(_("The date in the personnummer does not exist."), code="date") from None
    if born > today:
        raise ValidationError(_("The date in the personnummer is in the future."), code="date")
    ten = f"{yy:02d}{mm:02d}{dd:02d}{match['serial']}"
    if luhn_check_digit(ten) != int(match["check"]):
        raise ValidationError(
            _("The check digit of the personnummer is wrong; please check for a typo."), code="checksum"
        )
    return f"{year:04d}{mm:02d}{dd:02d}{match['serial']}{match['check']}"


def is_coordination_number(normalised: str) -> bool:
    return int(normalised[6:8]) > 60


def birth_date(normalised: str) -> datetime.date:
    day = int(normalised[6:8])
    return datetime.date(int(normalised[:4]), int(normalised[4:6]), day - 60 if day > 60 else day)


def formatted(normalised: str) -> str:
    """YYYYMMDD-NNNN for display to those who may see the full number."""
    return f"{normalised[:8]}-{normalised[8:]}" if normalised else ""


def masked(normalised: str) -> str:
    """YYYYMMDD-**** : the date of birth without the four last digits."""
    return f"{normalised[:8]}-****" if normalised else ""


def validate_personnummer(value: str) -> None:
    normalise(value)
