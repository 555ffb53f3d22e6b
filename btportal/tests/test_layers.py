"""The apps form layers (docs/architecture.md): an app imports only from the layers below it.

The order is read from the ```layers block of docs/architecture.md, so the written order and the
enforced one cannot drift apart. Every non-test module is parsed and every import is checked,
including imports inside functions (the usual way to hide a cycle).
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def layer_order() -> dict[str, int]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)\n```", text, re.S)
    assert block, "docs/architecture.md has no ```layers block"
    order: dict[str, int] = {}
    for level, part in enumerate(block.group(1).split("→")):
        for app in re.findall(r"[a-z_]+", part):
            order[app] = level
    return order


def is_test_module(path: Path) -> bool:
    return "tests" in path.parts or path.name.startswith("test_") or path.name == "conftest.py"


def imports_of(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def violations(order: dict[str, int]) -> list[str]:
    found = []
    for app, level in order.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            if is_test_module(path.relative_to(ROOT)) or "migrations" in path.parts:
                continue
            for line, module in imports_of(path):
                target = module.split(".")[0]
                if target in order and target != app and order[target] >= level:
                    direction = "sideways" if order[target] == level else "up"
                    found.append(f"{path.relative_to(ROOT)}:{line} imports {module} ({direction})")
    return found


def test_every_app_of_the_project_has_a_layer():
    order = layer_order()
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"rules"}
    assert apps - set(order) == set(), "an app without a layer: add it to docs/architecture.md"
    assert {a for a in order if (ROOT / a).is_dir()} >= apps


def test_no_import_goes_up_or_sideways():
    assert violations(layer_order()) == []


def test_the_walker_sees_an_import_hidden_in_a_function(tmp_path, monkeypatch):
    """The check would catch what it is for: a function-level import from a higher layer."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "architecture.md").write_text("```layers\nlow → high\n```\n", encoding="utf-8")
    for app in ("low", "high"):
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    (tmp_path / "low" / "services.py").write_text("def f():\n    from high.models import X\n    return X\n")
    (tmp_path / "low" / "tests").mkdir()
    (tmp_path / "low" / "tests" / "test_x.py").write_text("import high\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert violations(layer_order()) == ["low/services.py:2 imports high.models (up)"]
