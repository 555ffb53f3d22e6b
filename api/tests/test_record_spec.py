"""The record's list of models is complete: a model that points at a BT doctor (or at a row of the
record) is either carried or named as left behind with its reason, and every relation of a
carried model has a rule. A new model or relation fails here until api/record/spec.py says what
to do with it; a new plain field needs nothing (it is carried by introspection)."""

from django.apps import apps

from api.record import spec
from api.record.fields import concrete_fields, m2m_fields


def _relations(model):
    for f in model._meta.get_fields():
        if (f.many_to_one or f.one_to_one or f.many_to_many) and f.concrete and f.related_model is not None:
            yield f


def test_every_model_that_points_at_a_record_is_carried_or_named_as_left_behind():
    targets = spec.OWNED_LABELS
    missing = []
    for model in apps.get_models():
        label = spec.label_of(model)
        if label in spec.OWNED_LABELS or label in spec.NOT_CARRIED or spec.is_history(model):
            continue
        if any(spec.label_of(f.related_model) in targets for f in _relations(model)):
            missing.append(label)
    assert missing == [], f"add these to api.record.spec OWNED or NOT_CARRIED: {missing}"


def test_every_relation_of_a_carried_model_has_a_rule():
    allowed = spec.OWNED_LABELS | set(spec.REFERENCES)
    unruled = [
        f"{spec.label_of(model)}.{f.name} → {spec.label_of(f.related_model)}"
        for model, _path in spec.owned_models()
        for f in [*concrete_fields(model), *m2m_fields(model)]
        if f.is_relation and spec.label_of(f.related_model) not in allowed
    ]
    assert unruled == []


def test_the_names_in_the_spec_are_models():
    for label in [*spec.OWNED_LABELS, *spec.REFERENCES, *spec.NOT_CARRIED]:
        assert spec.model(label)
