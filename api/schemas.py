"""The shapes of the API's answers. Explicit fields (not whole models): what a client sees is a
decision, and a field another app adds to a model does not leak into the API by itself."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import BeforeValidator, Field

from trainees.models import TraineeStatus


def _iso_date(value):
    # Pydantic's lax mode would take "0" or 0 for 1970-01-01; a date here is YYYY-MM-DD, as documented.
    if isinstance(value, datetime.date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        return value
    raise ValueError("Enter a date as YYYY-MM-DD.")


#: A date in a query or a body: only YYYY-MM-DD.
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]


class Error(Schema):
    detail: str


class ValidationErrorItem(Schema):
    model_config = {"extra": "allow"}
    type: str | None = None
    loc: list[str | int] = []
    msg: str = ""


class ValidationErrors(Schema):
    detail: list[ValidationErrorItem]


#: The errors every authenticated endpoint may answer with. 400: a request that holds a NUL character or an
#: oversized field, in its address or its body, is refused before it reaches the API (core.middleware), and a
#: body that is not JSON is refused by the API.
ERRORS = {400: Error, 401: Error, 403: Error, 422: ValidationErrors}
#: … and those that fetch one object.
OBJECT_ERRORS = ERRORS | {404: Error}
#: … and those that take a body.
BODY_ERRORS = OBJECT_ERRORS


class RegionOut(Schema):
    id: int
    code: str
    slug: str
    name: str
    programme: str


class UnitRef(Schema):
    id: int
    name: str
    hsa_id: str


class UnitOut(Schema):
    id: int
    name: str
    region: str = Field(description="The region's short name (slug).")
    parent_id: int | None
    kind: str
    category: str
    bt_capacity: int
    hsa_id: str
    active: bool

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.slug


class PersonRef(Schema):
    id: int
    name: str
    email: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.get_full_name() or obj.email


class TraineeOut(Schema):
    id: int
    name: str
    email: str
    personnummer: str = Field(description="Masked, as on the pages (the birth date and four stars).")
    region: str = Field(description="The region's short name (slug).")
    home_unit: UnitRef
    bt_type: str
    st_specialty: str
    programme: str
    status: str
    status_since: datetime.date | None
    planned_start: datetime.date
    bt_end: datetime.date | None
    licence_date: datetime.date | None
    main_supervisor: PersonRef | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.user.get_full_name() or obj.user.email

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.user.email

    @staticmethod
    def resolve_personnummer(obj) -> str:
        return obj.user.personnummer_masked

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.slug


class TraineeDetail(TraineeOut):
    degree_country: str
    degree_date: datetime.date | None
    plan_version: int


class PlacementOut(Schema):
    id: int
    trainee_id: int
    category: str
    unit: UnitRef | None
    start: datetime.date
    end: datetime.date
    extent: int = Field(description="Percent of full time.")
    supervisor: PersonRef | None
    note: str


class LeaveOut(Schema):
    id: int
    kind: str
    start: datetime.date
    end: datetime.date
    note: str


class CreditOut(Schema):
    id: int
    category: str
    kind: str
    months: Decimal = Field(description="Full-time months credited.")
    note: str


class FindingOut(Schema):
    severity: str
    code: str
    message: str
    subject: str


class PlanCheckOut(Schema):
    valid: bool
    full_time_months: float
    findings: list[FindingOut]


class PlanOut(Schema):
    trainee_id: int
    plan_version: int
    placements: list[PlacementOut]
    leave: list[LeaveOut]
    credits: list[CreditOut]
    check: PlanCheckOut


class StatusChangeIn(Schema):
    to: Literal[tuple(TraineeStatus.values)]
    on: IsoDate
    reason: str = Field("", max_length=2000)


class AddendumOut(Schema):
    author_name: str
    text: str
    created_at: datetime.datetime


class AssessmentOut(Schema):
    id: int
    trainee_id: int
    instrument: str
    instrument_name: str
    placement_id: int | None
    goals: list[str] = Field(description="Delmål codes, e.g. BT1.")
    performed_on: datetime.date
    assessor_name: str
    ratings: dict[str, int | None]
    overall: int | None
    strengths: str
    development: str
    comments: str
    details: dict[str, str | int | float | bool | None]
    signed_at: datetime.datetime | None
    sign_method: str
    addenda: list[AddendumOut]

    @staticmethod
    def resolve_goals(obj) -> list[str]:
        return [g.code for g in obj.goals.all()]

    @staticmethod
    def resolve_addenda(obj) -> list:
        return list(obj.addenda.all())


class IssuedDocumentOut(Schema):
    id: int
    trainee_id: int
    kind: str
    code: str = Field(description="The verification code (check it at /verify/<code>/).")
    sha256: str
    subject_name: str
    issued_at: datetime.datetime
    valid: bool
    revoked_at: datetime.datetime | None
    revoked_reason: str


class VerificationOut(Schema):
    state: str = Field(description="valid, revoked, tampered, unknown or malformed.")
    kind: str | None = None
    subject_name: str | None = None
    issued_at: datetime.datetime | None = None


class RequirementOut(Schema):
    text: str
    met: bool
    evidence: str
    severity: str


class GoalStateOut(Schema):
    code: str
    state: str


class FinalAssessmentOut(Schema):
    main_verdict: bool | None
    main_signed_at: datetime.datetime | None
    external_verdict: bool | None
    external_signed_at: datetime.datetime | None
    complete: bool
    approved: bool


class ReadinessOut(Schema):
    trainee_id: int
    ready: bool
    may_start: bool
    error_count: int
    requirements: list[RequirementOut]
    goals: list[GoalStateOut]
    final_assessment: FinalAssessmentOut | None


class CountOut(Schema):
    value: int | None = Field(description="Null when suppressed (fewer than the threshold, or hidden to protect one).")
    suppressed: bool


class RegionRef(Schema):
    code: str
    slug: str
    name: str


class FiguresOut(Schema):
    region: RegionRef | None = Field(description="Null for the national figures.")
    trainees: CountOut
    by_type: dict[str, CountOut]
    by_status: dict[str, CountOut]
    completed_within_12_months: CountOut
    completed_later: CountOut
    share_completed_within_12_months: float | None
    median_months_to_completion: float | None
    placements: CountOut
    placements_by_category: dict[str, CountOut]


class NationalStatisticsOut(Schema):
    date: datetime.date
    threshold: int = Field(description="Counts below this are suppressed.")
    national: FiguresOut
    regions: list[FiguresOut]
