"""The demo's plan, built from `demo.data` without touching the database."""

from demo import seed as demo_seed


def test_the_plan_is_deterministic():
    assert demo_seed.build_plan() == demo_seed.build_plan()
