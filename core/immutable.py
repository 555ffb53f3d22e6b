"""The guard for signed records: once a row is signed, nothing about it may change.

A model mixes in `SignedRecord` and says which rows are signed (`signed_rows`, a filter on the
model; None: every stored row, for records that are signed when they are made) and what to
say. Then `save()` and `delete()` refuse a row that is signed *in the database* (what the
instance in memory says does not count), and `objects = SignedQuerySet.as_manager()` makes bulk
`update()` and `delete()` refuse to touch a signed row as well. The refusal is a translated
`ValidationError`.

    class Assessment(SignedRecord, models.Model):
        signed_rows = Q(signed_at__isnull=False)
        refuse_change = _("A signed assessment cannot be changed; add an addendum instead.")
        refuse_delete = _("A signed assessment cannot be deleted.")
        objects = SignedQuerySet.as_manager()
"""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SignedRecord:
    """Mixin for a model (before `models.Model` in the bases) whose signed rows never change."""

    #: The signed rows, as a filter on the model; None: every stored row.
    signed_rows: Q | None = None
    #: Fields a bulk `update()` may still set on signed rows (e.g. the revocation of a document).
    updatable_when_signed: frozenset[str] = frozenset()
    refuse_change = _("A signed record cannot be changed.")
    refuse_delete = _("A signed record cannot be deleted.")

    def signed_in_database(self) -> bool:
        """Is this row, as stored, signed? (An unsaved row is not.) Override it when a new row
        can already belong to a signing, e.g. a judgement under a signed final assessment."""
        if self.pk is None:
            return False
        rows = type(self)._base_manager.filter(pk=self.pk)
        if self.signed_rows is not None:
            rows = rows.filter(self.signed_rows)
        return rows.exists()

    def save(self, *args, **kwargs):
        if self.signed_in_database():
            raise ValidationError(self.refuse_change)
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.signed_in_database():
            raise ValidationError(self.refuse_delete)
        return super().delete(*args, **kwargs)


class SignedQuerySet(models.QuerySet):
    """Bulk changes of a `SignedRecord` model: `update()` and `delete()` refuse when one of the
    rows they would touch is signed."""

    def _touches_signed(self) -> bool:
        signed = self.model.signed_rows
        return (self.filter(signed) if signed is not None else self).exists()

    def update(self, **kwargs):
        if set(kwargs) - self.model.updatable_when_signed and self._touches_signed():
            raise ValidationError(self.model.refuse_change)
        return super().update(**kwargs)

    def delete(self):
        if self._touches_signed():
            raise ValidationError(self.model.refuse_delete)
        return super().delete()


# ---------------------------------------------------------------------------
# The same guard in the database: triggers (SQLite and PostgreSQL), created by migrations
# ---------------------------------------------------------------------------
#
# The mixin above stops the ORM's ordinary paths; the triggers stop everything else: the base
# manager's `update()`, a many-to-many `clear()`, raw SQL, another program on the database. A
# refused change raises `django.db.IntegrityError` (SQLite: RAISE(ABORT); PostgreSQL: SQLSTATE
# 23001 restrict_violation). A migration adds them with
#
#     migrations.RunPython(DbGuard(...).create, DbGuard(...).drop)
#
# Conditions are SQL on OLD (and NEW for an insert) that both databases understand; `changed`
# columns are compared with IS NOT / IS DISTINCT FROM, so NULLs count as values.
#
# Mind SQLite: a migration that alters a guarded table there may rebuild it (copy, drop, rename),
# which drops its triggers; such a migration must run the guard's `create` again afterwards.
# core/tests/test_signed_in_database.py checks that every trigger is there after all migrations.


class DbGuard:
    """Triggers that refuse changes to signed rows of one table.

    - `update_when`: pairs (condition on OLD, columns): an UPDATE is refused when the condition
      holds and one of the columns changes (columns None: any update at all);
    - `delete_when`: a DELETE is refused when this condition on OLD holds;
    - `insert_when`: an INSERT is refused when this condition on NEW holds (for a link table:
      no goal is added to a signed assessment).
    """

    def __init__(self, table, *, name, message, update_when=(), delete_when=None, insert_when=None):
        self.table, self.name, self.message = table, name, message.replace("'", "")
        self.update_when, self.delete_when, self.insert_when = list(update_when), delete_when, insert_when

    def _update_condition(self, vendor: str) -> str | None:
        differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
        parts = []
        for condition, columns in self.update_when:
            if columns is None:
                parts.append(f"({condition})")
            else:
                changed = " OR ".join(f'NEW."{c}" {differs} OLD."{c}"' for c in columns)
                parts.append(f"(({condition}) AND ({changed}))")
        return " OR ".join(parts) or None

    def _conditions(self, vendor: str) -> dict[str, str]:
        found = {"UPDATE": self._update_condition(vendor), "DELETE": self.delete_when, "INSERT": self.insert_when}
        return {op: condition for op, condition in found.items() if condition}

    def create(self, apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        conditions = self._conditions(vendor)
        if vendor == "sqlite":
            for op, condition in conditions.items():
                schema_editor.execute(
                    f'CREATE TRIGGER "{self.name}_{op.lower()}" BEFORE {op} ON "{self.table}" FOR EACH ROW '
                    f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{self.message}'); END"
                )
        elif vendor == "postgresql":
            # OLD is not assigned in an INSERT trigger (nor NEW in a DELETE one): each branch is
            # evaluated only for its own operation, so the IFs are nested by TG_OP.
            branches = "".join(
                f"IF TG_OP = '{op}' THEN IF {condition} THEN "
                f"RAISE EXCEPTION '{self.message}' USING ERRCODE = 'restrict_violation'; END IF; END IF; "
                for op, condition in conditions.items()
            )
            schema_editor.execute(
                f'CREATE OR REPLACE FUNCTION "{self.name}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
                f"{branches}IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
            )
            schema_editor.execute(
                f'CREATE TRIGGER "{self.name}" BEFORE {" OR ".join(conditions)} ON "{self.table}" '
                f'FOR EACH ROW EXECUTE FUNCTION "{self.name}"()'
            )
        else:  # pragma: no cover - the project runs on these two
            raise NotImplementedError(vendor)

    def drop(self, apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            for op in self._conditions(vendor):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{self.name}_{op.lower()}"')
        elif vendor == "postgresql":
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{self.name}" ON "{self.table}"')
            schema_editor.execute(f'DROP FUNCTION IF EXISTS "{self.name}"()')


@contextmanager
def guards_lifted(connection):
    """Empty a whole SQLite database past the triggers (Django's `flush`, which the test runner
    uses between transactional tests, deletes row by row there): the triggers are dropped and
    made again as they were. PostgreSQL's flush truncates, which row triggers do not see."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%guard%'")
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, sql in triggers:
                cursor.execute(sql)


def guards_kept(guards: list[DbGuard], operations: list) -> list:
    """`operations` of a migration that rebuild guarded tables on SQLite (adding a check constraint does),
    with the guards' triggers dropped before and made again after: a rebuild drops a table's own triggers,
    and renaming the rebuilt table fails while a trigger of another table names it. PostgreSQL alters a
    table in place and keeps its triggers; nothing is done there. Reversible (in the reverse order)."""
    from django.db import migrations

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for guard in guards:
                guard.drop(apps, schema_editor)

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for guard in guards:
                guard.create(apps, schema_editor)

    return [migrations.RunPython(drop, create), *operations, migrations.RunPython(create, drop)]
