from rules import check_supervisor, load_programme

QUALIFIED = {"is_specialist": True, "has_supervisor_training": True, "has_bt_supervisor_training": True}


def codes(findings):
    return [(f.code, f.severity) for f in findings]


def test_a_qualified_supervisor_has_no_findings():
    for pid in ("gavleborg", "jonkoping", "vgr"):
        assert check_supervisor(**QUALIFIED, programme=pid) == []


def test_not_specialist_and_no_training_are_warnings():
    f = check_supervisor(
        is_specialist=False, has_supervisor_training=False, has_bt_supervisor_training=True, programme="vgr"
    )
    assert codes(f) == [("SUPERVISOR_NOT_SPECIALIST", "warning"), ("SUPERVISOR_NO_TRAINING", "warning")]


def test_bt_training_required_recommended_or_not():
    kw = {**QUALIFIED, "has_bt_supervisor_training": False}
    assert codes(check_supervisor(**kw, programme="gavleborg")) == [("SUPERVISOR_NO_BT_TRAINING", "warning")]
    assert codes(check_supervisor(**kw, programme=load_programme("jonkoping"))) == [
        ("SUPERVISOR_NO_BT_TRAINING", "info")
    ]
    assert check_supervisor(**kw, programme="vgr") == []
    assert check_supervisor(**kw, programme="gavleborg")[0].params == {"requirement": "required"}
