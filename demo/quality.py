"""The quality part of the demo story, made through the quality services: three reviews of VGR units
(surveys open; preliminary report; published with follow-up) by two reviewers from other regions, the
national coordinator koordinator@example.se, and placement evaluations — enough to pass the anonymity
threshold at one unit and not at another.

The evaluations are written as rows of earlier years (an evaluation holds only the unit, the year and
the answers; no BT-läkare is linked to it), so the demo BT-läkare still have their own to give."""

import datetime
from collections import Counter

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from accounts.models import Role, RoleAssignment, User
from organisations.models import Region, Unit
from quality import services
from quality.models import ActionKind, PlacementEvaluation, Review

SECOND_REVIEWER = ("granskare2@example.se", "Olof", "Berglund", "orebro")
COORDINATOR = ("koordinator@example.se", "Renate", "Andersson")
COMMENTS = [
    "Mycket bra introduktion och tydlig handledning.",
    "Ibland hög arbetsbelastning på jourerna.",
    "Fick ta eget ansvar tidigt, med stöd.",
    "Bra undervisning på morgonmötena.",
    "Handledaren hade ofta tid för frågor.",
    "Svårt att hinna med bedömningarna.",
]


def _person(email, first, last, role, *, region=None) -> User:
    user, _created = User.objects.get_or_create(
        # No usable password: the demo's nine logins are the only ones (admin acts as the coordinator).
        email=email,
        defaults={"first_name": first, "last_name": last, "password": make_password(None)},
    )
    if not RoleAssignment.objects.filter(user=user, role=role).exists():
        RoleAssignment.objects.create(user=user, role=role, region=region)
    return user


def seed_quality(created: Counter) -> None:
    if Review.objects.exists():
        return
    coordinator = _person(*COORDINATOR, Role.KOORDINATOR)
    first = User.objects.get(email="granskare@example.se")
    second = _person(*SECOND_REVIEWER[:3], Role.GRANSKARE, region=Region.objects.get(slug=SECOND_REVIEWER[3]))
    # The head of unit's own unit gets the published review (and the evaluations above the threshold), so
    # verksamhetschef@example.se sees a report, its follow-up and the unit's evaluation results.
    head = User.objects.get(email="verksamhetschef@example.se")
    head_unit = (
        RoleAssignment.objects.filter(user=head, role=Role.VERKSAMHETSCHEF).values_list("unit", flat=True).first()
    )
    others = list(
        Unit.objects.filter(region__slug="vgr", kind__in=["klinik", "vardcentral"])
        .exclude(pk=head_unit)
        .annotate(n=Count("placements"))
        .filter(n__gt=0)
        .order_by("-n", "pk")[:2]
    )
    units = [*others, *Unit.objects.filter(pk=head_unit)]
    if len(units) < 3:
        return
    today = datetime.date.today()
    period = (datetime.date(today.year - 1, 1, 1), today)
    reviews = []
    for unit in units:
        review = services.plan_review(unit, period_start=period[0], period_end=period[1], by=coordinator)
        for reviewer in (first, second):
            services.assign_reviewer(review, reviewer, by=coordinator)
        services.open_surveys(review, by=coordinator)
        reviews.append(review)
        created["quality reviews"] += 1

    # 1. Surveys open: links made, a few answered.
    open_review = reviews[0]
    tokens = services.issue_survey_links(open_review, role="bt_lakare", count=6, by=first)
    for n, token in enumerate(tokens[:5]):
        answers = {s.pk: 3 + (n + s.pk) % 2 for s in services.survey_statements(open_review, "bt_lakare")}
        services.submit_survey(token, answers=answers, comment=COMMENTS[n])
    services.issue_survey_links(open_review, role="handledare", count=3, by=first)

    # 2. and 3.: documents, visit, findings.
    for review in reviews[1:]:
        services.upload_document(
            review,
            title="Utbildningsplan för BT",
            file=SimpleUploadedFile("utbildningsplan.txt", b"Plan"),
            by=coordinator,
        )
        services.mark_documents_in(review, by=coordinator)
        services.start_visit(review, by=first, visit_date=today)
        services.add_note(
            review,
            kind="interview",
            interviewed_role="bt_lakare",
            text="BT-läkarna beskriver god handledning men svårt att hinna med bedömningar.",
            by=first,
        )
        for area in review.catalogue.areas.all():
            services.grade_area(
                review, area, grade="C" if area.code == "E" else ("A" if area.code == "A" else "B"), text="", by=first
            )
        statement = review.catalogue.areas.get(code="E").statements.order_by("order")[1]
        services.judge_statement(
            review,
            statement,
            fulfilment="partly",
            action=ActionKind.REQUIREMENT,
            action_text="Inför schemalagd tid för bedömningar varje månad.",
            due_date=today + datetime.timedelta(days=120),
            by=first,
        )
        advice = review.catalogue.areas.get(code="F").statements.first()
        services.judge_statement(
            review,
            advice,
            fulfilment="partly",
            action=ActionKind.RECOMMENDATION,
            action_text="Samordna kurser med närliggande enheter.",
            by=second,
        )
        if review is reviews[2]:
            services.judge_statement(
                review,
                review.catalogue.areas.get(code="B").statements.order_by("order")[2],
                fulfilment="not_met",
                action=ActionKind.REQUIREMENT,
                action_text="Ge handledarna BT-handledarutbildning.",
                due_date=today + datetime.timedelta(days=180),
                by=second,
            )
        services.submit_preliminary(review, by=first)
    published = reviews[2]
    services.calibrate_review(
        published, by=coordinator, note="Betyget för E sänktes från B till C efter jämförelse med andra enheter."
    )
    services.publish_review(published, by=coordinator)
    services.start_follow_up(published, by=coordinator)
    # One requirement has its remedy reported by the head of unit; the other is still open.
    finding = published.statement_findings.get(action=ActionKind.REQUIREMENT, statement__area__code="E")
    services.report_remedy(
        finding, evidence="Bedömningstid schemalagd första tisdagen varje månad sedan mars.", by=head
    )

    # Evaluations: above the threshold at the head of unit's unit, below at another.
    threshold = settings.QUALITY_MIN_ANSWERS
    for unit, n in ((units[2], threshold + 2), (units[1], max(threshold - 2, 1))):
        for i in range(n):
            PlacementEvaluation.objects.create(
                unit=unit,
                year=today.year - 1,
                supervision=3 + i % 3,
                learning_climate=4 + i % 2,
                patient_responsibility=3 + i % 2,
                workload=2 + i % 3,
                goals=["BT1", "BT5", "BT9"][: 1 + i % 3],
                free_text=COMMENTS[i % len(COMMENTS)],
            )
            created["placement evaluations"] += 1
