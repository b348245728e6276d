"""The documented stage order (docs/architecture.md): a module imports flipflop code only
from its own stage or an earlier one, lazy imports inside functions included."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "flipflop"

# Earliest first. errors and conventions sit outside the stages (any stage may use them);
# problem.py reads the source with the front end and comes before search; the public
# surface (api, features, cli, the package itself) sits on top.
STAGES: tuple[tuple[str, ...], ...] = (
    ("errors", "conventions"),
    ("frontend",),
    ("analysis",),
    ("hardware",),
    ("model",),
    ("problem",),
    ("search",),
    ("measure",),
    ("report",),
    ("api", "features", "cli", "__init__", "__main__"),
)
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}


def _stage(module: str) -> str:
    """`flipflop.search.space` → "search"; `flipflop` itself → "__init__"."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _flipflop_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of flipflop code in the file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "flipflop"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "flipflop":
                # `from flipflop import api` names a stage through the imported name
                if node.module == "flipflop":
                    found += [(node.lineno, f"flipflop.{alias.name}") for alias in node.names]
                else:
                    found.append((node.lineno, node.module))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "examples" not in p.parts)


def test_every_module_belongs_to_a_stage():
    stages = {_stage(_module_name(path)) for path in MODULES}
    assert stages <= set(RANK), sorted(stages - set(RANK))


def test_no_relative_imports():
    """Relative imports would slip past the check below."""
    relative = [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}" for path in MODULES
                for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.ImportFrom) and node.level]
    assert not relative


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_come_from_the_same_or_an_earlier_stage(path: Path):
    name = _module_name(path)
    own = _stage(name)
    later = [f"line {line}: {module} ({_stage(module)} comes after {own})"
             for line, module in _flipflop_imports(path) if RANK[_stage(module)] > RANK[own]]
    assert not later, "\n".join(later)
