"""Size and speed of the playground page (docs/playground.md) in headless Chromium.

    python benchmarks/playground.py [--site docs/_build/html]

Builds the documentation site into a temporary folder (or takes a built one), serves it
as `python -m http.server` does on 127.0.0.1, and opens the playground in headless
Chromium, which can reach nothing else. Rows: the weight of the playground's own files
(page scripts, examples, wheels and Viz.js, stored gzip-compressed: everything but
Pyodide, target under 1 MB) and of Pyodide; the time from opening the page to Python
ready for a first run, in each of three fresh browsers, nothing cached (target under
10 s); the time of each
example's first run after that and the median of three more (target under 2 s), the
output's display on the page included. Needs Chromium and chromedriver (`.ci/run`
installs them), selenium (the `test` extra) and what the site's build needs
(docs/README.md). Exits non-zero if a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from playground_site import EXAMPLES, RUN, build_site, served, watched_chromium

OWN_LIMIT = 1_000_000
READY_LIMIT = 10.0
RUN_LIMIT = 2.0
LOADS = 3
RUNS = 3

# Resolves with the seconds from the page's navigation to Python ready.
READY_SINCE_NAVIGATION = """
const done = arguments[arguments.length - 1];
const wait = () => window.autogradLitePlayground
  ? window.autogradLitePlayground.ready.then(() => done(performance.now() / 1000),
                                             (error) => done(String(error)))
  : setTimeout(wait, 10);
wait();
"""


def weights(site: Path) -> dict[str, int]:
    """Bytes of the playground's own files, its wheels among them, and of each runtime."""
    folder = site / "_static" / "playground"
    sizes = {"own files": 0, "  of which wheels": 0, "  of which Viz.js (gzip)": 0, "Pyodide": 0}
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        part = path.relative_to(folder).parts[0]
        size = path.stat().st_size
        if part == "pyodide":
            sizes["Pyodide"] += size
        else:
            sizes["own files"] += size
            if part == "wheels":
                sizes["  of which wheels"] += size
            elif part == "viz":
                sizes["  of which Viz.js (gzip)"] += size
    return sizes


def run_seconds(driver: Any, code: str) -> float:
    result = driver.execute_async_script(RUN, code)
    if not result["ok"]:
        raise RuntimeError(f"the example failed in the page:\n{result['stderr']}")
    return float(result["seconds"])


def measure(site: Path, netlog: Path) -> tuple[list[float], dict[str, list[float]]]:
    """Seconds to ready in each of LOADS fresh browsers (nothing cached), and each
    example's run times in the last one: the first run, then RUNS more."""
    loads: list[float] = []
    runs: dict[str, list[float]] = {path.stem: [] for path in EXAMPLES}
    with served(site) as url:
        for load in range(LOADS):
            with watched_chromium(netlog) as driver:
                driver.get(url + "playground.html")
                ready = driver.execute_async_script(READY_SINCE_NAVIGATION)
                if not isinstance(ready, (int, float)):
                    raise RuntimeError(f"Python did not start in the page: {ready}")
                loads.append(float(ready))
                if load < LOADS - 1:
                    continue
                for _ in range(RUNS + 1):
                    for path in EXAMPLES:
                        code = path.read_text(encoding="utf-8")
                        runs[path.stem].append(run_seconds(driver, code))
    return loads, runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        site = arguments.site
        if site is None:
            site = Path(scratch) / "html"
            failure = build_site(site)
            if failure is not None:
                print(failure, file=sys.stderr)
                return 1
        sizes = weights(site)
        loads, runs = measure(site, Path(scratch) / "netlog.json")
    missed = []
    print(f"{'what':<42} {'measured':>18} {'target':>10}")
    for name, size in sizes.items():
        target = f"< {OWN_LIMIT / 1e6:g} MB" if name == "own files" else ""
        print(f"{'size: ' + name:<42} {size / 1e3:>15,.0f} KB {target:>10}")
    if sizes["own files"] >= OWN_LIMIT:
        missed.append("own files")
    shown = ", ".join(f"{s:.1f}" for s in loads)
    print(f"{'ready for a first run (3 fresh browsers)':<42} {shown + ' s':>18} {'< 10 s':>10}")
    if max(loads) >= READY_LIMIT:
        missed.append("ready")
    for name, seconds in runs.items():
        first, later = seconds[0], statistics.median(seconds[1:])
        print(f"{'run ' + name + ' (first, median)':<42} "
              f"{f'{first:.2f}, {later:.2f} s':>18} {'< 2 s':>10}")
        if max(seconds) >= RUN_LIMIT:
            missed.append(name)
    if missed:
        print(f"targets missed: {', '.join(missed)}")
        return 1
    print("every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
