"""Engine benchmarks: autograd_lite beside micrograd 0.1.0 and plain Python floats.

Run `python benchmarks/engine.py` (micrograd comes with `pip install -e '.[bench]'`;
without it its columns say "not installed"). Everything runs in one process on
the same seeded work, so the ratios are comparable even on a noisy machine:
  1. train step: MLP 2-16-16-1 on 100 moons, hinge loss + 1e-4 L2, backward, SGD
     (autograd_lite with `dot` neurons, micrograd with its MLP, same weights);
  2. the same step on the identical unfused graph (binary + and * only);
  3. a 1,000,000-deep chain y = y*1.0001 + 0.0001, forward and backward, with Python's
     garbage collector as the process has it, then inside `ag.gc_paused()`;
  4. bytes per node (tracemalloc) of a 100,000-node graph, before and after backward;
  5. the train step of 1. through `ag.compile` with the batch loop inside the generated
     code, against micrograd and a hand-written float step that skips inactive samples
     and ReLUs (losses checked against the engine's); the first call's cost (trace,
     generate, compile) and the generated code's length;
  6. a digits-size network (64-10-10, softmax cross-entropy): seconds per sample of
     forward + backward, interpreted (also inside `ag.gc_paused()`) and compiled;
  7. the first call of `ag.compile` (trace, generate, compile, run) on two shapes that
     were quadratic (issue 18): one input feeding every level of a deep chain (Horner's
     rule, shared weights), and a chain of nodes all labelled `h` (an RNN's state); at
     three sizes, with the growth from the smallest to the largest (linear: 4x).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import random
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from operator import mul
from typing import Any

import autograd_lite as ag
from autograd_lite.nn.data import make_moons

try:
    import micrograd.engine
    import micrograd.nn
except ImportError:
    micrograd = None

HIDDEN = [16, 16, 1]
ALPHA = 1e-4
STEPS = 10


def learning_rate(step: int) -> float:
    """micrograd's demo schedule."""
    return 1.0 - 0.9 * step / 100


# ---- one network, three engines -------------------------------------------------
# Weights are lists of rows [w_1, ..., w_n, b] per layer, drawn like micrograd's
# MLP (uniform in [-1, 1], bias 0) so all engines start from the same numbers.


def initial_weights(seed: int) -> list[list[list[float]]]:
    rng = random.Random(seed)
    sizes = [2, *HIDDEN]
    return [
        [[rng.uniform(-1, 1) for _ in range(nin)] + [0.0] for _ in range(nout)]
        for nin, nout in itertools.pairwise(sizes)
    ]


def autograd_lite_step(
    layers: list[list[list[ag.Value]]], X: Sequence[Sequence[float]], y: Sequence[int],
    step: int, fused: bool,
) -> float:
    """Forward, backward and SGD update with autograd_lite; returns the loss."""
    params = [p for layer in layers for row in layer for p in row]
    scores = []
    for point in X:
        activations: list[Any] = [ag.Value(v) for v in point]
        for depth, layer in enumerate(layers):
            last = depth == len(layers) - 1
            outputs = []
            for row in layer:
                if fused:
                    z = ag.dot(row, [*activations, 1.0])
                else:
                    # micrograd's neuron: sum((wi*xi for ...), b), node for node.
                    z = sum((w * a for w, a in zip(row[:-1], activations)), row[-1])
                outputs.append(z if last else z.relu())
            activations = outputs
        scores.append(activations[0])
    losses = [(1 + -label * score).relu() for label, score in zip(y, scores)]
    if fused:
        total = ag.sum(losses) * (1.0 / len(losses)) + ALPHA * ag.dot(params, params)
    else:
        data_loss = sum(losses) * (1.0 / len(losses))
        total = data_loss + ALPHA * sum(p * p for p in params)
    ag.zero_grad(params)
    total.backward()
    rate = learning_rate(step)
    for p in params:
        p.data -= rate * p.grad
    return float(total.data)


