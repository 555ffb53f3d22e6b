"""Small cohort factories for the scheduler tests."""

from __future__ import annotations


def cohort(trainees, units, months=12, start="2027-01", **extra):
    return {"horizon": {"start": start, "months": months}, "units": units, "trainees": trainees, **extra}


def unit(uid, category, capacity=1, **extra):
    return {"id": uid, "category": category, "capacity": capacity, **extra}


def national(tid, total=6, akut=3, primarvard=3, start="2027-01", latest=None, **extra):
    """A national-programme trainee with an override: ``akut`` + ``primarvard`` months, ``total`` in all."""
    return {
        "id": tid,
        "programme": "national",
        "total_months": total,
        "requirements": [{"category": "akut", "months": akut}, {"category": "primarvard", "months": primarvard}],
        "earliest_start": start,
        "latest_start": latest or start,
        **extra,
    }
