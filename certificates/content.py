"""The content of the four forms of HSLF-FS 2021:8 as Socialstyrelsen reads them, for the own PDFs
and the filled official forms alike (one source, two renderings).

The forms are Swedish documents: months with a decimal comma and two decimals ("4,00", "4,50"),
dates as ååmmdd in Europe/Stockholm, and "Ort och datum" holds the place and date of the signature
— empty on anything not signed. Who signs what, in the system:

* Bilaga 1: the applicant, by hand (never filled in here).
* Bilaga 2: the certifying handledare — the huvudhandledare, whose signed judgement of every
  delmål in the final assessment is that attestation (place and date of that signature).
* Bilaga 3: the verksamhetschef of the home unit (`ServiceSignature`, covering this very content).
* Bilaga 4: the huvudhandledare and the extern bedömare (the final assessment).
"""

from __future__ import annotations

from fractions import Fraction

from django.utils import timezone

import rules
import rules.counting
from trainees.models import CreditKind, PlanCategory

GOALS_PER_BILAGA2 = 6  # delmål per Bilaga 2, so each form's text fits its fields
#: Bilaga 1 has three licence rows (Legitimation/motsvarande bevis om behörighet).
LICENCE_ROWS = 3
SWEDEN = "Sverige"


def yymmdd(value) -> str:
    """ååmmdd; an aware datetime is read in Europe/Stockholm (a signature at 00:30 is that day)."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return value.strftime("%y%m%d")


def months_sv(value) -> str:
    """Full-time months as the Swedish forms print them: two decimals, decimal comma ("4,50")."""
    rounded = rules.counting.round_half_up(rules.counting.to_fraction(value))
    return f"{float(rounded):.2f}".replace(".", ",")


def pnr(user) -> str:
    p = user.personnummer or ""
    return f"{p[:8]}-{p[8:]}" if len(p) == 12 else p


def unit_name(unit) -> str:
    """A unit as Socialstyrelsen needs to tell places apart: hospital, clinic."""
    return f"{unit.parent.name}, {unit.name}" if unit.parent_id else unit.name


def place_and_date(place: str, signed_at) -> str:
    """ "Ort och datum" of a signature: "Göteborg 260314"; empty when not signed."""
    if not signed_at:
        return ""
    return " ".join(x for x in ((place or "").strip(), yymmdd(signed_at)) if x)


def _person(user) -> dict:
    return {"last_name": user.last_name, "first_name": user.first_name, "personnummer": pnr(user)}


def _signer(user, *, place: str = "", signed_at=None) -> dict:
    profile = getattr(user, "supervisor_profile", None) if user is not None else None
    return {
        "name": user.get_full_name() if user else "",
        "personnummer": pnr(user) if user else "",
        "specialty": profile.specialty if profile else "",
        "workplace": unit_name(profile.workplace) if profile and profile.workplace_id else "",
        "place_and_date": place_and_date(place, signed_at),
        "signed": bool(signed_at),
        "signed_at": signed_at,
    }


def final_of(trainee):
    """The trainee's final assessment as stored now (not a copy cached on the trainee)."""
    from .models import FinalAssessment

    return (
        FinalAssessment.objects.filter(trainee=trainee)
        .select_related("main_supervisor__supervisor_profile__workplace__parent", "external", "assignment__assessor")
        .first()
    )


def goal_groups(trainee) -> list[list]:
    from portfolio.progress import progress

    goals = progress(trainee)
    return [goals[i : i + GOALS_PER_BILAGA2] for i in range(0, len(goals), GOALS_PER_BILAGA2)]


def _credits(trainee, kind: str) -> list:
    return [c for c in trainee.credits.all() if c.kind == kind]


