"""The version of a BT-läkare's record: a number that changes with every audited change of it.

The audit trail is the one source. Every model with `HistoricalRecords` writes a historical row
for each save and delete, and `simple_history` announces it (`post_create_historical_record`);
the receiver here maps the changed row to the BT-läkare whose record it belongs to and bumps
their version in the same transaction (a rolled-back change leaves the version as it was). What
is cached or stored per BT-läkare (a home page, the cohort dashboard's facts in
`reports.models.TraineeFacts`) is fresh exactly while it carries the current version.

Public API:

* `bump(*trainee_ids)` — an upsert adding 1 for each BT-läkare (one `executemany`). Called by the receiver;
  call it yourself after writing history with `bulk_history_create` (which announces nothing) for
  rows not saved raw (raw saves, as loaddata and the record import make them, are bumped by a
  receiver of their own), or after a bulk `update()` of a record's rows.
* `one_bump()` — a context manager, inside a workflow's transaction: the bumps of the rows it changes are
  made once per BT-läkare at its end.
* `current(trainee_ids) -> dict[int, int]` — the version of each (0 for one never changed since the
  table exists: a BT-läkare made by a bulk insert, e.g. `generate_scale`). One query. Given a
  queryset of ids (a subquery), only those with a row are in the dict: read it with `.get(pk, 0)`.
* `of_person(user_id) -> (id, version) | None` — the person's own record and its version, one light query
  (a home page reads it on every visit).
* `trainees_of(instance) -> set[int]` — whose record a changed row belongs to (empty when it is
  no BT-läkare's record).

How a row is mapped (`trainees_of`), decided once per model from its fields:
* the BT-läkare itself; any foreign key to `Trainee` (`trainee`, `admitted_trainee`, ...);
* one hop further: a foreign key to a model that has one (`placement`, `request`, `activity`,
  `assessment`, `iup`, `application`, `assignment`) — read with one light query when not loaded;
* a person (`accounts.User`): the BT-läkare who is that person;
* a supervisor's profile: every BT-läkare they supervise (their qualifications are judged in
  those plans).
Models that are no BT-läkare's record are listed in `NOT_A_TRAINEE_RECORD`; a test fails for a
history-tracked model that is neither mapped nor listed, so a new model cannot be forgotten.

The table has no history of its own (no recursion) and no foreign-key constraint: bumps made
while a BT-läkare is deleted (their placements are deleted first, each bumping) must not stop the
delete, and the row outliving the BT-läkare is harmless (a reused id gets a bump at creation).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import cache

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.dispatch import receiver
from django.utils import timezone
from simple_history.signals import post_create_historical_record

#: History-tracked models that are no BT-läkare's record (organisation, staff, quality reviews,
#: intake before admission). Their changes bump no version.
NOT_A_TRAINEE_RECORD = frozenset(
    {
        "accounts.approvedassessor",
        "accounts.roleassignment",
        "organisations.unit",
        "intake.round",
        "intake.position",
        "quality.catalogue",
        "quality.area",
        "quality.statement",
        "quality.review",
        "quality.reviewerassignment",
        "quality.surveylink",
        "quality.steeringdocument",
        "quality.visitnote",
        "quality.areafinding",
        "quality.statementfinding",
    }
)


def _trainee_model():
    return apps.get_model("trainees", "Trainee")


def _direct(model) -> list[str]:
    """The attnames of `model`'s foreign keys to Trainee."""
    trainee = _trainee_model()
    return [
        f.attname
        for f in model._meta.concrete_fields
        if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is trainee
    ]


