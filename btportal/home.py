"""What each role does next: the sections of the home page.

Each role that the user holds contributes one section with its next steps. Steps whose feature
arrives with a later part of the system are marked `coming=True` and say so on the page.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Role
from accounts.permissions import roles_of
from trainees.permissions import visible_trainees


@dataclass
class Step:
    text: str
    url: str = ""
    coming: bool = False
    warning: bool = False


@dataclass
class Section:
    role: str
    title: str
    intro: str
    steps: list[Step] = field(default_factory=list)
    figures: list[tuple[str, int]] = field(default_factory=list)
    status: "TraineeStatus | None" = None  # a BT-läkare's delmål strip and assessments due


ROLE_ORDER = [
    Role.BT_LAKARE,
    Role.HUVUDHANDLEDARE,
    Role.HANDLEDARE,
    Role.EXTERN_BEDOMARE,
    Role.STUDIEREKTOR,
    Role.VERKSAMHETSCHEF,
    Role.KANSLI,
    Role.GRANSKARE,
    Role.KOORDINATOR,
    Role.ADMIN,
]


def home_page(user) -> "HomePage":
    roles = roles_of(user)
    return HomePage(user, timezone.localdate(), [role for role in ROLE_ORDER if role in roles])


class HomePage:
    """The role sections of a person's home, kept rendered in the `fragments` cache (home.html) under
    `cache_key` with the language: the person, the day, their roles, and what of each section changes
    (`facts`: the counts, the BT-läkare's record version, the worker's state), read with a few light queries
    on each visit. The sections themselves are built (lazily, by the template) only when one of these has
    changed, so a repeated visit renders nothing but the base template around the kept part.

    A builder shows only static text and links, the facts of its role (the cached properties below, read
    through the page) and, for the BT-läkare, their record, whose every audited change raises its version."""

    #: How long the sections and the whole page are kept (the day is in the key anyway).
    SECONDS = 86400

    def __init__(self, user, today: datetime.date, roles: list[str]):
        self.user = user
        self.today = today
        self.roles = roles

    @cached_property
    def facts(self) -> dict[str, tuple]:
        return {role: _FACTS[role](self) for role in self.roles if role in _FACTS}

    @cached_property
    def cache_key(self) -> str:
        return f"{self.user.pk}.{self.today.isoformat()}.{','.join(self.roles)}.{self.facts!r}"

    @cached_property
    def sections(self) -> list[Section]:
        return [_SECTION_BUILDERS[role](self) for role in self.roles]

    # The facts, each read once per visit (two roles may show the same one).
    @cached_property
    def record(self) -> tuple[int, int] | None:
        """(id, record version) of the user's BT-läkare record, or None: one query."""
        from trainees import versions

        return versions.of_person(self.user.pk)

    @cached_property
    def inbox_waiting(self) -> int:
        from assessments.models import RequestStatus
        from assessments.permissions import addressed_requests

        return addressed_requests(self.user).filter(status=RequestStatus.OPEN, expires_at__gt=timezone.now()).count()

    @cached_property
    def supervised(self) -> int:
        return visible_trainees(self.user).exclude(user=self.user).count()

    @cached_property
    def visible(self) -> int:
        return visible_trainees(self.user).count()

    @cached_property
    def reviews(self) -> int:
        from quality.permissions import conducted_reviews

        return conducted_reviews(self.user).count()

    @cached_property
    def worker(self) -> Step:
        return _worker_step()


#: What each role's section shows that changes (the static text changes only with the code and the
#: language): the page is kept under these.
_FACTS = {
    Role.BT_LAKARE: lambda page: page.record,
    Role.HUVUDHANDLEDARE: lambda page: (page.inbox_waiting, page.supervised),
    Role.HANDLEDARE: lambda page: page.inbox_waiting,
    Role.STUDIEREKTOR: lambda page: page.visible,
    Role.KANSLI: lambda page: page.visible,
    Role.GRANSKARE: lambda page: page.reviews,
    Role.ADMIN: lambda page: (str(page.worker.text), page.worker.warning),
}


