"""Import: a portable record into this installation, in one transaction (nothing is written when
anything is refused), idempotent (a row already here, found by its key, is not made twice).

People and units are matched, not copied (docs/record-format.md, "Matching"): a person by
personnummer, then by email; a unit by HSA-id, then by its region and the names of its path.
Those not found are created as minimal records: a person without a password or a role (the BT
office grants roles; they log in after a password reset), a unit inactive with no BT capacity.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from simple_history.utils import get_history_manager_for_model

from accounts.models import ApprovedAssessor, Role, RoleAssignment, User
from api.models import RecordKey
from api.record import RecordError, archive, spec
from api.record.exporting import installation_id
from api.record.fields import concrete_fields, load, m2m_fields
from certificates.signatures import content_hash
from core.immutable import SignedRecord
from goals.models import Goal
from organisations.models import Region, Unit

CHANGE_REASON = "Imported from a portable record"


@dataclass
class ImportResult:
    trainee: object
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    people_created: list[str] = field(default_factory=list)
    units_created: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def import_record(fileobj, *, region: Region | None = None, home_unit: Unit | None = None, by=None) -> ImportResult:
    """Take in the archive in `fileobj`. `region`: the receiving region (default: the archive's);
    `home_unit`: the trainee's home unit there (needed when the region changes and the old home
    unit is not in the new region)."""
    arc = archive.open_archive(fileobj)
    _check(arc)
    saved: list[tuple[object, str]] = []
    try:
        with transaction.atomic():
            return _Importer(arc, region=region, home_unit=home_unit, by=by, saved=saved).run()
    except IntegrityError as error:
        _delete(saved)
        raise RecordError(
            _("The archive conflicts with a record here (%(error)s); nothing was imported.") % {"error": error}
        ) from error
    except BaseException:
        _delete(saved)
        raise


def _delete(saved) -> None:
    # Files are not transactional: those saved before a refusal are removed again.
    for storage, name in saved:
        storage.delete(name)


def _check(arc: archive.Archive) -> None:
    """The archive's structure and its signed content, before anything is written."""
    rec = arc.record
    if rec.get("format") != archive.FORMAT or rec.get("format_version") != archive.VERSION:
        raise RecordError(_("The record.json does not match the manifest's format."))
    refs = rec.get("references")
    person = rec.get("person")
    if not isinstance(refs, dict) or not isinstance(person, dict) or not isinstance(person.get("fields"), dict):
        raise RecordError(_("The record.json lacks its person or references."))
    unknown, keys = set(), set()
    for obj in rec["objects"]:
        label = obj.get("model") if isinstance(obj, dict) else None
        if (
            label not in spec.OWNED_LABELS
            or not isinstance(obj.get("key"), str)
            or not isinstance(obj.get("fields"), dict)
        ):
            raise RecordError(
                _("The record.json has an object this installation cannot take: %(model)s.") % {"model": label}
            )
        if obj["key"] in keys:
            raise RecordError(_("The record.json has the key %(key)s twice.") % {"key": obj["key"]})
        keys.add(obj["key"])
        model = spec.model(label)
        names = {f.name for f in concrete_fields(model)}
        unknown |= {f"{label}.{name}" for name in obj["fields"] if name not in names}
        unknown |= {f"{label}.{name}" for name in obj.get("m2m", {}) if name not in {f.name for f in m2m_fields(model)}}
    person_fields = {f.name for f in concrete_fields(User)} - spec.PERSON_EXCLUDED
    unknown |= {f"accounts.user.{name}" for name in person["fields"] if name not in person_fields}
    if unknown:
        # A newer installation's field: taking the rest would lose it.
        raise RecordError(
            _("The archive has fields this installation does not know (is it from a newer version?): %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    trainees = [o for o in rec["objects"] if o["model"] == "trainees.trainee"]
    if len(trainees) != 1 or trainees[0]["key"] != rec.get("trainee"):
        raise RecordError(_("The record.json must hold exactly one BT doctor."))
    for obj in rec["objects"]:
        f = obj["fields"]
        if obj["model"] == "certificates.issueddocument" and (
            not isinstance(f.get("file"), str) or archive.sha256(arc.read(f["file"])) != f.get("sha256")
        ):
            raise RecordError(
                _("The issued document %(code)s does not match its SHA-256: it was changed.") % {"code": f.get("code")}
            )
        if obj["model"] == "certificates.servicesignature" and content_hash(f.get("content")) != f.get(
            "content_sha256"
        ):
            raise RecordError(_("A signature of Bilaga 3 does not match the content it signed: it was changed."))


class _Importer:
    def __init__(self, arc, *, region, home_unit, by, saved):
        self.arc = arc
        self.rec = arc.record
        self.refs = self.rec["references"]
        self.region, self.home_unit, self.by, self.saved = region, home_unit, by, saved
        self.here = installation_id()
        self.local: dict[tuple[str, str], int] = {}
        self._people: dict[str, User] = {}
        self._units: dict[str, Unit] = {}
        self._assessors: dict[str, ApprovedAssessor] = {}
        self._regions: dict[str, Region] = {}
        self._goals: dict[tuple[str, str], Goal] = {}
        self.result = None
        self.sign_last: list[tuple[type, int, dict]] = []

    # -- references -------------------------------------------------------------------------

    def region_of(self, code) -> Region:
        if code not in self._regions:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise RecordError(_("The region with code %(code)s does not exist here.") % {"code": code})
            self._regions[code] = region
        return self._regions[code]

    def goal_of(self, value) -> Goal:
        key = tuple(value) if isinstance(value, list) and len(value) == 2 else None
        if key not in self._goals:
            goal = Goal.objects.filter(regulation=key[0], code=key[1]).first() if key else None
            if goal is None:
                raise RecordError(_("The goal (delmål) %(goal)s does not exist here.") % {"goal": value})
            self._goals[key] = goal
        return self._goals[key]

    def _ref(self, kind: str, ref: str) -> dict:
        data = self.refs.get(kind, {}).get(ref) if isinstance(ref, str) else None
        if not isinstance(data, dict):
            raise RecordError(_("The record.json refers to %(ref)s, which it does not describe.") % {"ref": ref})
        return data

    def unit_of(self, ref) -> Unit:
        if ref in self._units:
            return self._units[ref]
        data = self._ref("units", ref)
        region = self.region_of(data.get("region"))
        parent = self.unit_of(data["parent"]) if data.get("parent") else None
        unit = Unit.objects.filter(hsa_id=data["hsa_id"]).first() if data.get("hsa_id") else None
        if unit is None:
            unit = Unit.objects.filter(region=region, parent=parent, name=data.get("name")).first()
        if unit is None:
            unit = Unit(
                region=region,
                parent=parent,
                name=str(data.get("name", ""))[:160],
                kind=data.get("kind") or "annan",
                category=data.get("category") or "",
                hsa_id=data.get("hsa_id") or "",
                bt_capacity=0,
                active=False,
            )
            unit._history_user = self.by
            unit.save()
            self.result.units_created.append(str(unit))
        self._units[ref] = unit
        return unit

    def person_of(self, ref) -> User:
        if ref in self._people:
            return self._people[ref]
        data = self._ref("people", ref)
        own = ref == self.rec["person"].get("ref")
        pnr, email = data.get("personnummer") or "", (data.get("email") or "").strip().lower()
        user = User.objects.filter(personnummer=pnr).first() if pnr else None
        if user is None and email:
            user = User.objects.filter(email__iexact=email).first()
            if user is not None and pnr and user.personnummer and user.personnummer != pnr:
                raise RecordError(
                    _("%(email)s belongs to another person here (a different personnummer).") % {"email": email}
                )
        if user is None:
            if not email:
                raise RecordError(_("A person of the record has no email address."))
            user = User(
                email=email,
                personnummer=pnr,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            if own:
                for name, value in self.rec["person"]["fields"].items():
                    setattr(user, name, load(User._meta.get_field(name), value))
                user.email = email
            user.set_unusable_password()
            user._history_user = self.by
            user.save()
            self.result.people_created.append(user.email)
        elif own:
            # A person already here keeps their details; only what is blank is filled in.
            changed = []
            for name, value in self.rec["person"]["fields"].items():
                f = User._meta.get_field(name)
                if value not in (None, "") and getattr(user, f.attname) in (None, ""):
                    setattr(user, f.attname, load(f, value))
                    changed.append(f.attname)
            if changed:
                user.save(update_fields=changed)
        self._people[ref] = user
        return user

    def assessor_of(self, ref) -> ApprovedAssessor:
        if ref in self._assessors:
            return self._assessors[ref]
        data = self._ref("assessors", ref)
        values = self.values(ApprovedAssessor, data)
        approved = ApprovedAssessor.objects.filter(user=values["user"], region=values["region"]).first()
        if approved is None:
            approved = ApprovedAssessor(**values)
            approved._history_user = self.by
            approved.save()
        self._assessors[ref] = approved
        return approved

    def related(self, f, value):
        label = spec.label_of(f.related_model)
        if label in spec.OWNED_LABELS:
            if (label, value) not in self.local:
                raise RecordError(_("The record.json refers to %(key)s, which it does not hold.") % {"key": value})
            return f.related_model._base_manager.get(pk=self.local[(label, value)])
        kind = spec.REFERENCES.get(label)
        resolve = {
            "person": self.person_of,
            "unit": self.unit_of,
            "region": self.region_of,
            "goal": self.goal_of,
            "assessor": self.assessor_of,
        }.get(kind)
        if resolve is None:
            raise RecordError(_("This installation cannot carry %(field)s.") % {"field": f"{label}.{f.name}"})
        return resolve(value)

    def values(self, model, fields: dict) -> dict:
        out = {}
        for name, value in fields.items():
            f = model._meta.get_field(name)
            if isinstance(f, models.FileField):
                continue
            try:
                out[name] = (
                    None
                    if value is None and f.is_relation
                    else (self.related(f, value) if f.is_relation else load(f, value))
                )
            except ValidationError as error:
                raise RecordError(
                    _("The value of %(field)s is not valid: %(error)s")
                    % {"field": f"{spec.label_of(model)}.{name}", "error": " ".join(error.messages)}
                ) from error
        return out

    # -- rows of the record -----------------------------------------------------------------

    def native_pk(self, label: str, key: str) -> int | None:
        """The primary key here of a row that was made here (its key names this installation)."""
        prefix = f"{self.here}:{label}:"
        return int(key[len(prefix) :]) if key.startswith(prefix) and key[len(prefix) :].isdigit() else None

    def existing(self, model, key: str):
        label = spec.label_of(model)
        mapping = RecordKey.objects.filter(model=label, key=key).first()
        if mapping is not None:
            row = model._base_manager.filter(pk=mapping.object_id).first()
            if row is not None:
                return row
            mapping.delete()  # the row was deleted here since: it is made again
        pk = self.native_pk(label, key)
        return model._base_manager.filter(pk=pk).first() if pk is not None else None

    def run(self) -> ImportResult:
        by_model: dict[str, list] = {}
        for obj in self.rec["objects"]:
            by_model.setdefault(obj["model"], []).append(obj)
        for model, _path in spec.owned_models():
            for obj in by_model.get(spec.label_of(model), []):
                self.take(model, obj)
        for model, pk, fields in self.sign_last:
            model._base_manager.filter(pk=pk).update(**fields)
            if hasattr(model, "history"):  # the signing is a change history must see too
                get_history_manager_for_model(model).bulk_history_create(
                    [model._base_manager.get(pk=pk)],
                    update=True,
                    default_user=self.by,
                    default_change_reason=CHANGE_REASON,
                )
        trainee = self.result.trainee
        if not RoleAssignment.objects.filter(user=trainee.user, role=Role.BT_LAKARE).exists():
            RoleAssignment.objects.create(user=trainee.user, role=Role.BT_LAKARE)
        return self.result

    def take(self, model, obj) -> None:
        label, key = spec.label_of(model), obj["key"]
        if label == "trainees.trainee":
            self.result = ImportResult(trainee=None)
        values = self.values(model, obj["fields"])
        if label == "trainees.trainee":
            self.place(values)
        current = self.existing(model, key)
        if current is None and label == "trainees.trainee" and hasattr(values["user"], "trainee"):
            raise RecordError(
                _("%(person)s already has a BT record here that did not come from this archive.")
                % {"person": values["user"]}
            )
        if current is None:
            current = self.create(model, obj, values)
            self.result.created[label] += 1
        else:
            self.update(model, obj, current, values)
        self.local[(label, key)] = current.pk
        if label == "trainees.trainee":
            self.result.trainee = current

    def place(self, values: dict) -> None:
        """The receiving region and home unit (when the record moves to another region)."""
        region = self.region or values["region"]
        home = self.home_unit or values["home_unit"]
        if home.region_id != region.pk:
            raise RecordError(
                _("The home unit %(unit)s is not in %(region)s: choose a home unit in the receiving region.")
                % {"unit": home, "region": region}
            )
        values["region"], values["home_unit"] = region, home

    def m2m(self, model, obj) -> dict:
        return {
            f.name: [self.related(f, v) for v in obj.get("m2m", {}).get(f.name, [])]
            for f in m2m_fields(model)
            if f.name in obj.get("m2m", {})
        }

    def create(self, model, obj, values):
        label = spec.label_of(model)
        late = {name: values.pop(name) for name in spec.SIGN_LAST.get(label, ()) if values.get(name) is not None}
        row = model(**values)
        for f in concrete_fields(model):
            path = obj["fields"].get(f.name) if isinstance(f, models.FileField) else None
            if path:
                data = self.arc.read(path)
                name = f.storage.save(
                    f.generate_filename(row, os.path.basename(path).split("-", 1)[-1]), ContentFile(data)
                )
                self.saved.append((f.storage, name))
                setattr(row, f.attname, name)
        # raw: the values are the record's (auto_now_add dates included), as Django's loaddata saves.
        row.save_base(raw=True)
        if hasattr(model, "history"):
            get_history_manager_for_model(model).bulk_history_create(
                [row], default_user=self.by, default_change_reason=CHANGE_REASON
            )
        for name, targets in self.m2m(model, obj).items():
            getattr(row, name).set(targets)
        if row.pk != self.native_pk(label, obj["key"]):
            RecordKey.objects.create(model=label, object_id=row.pk, key=obj["key"])
        if late:
            self.sign_last.append((model, row.pk, late))
        return row

    def update(self, model, obj, row, values) -> None:
        label = spec.label_of(model)
        diffs = {
            name: value for name, value in values.items() if _value(model, name, row) != _value(model, name, value)
        }
        m2m = self.m2m(model, obj)
        m2m_diffs = {n: t for n, t in m2m.items() if {x.pk for x in getattr(row, n).all()} != {x.pk for x in t}}
        signed = isinstance(row, SignedRecord) and row.signed_in_database()
        if signed:
            if set(diffs) - model.updatable_when_signed or m2m_diffs:
                raise RecordError(
                    _("A signed %(model)s here differs from the one in the archive; nothing was imported.")
                    % {"model": model._meta.verbose_name}
                )
            if diffs:  # e.g. a revocation recorded after the first import
                model.objects.filter(pk=row.pk).update(**diffs)
        elif diffs or m2m_diffs:
            for name, value in diffs.items():
                setattr(row, name, value)
            row._history_user = self.by
            row._change_reason = CHANGE_REASON
            row.save()
            for name, targets in m2m_diffs.items():
                getattr(row, name).set(targets)
        (self.result.updated if diffs or m2m_diffs else self.result.unchanged)[label] += 1


def _value(model, name: str, row_or_value):
    """A field's value for comparison: relations by id, the rest as Python values (aware
    datetimes compare as instants, whatever their time zone)."""
    f = model._meta.get_field(name)
    if isinstance(row_or_value, model):
        return getattr(row_or_value, f.attname)
    return getattr(row_or_value, "pk", None) if f.is_relation else row_or_value
