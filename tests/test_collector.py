"""The garbage-collector policy: the process's settings are its own; gc_paused pauses."""

import gc
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

import autograd_lite as ag


@pytest.fixture(autouse=True)
def collector_as_found() -> Iterator[None]:
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    (gc.enable if enabled else gc.disable)()


USING_THE_LIBRARY = """
import gc, sys
gc.set_threshold(1234, 5, 6)
{switch}
import autograd_lite as ag
x = ag.Value(0.5)
y = x
for _ in range(3000):
    y = (y * 1.0001 + 0.0001).tanh()
y.backward()
ag.trace_backward(y)
ag.grad(ag.grad(lambda v: (v * v).tanh()))(0.3)
ag.compile(lambda v: v * v)(2.0)
print(gc.isenabled(), gc.get_threshold())
"""


@pytest.mark.slow
@pytest.mark.parametrize("switch", ["gc.enable()", "gc.disable()"])
def test_a_process_keeps_its_collector_settings(switch: str) -> None:
    # A fresh process: the import, recording, backward, a trace, create_graph and
    # compile leave the process's collector switch and thresholds as it set them.
    result = subprocess.run(
        [sys.executable, "-c", USING_THE_LIBRARY.format(switch=switch)],
        capture_output=True, text=True, check=True,
    )
    assert result.stdout.split("\n")[0] == f"{switch == 'gc.enable()'} (1234, 5, 6)"


def test_gc_paused_pauses_and_restores_what_it_found() -> None:
    gc.enable()
    with ag.gc_paused():
        assert not gc.isenabled()
        with ag.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()
    gc.disable()
    with ag.gc_paused():
        pass
    assert not gc.isenabled()  # a process that turned it off keeps it off


def test_gc_paused_restores_after_an_error() -> None:
    gc.enable()
    with pytest.raises(ZeroDivisionError), ag.gc_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_gc_paused_in_two_threads_resumes_after_the_last() -> None:
    gc.enable()
    entered, release = threading.Event(), threading.Event()

    def other() -> None:
        with ag.gc_paused():
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    entered.wait(5)
    with ag.gc_paused():
        pass
    assert not gc.isenabled()  # the other thread's block has not ended
    release.set()
    thread.join()
    assert gc.isenabled()


def test_the_sweeps_that_build_objects_pause_the_collector() -> None:
    # trace_backward records every step; it runs with the collector paused and
    # leaves it on afterwards.
    gc.enable()
    seen: list[bool] = []
    x = ag.Value(0.5)
    y = (x * x).tanh()
    ag.engine.backpropagate(
        ag.topological_order(y), {y: 1.0},
        on_step=lambda *step: seen.append(gc.isenabled()),
    )
    assert seen == [False, False, False] and gc.isenabled()


def test_gc_paused_as_a_decorator() -> None:
    gc.enable()

    @ag.gc_paused()
    def build() -> bool:
        return gc.isenabled()

    assert build() is False
    assert build.__name__ == "build" and gc.isenabled()
