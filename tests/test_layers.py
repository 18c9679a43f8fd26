"""The house's shape, read from the source with ``ast``: no import cycle between the project's modules, data
flowing one way (``indicators`` imports none of ``importers``, ``exports`` or ``dashboard``; ``exports`` writes
plain data, so it never imports SQLAlchemy), the rooms of ``indicators`` importing only those before them, and
no module over 500 lines nor function over 80.

Every ``import`` counts, at module level or inside a function (a lazy import still runs, so a cycle through one
is still a cycle), except those under ``if TYPE_CHECKING:``, which never run. ``from package import name``
depends on the package itself and, when ``name`` is a module of it, on that module too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
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
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


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
    assert "indicators.figures.figures" in edges["indicators.figures.queries"]
    assert "~sqlalchemy" in edges["indicators.figures.measures"]


def test_no_import_cycle_between_the_projects_modules():
    assert cycles(graph()) == []


def test_indicators_imports_nothing_from_importers_exports_or_dashboard():
    wrong = {
        name: sorted(t for t in targets if t.split(".")[0] in ("importers", "exports", "dashboard"))
        for name, targets in graph().items()
        if name.split(".")[0] == "indicators"
    }
    assert {name: targets for name, targets in wrong.items() if targets} == {}


def test_exports_never_import_sqlalchemy_nor_the_store():
    wrong = {
        name: sorted(t for t in targets if t in ("~sqlalchemy", "indicators.store.db", "~alembic"))
        for name, targets in graph().items()
        if name.split(".")[0] == "exports"
    }
    assert {name: targets for name, targets in wrong.items() if targets} == {}


def test_importers_and_exports_know_nothing_of_the_dashboard():
    wrong = {
        name: sorted(t for t in targets if t.split(".")[0] == "dashboard" or t in ("~dash", "~plotly"))
        for name, targets in graph().items()
        if name.split(".")[0] in ("importers", "exports", "indicators")
    }
    assert {name: targets for name, targets in wrong.items() if targets} == {}


def test_no_module_is_over_500_lines():
    """Every Python file of the repository, tests and benchmarks too (Alembic's migrations aside)."""
    skipped = {".venv", "migrations", "build", ".cache", ".git"}
    long = {
        str(path.relative_to(REPO)): n
        for path in REPO.rglob("*.py")
        if not skipped & set(path.relative_to(REPO).parts)
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}


# The rooms of ``indicators``, in the only order their imports may go (a room imports itself and those before it);
# the modules directly under ``indicators`` are plain: the standard library and each other only.
ROOMS = ("store", "access", "figures", "protection", "programmes", "reporting", "cli")
PLAIN = "plain"
# what a plain module may import beyond the standard library: Babel writes numbers and dates in the reader's
# language (``indicators.i18n``), and loads no SQLAlchemy
PLAIN_MAY_IMPORT = {"~__future__", "~babel"}


def room(name: str) -> str | None:
    """The room of an ``indicators`` module (``PLAIN`` for one directly under it), None outside ``indicators``."""
    parts = name.split(".")
    if parts[0] != "indicators" or len(parts) == 1:
        return None
    return parts[1] if parts[1] in ROOMS else PLAIN


def test_each_room_imports_only_the_plain_modules_itself_and_the_rooms_before_it():
    order = {name: rank for rank, name in enumerate(ROOMS)}
    wrong = {}
    for name, targets in graph().items():
        here = room(name)
        if here is None:
            continue
        for target in targets:
            there = room(target)
            if here == PLAIN:
                bad = there not in (None, PLAIN) or (
                    target.startswith("~")
                    and target[1:] not in sys.stdlib_module_names
                    and target not in PLAIN_MAY_IMPORT
                )
            else:
                bad = there not in (None, PLAIN) and order[there] > order[here]
            if bad:
                wrong.setdefault(name, []).append(target)
    assert wrong == {}


def test_the_room_check_itself_finds_a_wrong_way_import():
    assert room("indicators.figures.sums") == "figures" and room("indicators.periods") == PLAIN
    assert room("indicators") is None and room("exports.iptt") is None
    edges = graph()
    assert "indicators.figures.measures" in edges["indicators.programmes.definitions"]  # programmes → figures
    assert not any(room(t) == "programmes" for t in edges["indicators.figures.figures"])


def test_indicators_holds_named_rooms_and_at_most_twelve_modules_of_its_own():
    top = sorted(p.stem for p in (REPO / "indicators").glob("*.py") if p.stem != "__init__")
    assert len(top) <= 12, top
    found = sorted(p.parent.name for p in (REPO / "indicators").glob("*/__init__.py"))
    assert found == sorted(ROOMS)
    for name in ROOMS:
        doc = ast.get_docstring(
            ast.parse((REPO / "indicators" / name / "__init__.py").read_text(encoding="utf-8"))
        )
        assert doc and "import" in doc.lower(), (
            f"indicators/{name}/__init__.py says what lives there and what it may import"
        )
        lines = (REPO / "indicators" / name / "__init__.py").read_text(encoding="utf-8").strip().splitlines()
        assert lines[-1].endswith('"""'), f"indicators/{name}/__init__.py holds its docstring only"


def test_no_function_is_over_80_lines():
    """Every function of the project and its benchmarks (tests and Alembic's migrations aside), decorators aside."""
    skipped = {".venv", "migrations", "build", ".cache", ".git", "tests"}
    long = {}
    for path in REPO.rglob("*.py"):
        if skipped & set(path.relative_to(REPO).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and (n := node.end_lineno - node.lineno + 1) > 80
            ):
                long[f"{path.relative_to(REPO)}:{node.name}"] = n
    assert long == {}


def test_the_exports_load_no_sqlalchemy_in_a_fresh_interpreter():
    """Importing every module of ``exports`` (and the plain report data they are given) loads neither SQLAlchemy
    nor Alembic nor any room of the store: the writers take plain data."""
    names = sorted(f"exports.{p.stem}" for p in (REPO / "exports").glob("*.py") if p.stem != "__init__")
    names += ["indicators.report", "indicators.reference_sheets"]
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "    loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')\n"
        "                    or m.startswith(('indicators.store', 'indicators.figures')))\n"
        "    if loaded:\n"
        "        print(name, loaded[:3])\n"
        "        break\n"
        "else:\n"
        "    print('plain')\n"
    )
    answer = subprocess.run(
        [sys.executable, "-c", script], check=False, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip() == "plain"
    assert len(names) > 10  # every writer, the registry and the shared helpers
