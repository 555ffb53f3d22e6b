"""Text has a length limit in the database, not only in the forms (core/textlimits.py): every text column
of every model of the project's apps refuses a value one character over its limit, whatever path it takes
(here a bulk `update()` past the model's own checks), on SQLite (which ignores a varchar's length) and on
PostgreSQL (run this module with DATABASE_URL=postgres://… too)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction

from core.textlimits import MAX_TEXT, TEXT_FIELDS, constraint_name, is_project_model, limit_of

pytestmark = pytest.mark.django_db


def project_models():
    return [model for model in apps.get_models() if is_project_model(model) and model._meta.managed]


def text_fields(model):
    return [field for field in model._meta.local_fields if isinstance(field, TEXT_FIELDS)]


def test_every_text_column_of_the_projects_models_has_its_limit_in_the_schema():
    checked, missing = 0, []
    with connection.cursor() as cursor:
        for model in project_models():
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            for field in text_fields(model):
                name = constraint_name(model._meta.db_table, field.column)
                if not (name in found and found[name]["check"]):
                    missing.append(f"{model._meta.label}.{field.name}")
                checked += 1
    assert not missing, f"text columns without a length limit in the database: {missing}"
    # The walk saw the project's models, their history tables included (a vacuous pass would be 0).
    assert checked > 300
    assert {m._meta.label for m in project_models()} >= {"assessments.Assessment", "accounts.User"}
    assert "assessments.HistoricalAssessmentRequest" in {m._meta.label for m in project_models()}


def test_the_limits_are_the_fields_own_and_max_text_for_free_text():
    from assessments.models import Assessment
    from portfolio.models import Evidence

    assert limit_of(Assessment._meta.get_field("comments")) == MAX_TEXT == 10_000
    assert (
        limit_of(Assessment._meta.get_field("assessor_name")) == Assessment._meta.get_field("assessor_name").max_length
    )
    assert limit_of(Evidence._meta.get_field("file")) == Evidence._meta.get_field("file").max_length
    assert limit_of(Assessment._meta.get_field("ratings")) is None  # JSON is not text here
    # Django's and the libraries' own models are left as they are.
    assert not any(model._meta.app_label in {"auth", "account", "django_tasks_database"} for model in project_models())


def refuses(rows, field, value) -> bool:
    """Does the database refuse `rows.update(field=value)`? (In a savepoint: the test goes on.)"""
    try:
        with transaction.atomic():
            rows.update(**{field.name: value})
    except DataError:  # PostgreSQL: a varchar's own length
        return True
    except IntegrityError as error:  # the check constraint (not, say, a guard of signed rows)
        assert constraint_name(field.model._meta.db_table, field.column) in str(error), error
        return True
    return False


def test_one_character_over_the_limit_is_refused_by_the_database_and_the_limit_itself_is_stored(world):
    """Every text field of every model that the world has a row of: a bulk update (the model's
    validation never runs) at the limit is stored; one over it is refused."""
    from assessments import services as assessments
    from goals.models import Goal

    # A few more kinds of rows: a request and an assessment with their history (unsigned: a signed row is
    # refused by its own guard before its length is looked at).
    assessments.create_request(
        world.trainee,
        by=world.users["bt_lakare"],
        instrument="mini_cex",
        assessor=world.users["handledare"],
        goals=list(Goal.objects.order_by("number")[:1]),
    )
    tried, fields = set(), 0
    for model in project_models():
        rows = model._base_manager.all()
        signed = getattr(model, "signed_rows", False)
        if signed is None:  # every row is signed: its guard refuses any change
            continue
        if signed:
            rows = rows.exclude(signed)
        row = rows.order_by("pk").first()
        if row is None:
            continue
        one = model._base_manager.filter(pk=row.pk)
        for field in text_fields(model):
            if field.primary_key or field.unique:
                continue  # changing a key of a row others point to proves nothing more
            limit = limit_of(field)
            assert refuses(one, field, "x" * (limit + 1)), f"{model._meta.label}.{field.name} took {limit + 1}"
            assert not refuses(one, field, "x" * limit), f"{model._meta.label}.{field.name} refused {limit}"
            fields += 1
        tried.add(model._meta.label)
    assert {"accounts.User", "trainees.Trainee", "organisations.Unit", "assessments.AssessmentRequest"} <= tried
    assert fields > 50


def test_a_model_form_says_too_long_text_in_the_fields_words_without_a_query(django_assert_num_queries):
    from assessments.models import TraineeComment

    comment = TraineeComment(text="x" * (MAX_TEXT + 1))
    with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
        comment.validate_constraints()
    assert "text" in refused.value.message_dict
    assert str(MAX_TEXT) in refused.value.message_dict["text"][0]
