"""A BT-läkare's history: who changed what and when, old → new, across everything of theirs.

Two kinds of source:
- the history tables of django-simple-history: every model with history that belongs to the
  trainee (its `trainee` field, or through one relation that has one: an IUP's goal plans), found
  from the models themselves, so a model given history later appears here without a change; the
  trainee and their person too. Each row is compared with the row before it of the same record;
- records that are their own history because they never change: signed assessments (the signer's
  name and address, and how they signed: login or PIN), addenda and the trainee's comments, status
  changes, signatures of completed service, issued and revoked certificates.

The page reads a fixed number of queries per source, whatever the length of the history.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from trainees.models import Trainee

HIDDEN_FIELDS = {"id", "version", "token_hash", "pin_hash", "password", "created_at", "updated_at", "path"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Event:
    when: datetime.datetime
    who: str
    what: str  # the record: "Placement: Akut sjukvård 2026-11-01–2027-01-31"
    action: str  # created, changed, deleted, signed, issued, revoked …
    changes: list[Change] = field(default_factory=list)
    note: str = ""


def _person(user) -> str:
    if user is None:
        return ""
    name = user.get_full_name()
    return f"{name} <{user.email}>" if name else user.email


def history_models() -> list[tuple[type[models.Model], str]]:
    """(model, the path from it to the trainee's id) for every model with history that belongs
    to a trainee: directly, or through one relation."""
    found = []
    for model in apps.get_models():
        manager = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager != "history" or model is Trainee:
            continue
        fields = {f.name: f for f in model._meta.fields}
        if isinstance(fields.get("trainee"), models.ForeignKey | models.OneToOneField):
            found.append((model, "trainee_id"))
            continue
        for f in fields.values():
            if f.is_relation and f.related_model is not None and f.related_model is not Trainee:
                parent = {g.name: g for g in f.related_model._meta.fields}.get("trainee")
                if parent is not None and parent.related_model is Trainee:
                    found.append((model, f"{f.attname}__in"))  # resolved with the parents' ids
                    break
    return found


class _Labels:
    """Shows a stored value as a person reads it: choices by label, related rows by name (looked
    up in one query per related model), dates as dates."""

    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.names: dict[tuple[type, object], str] = {}

    def want(self, f, value):
        if f.is_relation and value is not None:
            self.wanted[f.related_model].add(value)

    def fetch(self):
        for model, ids in self.wanted.items():
            rows = model._base_manager.filter(pk__in=ids)
            for row in rows:
                self.names[(model, row.pk)] = _person(row) if hasattr(row, "get_full_name") else str(row)

    def show(self, f, value) -> str:
        if value is None or value == "":
            return "—"
        if f.is_relation:
            return self.names.get((f.related_model, value), f"#{value}")
        if f.name == "instrument":
            from assessments.instruments import name_of

            return str(name_of(value))
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, datetime.datetime):
            return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)


def _record_events(model, records, labels: _Labels, what_prefix: str) -> list[tuple]:
    """Compare each historical row with the one before it of the same record."""
    tracked = [f for f in model._meta.fields if f.name not in HIDDEN_FIELDS]
    previous: dict[object, object] = {}
    pending = []
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        changes = []
        for f in tracked:
            new = getattr(record, f.attname, None)
            old = getattr(before, f.attname, None) if before is not None else None
            if record.history_type == "-" or (before is not None and old == new):
                continue
            if before is None and new in (None, "", {}, []):
                continue
            labels.want(f, old)
            labels.want(f, new)
            changes.append((f, old, new))
        previous[record.id] = record
        if record.history_type == "~" and not changes:
            continue  # saved without a change
        pending.append((record, changes))
    return [(model, what_prefix, record, changes) for record, changes in pending]


def trainee_history(trainee: Trainee) -> list[Event]:
    """Every event of the trainee's history, newest first."""
    from assessments.models import Addendum, Assessment, TraineeComment
    from certificates.models import IssuedDocument, ServiceSignature

    labels = _Labels()
    raw = []
    sources = [
        (Trainee, Trainee.history.filter(id=trainee.pk)),
        (type(trainee.user), type(trainee.user).history.filter(id=trainee.user_id)),
    ]
    for model, path in history_models():
        history = model.history.select_related("history_user")
        if path.endswith("__in"):
            parent_field = model._meta.get_field(path.split("__")[0].removesuffix("_id"))
            parents = parent_field.related_model._base_manager.filter(trainee=trainee).values("pk")
            sources.append((model, history.filter(**{path: parents})))
        else:
            sources.append((model, history.filter(**{path: trainee.pk})))
    for model, records in sources:
        raw += _record_events(model, list(records.select_related("history_user")), labels, model._meta.verbose_name)
    labels.fetch()

    events = []
    for model, prefix, record, changes in raw:
        reason = record.history_change_reason or ""
        person = _person(record.history_user)
        events.append(
            Event(
                when=record.history_date,
                # A PIN signer has no account: the signing records their name and address as the reason.
                who=person or reason or _("the system"),
                what=f"{str(prefix).capitalize()}: "
                + (str(trainee) if model in (Trainee, type(trainee.user)) else _describe(model, record)),
                action=_action_label(record.history_type),
                changes=[
                    Change(str(f.verbose_name), labels.show(f, old), labels.show(f, new)) for f, old, new in changes
                ],
                note=reason if person else "",
            )
        )

    for change in trainee.status_changes.select_related("changed_by"):
        events.append(
            Event(
                when=change.created_at,
                who=_person(change.changed_by) or _("the system"),
                what=_("Status"),
                action=_("changed"),
                changes=[Change(_("status"), change.get_from_status_display(), change.get_to_status_display())],
                note=change.reason,
            )
        )
    for a in Assessment.objects.filter(trainee=trainee, signed_at__isnull=False):
        method = _("with the emailed PIN, without logging in") if a.sign_method == "pin" else _("logged in")
        events.append(
            Event(
                when=a.signed_at,
                who=f"{a.assessor_name} <{a.assessor_email}>" if a.assessor_email else a.assessor_name,
                what=f"{_('Assessment')}: {a.instrument_name} {a.performed_on:%Y-%m-%d}",
                action=_("signed"),
                note=method,
            )
        )
    for add in Addendum.objects.filter(assessment__trainee=trainee).select_related("assessment", "author"):
        events.append(
            Event(
                add.created_at,
                _person(add.author) or add.author_name,
                f"{_('Addendum')}: {add.assessment.instrument_name}",
                _("added"),
                note=add.text,
            )
        )
    for c in TraineeComment.objects.filter(assessment__trainee=trainee).select_related("assessment", "author"):
        events.append(
            Event(
                c.created_at,
                _person(c.author),
                f"{_('Comment')}: {c.assessment.instrument_name}",
                _("added"),
                note=c.text,
            )
        )
    for s in ServiceSignature.objects.filter(trainee=trainee).select_related("signed_by"):
        events.append(
            Event(s.signed_at, _person(s.signed_by), _("Signature of completed service (Bilaga 3)"), _("signed"))
        )
    for doc in IssuedDocument.objects.filter(trainee=trainee).select_related("issued_by", "revoked_by"):
        events.append(
            Event(doc.issued_at, _person(doc.issued_by), f"{doc.get_kind_display()} ({doc.code})", _("issued"))
        )
        if doc.revoked_at:
            events.append(
                Event(
                    doc.revoked_at,
                    _person(doc.revoked_by),
                    f"{doc.get_kind_display()} ({doc.code})",
                    _("revoked"),
                    note=doc.revoked_reason,
                )
            )
    events.sort(key=lambda e: e.when, reverse=True)
    return events


def _describe(model, record) -> str:
    """A short name of the record from its own columns (no query per row)."""
    parts = []
    if getattr(record, "instrument", None):
        from assessments.instruments import name_of

        parts.append(str(name_of(record.instrument)))
    for name in ("kind", "category"):
        f = {g.name: g for g in model._meta.fields}.get(name)
        if f is not None and f.choices and getattr(record, name, None):
            parts.append(str(dict(f.flatchoices).get(getattr(record, name), getattr(record, name))))
    for name in ("name", "title", "country", "assessor_name"):
        if getattr(record, name, None):
            parts.append(str(getattr(record, name)))
    start, end = getattr(record, "start", None), getattr(record, "end", None)
    if isinstance(start, datetime.date):
        parts.append(f"{start:%Y-%m-%d}–{end:%Y-%m-%d}" if isinstance(end, datetime.date) else f"{start:%Y-%m-%d}")
    return " ".join(parts) or f"#{record.id}"


def _action_label(history_type: str) -> str:
    return {"+": _("created"), "~": _("changed"), "-": _("deleted")}.get(history_type, history_type)
