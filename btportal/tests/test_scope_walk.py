"""Scope on every action (issue 13, item 1): every view that takes the id of a BT-läkare, a unit, a region,
a planning run, an intake round or application (or of something of theirs) acts only on objects the user
may manage in that role's own scope, and roles never combine across scopes.

The test walks the URL conf (as test_url_permissions does) and, for each route with ids in it, asks with the
ids of objects *just outside* each persona's scope, by GET and by POST (the POST also naming outside objects
in its data), and asserts 403/404 (405 for a method the view refuses) and that nothing in the database
changed. Two rings of "outside":

- near: a BT-läkare (with plan, portfolio, requests, a planning run of the region) at a vårdcentral of the
  same region outside the studierektor's hospital and the verksamhetschef's clinic, with supervisors of
  their own — for the personas scoped to units or to their own trainees;
- far: everything of a third region — for every persona but the admin, including one who is studierektor in
  VGR and granskare in that third region (a granskare may read the units and statistics of their region,
  nothing else).

A route with ids that this walk does not know how to fill fails the test: a new view is covered or
declared here.
"""

import datetime
import uuid
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core import mail
from django.forms.models import model_to_dict
from django.urls import URLPattern

from accounts.models import ApprovedAssessor, Role, SupervisorProfile
from btportal import factories as f
from btportal.tests.test_url_permissions import project_patterns
from organisations.models import UnitKind

D = datetime.date

#: Permissions under which a granskare (of the far region) may read that region's units: legitimate reads.
GRANSKARE_READS = {"organisations.view_unit", "organisations.view_region", "trainees.statistics"}
#: Routes whose ids are not objects of a scope: public pages, tokens, statistics without personal data.
NOT_SCOPED = {
    "goals/<str:code>/",
    "assessments/a/<str:token>/",
    "notifications/ical/<str:token>.ics",
    "verify/<str:code>/",
    "reports/statistics/<slug:slug>/",
    "reports/statistics/<slug:slug>/export.<str:fmt>",
    "reports/statistics/export.<str:fmt>",
    "reports/export.<str:fmt>",
}


@dataclass
class Ring:
    """The objects of one ring of "outside"."""

    region: object
    unit: object
    trainee: object
    placement: object
    leave: object
    credit: object
    activity: object
    request: object
    assessment: object
    run: object
    round: object
    application: object
    approved: object
    supervisor: object
    token: object
    unplaced: object


def _ring(region, unit, *, planner) -> Ring:
    from api.tokens import create_token
    from assessments import services as assessment_services
    from intake.tests.factories import make_application, make_round
    from portfolio.tests.factories import make_activity, make_assessment, make_placement
    from scheduling.tests.proposals import make_run
    from trainees.models import Credit, Leave

    hhl = f.make_supervisor(role=Role.HUVUDHANDLEDARE, workplace=unit)
    handledare = f.make_supervisor(workplace=unit)
    trainee = f.make_trainee(home_unit=unit, main_supervisor=hhl, planned_start=D(2027, 1, 1))
    second = f.make_trainee(home_unit=unit, planned_start=D(2027, 1, 1))
    placement = make_placement(trainee, unit=unit, supervisor=handledare)
    leave = Leave.objects.create(trainee=trainee, kind="vab", start=D(2027, 2, 1), end=D(2027, 2, 5))
    credit = Credit.objects.create(trainee=trainee, category="akut", months=1, kind="other")
    activity = make_activity(trainee, "BT1")
    issued = assessment_services.create_request(
        trainee,
        by=trainee.user,
        instrument="mini_cex",
        placement=placement,
        assessor_name="Dr Nära",
        assessor_email="nara@example.org",
    )
    assessment = make_assessment(trainee, "BT2")

    class W:  # what make_run reads
        pass

    w = W()
    w.vgr, w.users = region, {"kansli": planner}
    w.clinic = w.health_centre = w.psychiatry = unit
    run = make_run(w, [trainee, second])
    rnd = make_round(region)
    application = make_application(rnd, unit=unit)
    assessor_user = f.make_supervisor(role=Role.EXTERN_BEDOMARE, workplace=unit)
    approved = ApprovedAssessor.objects.create(
        user=assessor_user, region=region, specialty="Allmänmedicin", training_date=D(2024, 3, 1), workplace=unit
    )
    token, _secret = create_token(planner, name="outside", scopes=["read:units"])
    return Ring(
        region=region,
        unit=unit,
        trainee=trainee,
        placement=placement,
        leave=leave,
        credit=credit,
        activity=activity,
        request=issued.request,
        assessment=assessment,
        run=run,
        round=rnd,
        application=application,
        approved=approved,
        supervisor=SupervisorProfile.objects.get(user=handledare),
        token=token,
        unplaced=second,
    )


