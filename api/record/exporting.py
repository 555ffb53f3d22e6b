"""Export: a BT-läkare's complete record into an archive (see docs/record-format.md)."""

from __future__ import annotations

import os
import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import Installation, RecordKey
from api.record import RecordError, archive, spec
from api.record.fields import concrete_fields, dump, m2m_fields


def installation_id() -> str:
    row = Installation.objects.order_by("pk").first() or Installation.objects.create()
    return str(row.uuid)


class _Refs:
    """The references of a record: people, units, assessors (matched on import, never copied)."""

    def __init__(self):
        self.people: dict[int, dict] = {}
        self.units: dict[int, dict] = {}
        self.assessors: dict[int, dict] = {}

    def person(self, user) -> str:
        if user.pk not in self.people:
            self.people[user.pk] = {f: getattr(user, f) for f in spec.REFERENCE_PERSON_FIELDS}
        return f"p{user.pk}"

    def unit(self, unit) -> str:
        if unit.pk not in self.units:
            self.units[unit.pk] = {}  # placeholder against cycles; filled below
            self.units[unit.pk] = {
                "name": unit.name,
                "hsa_id": unit.hsa_id,
                "kind": unit.kind,
                "category": unit.category,
                "region": unit.region.code,
                "parent": self.unit(unit.parent) if unit.parent_id else None,
            }
        return f"u{unit.pk}"

    def assessor(self, approved) -> str:
        if approved.pk not in self.assessors:
            self.assessors[approved.pk] = {}
            self.assessors[approved.pk] = _fields(approved, self, {})
        return f"a{approved.pk}"

    def as_json(self) -> dict:
        return {
            "people": {f"p{pk}": v for pk, v in self.people.items()},
            "units": {f"u{pk}": v for pk, v in self.units.items()},
            "assessors": {f"a{pk}": v for pk, v in self.assessors.items()},
        }


def _owned_key(field, pk, keys: dict) -> str:
    label = spec.label_of(field.related_model)
    try:
        return keys[(label, pk)]
    except KeyError:
        raise RecordError(
            _("%(field)s points outside the record (%(model)s %(pk)s).")
            % {"field": f"{spec.label_of(field.model)}.{field.name}", "model": label, "pk": pk}
        ) from None


def _reference(field, target, refs: _Refs, keys: dict):
    label = spec.label_of(field.related_model)
    if label in spec.OWNED_LABELS:
        return _owned_key(field, target.pk, keys)
    kind = spec.REFERENCES.get(label)
    if kind == "person":
        return refs.person(target)
    if kind == "unit":
        return refs.unit(target)
    if kind == "region":
        return target.code
    if kind == "goal":
        return [target.regulation, target.code]
    if kind == "assessor":
        return refs.assessor(target)
    raise RecordError(
        _("No rule carries %(field)s to %(model)s; add it to api.record.spec.")
        % {"field": f"{spec.label_of(field.model)}.{field.name}", "model": label}
    )


def _fields(obj, refs: _Refs, keys: dict, files: dict | None = None, exclude=frozenset()) -> dict:
    out = {}
    for field in concrete_fields(type(obj)):
        if field.name in exclude:
            continue
        if field.is_relation:
            pk = getattr(obj, field.attname)
            if pk is None:
                out[field.name] = None
            elif spec.label_of(field.related_model) in spec.OWNED_LABELS:
                out[field.name] = _owned_key(field, pk, keys)
            else:
                out[field.name] = _reference(field, getattr(obj, field.name), refs, keys)
        elif isinstance(field, models.FileField):
            out[field.name] = files[field.name] if files is not None and field.name in files else None
        else:
            out[field.name] = dump(field, obj)
    return out


def _keys_for(model, pks, here: str) -> dict:
    label = spec.label_of(model)
    known = dict(RecordKey.objects.filter(model=label, object_id__in=pks).values_list("object_id", "key"))
    return {(label, pk): known.get(pk, f"{here}:{label}:{pk}") for pk in pks}


def export_record(trainee, fileobj) -> dict:
    """Write the trainee's record as an archive into `fileobj`; returns the manifest's metadata."""
    here = installation_id()
    refs = _Refs()
    rows = []
    keys: dict = {}
    for model, path in spec.owned_models():
        qs = model._base_manager.filter(**{path: trainee.pk}).order_by("pk")
        objs = list(qs)
        keys.update(_keys_for(model, [o.pk for o in objs], here))
        rows.append((model, objs))

    meta = {
        "exported_at": timezone.now().isoformat(),
        "source": {"installation": here, "site_root": settings.SITE_ROOT},
        "trainee": keys[("trainees.trainee", trainee.pk)],
    }
    writer = archive.Writer(fileobj, meta=meta)
    objects = []
    for model, objs in rows:
        label = spec.label_of(model)
        for obj in objs:
            key = keys[(label, obj.pk)]
            files = {}
            for field in concrete_fields(model):
                if isinstance(field, models.FileField):
                    files[field.name] = _add_file(writer, label, obj, field)
            entry = {"model": label, "key": key, "fields": _fields(obj, refs, keys, files)}
            m2m = {
                f.name: [_reference(f, t, refs, keys) for t in getattr(obj, f.name).order_by("pk")]
                for f in m2m_fields(model)
            }
            if m2m:
                entry["m2m"] = m2m
            objects.append(entry)
    person = trainee.user
    record = {
        "format": archive.FORMAT,
        "format_version": archive.VERSION,
        "trainee": meta["trainee"],
        "person": {
            "ref": refs.person(person),
            "fields": {
                f.name: dump(f, person) for f in concrete_fields(type(person)) if f.name not in spec.PERSON_EXCLUDED
            },
        },
        "references": refs.as_json(),
        "objects": objects,
    }
    writer.add(archive.RECORD, archive.dumps(record))
    writer.close()
    return meta


def _add_file(writer, label: str, obj, field) -> str | None:
    stored = getattr(obj, field.name)
    if not stored:
        return None
    try:
        with stored.open("rb") as fh:
            data = fh.read()
    except (OSError, ValueError) as error:
        raise RecordError(
            _("The file of %(object)s is missing from storage (%(error)s).")
            % {"object": f"{label} {obj.pk}", "error": error}
        ) from error
    base = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(stored.name))[:100] or "file"
    name = f"files/{label.replace('.', '-')}/{obj.pk}-{base}"
    writer.add(name, data)
    return name
