"""The shape of the house, checked on every run (import-linter holds the layer rules
in CI; these hold what it does not: no import circles, and framework internals only
in ``tracker/app/runtime/``)."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"
RUNTIME = PACKAGE / "app" / "runtime"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of modules (more than one) over direct imports."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & set(modules)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def test_no_import_circles():
    """Function-level imports count too: a lazy import is still an arrow."""
    assert _cycles(grimp.build_graph("tracker")) == []


def test_the_cycle_finder_finds_a_circle(tmp_path, monkeypatch):
    """(So the test above can fail.)"""
    pkg = tmp_path / "circle_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from circle_pkg import b\n")
    (pkg / "b.py").write_text("from circle_pkg import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _cycles(grimp.build_graph("circle_pkg")) == [["circle_pkg.a", "circle_pkg.b"]]


DOCUMENTED = {("os", "_exit")}
"""Underscore names that are documented, public API (``os._exit``)."""


def _private_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """``x._name`` where ``x`` is not ``self``/``cls``/``super()`` (dunders allowed)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        name = node.attr
        if not name.startswith("_") or (name.startswith("__") and name.endswith("__")):
            continue
        owner = node.value
        if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
            continue
        if isinstance(owner, ast.Name) and (owner.id, name) in DOCUMENTED:
            continue
        if (
            isinstance(owner, ast.Call)
            and isinstance(owner.func, ast.Name)
            and owner.func.id == "super"
        ):
            continue
        found.append((node.lineno, name))
    for node in ast.walk(tree):  # getattr(x, "_name", ...) is the same read
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and node.args[1].value.startswith("_")
            and not node.args[1].value.startswith("__")
        ):
            found.append((node.lineno, node.args[1].value))
    return found


def test_framework_internals_live_only_in_the_runtime_folder():
    """Outside ``tracker/app/runtime/`` nothing reads another object's underscore
    attribute (Textual's, Rich's or the interpreter's)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if RUNTIME in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [
            f"{path.relative_to(PACKAGE.parent)}:{line} .{name}"
            for line, name in _private_reads(tree)
        ]
    assert offenders == []


def _app_classes() -> list[type]:
    import importlib
    import inspect
    import pkgutil

    import tracker.app

    classes = []
    for info in pkgutil.walk_packages(tracker.app.__path__, "tracker.app."):
        if info.name.startswith("tracker.app.runtime"):
            continue
        module = importlib.import_module(info.name)
        classes += [
            c
            for _, c in inspect.getmembers(module, inspect.isclass)
            if c.__module__ == module.__name__
        ]
    return classes


def test_no_private_framework_method_is_overridden_outside_the_runtime_folder():
    """A class of ours may not define ``_on_key``, ``_forward_event`` or any other
    underscore name that a Textual or Rich base class already has: that is a copied
    or patched framework internal, and it belongs in ``tracker/app/runtime/``."""
    offenders = []
    for cls in _app_classes():
        framework = [
            base for base in cls.__mro__[1:] if base.__module__.split(".")[0] in ("textual", "rich")
        ]
        for name, value in vars(cls).items():
            if not name.startswith("_") or name.startswith("__") or not callable(value):
                continue
            if any(name in vars(base) for base in framework):
                offenders.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    assert offenders == []


_ERRORS_HOMES = ("tracker.store", "tracker.store.errors")


def _sqlite_names_imported(tree: ast.AST) -> list[tuple[int, str]]:
    """``from tracker.store[.errors] import DatabaseError`` and the like: a name that is
    a tuple which grows when SQLCipher's library is loaded, so it must be named at the
    ``except`` (``errors.DatabaseError``), never kept from the moment of an import."""
    from tracker.store.errors import SQLITE_NAMES

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in (
            "tracker.store",
            "tracker.store.errors",
        ):
            found += [(node.lineno, a.name) for a in node.names if a.name in SQLITE_NAMES]
    return found


def test_sqlite_s_errors_are_named_where_they_are_caught():
    """(:mod:`tracker.store.errors` says why.)"""
    root = PACKAGE.parent
    offenders = []
    for folder in ("tracker", "tests", "benchmarks"):
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            offenders += [
                f"{path.relative_to(root)}:{line} {name}"
                for line, name in _sqlite_names_imported(tree)
            ]
    assert offenders == []
    assert _sqlite_names_imported(ast.parse("from tracker.store import Error, Store")) == [
        (1, "Error")
    ]