def _kwargs(route: str, pattern: URLPattern, ring: Ring) -> dict:
    """The URL's ids filled with the ring's objects (by what the route is about)."""
    values = {}
    for name in pattern.pattern.converters:
        if name == "pk":
            values[name] = (
                ring.supervisor.pk
                if route.startswith("people/supervisors/")
                else ring.unit.pk
                if route.startswith(("organisations/unit/", "reports/units/", "quality/units/"))
                else ring.run.pk
                if route.startswith("planning/")
                else ring.activity.pk
                if route.startswith("portfolio/")
                else ring.request.pk
                if route.startswith(("assessments/inbox/", "assessments/requests/"))
                else ring.assessment.pk
                if route.startswith("assessments/<int:pk>")
                else ring.round.pk
                if route.startswith("intake/rounds/")
                else ring.application.pk
                if route.startswith("intake/applications/")
                else ring.approved.pk
                if route.startswith("certificates/assessors/")
                else ring.token.pk
                if route.startswith("api/tokens/")
                else ring.trainee.pk
            )
        elif name == "trainee_pk":
            values[name] = ring.trainee.pk
        elif name == "slug":
            values[name] = ring.region.slug
        elif name == "placement_pk":
            values[name] = ring.placement.pk
        elif name == "leave_pk":
            values[name] = ring.leave.pk
        elif name == "credit_pk":
            values[name] = ring.credit.pk
        elif name in ("evidence_pk", "doc"):
            values[name] = 999_999  # none exists: the trainee's scope must answer first, or a 404
        elif name == "number":
            values[name] = 1
        elif name == "code":
            values[name] = "BT1"
        elif name == "kind":
            values[name] = "bilaga3"
        elif name == "item":
            values[name] = "language"
        elif name == "token":
            values[name] = uuid.uuid4()
        else:
            raise AssertionError(f"/{route}: the scope walk does not know how to fill <{name}>; add it here")
    return values


def _post_data(ring: Ring) -> dict:
    """A POST naming outside objects wherever a view reads an id from its data."""
    return {
        "trainee": ring.trainee.pk,
        "trainees": [ring.trainee.pk],
        "assessor": ring.approved.pk,
        "unit": ring.unit.pk,
        "home_unit": ring.unit.pk,
        "region": ring.region.pk,
        "placement": ring.placement.pk,
        "main_supervisor": ring.trainee.main_supervisor_id,
        "supervisor": ring.trainee.main_supervisor_id,
        "application": ring.application.pk,
        "position": "",
        "version": 0,
        "plan_version": 0,
        "reason": "scope walk",
        "action": "sign",
        "status": "active",
        "start": "2027-01-01",
        "end": "2027-06-30",
        "months": 6,
        "method": "greedy",
        "time_limit": 5,
    }


def _fingerprint() -> dict:
    """Row counts of every model, and the fields of every row of the tables an action would change."""
    out = {}
    for model in apps.get_models():
        out[model._meta.label] = model._default_manager.count()
    return out


def _rows(ring: Ring) -> dict:
    out = {}
    for name, obj in vars(ring).items():
        fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
        out[name] = model_to_dict(fresh) if fresh is not None else None
    out["trainee_user"] = model_to_dict(type(ring.trainee.user).objects.get(pk=ring.trainee.user_id))
    return out