def numbering(trainee) -> dict:
    """Attachment numbers as Bilaga 1's list states them: the Bilaga 2 forms first, then 3, then 4,
    then one attachment per credited earlier service (the certificate of that service, which the
    applicant attaches): service before the licence first, then service abroad."""
    n2 = len(goal_groups(trainee))
    b2 = list(range(2, 2 + n2))
    before = list(range(4 + n2, 4 + n2 + len(_credits(trainee, CreditKind.BEFORE_LICENCE))))
    start = before[-1] + 1 if before else 4 + n2
    foreign = list(range(start, start + len(_credits(trainee, CreditKind.FOREIGN))))
    return {"bilaga2": b2, "bilaga3": 2 + n2, "bilaga4": 3 + n2, "before_licence": before, "foreign": foreign}


def number_range(numbers: list[int]) -> str:
    """ "5", "5–7" (consecutive attachment numbers) or "" when there are none."""
    if not numbers:
        return ""
    return f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])


def category_label(category: str) -> str:
    return PlanCategory(category).label if category in PlanCategory.values else category


def credited_service(trainee) -> list[dict]:
    """Bilaga 1's rows for credited earlier service (tillgodoräknande), numbered as attached."""
    nums = numbering(trainee)
    out = []
    for kind, numbers in ((CreditKind.BEFORE_LICENCE, nums["before_licence"]), (CreditKind.FOREIGN, nums["foreign"])):
        for number, credit in zip(numbers, _credits(trainee, kind)):
            out.append(
                {
                    "number": number,
                    "kind": kind,
                    "kind_label": CreditKind(kind).label,
                    "category": category_label(credit.category),
                    "months": months_sv(credit.months),
                    "note": credit.note,
                }
            )
    return out


def licences(trainee) -> list[dict]:
    """Bilaga 1's licence rows: the Swedish licence, then licences from other countries by date
    (at most LICENCE_ROWS; the details form records at most two others)."""
    rows = []
    if trainee.licence_date:
        rows.append({"country": SWEDEN, "date": yymmdd(trainee.licence_date)})
    rows += [{"country": x.country, "date": yymmdd(x.date)} for x in trainee.other_licences.all()]
    return rows[:LICENCE_ROWS]


def postal_address_missing(trainee) -> bool:
    """Bilaga 1 needs the applicant's postal address (Socialstyrelsen answers by post)."""
    user = trainee.user
    return not all(x.strip() for x in (user.street_address, user.postal_code, user.city))


def bilaga1(trainee) -> dict:
    user = trainee.user
    nums = numbering(trainee)
    return {
        "person": _person(user),
        "email": user.email,
        "phone": user.phone,
        "work_phone": user.work_phone,
        "street_address": user.street_address,
        "postal_code": user.postal_code,
        "city": user.city,
        "workplace": unit_name(trainee.home_unit),
        "degree_country": trainee.degree_country,
        "degree_date": yymmdd(trainee.degree_date),
        "licences": licences(trainee),
        "attachments": {
            "goals": number_range(nums["bilaga2"]),
            "service": str(nums["bilaga3"]),
            "competence": str(nums["bilaga4"]),
            "before_licence": number_range(nums["before_licence"]),
            "foreign": number_range(nums["foreign"]),
        },
        "credits": credited_service(trainee),
        # Signed by the applicant by hand: "Ort och datum" is theirs to write.
        "place_and_date": "",
    }


def bilaga2(trainee) -> list[dict]:
    """One form per group of delmål. The certifying handledare is the huvudhandledare; their
    signature is their signed judgement of the delmål in the final assessment."""
    final = final_of(trainee)
    if final is not None:
        signer = _signer(final.main_supervisor, place=final.main_place, signed_at=final.main_signed_at)
    else:
        signer = _signer(trainee.main_supervisor)
    out = []
    for number, group in zip(numbering(trainee)["bilaga2"], goal_groups(trainee)):
        activities, checks = [], []
        for gp in group:
            acts = "; ".join(
                f"{a.title} ({a.get_kind_display()}, {yymmdd(a.start)}{'-' + yymmdd(a.end) if a.end else ''})"
                for a in gp.activities
            )
            activities.append(f"{gp.goal.code}: {acts or '–'}")
            done = "; ".join(
                f"{a.instrument_name} {yymmdd(a.performed_on)} ({a.assessor_name})" for a in gp.signed_assessments
            )
            checks.append(f"{gp.goal.code}: {done or '–'}")
        out.append(
            {
                "number": number,
                "person": _person(trainee.user),
                "goals": ", ".join(gp.goal.code for gp in group),
                "activities": "\n".join(activities),
                "checks": "\n".join(checks),
                "signer": signer,
                "signed": signer["signed"],
            }
        )
    return out