def _trainee(page: HomePage) -> Section:
    user = page.user
    steps = []
    trainee = getattr(user, "trainee", None) if page.record else None
    if trainee:
        steps.append(Step(_("See your BT registration and status"), reverse("trainees:detail", args=[trainee.pk])))
    steps.append(Step(_("Read the 18 goals (delmål) of BT"), reverse("goals:list")))
    if trainee:
        from quality.services import evaluable_placements

        waiting = evaluable_placements(user, today=page.today).count()
        if waiting:
            steps.insert(
                0,
                Step(
                    ngettext(
                        "Evaluate your placement that has ended (anonymous)",
                        "Evaluate your %(n)d placements that have ended (anonymous)",
                        waiting,
                    )
                    % {"n": waiting},
                    reverse("quality:evaluations"),
                ),
            )
    if trainee and trainee.status == "planned":
        steps.append(
            Step(
                _("Tell where you would like to serve (placement wishes)"),
                reverse("trainees:wishes", args=[trainee.pk]),
            )
        )
    steps += [
        Step(
            _("Keep your individual training plan (IUP) and log activities"),
            reverse("portfolio:iup", args=[trainee.pk]) if trainee else "",
            coming=not trainee,
        ),
        Step(_("Ask a supervisor for an assessment (Mini-CEX, DOPS, CBD …)"), reverse("assessments:request_new")),
        Step(
            _("See what is missing before you apply for the BT certificate"),
            reverse("certificates:readiness", args=[trainee.pk]) if trainee else "",
            coming=not trainee,
        ),
        Step(
            _("Download your whole portfolio as a PDF"),
            reverse("reports:portfolio_pdf", args=[trainee.pk]) if trainee else "",
            coming=not trainee,
        ),
    ]
    section = Section(Role.BT_LAKARE, _("Your BT"), _("Your training, goals and assessments."), steps)
    if trainee:
        section.status = TraineeStatus(trainee, page.today)
    return section


@dataclass
class TraineeStatus:
    """The costly part of a BT-läkare's section: the BT1…BT18 strip (portfolio/_progress_strip.html) and
    the assessments due, computed (lazily, by the template) only when the sections are rendered anew: the
    record's version (every audited change of the record raises it, trainees.versions) and the day are in
    the key the sections are kept under, since what is due or late depends on the date."""

    trainee: object
    today: datetime.date

    @cached_property
    def progress(self):
        from portfolio.progress import progress_summary

        return progress_summary(self.trainee, today=self.today)

    @cached_property
    def due(self) -> list:
        return _due_assessments(self.trainee, today=self.today)


@dataclass
class DueAssessment:
    item: object  # assessments.cadence.DueItem
    request_url: str


def _due_assessments(trainee, *, today: datetime.date, within_days: int = 30) -> list[DueAssessment]:
    """The assessments the programme's cadence expects now: overdue, or due within a month, each with
    a link that opens the request form for that placement (and instrument, when the item names one)."""
    from urllib.parse import urlencode

    from assessments import cadence

    items = cadence.needs_attention(cadence.due_items(trainee, today=today), today=today, within_days=within_days)
    base = reverse("assessments:request_new")
    out = []
    for item in items:
        query = {}
        if item.placement is not None:
            query["placement"] = item.placement.pk
        if item.instrument:
            query["instrument"] = item.instrument
        out.append(DueAssessment(item, f"{base}?{urlencode(query)}" if query else base))
    return out


def _inbox_step(page: HomePage) -> Step:
    """The supervisor's work: the requests waiting for them, counted, one tap away."""
    waiting = page.inbox_waiting
    if waiting:
        text = ngettext(
            "%(count)d assessment request waits for you", "%(count)d assessment requests wait for you", waiting
        ) % {"count": waiting}
    else:
        text = _("Assessment requests: none waiting for you")
    return Step(text, reverse("assessments:inbox"))


def _main_supervisor(page: HomePage) -> Section:
    return Section(
        Role.HUVUDHANDLEDARE,
        _("Main supervisor"),
        _("You follow your BT doctors through the whole BT."),
        [
            _inbox_step(page),
            Step(_("Your BT doctors"), reverse("trainees:list")),
            Step(_("Review and approve IUPs"), reverse("trainees:list")),
            Step(_("Sign the final assessment with the external assessor"), reverse("trainees:list")),
        ],
        [(_("BT doctors you supervise"), page.supervised)],
    )


def _supervisor(page: HomePage) -> Section:
    return Section(
        Role.HANDLEDARE,
        _("Supervisor"),
        _("You supervise BT doctors during their placements at your unit."),
        [
            _inbox_step(page),
            Step(_("Your supervisor profile and training dates"), reverse("accounts:profile")),
        ],
    )


def _external(page: HomePage) -> Section:
    return Section(
        Role.EXTERN_BEDOMARE,
        _("External assessor"),
        _("You make the final assessment of the BT doctors assigned to you."),
        [
            Step(_("Portfolios assigned to you and final assessments to sign"), reverse("certificates:assigned")),
        ],
    )


def _director(page: HomePage) -> Section:
    return Section(
        Role.STUDIEREKTOR,
        _("Director of studies"),
        _("You plan and follow the BT doctors of your units."),
        [
            Step(_("BT doctors at your units"), reverse("trainees:list")),
            Step(_("Cohort dashboard: phase, months, goals, assessments"), reverse("reports:dashboard")),
            Step(_("Charts and statistics"), reverse("reports:charts")),
            Step(_("Units and capacity"), reverse("organisations:regions")),
            Step(_("Supervisors and their training"), reverse("accounts:supervisors")),
            Step(_("Register a BT doctor"), reverse("trainees:register")),
            Step(_("Plan a whole cohort against unit capacity"), reverse("scheduling:runs")),
            Step(_("Quality reviews of your units"), reverse("quality:reviews")),
            Step(_("BT doctors' evaluations of placements at your units"), reverse("quality:evaluation_units")),
        ],
        [(_("BT doctors at your units"), page.visible)],
    )


