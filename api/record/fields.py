"""Field values to and from JSON, by introspection (one rule per kind of field)."""

from __future__ import annotations

from django.db import models


def concrete_fields(model):
    """Every concrete field but the primary key (the record's own keys identify rows)."""
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def m2m_fields(model):
    return [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]


def dump(field, obj):
    """The JSON value of a plain (non-relation, non-file) field."""
    value = field.value_from_object(obj)
    if value is None or isinstance(field, models.JSONField):
        return value
    if isinstance(field, (models.DateTimeField, models.DateField, models.TimeField)):
        return value.isoformat()
    if isinstance(field, (models.DecimalField, models.UUIDField)):
        return str(value)
    if isinstance(field, models.BinaryField):
        return bytes(value).hex()
    return value


def load(field, value):
    """The Python value of a plain field from its JSON value."""
    if value is None or isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.BinaryField):
        return bytes.fromhex(value)
    return field.to_python(value)
