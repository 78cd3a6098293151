"""The shape of the house: subpackages without import cycles, independent oracles, small spec modules,
and no version condition in spec/ that chooses an expectation (the catalog's ranges do that)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "tensorspec"
SPEC_MODULE_LINES = 520  # "about 500"


def _imports(path: Path) -> set[str]:
    """The tensorspec subpackages a module imports (at any depth of the module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
            [a.name for a in node.names] if isinstance(node, ast.Import) else []
        for name in names:
            parts = name.split(".")
            if parts[0] == "tensorspec" and len(parts) > 1:
                found.add(parts[1])
    return found


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).parts
        if len(rel) < 2:  # tensorspec/cli.py, tensorspec/__init__.py: the top, importing anything
            continue
        graph.setdefault(rel[0], set()).update(_imports(path) - {rel[0]})
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if not state.get(nxt) and (found := visit(nxt)):
                return found
        state[node] = 2
        stack.pop()
        return []

    for node in sorted(graph):
        if not state.get(node) and (found := visit(node)):
            return found
    return []


def test_the_subpackages_import_each_other_without_a_cycle():
    graph = import_graph()
    assert set(graph) >= {"claims", "harness", "testing", "reference", "course", "benchtools"}
    cycle = _cycle(graph)
    assert not cycle, "import cycle between subpackages: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []


def test_the_oracles_read_no_catalog():
    """reference/ is independent of what it checks: it imports nothing of the claims."""
    assert "claims" not in import_graph().get("reference", set())


def test_no_spec_module_is_over_about_500_lines():
    big = {p.name: n for p in (ROOT / "spec").glob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > SPEC_MODULE_LINES}
    assert not big, f"spec modules over {SPEC_MODULE_LINES} lines (split them by claim): {big}"


VERSION_CONDITION = re.compile(r"NumpyVersion|__version__\s*[<>=!]|Version\(|version\.parse|NUMPY2|TORCH2")


def test_no_version_condition_in_spec_chooses_an_expectation():
    """The catalog says which behaviour holds where; tests ask differs(name)."""
    found = [f"{p.name}:{i}: {line.strip()}" for p in sorted((ROOT / "spec").glob("*.py"))
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if VERSION_CONDITION.search(line)]
    assert not found, "version conditions in spec/ (use a [[claim.differs]] range and differs(name)):\n" + "\n".join(found)


RAW_COMPARISON = re.compile(r"\b(?:torch|np|numpy)\.testing\b|\bassert_close\b|\bassert_allclose\b|\bassert_array_\w+")


def test_spec_compares_only_through_the_assertion_helpers():
    """No raw torch.testing.assert_close or np.testing.assert_* in spec/: the helpers of
    tensorspec.testing.assertions (assert_values, assert_tensor, ...) carry the one message format."""
    found = [f"{p.name}:{i}: {line.strip()}" for p in sorted((ROOT / "spec").glob("*.py"))
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if RAW_COMPARISON.search(line)]
    assert not found, "raw comparisons in spec/ (use assert_values / assert_tensor, rtol= atol= where needed):\n" + \
        "\n".join(found)


def test_every_assert_helper_takes_two_positionals_then_keywords_only():
    """The one argument order, (actual, expected, *, expr=..., ...), for the helpers spec modules define
    themselves and those of tensorspec.testing (tests/test_assertions.py checks the latter by signature)."""
    wrong = []
    for path in sorted([*(ROOT / "spec").glob("*.py"), *(PACKAGE / "testing").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and re.match(r"_?assert_", node.name):
                positional = node.args.posonlyargs + node.args.args
                if len(positional) > 2 or node.args.vararg:
                    wrong.append(f"{path.name}:{node.lineno}: {node.name}({', '.join(a.arg for a in positional)}, ...)")
    assert not wrong, "assert helpers with more than (actual, expected) positional:\n" + "\n".join(wrong)
