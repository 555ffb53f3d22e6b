"""Small builders for quality tests."""

import datetime

from accounts.models import Role
from btportal import factories as f
from quality import services
from quality.models import Review, ReviewState
from trainees.models import Placement


def make_reviewer(region, **kw):
    return f.make_user(role=Role.GRANSKARE, region=region, **kw)


def make_review(unit, *, by=None, period=(datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))):
    by = by or f.make_user(role=Role.KOORDINATOR)
    return services.plan_review(unit, period_start=period[0], period_end=period[1], by=by)


def staffed_review(unit, *, reviewers=None):
    """A planned review of `unit` with two reviewers from another region."""
    coordinator = f.make_user(role=Role.KOORDINATOR)
    review = make_review(unit, by=coordinator)
    other = f.region("gavleborg") if unit.region.slug != "gavleborg" else f.region("vgr")
    for r in reviewers or [make_reviewer(other), make_reviewer(other)]:
        services.assign_reviewer(review, r, by=coordinator)
    return review, coordinator


def advance_to(review, state, *, by):
    """Walk the cycle to `state` through the services, filling in what each step needs."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    while review.state != state:
        step = services.TRANSITIONS[review.state][0]
        if step == "mark_documents_in" and not review.documents.exists():
            services.upload_document(review, title="Studieplan", file=SimpleUploadedFile("plan.txt", b"plan"), by=by)
        if step == "submit_preliminary":
            for area in review.catalogue.areas.all():
                services.grade_area(review, area, grade="B", text="", by=by)
        kwargs = {"note": "Kalibrerad"} if step == "calibrate_review" else {}
        getattr(services, step)(review, by=by, **kwargs)
        review.refresh_from_db()
    return review


def ended_placement(trainee, unit, *, end=datetime.date(2026, 3, 31)):
    return Placement.objects.create(
        trainee=trainee, unit=unit, category="akut", start=end - datetime.timedelta(days=89), end=end
    )


__all__ = ["Review", "ReviewState"]
