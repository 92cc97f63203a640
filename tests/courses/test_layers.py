"""No import inside a function to dodge a circle (issue #15): courses's modules import each other at the top,
in one direction (models < selectors < services < tasks; pages, views and hooks on top), so that the
import-linter contract sees every dependency. Only an AppConfig.ready registers receivers late."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = [
    *sorted((ROOT / "courses").rglob("*.py")),
    ROOT / "lms" / "selectors.py",
    ROOT / "lms" / "sso" / "services.py",
    ROOT / "xapi" / "erasure.py",
    ROOT / "xapi" / "bulk.py",
]
NOT_YET: set[Path] = set()


def late_imports(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if path.name == "apps.py" and function.name == "ready":
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} in {function.name}()")
    return found


def test_no_function_level_imports():
    checked = [p for p in CHECKED if "migrations" not in p.parts and p not in NOT_YET]
    assert len(checked) > 30
    assert [hit for path in checked for hit in late_imports(path)] == []


def test_courses_never_imports_themes():
    """themes (presentation) sits above courses: it registers what courses asks of it (courses.branding)."""
    for path in (ROOT / "courses").rglob("*.py"):
        if "migrations" in path.parts:
            continue  # history: Partner was themes's until courses 0010
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                assert not node.module.startswith("themes"), f"{path.relative_to(ROOT)} imports {node.module}"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not node.value.startswith("themes."), f"{path.relative_to(ROOT)} names {node.value!r}"
