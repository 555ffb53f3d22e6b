from assessments import instruments


def test_it_defines_every_instrument_of_the_issue():
    assert set(instruments.INSTRUMENTS) == {
        "mini_cex",
        "dops",
        "cbd",
        "consultation",
        "specialistkollegium",
        "msf360",
        "placement_final",
    }


def test_it_rates_on_four_levels_of_independence_plus_not_observed():
    assert [n for n, _ in instruments.LEVELS] == [1, 2, 3, 4]
    from django.utils import translation

    with translation.override("en"):
        assert str(instruments.LEVEL_LABELS[0]) == "Not observed"


def test_the_mini_cex_has_the_usual_items():
    keys = [i.key for i in instruments.get("mini_cex").items]
    assert keys == ["history", "examination", "judgement", "communication", "organisation"]


def test_the_placement_final_assessment_rates_the_goals_of_the_placement():
    class G:
        def __init__(self, code):
            self.code = code

        def __str__(self):
            return self.code

    items = instruments.items_for("placement_final", [G("BT1"), G("BT18")])
    assert [i.key for i in items] == ["goal_BT1", "goal_BT18"]
