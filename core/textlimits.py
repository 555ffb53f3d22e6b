"""Length limits of text in the database: every text column of BT-portalen's own models holds at most
what its field allows, whatever path the value takes (a form, a bulk update, raw SQL on PostgreSQL).

- a `CharField` (and its kinds: email, slug, URL) and a `FileField` (its stored name): its `max_length`.
  PostgreSQL enforces a varchar's length itself, SQLite ignores it;
- a `TextField`: `MAX_TEXT`, the same limit as a form's free text (`core.forms.harden`).

One mechanism for all of them: when a model class of one of the project's apps is prepared, a
`TextLength` check constraint per text field is added to its Meta constraints, so `makemigrations`
writes them into the app's migrations like any constraint of its own (and `makemigrations --check`
notices a new field without one). A constraint checks `LENGTH(column) <= limit` (characters on both
databases); a value over the limit is refused with `django.db.IntegrityError`.

Mind SQLite: adding a check constraint rebuilds the table there, which drops its triggers (the guard of
signed records, `core.immutable.DbGuard`); a migration that adds one to a guarded table re-creates them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.apps import apps as global_apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.migrations.operations.base import Operation
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.signals import class_prepared

#: The longest free text a `TextField` holds, and a form takes when its field names no limit (a long
#: reflection fits easily).
MAX_TEXT = 10_000

TEXT_FIELDS = (models.CharField, models.TextField, models.FileField)
for _kind in TEXT_FIELDS:
    # `field__length__lte=N` in the constraints (a registered lookup is inherited by subclasses).
    _kind.register_lookup(Length)


def limit_of(field) -> int | None:
    """The most characters the database holds in `field`'s column (None: not a text column of ours)."""
    if isinstance(field, models.TextField):
        return MAX_TEXT
    if isinstance(field, (models.CharField, models.FileField)):
        return field.max_length
    return None


def constraint_name(table: str, column: str) -> str:
    """`<table>_<column>_length`, unique among all models; shortened with a digest when it would pass
    PostgreSQL's 63 characters (where a cut name could meet another one of the same table)."""
    name = f"{table}_{column}_length"
    if len(name) <= 60:
        return name
    digest = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{name[:51]}_{digest}"


class TextLength(models.CheckConstraint):
    """`LENGTH(field) <= limit` in the database. Validating a model (a model form) checks the same in
    Python, as the field's own "at most N characters" error, without a query."""

    def __init__(self, *, field: str, limit: int, name: str, **kwargs):
        kwargs.pop("condition", None)
        super().__init__(condition=Q(**{f"{field}__length__lte": limit}), name=name, **kwargs)
        self.field, self.limit = field, limit

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        kwargs.pop("condition", None)
        kwargs.update(field=self.field, limit=self.limit)
        return "core.textlimits.TextLength", args, kwargs

    def __eq__(self, other):
        if isinstance(other, TextLength):
            return (self.name, self.field, self.limit) == (other.name, other.field, other.limit)
        return super().__eq__(other)

    def validate(self, model, instance, exclude=None, using=None):
        if exclude and self.field in exclude:
            return
        value = model._meta.get_field(self.field).value_from_object(instance)
        if value is None:
            return
        text = (value.name or "") if isinstance(value, models.fields.files.FieldFile) else str(value)
        try:
            MaxLengthValidator(self.limit)(text)
        except ValidationError as error:
            raise ValidationError({self.field: error}) from None


def is_project_model(model) -> bool:
    """A model of one of BT-portalen's own apps (a directory of the project, not an installed package), as
    the app registry has it (not a migration's historical model)."""
    if model._meta.apps is not global_apps or model._meta.abstract or model._meta.proxy:
        return False
    config = global_apps.get_containing_app_config(model.__module__)
    if config is None:
        return False
    path = Path(config.path).resolve()
    return path.is_relative_to(Path(settings.BASE_DIR).resolve()) and "site-packages" not in path.parts


def text_limits(model) -> list[TextLength]:
    """The length constraints of `model`'s own text columns."""
    found = []
    for field in model._meta.local_fields:
        limit = limit_of(field)
        if limit is not None:
            name = constraint_name(model._meta.db_table, field.column)
            found.append(TextLength(field=field.name, limit=limit, name=name))
    return found


def add_text_limits(sender, **kwargs) -> None:
    """On `class_prepared`: a project model gets its text limits among its Meta constraints (also in
    `original_attrs`, which is where the migrations' autodetector reads a model's options)."""
    if not is_project_model(sender):
        return
    meta = sender._meta
    have = {constraint.name for constraint in meta.constraints}
    extra = [constraint for constraint in text_limits(sender) if constraint.name not in have]
    if extra:
        # A new list: the old one may be shared with an abstract parent's Meta.
        meta.constraints = [*meta.constraints, *extra]
        meta.original_attrs["constraints"] = meta.constraints


class AddTextLimits(Operation):
    """Length constraints of many models of one app, added at once: what a list of `AddConstraint`s does,
    in one migration step (its state is the same). SQLite rebuilds each table once for all its
    constraints instead of once per constraint, and the migration state is copied once, not per
    constraint (350 `AddConstraint`s made a fresh database's migrations three times slower)."""

    reversible = True

    def __init__(self, constraints):
        #: [(model name, constraint)]
        self.constraints = list(constraints)

    def deconstruct(self):
        return self.__class__.__name__, [], {"constraints": self.constraints}

    def _by_model(self) -> dict[str, list]:
        found: dict[str, list] = {}
        for model_name, constraint in self.constraints:
            found.setdefault(model_name.lower(), []).append(constraint)
        return found

    def state_forwards(self, app_label, state):
        for model_name, constraints in self._by_model().items():
            options = state.models[app_label, model_name].options
            options["constraints"] = [*options.get("constraints", []), *constraints]
        state.reload_models([(app_label, model_name) for model_name in self._by_model()], delay=True)

    def _apply(self, app_label, schema_editor, state, change):
        for model_name, constraints in self._by_model().items():
            model = state.apps.get_model(app_label, model_name)
            if not self.allow_migrate_model(schema_editor.connection.alias, model):
                continue
            if schema_editor.connection.vendor == "sqlite":
                # SQLite adds (or drops) a check constraint by rebuilding the table as `model` has it: with
                # all of its constraints (forwards) or none of these (backwards), in one go.
                change(schema_editor)(model, constraints[0])
            else:
                for constraint in constraints:
                    change(schema_editor)(model, constraint)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._apply(app_label, schema_editor, to_state, lambda editor: editor.add_constraint)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._apply(app_label, schema_editor, to_state, lambda editor: editor.remove_constraint)

    def describe(self):
        return f"Add {len(self.constraints)} length limits of text columns"

    @property
    def migration_name_fragment(self):
        return "text_length_limits"


class_prepared.connect(add_text_limits, dispatch_uid="core.textlimits")
