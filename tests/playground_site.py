"""The playground page (docs/playground.md) served and opened, for its test and its benchmark.

`built_site(folder)` builds the documentation site with warnings as errors; `served(folder)`
serves it as `python -m http.server` does, on 127.0.0.1; `watched_chromium()` is headless
Chromium that logs every request (pages and workers alike) and cannot resolve any host
name, so a request meant for another site fails instead of going out.
"""

from __future__ import annotations

import contextlib
import io
import json
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from browser import chromium

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = sorted((DOCS / "playground" / "examples").glob("*.py"))

# Resolves when the playground's Python is ready: {ok, seconds} (or the failure).
WAIT_READY = """
const done = arguments[arguments.length - 1];
const started = performance.now();
const wait = () => window.autogradLitePlayground
  ? window.autogradLitePlayground.ready.then(
      () => done({ok: true, seconds: (performance.now() - started) / 1000}),
      (error) => done({ok: false, error: String(error)}))
  : setTimeout(wait, 20);
wait();
"""
# Runs arguments[0] through the page's API: {stdout, stderr, ok, seconds}.
RUN = """
const done = arguments[arguments.length - 1];
const started = performance.now();
window.autogradLitePlayground.run(arguments[0]).then(
  (result) => done({...result, seconds: (performance.now() - started) / 1000}));
"""


def build_site(out: Path) -> str | None:
    """Build the site into `out` with warnings as errors: None, or why it failed."""
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", str(DOCS), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )
    if result.returncode != 0:
        return f"sphinx exited {result.returncode}:\n{result.stderr[-6000:]}"
    return None


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """`python -m http.server` serving `folder` on 127.0.0.1; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
         str(folder), str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url, timeout=1).close()
                break
            time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def watched_chromium(netlog: Path, width: int = 1000, height: int = 900) -> Iterator[Any]:
    """Headless Chromium (as tests/browser.py starts it) that writes every request of its
    pages and their workers to the NetLog file `netlog` (see `page_requests`), and cannot
    resolve any host name: nothing but 127.0.0.1 is reachable from it."""
    rules = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
    with chromium(width, height, rules, f"--log-net-log={netlog}") as driver:
        driver.set_script_timeout(120)
        yield driver


def page_requests(netlog: Path, origin: str) -> list[str]:
    """The URL of every request that a page or worker of `origin` (`http://host:port`)
    started, as the NetLog written so far records it: each request's events carry its URL
    and its initiator, the origin of the page or worker that asked for it. (Chromium's own
    requests, such as its update checks, have none.)"""
    requests: dict[int, dict[str, str]] = {}
    # One event per line, the file unfinished until Chromium quits.
    for line in netlog.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line.rstrip(","))
        except ValueError:
            continue
        if not isinstance(event, dict) or not isinstance(event.get("params"), dict):
            continue
        known = requests.setdefault(event["source"]["id"], {})
        for key in ("url", "initiator"):
            if isinstance(event["params"].get(key), str):
                known.setdefault(key, event["params"][key])
    return [r["url"] for r in requests.values() if r.get("initiator") == origin and "url" in r]


def native_output(example: Path) -> str:
    """What `example` prints when the installed package runs it here (its last line's
    value and `display` show nothing in text)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        runpy.run_path(str(example), init_globals={"display": lambda *values: None})
    return printed.getvalue()
