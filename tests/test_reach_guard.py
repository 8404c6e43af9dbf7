"""Only the reach policy (accounts/reach.py) and the units app decide what lies under a unit.

Any other module that walks up the unit tree (`unit = unit.parent` in a loop) or filters by a
parent chain (`parent_id=…`, `parent__parent…`, `unit__parent…` in a lookup) writes the rule
"a grant covers the unit's subtree" again, with its own idea of the depth. This test reads the
source (nothing is imported) and names each such place.
"""

import ast
import re
from pathlib import Path
from textwrap import dedent

ROOT = Path(__file__).resolve().parent.parent / "friendlygov"
ALLOWED = ("accounts/reach.py", "units/")
LOOKUP_CALLS = {"filter", "exclude", "get", "Q", "first", "exists", "count"}
PARENT_LOOKUP = re.compile(r"(^|__)(unit|units|predecessor|successor)__parent|^parent(_id)?($|__)")


def _walks(tree) -> list[int]:
    """Lines of `x = x.parent` (or `x = x.parent.y`-free forms) inside a loop: a walk up a tree."""
    lines = []
    for loop in (n for n in ast.walk(tree) if isinstance(n, ast.While | ast.For)):
        for node in ast.walk(loop):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "parent"
                and isinstance(node.value.value, ast.Name)
                and any(isinstance(t, ast.Name) and t.id == node.value.value.id for t in node.targets)
            ):
                lines.append(node.lineno)
    return lines


def _parent_lookups(tree) -> list[int]:
    lines = []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in LOOKUP_CALLS:
            continue
        if any(kw.arg and PARENT_LOOKUP.search(kw.arg) for kw in call.keywords):
            lines.append(call.lineno)
    return lines


def offences(source: str) -> list[int]:
    tree = ast.parse(source)
    return sorted(_walks(tree) + _parent_lookups(tree))


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        testing = path.stem == "testing" or path.stem.startswith("testing_")  # test plugins
        if "/tests/" in relative or "/migrations/" in relative or testing or relative.startswith(ALLOWED):
            continue
        yield relative, path.read_text(encoding="utf-8")


def test_no_module_outside_the_policy_walks_unit_parents_or_filters_by_parent_chains():
    found = {name: lines for name, source in _modules() if (lines := offences(source))}
    assert found == {}, f"walks or parent-chain filters outside accounts/reach.py: {found}"


def test_the_guard_recognises_the_walks_and_filters_it_forbids():
    """The shapes that were written seven times before the policy existed."""
    walk = dedent(
        """
        def chain(unit):
            ids = []
            while unit is not None:
                ids.append(unit.pk)
                unit = unit.parent
        """
    )
    fixed_depth = "q = Q(parent_id=grant.unit_id) | Q(parent__parent_id=grant.unit_id)\n"
    decisions = "q = Q(body__unit__parent_id=g.unit_id)\n"
    scope = "units.filter(parent_id__in=body_units)\n"
    assert offences(walk) == [6]
    assert offences(fixed_depth) == [1, 1]
    assert offences(decisions) == [1]
    assert offences(scope) == [1]
    assert offences("indicators.filter(criterion=c)\nunit = unit.parent\n") == []