def bilaga3_content(trainee, *, placements=None, leave=None, credits=None, count=None) -> dict:
    """What the verksamhetschef certifies on Bilaga 3 (and what a signature's hash covers): the
    person, the placements, the sum, the primärvård and akut parts. No date, no attachment
    number: those do not change what is certified. `placements` (their units and the units'
    parents selected), `leave`, `credits` and their `count` (rules.counting.count_service): when
    the caller has them already."""
    from trainees.services import leave_policy, to_rules_plan

    if placements is None:
        placements = list(trainee.placements.select_related("unit__parent"))
    if count is None:
        plan = to_rules_plan(trainee, placements=placements, leave=leave, credits=credits)
        count = rules.counting.count_service(plan, leave_policy(trainee))
    placements = sorted(placements, key=lambda p: (p.start, p.end))
    rows = []
    for p, months in zip(placements, count.per_placement):
        rows.append(
            {
                "unit": unit_name(p.unit) if p.unit else p.get_category_display(),
                "period": f"{yymmdd(p.start)}-{yymmdd(p.end)}",
                "extent": str(p.extent),
                "months": months_sv(months),
                "category": p.category,
            }
        )
    total = sum(count.per_placement, start=Fraction(0))

    def parts(cat):
        return "; ".join(f"{r['unit']} {r['period']}" for r in rows if r["category"] == cat)

    return {
        "person": _person(trainee.user),
        "rows": rows,
        "total": months_sv(total),
        "primary_care": parts("primarvard"),
        "emergency_care": parts("akut"),
    }


def bilaga3(trainee) -> dict:
    """Bilaga 3 as printed: the content, its number, and the verksamhetschef's signature when a
    current one covers this very content (an out-of-date signature fills nothing)."""
    from .signatures import signature_state

    content = bilaga3_content(trainee)
    state = signature_state(trainee, content)
    sig = state.valid_signature
    return content | {
        "number": numbering(trainee)["bilaga3"],
        "signature": sig,
        "signature_state": state,
        "signed": sig is not None,
        "signer": {
            "name": sig.signer_name if sig else "",
            "title": sig.signer_title if sig else "",
            "name_and_title": f"{sig.signer_name}, {sig.signer_title}" if sig else "",
            "workplace": sig.workplace if sig else "",
            "place_and_date": place_and_date(sig.place, sig.signed_at) if sig else "",
            "sha256": state.sha256 if sig else "",
        },
    }


def bilaga4(trainee) -> dict:
    from .services import current_assignment

    final = final_of(trainee)
    assignment = final.assignment if final is not None and final.assignment_id else current_assignment(trainee)
    if final is not None:
        main = _signer(final.main_supervisor, place=final.main_place, signed_at=final.main_signed_at)
        external = _signer(final.external, place=final.external_place, signed_at=final.external_signed_at)
    else:
        main = _signer(trainee.main_supervisor)
        external = _signer(assignment.assessor.user if assignment else None)
    if assignment and not external["specialty"]:
        external["specialty"] = assignment.assessor.specialty
    if assignment and not external["workplace"] and assignment.assessor.workplace_id:
        external["workplace"] = unit_name(assignment.assessor.workplace)
    return {
        "number": numbering(trainee)["bilaga4"],
        "person": _person(trainee.user),
        "main": main,
        "external": external,
        "signed": main["signed"] and external["signed"],
    }
