"""The house's shape, read from the source with ``ast``: no import cycle between the project's modules, and data
flowing one way (``indicators`` imports none of ``importers``, ``exports`` or ``dashboard``; ``exports`` writes
plain data, so it never imports SQLAlchemy).

Every ``import`` counts, at module level or inside a function (a lazy import still runs, so a cycle through one
is still a cycle), except those under ``if TYPE_CHECKING:``, which never run. ``from package import name``
depends on the package itself and, when ``name`` is a module of it, on that module too.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("indicators", "importers", "exports", "dashboard")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every module of the project (migrations aside: Alembic loads them by path, nothing imports them)."""
    found = {"app": REPO / "app.py"}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(path: Path, name: str, modules) -> set[str]:
    """The project modules (and outside top-level packages, prefixed ``~``) that ``path`` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    visit_one(other)
                continue
            visit_one(child)

    def visit_one(node):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            add(base)
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    add(f"{base}.{alias.name}")
        visit(node)

    def add(target: str):
        if target in modules:
            found.add(target)
        elif target.split(".")[0] not in modules and target.split(".")[0] not in PACKAGES:
            found.add("~" + target.split(".")[0])

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    return found


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports(path, name, modules) for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def connect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in edges.get(node, ()):
            if other.startswith("~") or other not in edges:
                continue
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def test_the_walk_sees_lazy_imports_and_cycles():
    """The checker itself: a function-level import is an edge, and a loop through it is found."""
    source = ast.parse("def f():\n    from indicators import figures\n")
    assert isinstance(source.body[0].body[0], ast.ImportFrom)
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "~sqlalchemy"}}) == [["a", "b", "c"]]
    edges = graph()
    assert "indicators.figures" in edges["indicators.queries"]
    assert "~sqlalchemy" in edges["indicators.measures"]


def test_no_import_cycle_between_the_projects_modules():
    assert cycles(graph()) == []


def test_indicators_imports_nothing_from_importers_exports_or_dashboard():
    wrong = {name: sorted(t for t in targets if t.split(".")[0] in ("importers", "exports", "dashboard"))
             for name, targets in graph().items() if name.split(".")[0] == "indicators"}
    assert {name: targets for name, targets in wrong.items() if targets} == {}


def test_exports_never_import_sqlalchemy_nor_the_store():
    wrong = {name: sorted(t for t in targets if t in ("~sqlalchemy", "indicators.db", "~alembic"))
             for name, targets in graph().items() if name.split(".")[0] == "exports"}
    assert {name: targets for name, targets in wrong.items() if targets} == {}


def test_importers_and_exports_know_nothing_of_the_dashboard():
    wrong = {name: sorted(t for t in targets if t.split(".")[0] == "dashboard" or t in ("~dash", "~plotly"))
             for name, targets in graph().items() if name.split(".")[0] in ("importers", "exports", "indicators")}
    assert {name: targets for name, targets in wrong.items() if targets} == {}


def test_no_module_is_over_500_lines():
    """Every Python file of the repository, tests and benchmarks too (Alembic's migrations aside)."""
    skipped = {".venv", "migrations", "build", ".cache", ".git"}
    long = {str(path.relative_to(REPO)): n for path in REPO.rglob("*.py")
            if not skipped & set(path.relative_to(REPO).parts)
            and (n := len(path.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}
