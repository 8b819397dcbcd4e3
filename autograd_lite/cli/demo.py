"""`autograd-lite demo`: micrograd's moons demo, with its model and two pictures."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import autograd_lite as ag
from autograd_lite import atomic_write, nn
from autograd_lite.cli.common import (
    CommandError,
    ExitStatus,
    check_output,
    describe,
    format_loss,
    positive_int,
    write_outputs,
)
from autograd_lite.expression import EvaluationError
from autograd_lite.nn import plot
from autograd_lite.render import GraphRenderError

SAMPLES = 100
NOISE = 0.1
L2 = 1e-4
FILES = {
    "model.json": "the trained model",
    "neuron.svg": "one neuron on one sample, with grads",
    "boundary.svg": "the decision boundary",
}

EPILOG = """\
example:
  autograd-lite demo --out demo/

writes into DIR: model.json (the trained model, for 'autograd-lite predict'),
neuron.svg (the computation graph of one neuron on one sample, with its grads)
and boundary.svg (the decision boundary over the data).
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `demo` subcommand to `commands`."""
    demo = commands.add_parser(
        "demo",
        help="train micrograd's moons demo and write the model and pictures",
        description="Train MLP(2, [16, 16, 1]) on 100 moons (noise 0.1) with hinge loss, 1e-4 L2\n"
        "and SGD (lr = 1.0 - 0.9*k/steps at step k), as micrograd's demo does.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--steps",
        metavar="N",
        type=positive_int,
        default=100,
        help="training steps (default: 100)",
    )
    demo.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        default=Path("autograd-lite-demo"),
        help="output directory, created if missing (default: ./autograd-lite-demo)",
    )
    demo.add_argument(
        "--seed", metavar="N", type=int, default=0, help="seeds data and weights (default: 0)"
    )
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """The `demo` subcommand: micrograd's moons demo, with its model and two pictures."""
    out: Path = args.out
    steps: int = args.steps
    if out.exists() and not out.is_dir():
        raise CommandError(f"--out {str(out)!r} exists and is not a directory")
    # Checked before training: a file that cannot be written would waste the run.
    if out.is_dir():
        for name in FILES:
            check_output(out / name, "--out")
    else:
        try:
            atomic_write.check_directory(out)
        except OSError as error:
            raise CommandError(f"--out: {error.strerror or error}") from None
    X, y = nn.data.make_moons(SAMPLES, noise=NOISE, seed=args.seed, signed=True)
    # micrograd's demo: uniform(-1, 1) weights, ReLU hidden layers, a linear score.
    model = nn.MLP(2, [16, 16, 1], init="uniform", seed=args.seed)
    optimizer = nn.optim.SGD(model.parameters(), lr=1.0)
    schedule = nn.optim.LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=steps)
    print(
        f"training {describe(model)} on {SAMPLES} moons "
        f"(noise {NOISE}) for {steps} steps: hinge loss + {L2:g} L2, "
        f"SGD lr 1.0 -> {1.0 - 0.9 * (steps - 1) / steps:.3g}"
    )
    sys.stdout.flush()
    history = nn.train.fit(
        model,
        X,
        y,
        loss="hinge",
        optimizer=optimizer,
        epochs=steps,
        l2=L2,
        scheduler=schedule,
        progress=not args.quiet,
        compile=True,  # generated code for the step: see ag.compile
    )
    final = history.final
    print(f"final loss {format_loss(final['loss'])}, accuracy {final['accuracy']:.1%}")
    try:
        model_text = nn.checkpoint.encode(type(model).__name__, model.config(), model.state_dict())
    except ValueError as error:
        raise EvaluationError(f"training diverged: {error}") from None

    try:
        neuron_svg = _neuron_graph_svg(model, X)
    except GraphRenderError as error:
        raise CommandError(f"cannot draw the neuron's graph: {error}") from None
    ax = plot.plot_decision_boundary(
        model,
        X,
        y,
        class_names=["-1", "+1"],
        title=f"MLP(2, [16, 16, 1]) on moons after {steps} steps: accuracy {final['accuracy']:.0%}",
    )
    boundary_svg = plot.figure_svg(ax.figure)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"cannot create {str(out)!r}: {error.strerror or error}") from None
    # All three or none: when one cannot be written, the old ones stay as they were.
    contents = [model_text, neuron_svg, boundary_svg]
    write_outputs({out / name: text.encode("utf-8") for name, text in zip(FILES, contents)})
    for name, what in FILES.items():
        print(f"wrote {out / name}  ({what})")
    return ExitStatus.OK


def _neuron_graph_svg(model: nn.MLP, samples: Sequence[Sequence[float]]) -> str:
    """The graph of one first-layer neuron on one sample, after a backward pass of its own.

    The first (neuron, sample) pair where the ReLU is active is drawn, so that
    gradients flow back to every weight (an inactive ReLU passes back zeros).
    """
    neurons = model.layers[0].neurons
    with ag.no_grad():
        neuron, sample = next(
            ((n, x) for n in neurons for x in samples if n(x).data > 0), (neurons[0], samples[0])
        )
    inputs = [ag.Value(x, label=f"x{i + 1}") for i, x in enumerate(sample)]
    # Labels are for the picture only; they change no number of the model.
    for i, weight in enumerate(neuron.w):
        weight.label = f"w{i + 1}"
    neuron.b.label = "b"
    # Training left its last grads on the parameters; show this pass's alone.
    model.zero_grad()
    output = neuron(inputs)
    output.label = "out"
    output.backward()
    svg = ag.draw_graph(output, params=neuron.parameters()).svg()
    model.zero_grad()
    return svg
