"""The stepper's graph layout (autograd_lite/assets/layout.js) run in headless Chromium.

`agLayout(graph)` is checked on hand-made computation graphs (a chain, micrograd's neuron,
x*x, the tutorial's 2-2-1 network) and on random DAGs, in both directions: boxes keep their
gaps, ranks follow the longest path with each source just before its earliest consumer,
edges run forward from border to border without crossing other boxes, copies of an edge
take distinct routes, and the same input gives the same output. Speed is measured by hand,
not asserted here. Skips with a one-line reason without Chromium, chromedriver or selenium.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, console_errors

import autograd_lite

pytestmark = pytest.mark.slow

LAYOUT = Path(autograd_lite.__file__).parent / "assets" / "layout.js"
VALUE = {"w": 110, "h": 60}
OP = {"w": 40, "h": 28}
BOX_GAP, RANK_GAP = 12, 40
Graph = dict[str, Any]


class Builder:
    """Computation graphs as the page draws them: value box -> op ellipse -> value box."""

    def __init__(self) -> None:
        self.nodes: list[dict[str, int]] = []
        self.edges: list[list[int]] = []

    def value(self) -> int:
        self.nodes.append(dict(VALUE))
        return len(self.nodes) - 1

    def op(self, *operands: int) -> int:
        self.nodes.append(dict(OP))
        op = len(self.nodes) - 1
        self.edges.extend([operand, op] for operand in operands)
        out = self.value()
        self.edges.append([op, out])
        return out

    def graph(self, direction: str = "LR") -> Graph:
        return {"nodes": self.nodes, "edges": self.edges, "direction": direction}


def chain() -> Builder:
    g = Builder()
    g.op(g.op(g.value()))
    return g


def neuron() -> Builder:
    """o = tanh(x1*w1 + x2*w2 + b)."""
    g = Builder()
    x1, w1, x2, w2, b = (g.value() for _ in range(5))
    g.op(g.op(g.op(g.op(x1, w1), g.op(x2, w2)), b))
    return g


def square() -> Builder:
    g = Builder()
    x = g.value()
    g.op(x, x)
    return g


def network() -> Builder:
    """The 2-2-1 ReLU network with loss (yhat - y)**2 / 2: nine parameters, one op per product."""
    g = Builder()
    x = [g.value(), g.value()]
    w1 = [[g.value(), g.value()], [g.value(), g.value()]]
    b1 = [g.value(), g.value()]
    w2 = [g.value(), g.value()]
    b2, y, half = g.value(), g.value(), g.value()
    h = [g.op(g.op(g.op(w1[j][0], x[0]), g.op(w1[j][1], x[1]), b1[j])) for j in range(2)]
    yhat = g.op(g.op(w2[0], h[0]), g.op(w2[1], h[1]), b2)
    g.op(half, g.op(g.op(yhat, y)))
    return g


def computation(seed: int, ops: int) -> Builder:
    """A random computation graph: each op takes one to three earlier values, mostly recent ones."""
    rng = random.Random(seed)
    g = Builder()
    values = [g.value() for _ in range(rng.randint(1, 6))]
    for _ in range(ops):
        if rng.random() < 0.15:
            values.append(g.value())
        picks = [rng.choice(values[-rng.randint(1, 12):]) for _ in range(rng.choice((1, 2, 2, 3)))]
        values.append(g.op(*picks))
    return g


def random_dag(seed: int, size: int) -> Builder:
    """Any DAG: boxes of random sizes, edges forward in index order, some of them repeated."""
    rng = random.Random(seed)
    g = Builder()
    g.nodes = [{"w": rng.randint(10, 140), "h": rng.randint(10, 80)} for _ in range(size)]
    for _ in range(rng.randint(size // 2, 2 * size)):
        a = rng.randrange(size - 1)
        b = min(size - 1, a + 1 + int(rng.expovariate(0.2)))
        g.edges.extend([[a, b]] * rng.choice((1, 1, 1, 1, 2, 3)))
    return g


def expected_ranks(graph: Graph) -> list[int]:
    """Longest-path ranks, each source moved to one rank before its earliest consumer."""
    n = len(graph["nodes"])
    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    for a, b in graph["edges"]:
        preds[b].append(a)
        succs[a].append(b)
    rank: list[int | None] = [None] * n

    def longest(v: int) -> int:
        stack = [v]
        while stack:
            top = stack[-1]
            todo = [p for p in preds[top] if rank[p] is None]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            rank[top] = max((rank[p] + 1 for p in preds[top]), default=0)  # type: ignore[operator]
        return rank[v]  # type: ignore[return-value]

    ranks = [longest(v) for v in range(n)]
    return [
        min(ranks[s] for s in succs[v]) - 1 if succs[v] and not preds[v] else ranks[v]
        for v in range(n)
    ]


def box(graph: Graph, out: Graph, i: int) -> tuple[float, float, float, float]:
    node, centre = graph["nodes"][i], out["nodes"][i]
    return (centre["x"] - node["w"] / 2, centre["y"] - node["h"] / 2,
            centre["x"] + node["w"] / 2, centre["y"] + node["h"] / 2)


def on_border(point: tuple[float, float], rect: tuple[float, float, float, float]) -> bool:
    x, y = point
    x0, y0, x1, y1 = rect
    inside_grown = x0 - 1 <= x <= x1 + 1 and y0 - 1 <= y <= y1 + 1
    inside_shrunk = x0 + 1 < x < x1 - 1 and y0 + 1 < y < y1 - 1
    return inside_grown and not inside_shrunk


def cuts(a: tuple[float, float], b: tuple[float, float], rect: tuple[float, ...]) -> bool:
    """Whether segment a-b passes through the inside of rect (Liang-Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - rect[0]), (dx, rect[2] - a[0]),
                 (-dy, a[1] - rect[1]), (dy, rect[3] - a[1])):
        if p == 0:
            if q <= 0:
                return False
        elif p < 0:
            t0 = max(t0, q / p)
        else:
            t1 = min(t1, q / p)
    return t0 < t1