@cache
def paths(model) -> tuple:
    """How a row of `model` leads to BT-läkare: ("self",), ("user",), ("supervisor",), or the
    attnames of foreign keys to Trainee, and (field, attnames) pairs one hop away. Empty: unmapped."""
    model = model._meta.concrete_model
    label = model._meta.label_lower
    if label == "trainees.trainee":
        return ("self",)
    if label == "accounts.user":
        return ("user",)
    if label == "accounts.supervisorprofile":
        return ("supervisor",)
    direct = _direct(model)
    if direct:
        return tuple(direct)
    hops = []
    for f in model._meta.concrete_fields:
        if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is not None:
            further = _direct(f.related_model)
            if further:
                hops.append((f, tuple(further)))
    return tuple(hops)


def trainees_of(instance) -> set[int]:
    """The ids of the BT-läkare whose record `instance` belongs to."""
    found: set[int] = set()
    for path in paths(type(instance)):
        if path == "self":
            found.add(instance.pk)
        elif path == "user":
            found.update(_trainee_model().objects.filter(user_id=instance.pk).values_list("pk", flat=True))
        elif path == "supervisor":
            user = instance.user_id
            found.update(
                _trainee_model()
                .objects.filter(Q(main_supervisor_id=user) | Q(placements__supervisor_id=user))
                .values_list("pk", flat=True)
                .distinct()
                .order_by()
            )
        elif isinstance(path, str):
            found.add(getattr(instance, path))
        else:
            field, attnames = path
            key = getattr(instance, field.attname)
            if key is None:
                continue
            if field.is_cached(instance):
                related = getattr(instance, field.name)
                found.update(getattr(related, a) for a in attnames)
            else:
                for row in field.related_model._base_manager.filter(pk=key).values_list(*attnames):
                    found.update(row)
    found.discard(None)
    return found


#: The BT-läkare whose bumps `one_bump` gathers in this thread (None: bump at once).
_gathered = threading.local()


def bump(*trainee_ids: int) -> None:
    """Add 1 to the version of each BT-läkare (a row made at 1 for one who has none)."""
    from trainees.models import TraineeRecordVersion

    gathered = getattr(_gathered, "ids", None)
    if gathered is not None:
        gathered.update(trainee_ids)
        return

    table = connection.ops.quote_name(TraineeRecordVersion._meta.db_table)
    now = timezone.now()
    ids = sorted(set(trainee_ids))  # always the same order: no deadlock between two bumps
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (trainee_id, version, changed_at) VALUES (%s, 1, %s) "
            f"ON CONFLICT (trainee_id) DO UPDATE SET version = {table}.version + 1, "
            "changed_at = excluded.changed_at",
            [[pk, now] for pk in ids],
        )


@contextmanager
def one_bump():
    """Within it, the bumps of the records changed are gathered and made once, at the end, one per
    BT-läkare, instead of one per changed row: for a workflow that changes several rows of a record in one
    transaction (a signing writes the assessment and the request's history). Use it directly inside the
    workflow's `transaction.atomic`, so that the bump is in the same transaction, after the last change;
    when an exception leaves it, nothing is bumped: the atomic around rolls the changes back. Nested, the
    outermost one bumps."""
    if getattr(_gathered, "ids", None) is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("one_bump() belongs inside transaction.atomic")
    _gathered.ids = set()
    try:
        yield
        ids = _gathered.ids
    finally:
        _gathered.ids = None
    bump(*ids)


def version_of(pk="pk"):
    """An expression: the record version of the BT-läkare whose id is the outer query's `pk` field (0 when
    never bumped), for annotating or aggregating a queryset."""
    from trainees.models import TraineeRecordVersion

    found = TraineeRecordVersion.objects.filter(trainee_id=OuterRef(pk)).values("version")[:1]
    return Coalesce(Subquery(found), Value(0))


def current(trainee_ids) -> dict[int, int]:
    """trainee id → version, for each of `trainee_ids` (a list or a queryset of ids); 0 when never bumped."""
    from trainees.models import TraineeRecordVersion

    if isinstance(trainee_ids, models.QuerySet):  # a subquery: only those with a row (read with .get(pk, 0))
        return dict(
            TraineeRecordVersion.objects.filter(trainee_id__in=trainee_ids).values_list("trainee_id", "version")
        )
    ids = list(trainee_ids)
    got = dict(TraineeRecordVersion.objects.filter(trainee_id__in=ids).values_list("trainee_id", "version"))
    return {pk: got.get(pk, 0) for pk in ids}


