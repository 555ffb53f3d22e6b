"""rules/ must not import Django anywhere (it is pure Python, standard library only)."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.append(str(node.args[0].value))
    return names


def test_no_python_file_in_rules_imports_django():
    files = sorted(ROOT.rglob("*.py"))
    assert len(files) > 10
    offenders = [
        (str(p.relative_to(ROOT)), n) for p in files for n in _imports(p) if n == "django" or n.startswith("django.")
    ]
    assert offenders == []


def test_package_code_uses_only_the_standard_library():
    allowed_third_party_in_tests = {"pytest", "hypothesis"}
    stdlib = set(sys.stdlib_module_names)
    for path in sorted(ROOT.rglob("*.py")):
        in_tests = "tests" in path.relative_to(ROOT).parts
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "rules":
                continue
            assert top in stdlib or (in_tests and top in allowed_third_party_in_tests), (path, name)