def points(route: list[float]) -> list[tuple[float, float]]:
    return list(zip(route[0::2], route[1::2]))


def segment_crossings(routes: list[list[float]]) -> int:
    """Proper crossings between the polylines (touching ends and shared boxes do not count)."""

    def orient(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    segments = [(i, s) for i, r in enumerate(routes) for s in pairwise(points(r))]
    total = 0
    for k, (i, (a, b)) in enumerate(segments):
        for j, (c, d) in segments[k + 1:]:
            apart = orient(a, b, c) * orient(a, b, d) < 0 and orient(c, d, a) * orient(c, d, b) < 0
            total += i != j and apart
    return total


def check(graph: Graph, out: Graph) -> None:
    """Every promise of agLayout for one input and its output."""
    lr = graph["direction"] == "LR"
    n = len(graph["nodes"])
    assert len(out["nodes"]) == n and len(out["edges"]) == len(graph["edges"])
    flow = (lambda x, y: x) if lr else (lambda x, y: y)
    across = (lambda x, y: y) if lr else (lambda x, y: x)
    boxes = [box(graph, out, i) for i in range(n)]
    for x0, y0, x1, y1 in boxes:
        assert min(x0, y0) >= 0 and x1 <= out["width"] and y1 <= out["height"]

    # Ranks: one band per rank, in order, each source just before its earliest consumer.
    ranks = expected_ranks(graph)
    centre = {}
    for i, r in enumerate(ranks):
        c = flow(out["nodes"][i]["x"], out["nodes"][i]["y"])
        assert abs(centre.setdefault(r, c) - c) < 1e-6, f"node {i} is not in the band of rank {r}"
    bands: dict[int, list[int]] = {}
    for i, r in enumerate(ranks):
        bands.setdefault(r, []).append(i)
    start = {r: min(flow(b[0], b[1]) for b in (boxes[i] for i in m)) for r, m in bands.items()}
    end = {r: max(flow(b[2], b[3]) for b in (boxes[i] for i in m)) for r, m in bands.items()}
    assert sorted(bands) == list(range(len(bands)))
    for r in range(1, len(bands)):
        assert start[r] - end[r - 1] >= RANK_GAP - 1e-6

    # Inside a rank: the boxes keep their gap.
    for members in bands.values():
        spans = sorted((across(boxes[i][0], boxes[i][1]), across(boxes[i][2], boxes[i][3]))
                       for i in members)
        for (_, high), (low, _) in pairwise(spans):
            assert low - high >= BOX_GAP - 1e-6

    # Edges: from border to border, forward, through no other box.
    order = sorted(bands)
    for e, (a, b) in enumerate(graph["edges"]):
        route = points(out["edges"][e])
        assert len(route) >= 2 and all(abs(v) < 1e9 for p in route for v in p)
        assert on_border(route[0], boxes[a]) and on_border(route[-1], boxes[b]), e
        along = [flow(*p) for p in route]
        assert all(q >= p - 1e-9 for p, q in pairwise(along)) and along[-1] > along[0]
        for p, q in pairwise(route):
            low, high = sorted((flow(*p), flow(*q)))
            for r in order:
                if start[r] <= high and low <= end[r]:
                    for i in bands[r]:
                        shrunk = (boxes[i][0] + 0.5, boxes[i][1] + 0.5,
                                  boxes[i][2] - 0.5, boxes[i][3] - 0.5)
                        assert i in (a, b) or not cuts(p, q, shrunk), f"edge {e} cuts box {i}"

    # Copies of an edge: side by side all along, apart at the boxes (a few px unless a small
    # box has many edges on that side) and 5 px apart in the ranks they pass through.
    copies: dict[tuple[int, int], list[int]] = {}
    for e, (a, b) in enumerate(graph["edges"]):
        copies.setdefault((a, b), []).append(e)
    for (a, b), group in copies.items():
        for k, e in enumerate(group):
            for f in group[k + 1:]:
                p, q = points(out["edges"][e]), points(out["edges"][f])
                assert len(p) == len(q)
                for u, v in zip(p, q):
                    apart = abs(across(*u) - across(*v))
                    assert abs(flow(*u) - flow(*v)) < 1e-6 and apart > 0.1, (e, f)
                    if end[ranks[a]] < flow(*u) < start[ranks[b]]:
                        assert apart >= 5 - 1e-6, (e, f)


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """agLayout in one page of a browser, called twice per graph: the calls must agree."""
    page = tmp_path_factory.mktemp("layout") / "layout.html"
    page.write_text(f"<!doctype html><meta charset=utf-8><script>{LAYOUT.read_text()}</script>")
    with chromium() as driver:
        driver.get(page.as_uri())

        def run(graph: Graph) -> Graph:
            out = driver.execute_script("return agLayout(arguments[0])", graph)
            again = driver.execute_script("return agLayout(arguments[0])", graph)
            assert out == again
            assert console_errors(driver) == []
            return out  # type: ignore[no-any-return]

        yield run
        assert console_errors(driver) == []


def test_one_global_and_no_randomness() -> None:
    text = LAYOUT.read_text()
    assert "Math.random" not in text
    top = [line for line in text.splitlines() if line and not line.startswith((" ", "//", "}"))]
    assert top == ["function agLayout(graph) {"]


@pytest.mark.parametrize("direction", ["LR", "TB"])
@pytest.mark.parametrize("make", [chain, neuron, square, network])
def test_hand_made_graphs(layout: Any, make: Any, direction: str) -> None:
    graph = make().graph(direction)
    out = layout(graph)
    check(graph, out)
    # In 2-2-1, x0 and x1 each feed both hidden units. Keeping each unit's products together
    # (as dot does) costs 3 crossings between the inputs and the products, and no fewer.
    assert segment_crossings(out["edges"]) == (3 if make is network else 0)
    # Each op is level with its result (the operands fan in): the edge between is straight.
    key = "y" if direction == "LR" else "x"
    for a, b in graph["edges"]:
        if graph["nodes"][a] == OP:
            assert out["nodes"][a][key] == out["nodes"][b][key]
            assert len(out["edges"][graph["edges"].index([a, b])]) == 4


@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_a_chain_is_straight(layout: Any, direction: str) -> None:
    graph = chain().graph(direction)
    out = layout(graph)
    key = "y" if direction == "LR" else "x"
    assert len({node[key] for node in out["nodes"]}) == 1
    assert all(len(route) == 4 for route in out["edges"])


def test_the_neuron_reads_like_dot(layout: Any) -> None:
    """b sits beside x1*w1 + x2*w2, each op between its operands, the output chain straight."""
    graph = neuron().graph()
    out = layout(graph)
    y = [node["y"] for node in out["nodes"]]
    x = [node["x"] for node in out["nodes"]]
    x1, w1, x2, w2, b, mul1, p1, mul2, p2, add1, s, add2, n, tanh, o = range(15)
    assert x[b] == x[s] and x[x1] == x[w1] == x[x2] == x[w2] < x[b]
    for op, operands in ((mul1, (x1, w1)), (mul2, (x2, w2)), (add1, (p1, p2)), (add2, (s, b))):
        assert min(y[i] for i in operands) < y[op] < max(y[i] for i in operands)
    assert y[add2] == y[n] == y[tanh] == y[o]


def test_parallel_edges_of_x_times_x(layout: Any) -> None:
    graph = square().graph()
    out = layout(graph)
    first, second = (points(route) for route in out["edges"][:2])
    assert first != second
    assert all(abs(p[1] - q[1]) >= 2 for p, q in zip(first, second))


def test_sources_sit_beside_their_earliest_consumer(layout: Any) -> None:
    graph = network().graph()
    out = layout(graph)
    x = [node["x"] for node in out["nodes"]]
    inputs, w1, b1, w2, b2, y, half = [0, 1], [2, 3, 4, 5], [6, 7], [8, 9], 10, 11, 12
    h, product, second_product, yhat, squared = [20, 28], 14, 30, 34, 38
    assert len({x[i] for i in inputs + w1}) == 1
    assert {x[i] for i in b1} == {x[product]} and {x[i] for i in w2} == {x[i] for i in h}
    assert x[b2] == x[second_product] and x[y] == x[yhat] and x[half] == x[squared]
    assert x[0] < x[product] < x[h[0]] < x[yhat] < x[squared]


@pytest.mark.parametrize("direction", ["LR", "TB"])
@pytest.mark.parametrize("seed", range(10))
def test_random_dags(layout: Any, seed: int, direction: str) -> None:
    rng = random.Random(seed)
    if seed % 2:
        graph = computation(seed, rng.randint(1, 250)).graph(direction)
    else:
        graph = random_dag(seed, rng.randint(2, 600)).graph(direction)
    check(graph, layout(graph))


def test_edge_cases(layout: Any) -> None:
    for graph in (
        {"nodes": [], "edges": [], "direction": "LR"},
        {"nodes": [VALUE], "edges": [], "direction": "TB"},
        {"nodes": [VALUE, OP, VALUE], "edges": [], "direction": "LR"},
        {"nodes": [VALUE, OP, VALUE], "edges": [[0, 2], [0, 1], [1, 2], [0, 2]], "direction": "LR"},
        # A fan out and back in: ports spread on one side of a box, crossings of wide nodes.
        {"nodes": [VALUE] + [OP] * 30 + [VALUE],
         "edges": [[0, i] for i in range(1, 31)] + [[i, 31] for i in range(30, 0, -1)]
         + [[0, 31], [0, 31], [5, 31]], "direction": "TB"},
    ):
        out = layout(graph)
        if graph["nodes"]:
            check(graph, out)


def test_a_big_graph(layout: Any) -> None:
    graph = computation(7, 1250).graph()
    assert len(graph["nodes"]) >= 2500 and len(graph["edges"]) >= 3000
    check(graph, layout(graph))
