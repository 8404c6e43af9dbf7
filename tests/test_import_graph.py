"""The project's modules import one another without cycles, and no app imports another app's views.

The source is parsed, not imported, so the test is cheap and sees every module, test modules and
migrations included. Every import counts, also one written inside a function: such an import only
hides a cycle until the function runs, and the two modules still cannot be understood (or moved)
one without the other. Only imports under `if TYPE_CHECKING:` are left out, as they never run.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "friendlygov"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted((ROOT / PACKAGE).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST):
    """Every import statement, at any depth, except those under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _resolve(name: str, modules) -> str | None:
    """The project module `name` names, or the nearest project package above it."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(name: str, source: str, modules, *, is_package: bool) -> set[str]:
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in _import_nodes(ast.parse(source, filename=name)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from a import b` imports the module a.b when there is one, else a name of a.
            targets = [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            resolved = _resolve(target, modules)
            if resolved and resolved != name:
                found.add(resolved)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {
        name: imports_of(
            name, path.read_text(encoding="utf-8"), modules, is_package=path.name == "__init__.py"
        )
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0

    def visit(start):
        nonlocal counter
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def app_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else ""


def is_views(module: str) -> bool:
    return "views" in module.split(".")[2:]


def foreign_views_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} → {target}"
        for module, targets in graph.items()
        for target in targets
        if is_views(target) and app_of(target) != app_of(module)
    )


def test_it_finds_a_cycle_and_a_foreign_views_import():
    graph = {
        "friendlygov.a.services": {"friendlygov.a.tasks"},
        "friendlygov.a.tasks": {"friendlygov.a.services"},
        "friendlygov.b.runners": {"friendlygov.a.views.decisions"},
        "friendlygov.a.views.decisions": set(),
        "friendlygov.a.urls": {"friendlygov.a.views.decisions"},
    }
    assert cycles(graph) == [["friendlygov.a.services", "friendlygov.a.tasks"]]
    assert foreign_views_imports(graph) == ["friendlygov.b.runners → friendlygov.a.views.decisions"]


def test_it_reads_relative_absolute_and_function_level_imports():
    modules = {
        "friendlygov",
        "friendlygov.a",
        "friendlygov.a.models",
        "friendlygov.a.services",
        "friendlygov.b",
    }
    source = (
        "from typing import TYPE_CHECKING\n"
        "from friendlygov import b\n"
        "from .models import Thing\n"
        "def later():\n"
        "    from friendlygov.a import services\n"
        "if TYPE_CHECKING:\n"
        "    from friendlygov.a.models import Other\n"
    )
    found = imports_of("friendlygov.a.views", source, modules, is_package=False)
    assert found == {"friendlygov.b", "friendlygov.a.models", "friendlygov.a.services"}


def test_it_has_no_import_cycle():
    found = cycles(import_graph())
    assert not found, "Import cycles:\n" + "\n".join(" ↔ ".join(c) for c in found)


def test_no_app_imports_another_apps_views():
    found = foreign_views_imports(import_graph())
    assert not found, "Views imported from another app:\n" + "\n".join(found)