def _head(page: HomePage) -> Section:
    return Section(
        Role.VERKSAMHETSCHEF,
        _("Head of unit"),
        _("You are responsible for BT at your unit and sign the certificate of completed service."),
        [
            Step(_("BT doctors at your unit"), reverse("trainees:list")),
            Step(_("Capacity use per month and the BT doctors of your unit"), reverse("reports:units")),
            Step(_("Statistics for every region"), reverse("reports:statistics")),
            Step(_("Your unit and its BT capacity"), reverse("organisations:regions")),
            Step(_("Register a BT doctor"), reverse("trainees:register")),
            Step(_("Apply for BT integrated in ST"), reverse("intake:apply")),
            Step(_("Sign certificates of completed service (Bilaga 3)"), reverse("certificates:service_list")),
            Step(_("Quality reviews of your unit"), reverse("quality:reviews")),
            Step(_("BT doctors' evaluations of placements at your unit"), reverse("quality:evaluation_units")),
        ],
    )


def _office(page: HomePage) -> Section:
    return Section(
        Role.KANSLI,
        _("BT office"),
        _("You run BT in your region: registration, intake, assessors and certificates."),
        [
            Step(_("All BT doctors in your region"), reverse("trainees:list")),
            Step(_("Cohort dashboard: phase, months, goals, assessments"), reverse("reports:dashboard")),
            Step(_("Charts and statistics"), reverse("reports:charts")),
            Step(_("Regions, units and capacity"), reverse("organisations:regions")),
            Step(_("Supervisors"), reverse("accounts:supervisors")),
            Step(_("Register a BT doctor"), reverse("trainees:register")),
            Step(_("Import BT doctors and plans"), reverse("trainees:import")),
            Step(_("Plan a whole cohort against unit capacity"), reverse("scheduling:runs")),
            Step(_("Intake rounds in April and November"), reverse("intake:rounds")),
            Step(_("The register of approved external assessors"), reverse("certificates:assessors")),
            Step(_("Assign external assessors and issue BT certificates"), reverse("trainees:list")),
        ],
        [(_("BT doctors in your region"), page.visible)],
    )


def _reviewer(page: HomePage) -> Section:
    return Section(
        Role.GRANSKARE,
        _("Quality reviewer"),
        _("You review the quality of BT at units (SPUR)."),
        [
            Step(_("Your reviews: surveys, documents, visit, findings and indicators"), reverse("quality:reviews")),
            Step(_("Published quality reports"), reverse("quality:national")),
            Step(_("Statistics for every region"), reverse("reports:statistics")),
        ],
        [(_("Reviews assigned to you"), page.reviews)],
    )


def _coordinator(page: HomePage) -> Section:
    return Section(
        Role.KOORDINATOR,
        _("National quality coordinator"),
        _("You plan quality reviews, assign reviewers, hold the calibration and publish the reports."),
        [
            Step(_("All quality reviews"), reverse("quality:reviews")),
            Step(_("The criteria catalogue"), reverse("quality:catalogues")),
            Step(_("Published quality reports"), reverse("quality:national")),
        ],
    )


def _worker_step() -> Step:
    """Whether the background worker (planning runs, reminders, large exports) is alive."""
    from django.utils.formats import date_format

    from core.jobs import worker_status

    status = worker_status()
    if status.alive:
        seen = date_format(timezone.localtime(status.last_seen), "TIME_FORMAT")
        return Step(_("Background worker: running (last heard from at %(time)s)") % {"time": seen})
    return Step(
        _(
            "Background worker: not running. Planning runs, reminder emails and large exports wait until it "
            "runs again (start it on the server: manage.py db_worker)."
        ),
        warning=True,
    )


def _admin(page: HomePage) -> Section:
    section = Section(
        Role.ADMIN,
        _("Administrator"),
        _("You manage users, roles, organisations and see the audit history."),
        [
            Step(_("Administration and audit history"), reverse("admin:index")),
            Step(_("Regions and units"), reverse("organisations:regions")),
            Step(_("All BT doctors"), reverse("trainees:list")),
            Step(_("Cohort dashboard and statistics"), reverse("reports:dashboard")),
            Step(_("Quality reviews and the criteria catalogue"), reverse("quality:reviews")),
        ],
    )
    section.worker = page.worker
    return section


_SECTION_BUILDERS = {
    Role.BT_LAKARE: _trainee,
    Role.HUVUDHANDLEDARE: _main_supervisor,
    Role.HANDLEDARE: _supervisor,
    Role.EXTERN_BEDOMARE: _external,
    Role.STUDIEREKTOR: _director,
    Role.VERKSAMHETSCHEF: _head,
    Role.KANSLI: _office,
    Role.GRANSKARE: _reviewer,
    Role.KOORDINATOR: _coordinator,
    Role.ADMIN: _admin,
}