def totals_statement(ids_sql: str, params: tuple, using=connection) -> tuple[str, tuple]:
    """(sql, params) of one row: how many BT-läkare the statement `ids_sql` (with `params`) selects the ids
    of, the sum of their record versions (0 for one never bumped) and the sum of their ids (NULL for none).
    In plain SQL around the given statement, so that a caller can keep it (trainees.caching.fingerprint)."""
    from trainees.models import Trainee, TraineeRecordVersion

    trainees = using.ops.quote_name(Trainee._meta.db_table)
    table = using.ops.quote_name(TraineeRecordVersion._meta.db_table)
    sql = (
        f"SELECT COUNT(t.id), COALESCE(SUM(COALESCE(v.version, 0)), 0), SUM(t.id) FROM {trainees} t "
        f"LEFT JOIN {table} v ON v.trainee_id = t.id WHERE t.id IN ({ids_sql})"
    )
    return sql, params


def of_person(user_id: int) -> tuple[int, int] | None:
    """(id, version) of the BT-läkare who is the person `user_id` (version 0 when never bumped), or None when
    they are none. One query in plain SQL: it is read on every visit of a home page (btportal.home), where
    compiling the ORM's query costs more than running it."""
    from trainees.models import Trainee, TraineeRecordVersion

    trainees = connection.ops.quote_name(Trainee._meta.db_table)
    table = connection.ops.quote_name(TraineeRecordVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, COALESCE(v.version, 0) FROM {trainees} t LEFT JOIN {table} v ON v.trainee_id = t.id "
            "WHERE t.user_id = %s",
            [user_id],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def _bump_for(instance) -> None:
    try:
        ids = trainees_of(instance)
    except ObjectDoesNotExist:  # a parent deleted in the same cascade: its own row bumps
        return
    if ids:
        bump(*ids)


def _tracked(model) -> bool:
    """Whether simple-history keeps `model`'s history (each ordinary change then announces itself)."""
    return hasattr(model._meta, "simple_history_manager_attribute")


#: Rows kept about a BT-läkare that are derived from the record or serve it, not part of it: their
#: saves bump nothing (the cohort facts are stored *because* of a version; a bump would make them stale).
DERIVED = frozenset({"trainees.traineerecordversion", "reports.traineefacts", "notifications.calendarfeed"})


@cache
def _record_row(model) -> bool:
    """Whether rows of `model` belong to a BT-läkare's record (by `paths`; not derived, not history)."""
    concrete = model._meta.concrete_model
    if concrete._meta.label_lower in DERIVED or concrete.__name__.startswith("Historical"):
        return False
    return bool(paths(concrete))


@receiver(post_create_historical_record, dispatch_uid="trainees.versions.bump")
def _on_history(sender, instance, history_instance, **kwargs):
    _bump_for(instance)


@receiver(models.signals.post_save, dispatch_uid="trainees.versions.bump_save")
def _on_save(sender, instance, raw=False, **kwargs):
    """The saves history does not announce: a raw save (loaddata, the record import of `api.record`,
    whose history comes after from `bulk_history_create`), and every save of a record row without
    history of its own (an assessment, an addendum, a comment, an issued document, a status change:
    the row is its own audit)."""
    if (raw or not _tracked(sender)) and _record_row(sender):
        _bump_for(instance)


@receiver(models.signals.post_delete, dispatch_uid="trainees.versions.bump_delete")
def _on_delete(sender, instance, **kwargs):
    """The deletes of record rows without history of their own (a tracked row's delete is announced)."""
    if not _tracked(sender) and _record_row(sender):
        _bump_for(instance)