@pytest.fixture
def rings(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    health = f.make_unit(world.vgr, "Vårdcentralen Öster", kind=UnitKind.HEALTH_CENTRE, category="primarvard")
    third = f.region("orebro")
    far_unit = f.make_unit(third, "Akutkliniken Örebro", category="akut")
    world.users["studierektor_and_far_granskare"] = f.make_user(
        "combo@example.se", role=Role.STUDIEREKTOR, unit=world.hospital
    )
    f.grant(world.users["studierektor_and_far_granskare"], Role.GRANSKARE, region=third)
    far_kansli = f.make_user("kansli3@example.se", role=Role.KANSLI, region=third)
    near = _ring(world.vgr, health, planner=world.users["kansli"])
    far = _ring(third, far_unit, planner=far_kansli)
    mail.outbox.clear()
    return {"near": near, "far": far}


#: Region-level objects, reached legitimately by a role scoped to a unit of the region: the region's pages and
#: export, inline or in the background (whose rows are only the user's own BT-läkare), a planning run's page (the others counted, not
#: named: test_a_planner_acts_only_on_their_own_trainees_in_a_shared_run), and intake, which a studierektor
#: runs for the whole region (intake/tests/test_views.py). They are walked in the far ring.
REGION_LEVEL_PREFIXES = ("organisations/region/", "trainees/region/", "reports/exports/region/", "intake/")
REGION_LEVEL = {"planning/<int:pk>/"}

NEAR_PERSONAS = [
    "bt_lakare",
    "handledare",
    "huvudhandledare",
    "studierektor",
    "verksamhetschef",
    "extern_bedomare",
    "outsider",
    "stranger_kansli",
    "stranger_studierektor",
    "studierektor_and_far_granskare",
]
FAR_PERSONAS = [*NEAR_PERSONAS, "kansli", "granskare"]


def _scoped_routes():
    for route, pattern in project_patterns():
        if route.startswith("api/v1/") or route in NOT_SCOPED or not pattern.pattern.converters:
            continue
        if pattern.callback.permission.public:
            continue
        yield route, pattern


ROUTES = list(_scoped_routes())
CASES = [(ring, persona) for ring, personas in (("near", NEAR_PERSONAS), ("far", FAR_PERSONAS)) for persona in personas]


def test_the_walk_covers_the_views_with_ids():
    routes = {r for r, _ in ROUTES}
    assert "planning/<int:pk>/proposals/<int:trainee_pk>/edit/" in routes
    assert "intake/applications/<int:pk>/decide/" in routes
    assert len(routes) > 60


@pytest.mark.django_db
@pytest.mark.parametrize("ring_name,persona", CASES)
def test_no_action_reaches_an_object_outside_the_scope(client, world, rings, ring_name, persona):
    ring = rings[ring_name]
    client.force_login(world.users[persona])
    client.raise_request_exception = False
    failures = []
    counts = _fingerprint()  # row counts of every table: once around the whole walk (a new row anywhere)
    for route, pattern in ROUTES:
        perm = pattern.callback.permission.name
        if persona == "studierektor_and_far_granskare" and ring_name == "far" and perm in GRANSKARE_READS:
            continue  # the granskare role reads its own region's units: allowed, and not an action
        if ring_name == "near" and (route in REGION_LEVEL or route.startswith(REGION_LEVEL_PREFIXES)):
            continue
        url = "/" + route
        for name, value in _kwargs(route, pattern, ring).items():
            converter = type(pattern.pattern.converters[name]).__name__.replace("Converter", "").lower()
            url = url.replace(f"<{converter}:{name}>", str(value))
        rows = _rows(ring)  # the ring's own rows: after every route (a changed field)
        for method in ("get", "post"):
            response = getattr(client, method)(url, _post_data(ring) if method == "post" else None)
            if response.status_code not in (403, 404, 405):
                failures.append(f"{method.upper()} {url} ({route}) → {response.status_code}")
        if _rows(ring) != rows:
            failures.append(f"{url} ({route}) changed an object outside the scope")
    if _fingerprint() != counts:
        failures.append("the walk added or removed rows")
    assert not failures, f"{persona} reached objects of the {ring_name} ring:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_a_planner_acts_only_on_their_own_trainees_in_a_shared_run(client, world, rings):
    """The issue's case: a studierektor of one hospital opens a run of the region that also holds a
    vårdcentral's BT-läkare. The run opens; the others are counted, not named; accepting them (one, or
    "all") creates nothing; a run cannot be started for them."""
    from scheduling.models import AcceptedProposal
    from scheduling.tests.proposals import make_run
    from trainees.models import Placement

    near = rings["near"]
    world.psychiatry = f.make_unit(world.vgr, "Psykiatri", category="psykiatri", capacity=2)
    world.trainee.planned_start = D(2027, 1, 1)
    world.trainee.save()
    run = make_run(world, [world.trainee, near.trainee])
    client.force_login(world.users["studierektor"])
    page = client.get(run.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert page.status_code == 200
    assert near.trainee.user.last_name not in body
    assert 'data-testid="proposals-outside-scope"' in body
    assert client.post(f"/planning/{run.pk}/accept/", {"trainee": near.trainee.pk, "version": 0}).status_code == 403
    client.post(f"/planning/{run.pk}/accept/", {"trainee": "all"})
    assert not AcceptedProposal.objects.filter(trainee=near.trainee).exists()
    assert not Placement.objects.filter(trainee=near.trainee).exclude(pk=near.placement.pk).exists()
    assert AcceptedProposal.objects.filter(trainee=world.trainee, run=run).exists()
    # Starting a run: the vårdcentral's BT-läkare is not among the choices.
    form = client.get("/planning/").content.decode()
    assert near.unplaced.user.last_name not in form
    response = client.post(
        "/planning/",
        {
            "region": world.vgr.pk,
            "trainees": [near.unplaced.pk],
            "start": "2027-01-01",
            "months": 18,
            "method": "greedy",
            "time_limit": 5,
        },
    )
    assert response.status_code == 200 and "trainees" in response.context["form"].errors


def test_the_planning_services_refuse_a_trainee_outside_the_scope(world, rings):
    from django.core.exceptions import PermissionDenied

    from scheduling import planning

    with pytest.raises(PermissionDenied):
        planning.start_run(
            region=world.vgr,
            by=world.users["studierektor"],
            trainees=[rings["near"].trainee],
            start=D(2027, 1, 1),
            months=18,
            method="greedy",
        )
    with pytest.raises(PermissionDenied):
        planning.accept_proposal(rings["near"].run, rings["near"].trainee, by=world.users["studierektor"])