def micrograd_step(model: Any, X: Sequence[Sequence[float]], y: Sequence[int], step: int) -> float:
    """micrograd's demo training step, verbatim in substance."""
    Value = micrograd.engine.Value
    inputs = [list(map(Value, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -label * score).relu() for label, score in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    total = data_loss + ALPHA * sum(p * p for p in model.parameters())
    model.zero_grad()
    total.backward()
    rate = learning_rate(step)
    for p in model.parameters():
        p.data -= rate * p.grad
    return float(total.data)


def floats_step(
    layers: list[list[list[float]]], X: Sequence[Sequence[float]], y: Sequence[int], step: int
) -> float:
    """The same step with plain floats and a hand-written backward: the floor."""
    grads = [[[0.0] * len(row) for row in layer] for layer in layers]
    n = len(X)
    total = 0.0
    for point, label in zip(X, y):
        activations = [list(point)]
        pre = []
        for depth, layer in enumerate(layers):
            zs = [sum(w * a for w, a in zip(row, activations[-1])) + row[-1] for row in layer]
            pre.append(zs)
            last = depth == len(layers) - 1
            activations.append(zs if last else [max(z, 0.0) for z in zs])
        margin = 1 - label * activations[-1][0]
        if margin <= 0:
            continue
        total += margin / n
        upstream = [-label / n]
        for depth in range(len(layers) - 1, -1, -1):
            if depth != len(layers) - 1:
                upstream = [u if z > 0 else 0.0 for u, z in zip(upstream, pre[depth])]
            below = [0.0] * len(activations[depth])
            for row, row_grads, u in zip(layers[depth], grads[depth], upstream):
                for i, a in enumerate(activations[depth]):
                    row_grads[i] += u * a
                    below[i] += u * row[i]
                row_grads[-1] += u
            upstream = below
    rate = learning_rate(step)
    for layer, layer_grads in zip(layers, grads):
        for row, row_grads in zip(layer, layer_grads):
            for i, g in enumerate(row_grads):
                total += ALPHA * row[i] * row[i]
                row[i] -= rate * (g + 2 * ALPHA * row[i])
    return total


def skipping_floats_step(
    layers: list[list[list[float]]], X: Sequence[Sequence[float]], y: Sequence[int], step: int
) -> float:
    """The best plain-float step we could write: inactive samples and ReLUs skip backward."""
    n = len(X)
    last = len(layers) - 1
    grads = [[[0.0] * len(row) for row in layer] for layer in layers]
    data_loss = 0.0
    for point, label in zip(X, y):
        activations = [list(point)]
        pre = []
        for depth, layer in enumerate(layers):
            inputs = activations[-1]
            zs = [sum(map(mul, row, inputs), 0.0) + row[-1] for row in layer]
            pre.append(zs)
            activations.append(zs if depth == last else [z if z > 0.0 else 0.0 for z in zs])
        margin = 1.0 - label * activations[-1][0]
        if margin <= 0.0:
            continue
        data_loss += margin
        deltas = [-label / n]
        for depth in range(last, -1, -1):
            inputs = activations[depth]
            below = [0.0] * len(inputs)
            for row, row_grads, delta in zip(layers[depth], grads[depth], deltas):
                if delta == 0.0:
                    continue
                for i, a in enumerate(inputs):
                    row_grads[i] += delta * a
                    below[i] += delta * row[i]
                row_grads[-1] += delta
            if depth:
                deltas = [d if z > 0.0 else 0.0 for d, z in zip(below, pre[depth - 1])]
    total = data_loss / n + ALPHA * sum(w * w for layer in layers for row in layer for w in row)
    rate = learning_rate(step)
    for layer, layer_grads in zip(layers, grads):
        for row, row_grads in zip(layer, layer_grads):
            for i, g in enumerate(row_grads):
                row[i] -= rate * (g + 2 * ALPHA * row[i])
    return total


def moons_sample_loss(params: Sequence[Any], point: Sequence[Any], label: Any) -> ag.Value:
    """One sample's hinge loss plus the L2 term: the moons step's objective, for ag.compile."""
    activations: list[Any] = list(point)
    start = 0
    sizes = [2, *HIDDEN]
    for depth, (nin, nout) in enumerate(itertools.pairwise(sizes)):
        outputs = []
        for _ in range(nout):
            z = ag.dot(params[start : start + nin + 1], [*activations, 1.0])
            start += nin + 1
            outputs.append(z if depth == len(HIDDEN) - 1 else z.relu())
        activations = outputs
    return (1 + -label * activations[0]).relu() + ALPHA * ag.dot(params, params)


def bench_compiled(X: list[list[float]], y: list[int], steps: int) -> dict[str, Any]:
    """The moons step compiled, and the skipping float floor, over `steps` steps each."""
    weights = initial_weights(seed=1337)
    labels = [float(label) for label in y]
    params = [w for layer in weights for row in layer for w in row]
    start = time.perf_counter()
    compiled = ag.compile(moons_sample_loss, batch=(1, 2))
    compiled(params, X, labels)
    first_call = time.perf_counter() - start
    state = {"params": params}

    def compiled_step(k: int) -> float:
        loss, grads = compiled(state["params"], X, labels)
        rate = learning_rate(k)
        state["params"] = [p - rate * g for p, g in zip(state["params"], grads)]
        return float(loss)

    results: dict[str, Any] = {"first_call": first_call}
    results["lines"] = len(compiled.source.splitlines())
    floor = [[list(row) for row in layer] for layer in weights]
    # Alternating blocks of steps, so that both see the same load on a shared machine.
    losses: dict[str, list[float]] = {"compiled": [], "floor": []}
    seconds = {"compiled": 0.0, "floor": 0.0}
    block = 10
    for first in range(0, steps, block):
        for name, step in [
            ("compiled", compiled_step),
            ("floor", lambda k: skipping_floats_step(floor, X, y, k)),
        ]:
            start = time.perf_counter()
            losses[name].extend(step(k) for k in range(first, min(first + block, steps)))
            seconds[name] += time.perf_counter() - start
    for name in losses:
        results[name] = (losses[name], seconds[name] / steps)
    return results


def digits_network(rng: random.Random) -> list[float]:
    """Weights of a 64-10-10 MLP (rows of [w..., b]), flattened."""
    return [rng.uniform(-0.3, 0.3) for _ in range(10 * 65 + 10 * 11)]


def digits_sample_loss(params: Sequence[Any], pixels: Sequence[Any], target: Sequence[Any]) -> Any:
    """Cross-entropy of a 64-10-10 tanh MLP's softmax against a one-hot target."""
    hidden = [ag.dot(params[65 * j : 65 * j + 65], [*pixels, 1.0]).tanh() for j in range(10)]
    logits = [ag.dot(params[650 + 11 * k : 650 + 11 * k + 11], [*hidden, 1.0]) for k in range(10)]
    return ag.log(ag.sum([ag.exp(z) for z in logits])) - ag.dot(target, logits)


def bench_digits(samples: int) -> dict[str, Any]:
    """Seconds per sample of forward + backward, interpreted (value_and_grad) and compiled."""
    rng = random.Random(7)
    params = digits_network(rng)
    X = [[float(rng.randrange(17)) / 16 for _ in range(64)] for _ in range(samples)]
    T = [[1.0 if k == rng.randrange(10) else 0.0 for k in range(10)] for _ in range(samples)]

    def batch_loss(p: Sequence[Any]) -> ag.Value:
        return ag.sum([digits_sample_loss(p, x, t) for x, t in zip(X, T)]) / samples

    start = time.perf_counter()
    interpreted_loss, interpreted_grads = ag.value_and_grad(batch_loss)(params)
    interpreted = (time.perf_counter() - start) / samples
    gc.collect()
    start = time.perf_counter()
    with ag.gc_paused():
        ag.value_and_grad(batch_loss)(params)
    paused = (time.perf_counter() - start) / samples
    compiled = ag.compile(digits_sample_loss, batch=(1, 2))
    start = time.perf_counter()
    compiled(params, X, T)
    first_call = time.perf_counter() - start
    start = time.perf_counter()
    repeats = 5
    for _ in range(repeats):
        loss, grads = compiled(params, X, T)
    per_sample = (time.perf_counter() - start) / repeats / samples
    gap = max(
        abs(a - b) / max(abs(a), abs(b), 1e-300) for a, b in zip(grads, interpreted_grads)
    )
    return {
        "interpreted": interpreted, "paused": paused, "compiled": per_sample,
        "first_call": first_call,
        "loss_gap": abs(loss - interpreted_loss) / abs(interpreted_loss), "grad_gap": gap,
        "lines": len(compiled.source.splitlines()),
    }


def shared_input_chain(levels: int) -> Callable[[Any], Any]:
    """y = y + x, `levels` times: x feeds every level (Horner's rule, shared weights)."""

    def shared_input(x: Any) -> Any:
        y = x
        for _ in range(levels):
            y = y + x
        return y

    return shared_input


def shared_label_chain(steps: int) -> Callable[[Any], Any]:
    """h = tanh(0.5 h + 0.25), `steps` times, every h labelled "h" (an RNN's state)."""

    def shared_label(x: Any) -> Any:
        h = x
        for _ in range(steps):
            h = (h * 0.5 + 0.25).tanh()
            h.label = "h"
        return h

    return shared_label


COMPILE_SHAPES: dict[str, Callable[[int], Callable[[Any], Any]]] = {
    "shared input, y = y + x": shared_input_chain,
    "shared label h, h = tanh(h/2 + 1/4)": shared_label_chain,
}


def bench_compile_time(sizes: Sequence[int]) -> dict[str, list[tuple[float, float]]]:
    """Per shape and size: seconds of the first compiled call, and of value_and_grad."""
    results: dict[str, list[tuple[float, float]]] = {}
    for title, shape in COMPILE_SHAPES.items():
        rows = []
        for size in sizes:
            f = shape(size)
            gc.collect()
            start = time.perf_counter()
            compiled = ag.compile(f)(0.5)
            seconds = time.perf_counter() - start
            gc.collect()
            start = time.perf_counter()
            interpreted = ag.value_and_grad(f)(0.5)
            rows.append((seconds, time.perf_counter() - start))
            if compiled != interpreted:
                raise AssertionError(f"{title}, {size}: {compiled} != {interpreted}")
        results[title] = rows
    return results


def run_steps(step: Callable[[int], float], steps: int = STEPS) -> tuple[list[float], float]:
    """Run STEPS steps; return the losses and the mean seconds per step."""
    losses = []
    start = time.perf_counter()
    for k in range(steps):
        losses.append(step(k))
    return losses, (time.perf_counter() - start) / steps


def bench_train_step(fused: bool, X: list[list[float]], y: list[int]) -> dict[str, Any]:
    weights = initial_weights(seed=1337)
    ours = [[[ag.Value(w) for w in row] for row in layer] for layer in weights]
    results: dict[str, Any] = {}
    results["autograd_lite"] = run_steps(lambda k: autograd_lite_step(ours, X, y, k, fused))
    floats = [[list(row) for row in layer] for layer in weights]
    results["floats"] = run_steps(lambda k: floats_step(floats, X, y, k))
    if micrograd is not None:
        model = micrograd.nn.MLP(2, HIDDEN)
        for neuron, row in zip(
            (n for layer in model.layers for n in layer.neurons),
            (row for layer in weights for row in layer),
        ):
            for w, value in zip(neuron.w, row):
                w.data = value
            neuron.b.data = row[-1]
        results["micrograd"] = run_steps(lambda k: micrograd_step(model, X, y, k))
    return results


def chain_seconds(depth: int) -> tuple[float, float, float]:
    """Forward and backward seconds of the chain, and d(y)/d(x)."""
    start = time.perf_counter()
    x = ag.Value(0.5)
    y = x
    for _ in range(depth):
        y = y * 1.0001 + 0.0001
    middle = time.perf_counter()
    y.backward()
    end = time.perf_counter()
    return middle - start, end - middle, x.grad


def bench_chain(depth: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    results["autograd_lite"] = chain_seconds(depth)
    gc.collect()
    with ag.gc_paused():
        results["paused"] = chain_seconds(depth)
    start = time.perf_counter()
    value, gradient = 0.5, 1.0
    for _ in range(depth):
        value = value * 1.0001 + 0.0001
    middle = time.perf_counter()
    for _ in range(depth):
        gradient *= 1.0001
    results["floats"] = (middle - start, time.perf_counter() - middle, gradient)
    if micrograd is not None:
        m = micrograd.engine.Value(0.5)
        for _ in range(600):
            m = m * 1.0001 + 0.0001
        try:
            m.backward()
            results["micrograd"] = "600 deep: ok"
        except RecursionError:
            results["micrograd"] = "RecursionError at 600 deep"
    return results


def tree_graph(make: Callable[[float], Any], leaves: int) -> Any:
    """A balanced tree of alternating * and + over `leaves` leaves: 2 * leaves - 1 nodes."""
    level = [make(1.0 + i * 1e-6) for i in range(leaves)]
    multiply = True
    while len(level) > 1:
        paired = [
            (a * b if multiply else a + b) for a, b in zip(level[::2], level[1::2])
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
        multiply = not multiply
    return level[0]


def bytes_per_node(make: Callable[[float], Any], leaves: int) -> tuple[float, float]:
    tracemalloc.start()
    root = tree_graph(make, leaves)
    before = tracemalloc.get_traced_memory()[0]
    root.backward()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    nodes = 2 * leaves - 1
    return before / nodes, after / nodes


def ratio(slow: float, fast: float) -> str:
    return f"{slow / fast:6.1f}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chain", type=int, default=1_000_000, help="chain depth")
    parser.add_argument(
        "--compiled-steps", type=int, default=200, help="steps of the compiled moons step"
    )
    parser.add_argument("--digits", type=int, default=200, help="samples of the digits batch")
    parser.add_argument(
        "--compile-sizes", default="5000,10000,20000",
        help="comma-separated graph sizes of the compile-time rows (7.)",
    )
    parser.add_argument(
        "--only-compile-time", action="store_true", help="run the compile-time rows (7.) only"
    )
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.compile_sizes.split(",")]
    if args.only_compile_time:
        print_compile_time(sizes)
        return 0
    interpreted: dict[str, Any] = {}
    X, y = make_moons(100, noise=0.1, seed=0, signed=True)
    print(f"python {sys.version.split()[0]}, micrograd {'0.1.0' if micrograd else 'not installed'}")
    print(f"\n{'benchmark':44} {'autograd_lite':>14} {'micrograd':>12} {'floats':>10}  ratios")

    for fused, title in [(True, "1. train step, dot neurons (s/step)"),
                         (False, "2. train step, unfused graph (s/step)")]:
        # Every section starts from a collected heap: micrograd leaves cyclic
        # garbage behind, which would slow the collector during the next one.
        gc.collect()
        results = bench_train_step(fused, X, y)
        if fused:
            interpreted = results
        ours_losses, ours = results["autograd_lite"]
        floor_losses, floor = results["floats"]
        line = f"{title:44} {ours:14.4f}"
        if "micrograd" in results:
            their_losses, theirs = results["micrograd"]
            line += f" {theirs:12.4f} {floor:10.4f}  micrograd/ours {ratio(theirs, ours)}"
            worst = max(abs(a - b) for a, b in zip(ours_losses, their_losses))
        else:
            line += f" {'-':>12} {floor:10.4f}"
            worst = 0.0
        print(line + f", ours/floats {ratio(ours, floor)}")
        floor_gap = max(abs(a - b) for a, b in zip(ours_losses, floor_losses))
        agree = "yes" if worst <= 1e-12 and floor_gap <= 1e-12 else "NO"
        print(f"   losses over {STEPS} steps: first {ours_losses[0]:.12f}, last "
              f"{ours_losses[-1]:.12f}; max gap to micrograd {worst:.1e}, "
              f"to floats {floor_gap:.1e}; agree to 1e-12: {agree}")

    gc.collect()
    chain = bench_chain(args.chain)
    forward, backward, gradient = chain["autograd_lite"]
    f_forward, f_backward, f_gradient = chain["floats"]
    print(f"{'3. chain of ' + format(args.chain, ',') + ': forward (s)':44} {forward:14.3f}"
          f" {'-':>12} {f_forward:10.3f}")
    print(f"{'   backward (s)':44} {backward:14.3f} {'-':>12} {f_backward:10.3f}")
    print(f"{'   total (s)':44} {forward + backward:14.3f} {'-':>12} "
          f"{f_forward + f_backward:10.3f}  gradient rel. gap "
          f"{abs(gradient - f_gradient) / f_gradient:.1e}")
    p_forward, p_backward, p_gradient = chain["paused"]
    print(f"{'   inside ag.gc_paused(): forward + backward':44} {p_forward + p_backward:14.3f}"
          f" {'-':>12} {'-':>10}  forward {p_forward:.3f}, backward {p_backward:.3f}; "
          f"same gradient: {'yes' if p_gradient == gradient else 'NO'}")
    if "micrograd" in chain:
        print(f"   micrograd: {chain['micrograd']}")

    leaves = 50_000
    gc.collect()
    ours_before, ours_after = bytes_per_node(ag.Value, leaves)
    line_before = f"{'4. bytes/node, 99,999-node tree, before':44} {ours_before:14.0f}"
    line_after = f"{'   after backward':44} {ours_after:14.0f}"
    if micrograd is not None:
        theirs_before, theirs_after = bytes_per_node(micrograd.engine.Value, leaves)
        line_before += f" {theirs_before:12.0f} {'-':>10}  micrograd/ours "
        line_before += ratio(theirs_before, ours_before)
        line_after += f" {theirs_after:12.0f} {'-':>10}  micrograd/ours "
        line_after += ratio(theirs_after, ours_after)
    print(line_before)
    print(line_after)

    gc.collect()
    compiled = bench_compiled(X, y, max(args.compiled_steps, STEPS))
    compiled_losses, ours = compiled["compiled"]
    floor_losses, floor = compiled["floor"]
    engine_losses = interpreted["autograd_lite"][0]
    line = f"{'5. train step of 1., ag.compile (s/step)':44} {ours:14.5f}"
    if "micrograd" in interpreted:
        theirs = interpreted["micrograd"][1]
        line += f" {theirs:12.4f} {floor:10.5f}  micrograd/compiled {ratio(theirs, ours)}"
    else:
        line += f" {'-':>12} {floor:10.5f}"
    print(line + f", compiled/floor {ours / floor:5.2f}x")
    print(f"   floats column: the hand-written step that skips inactive samples and ReLUs; "
          f"interpreted step of 1. / compiled {ratio(interpreted['autograd_lite'][1], ours)}")
    compiled_gap = max(abs(a - b) for a, b in zip(compiled_losses, engine_losses))
    floor_gap = max(abs(a - b) for a, b in zip(floor_losses, engine_losses))
    agree = "yes" if compiled_gap <= 1e-12 and floor_gap <= 1e-12 else "NO"
    print(f"   losses over the first {STEPS} steps: max gap to the engine: compiled "
          f"{compiled_gap:.1e}, floor {floor_gap:.1e}; agree to 1e-12: {agree}")
    print(f"   first call (trace + generate + compile + one step): "
          f"{compiled['first_call'] * 1000:.1f} ms; generated code: {compiled['lines']:,} lines")

    gc.collect()
    digits = bench_digits(args.digits)
    print(f"{'6. digits 64-10-10, cross-entropy (s/sample)':44} {digits['compiled']:14.6f}"
          f" {'-':>12} {'-':>10}  interpreted {digits['interpreted']:.6f}, "
          f"interpreted/compiled {ratio(digits['interpreted'], digits['compiled'])}")
    print(f"   interpreted inside ag.gc_paused() {digits['paused']:.6f} s/sample")
    print(f"   first call {digits['first_call'] * 1000:.1f} ms, {digits['lines']:,} lines; "
          f"relative gap to the interpreter: loss {digits['loss_gap']:.1e}, "
          f"gradient {digits['grad_gap']:.1e}")
    print_compile_time(sizes)
    return 0


def print_compile_time(sizes: Sequence[int]) -> None:
    gc.collect()
    timings = bench_compile_time(sizes)
    header = ", ".join(format(size, ",") for size in sizes)
    print(f"7. ag.compile's first call (s) at {header} levels; value_and_grad's in brackets")
    for title, rows in timings.items():
        cells = "  ".join(f"{seconds:6.2f} ({interpreted:.2f})" for seconds, interpreted in rows)
        growth = rows[-1][0] / rows[0][0]
        scale = sizes[-1] / sizes[0]
        print(f"   {title:41} {cells}  {scale:g}x the size: {growth:.1f}x the time")


if __name__ == "__main__":
    sys.exit(main())
