"""How the packages fit together: autograd_lite.nn from the top-level nn/ folder, imports that
flow down the layers without circles, and an import that loads only the engine."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository's folder for each package: nn/ installs as autograd_lite.nn (pyproject.toml).
FOLDERS = {"autograd_lite": ROOT / "autograd_lite", "autograd_lite.nn": ROOT / "nn"}
PACKAGES = set(FOLDERS) | {"autograd_lite.cli"}


def module_name(path: Path) -> str:
    package, folder = next(
        (package, folder) for package, folder in FOLDERS.items() if folder in path.parents
    )
    parts = path.relative_to(folder).with_suffix("").parts
    return ".".join((package, *(parts[:-1] if parts[-1] == "__init__" else parts)))


def imported_modules(path: Path) -> set[str]:
    """Every module and module.name the file imports at run time, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Imports for type checkers only never run: they cannot make a circle at run time.
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            node.body = []
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def module_graph() -> dict[str, set[str]]:
    """Each of our modules and the modules of ours it imports."""
    files = [path for folder in FOLDERS.values() for path in folder.rglob("*.py")]
    modules = {module_name(path): imported_modules(path) for path in files}
    return {name: {i for i in imports if i in modules and i != name} for name, imports in
            modules.items()}  # fmt: skip


def test_the_nn_folder_is_the_package_autograd_lite_nn() -> None:
    from autograd_lite import nn

    assert Path(nn.__file__).resolve() == ROOT / "nn" / "__init__.py"
    assert nn.fit is nn.train.fit


def test_the_modules_import_each_other_without_circles() -> None:
    # A package's __init__ re-exports its modules; only module-to-module edges can circle.
    edges = {
        name: imports - PACKAGES for name, imports in module_graph().items() if name not in PACKAGES
    }
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(edges.get(name, ())):
            assert state.get(target) != "open", f"import circle: {' -> '.join([*path, target])}"
            if target not in state:
                visit(target, [*path, target])
        state[name] = "done"

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert "autograd_lite.trace" in edges and "autograd_lite.nn.train" in edges


def test_imports_flow_down_from_the_command_line_to_nn_to_the_engine() -> None:
    graph = module_graph()
    layers = {"cli": "autograd_lite.cli", "nn": "autograd_lite.nn"}
    for name, imports in graph.items():
        # __main__ is `python -m autograd_lite`, the command's entry point.
        if name.startswith(layers["cli"]) or name == "autograd_lite.__main__":
            continue
        assert not any(i.startswith(layers["cli"]) for i in imports), name
        if not name.startswith(layers["nn"]):
            assert not any(i.startswith(layers["nn"]) for i in imports), name
    assert any(i.startswith(layers["nn"]) for i in graph["autograd_lite.cli.demo"])


def run_python(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=cwd
    )


def test_importing_the_package_loads_the_engine_only() -> None:
    script = """
import sys
import autograd_lite as ag
heavy = ("autograd_lite.compiler", "autograd_lite.codegen", "autograd_lite.render",
         "autograd_lite.stepper", "autograd_lite.trace", "autograd_lite.nn", "graphviz")
print(sorted(name for name in heavy if name in sys.modules))
assert ag.compile.__module__ == "autograd_lite.compiler"
assert ag.trace_backward.__module__ == "autograd_lite.trace"
from autograd_lite import Stepper, draw_graph
assert "compile" in dir(ag) and "draw_graph" in dir(ag)
try:
    ag.no_such_thing
except AttributeError as error:
    print(error)
"""
    result = run_python(script, ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "[]",
        "module 'autograd_lite' has no attribute 'no_such_thing'",
    ]


def test_a_users_own_nn_py_beside_their_script_changes_nothing(tmp_path: Path) -> None:
    # A learner's nn.py, one of the commonest file names, once hid the package `nn`.
    (tmp_path / "nn.py").write_text("raise SystemExit('the user nn.py was imported')\n")
    (tmp_path / "script.py").write_text(
        "from autograd_lite import nn\n"
        "from autograd_lite.nn import MLP\n"
        "print(type(MLP(2, [1])([0.5, -0.5])).__name__, len(nn.data.make_moons(4, seed=0)[0]))\n"
    )
    result = subprocess.run(
        [sys.executable, "script.py"], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "Value 4\n", "")


def test_no_top_level_nn_is_installed(tmp_path: Path) -> None:
    result = run_python(
        "import importlib.util, autograd_lite.nn; print(importlib.util.find_spec('nn'))", tmp_path
    )
    assert (result.returncode, result.stdout) == (0, "None\n"), result.stderr
