"""Imports: the engine never imports the command line; only the CLI imports both packages."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def top_level(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def test_the_engine_never_imports_the_cli_or_nn() -> None:
    # __main__ is `python -m autograd_lite`, the command's entry point.
    for path in set((ROOT / "autograd_lite").glob("*.py")) - {ROOT / "autograd_lite/__main__.py"}:
        imports = imported_modules(path)
        assert not any(name.startswith("autograd_lite.cli") for name in imports), path
        assert "nn" not in top_level(imports), path


def test_only_the_cli_imports_both_packages() -> None:
    both = []
    for path in [*(ROOT / "autograd_lite").rglob("*.py"), *(ROOT / "nn").rglob("*.py")]:
        if {"autograd_lite", "nn"} <= top_level(imported_modules(path)):
            both.append(path.relative_to(ROOT).parts[:2])
    # nn builds on autograd_lite, so nn's modules import it too; only the CLI crosses back.
    assert all(parts[0] == "nn" or parts[:2] == ("autograd_lite", "cli") for parts in both)
    assert any(parts[:2] == ("autograd_lite", "cli") for parts in both)
