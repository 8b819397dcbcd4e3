"""Size and speed of the stepper lab's page in headless Chromium: prints a table.

    python benchmarks/stepper.py

Rows: the page's size for the tutorial's 2-2-1 network (target under 250 KB) and for
graphs of 1,000 and 3,751 values (3,751 is about the largest graph the command line's
10,000-character expressions make; target under 2 MB at 1,000); the time from opening
the page to a drawn, working stepper (target under 2 s at 1,000 values); `set()` of a
leaf with the redraw it causes (target under 50 ms at 1,000); one step with the arrow key,
forward and backward (target under 50 ms at any size up to 3,751). Each time is the
median of several runs in one browser, measured by the page's own clock with a forced
layout, so what is timed includes the browser's restyle. Needs Chromium and chromedriver
(`.ci/run` installs them) and selenium (the `test` extra). Exits non-zero if a target
is missed.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import chromium
from stepper_examples import big_graph, network

import autograd_lite as ag

MEASURE = """
const element = document.querySelector('[data-autograd-lite="stepper"]');
const s = element.stepper;
const svg = () => element.querySelector('svg');
const force = () => element.getBoundingClientRect().height + svg().getBBox().width;
const time = (f) => { const t0 = performance.now(); f(); force(); return performance.now() - t0; };
const names = s.names();
const leaf = names.find((n) => s.get(n) && !/[*+]/.test(n));
const frames = s.frames().length;
const forward = [], backward = [], sets = [];
s.go(Math.floor(frames / 4));
for (let k = 0; k < 15; k++) forward.push(time(() => s.go(s.current() + 1)));
s.go(frames - 40);
for (let k = 0; k < 15; k++) backward.push(time(() => s.go(s.current() + 1)));
const start = s.get(leaf).data;
for (let k = 0; k < 7; k++) sets.push(time(() => s.set(leaf, start + 0.001 * (k + 1))));
return {forward: forward, backward: backward, sets: sets};
"""


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def measure(driver: Any, path: Path) -> dict[str, float]:
    loads = []
    for _ in range(3):
        driver.get("about:blank")
        start = driver.execute_script("return performance.timeOrigin + performance.now();")
        driver.get(path.as_uri())
        ready = driver.execute_script(
            "const e = document.querySelector('[data-autograd-lite=\"stepper\"]');"
            "e.getBoundingClientRect(); return performance.timeOrigin + performance.now();"
        )
        loads.append(ready - start)
    times = driver.execute_script(MEASURE)
    return {
        "load": median(loads),
        "forward": median(times["forward"]),
        "backward": median(times["backward"]),
        "set": median(times["sets"]),
    }


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="stepper-bench-"))
    loss, params = network()
    pages = {
        "2-2-1 network": ag.trace_backward(loss).save_html(
            folder / "net.html", params=params, lr=0.1
        ),
        "1,000 values": ag.trace_backward(big_graph(1000)).save_html(folder / "1000.html"),
        "3,751 values": ag.trace_backward(big_graph(3751)).save_html(
            folder / "3751.html", max_nodes=5000
        ),
    }
    rows = []
    failures = []
    with chromium(width=1000, height=900) as driver:
        for name, path in pages.items():
            size = path.stat().st_size
            times = measure(driver, path)
            rows.append((name, size, times))
    print(f"{'page':<14} {'size':>10} {'load':>9} {'step fwd':>9} {'step bwd':>9} {'set()':>9}")
    for name, size, t in rows:
        print(
            f"{name:<14} {size / 1000:>8.0f} kB {t['load']:>7.0f} ms {t['forward']:>6.1f} ms "
            f"{t['backward']:>6.1f} ms {t['set']:>6.1f} ms"
        )
    sizes = {name: size for name, size, _ in rows}
    times = {name: t for name, _, t in rows}
    targets = [
        ("2-2-1 page under 250 kB", sizes["2-2-1 network"] < 250_000),
        ("1,000-value page under 2 MB", sizes["1,000 values"] < 2_000_000),
        ("1,000-value page loads in under 2 s", times["1,000 values"]["load"] < 2000),
        ("set() and redraw under 50 ms at 1,000 values", times["1,000 values"]["set"] < 50),
    ] + [
        (f"one step under 50 ms at {name}", max(t["forward"], t["backward"]) < 50)
        for name, t in times.items()
    ]
    print()
    for target, met in targets:
        print(f"{'met ' if met else 'MISSED'} {target}")
        if not met:
            failures.append(target)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
