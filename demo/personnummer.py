"""Invented personnummer for the demo's people and applicants."""

import datetime
import random

from accounts import personnummer as pnr


class InventedPersonnummer:
    """Deterministic, unique and Luhn-correct personnummer (the 9th digit follows sex)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def born_in(self, first_year: int, last_year: int) -> datetime.date:
        start = datetime.date(first_year, 1, 1)
        days = (datetime.date(last_year, 12, 31) - start).days
        return start + datetime.timedelta(days=self.rng.randint(0, days))

    def make(self, born: datetime.date, sex: str) -> str:
        while True:
            serial = f"{self.rng.randint(10, 99)}{self.rng.choice('13579' if sex == 'M' else '02468')}"
            check = pnr.luhn_check_digit(f"{born:%y%m%d}{serial}")
            value = pnr.normalise(f"{born:%Y%m%d}{serial}{check}")
            if value not in self.used:
                self.used.add(value)
                return value
