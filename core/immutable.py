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
