"""`autograd-lite grad`: the value and gradients of an expression."""

from __future__ import annotations

import argparse
import inspect
import math
from collections.abc import Collection
from pathlib import Path

import autograd_lite as ag
from autograd_lite.cli.common import (
    CommandError,
    ExitStatus,
    check_output,
    output_path,
    parse_assignments,
    positive_float,
    write_outputs,
)
from autograd_lite.expression import ALLOWED_FUNCTIONS, EvaluationError, Expression, parse
from autograd_lite.render import GraphRenderError

GRAPH_FORMATS = (".svg", ".png", ".pdf", ".dot")
# Expressions are limited to 10,000 characters, so their graphs stay drawable.
GRAPH_MAX_NODES = 20_000

EPILOG = """\
examples:
  autograd-lite grad "tanh(x*w + b)" x=0.5 w=-1.5 b=2
  autograd-lite grad "x**2 * sin(y)" x=3 y=0.5 --trace
  autograd-lite grad "sigmoid(a*b + c)" a=1 b=2 c=-1 --graph graph.svg
  autograd-lite grad "relu(x*w + b)" x=0.5 w=-1.5 b=2 --source
  autograd-lite grad "tanh(x*w + b)" x=0.5 w=-1.5 b=2 --html steps.html
  autograd-lite grad "(w*x - 3)**2" x=2 w=0.5 --html sgd.html --lr 0.05
  autograd-lite grad -- "-x**2" x=3        (use -- when the expression starts with '-')

expressions use numbers, the declared variables, + - * / ** (and unary - +),
parentheses and the functions {functions}.
""".format(functions=" ".join(ALLOWED_FUNCTIONS))


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `grad` subcommand to `commands`."""
    grad = commands.add_parser(
        "grad",
        help="evaluate an expression and print the gradient of every variable",
        description="Evaluate EXPRESSION at the given values, run backward and print the value\n"
        "and the derivative of the expression with respect to every variable.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    grad.add_argument("expression", metavar="EXPRESSION", help='for example "tanh(x*w + b)"')
    grad.add_argument(
        "assignments", metavar="NAME=VALUE", nargs="*", default=[], help="a value for each variable"
    )
    grad.add_argument(
        "--graph",
        metavar="FILE",
        type=output_path,
        help="also draw the computation graph; format from the suffix: " + " ".join(GRAPH_FORMATS),
    )
    grad.add_argument("--trace", action="store_true", help="print every chain-rule step")
    grad.add_argument(
        "--source",
        action="store_true",
        help="also print the straight-line Python code that ag.compile generates for it",
    )
    grad.add_argument(
        "--html",
        metavar="FILE",
        type=output_path,
        help="also write the stepper lab as one standalone .html page: forward, each "
        "chain-rule step explained, values to edit, and SGD steps on the variables",
    )
    grad.add_argument(
        "--lr",
        metavar="RATE",
        type=positive_float,
        help="with --html: the learning rate of the SGD steps the page plays (default 0.1)",
    )
    grad.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """The `grad` subcommand: value and gradients of an expression."""
    graph_path: Path | None = args.graph
    if graph_path is not None and graph_path.suffix.lower() not in GRAPH_FORMATS:
        raise CommandError(
            f"--graph {str(graph_path)!r}: unknown format {graph_path.suffix!r}, "
            f"expected a file ending in one of {', '.join(GRAPH_FORMATS)}"
        )
    if graph_path is not None:
        check_output(graph_path, "--graph")
    html_path: Path | None = args.html
    if html_path is not None:
        if html_path.suffix.lower() not in (".html", ".htm"):
            raise CommandError(f"--html {str(html_path)!r}: expected a file ending in .html")
        if graph_path is not None and html_path.resolve() == graph_path.resolve():
            raise CommandError(f"--html and --graph name the same file: {str(html_path)!r}")
        check_output(html_path, "--html")
    if args.lr is not None and html_path is None:
        raise CommandError("--lr sets the learning rate of the --html page: give --html FILE too")
    variables = parse_assignments(args.assignments)
    expression = parse(args.expression)
    root = expression.evaluate(variables)
    output_name = _output_name(variables)
    if not root.label:
        root.label = output_name
    # trace_backward runs the backward pass itself, recording each step.
    traced = args.trace or html_path is not None
    trace = ag.trace_backward(root) if traced else None
    if trace is None:
        root.backward()
    for name, leaf in variables.items():
        if not math.isfinite(leaf.grad):
            raise EvaluationError(
                f"overflow: d{output_name}/d{name} = {leaf.grad!r}, beyond the float range "
                "(the value itself is finite)"
            )
    outputs: dict[Path, bytes] = {}
    if graph_path is not None:
        try:
            # With --trace, name every node (x*w, x*w + b, ...) as the trace does.
            graph = ag.draw_graph(root, max_nodes=GRAPH_MAX_NODES, show_names=args.trace)
            picture = graph.pipe(graph_path.suffix.lstrip("."))
        except (GraphRenderError, ValueError) as error:
            raise CommandError(f"cannot draw the graph into {str(graph_path)!r}: {error}") from None
        outputs[graph_path] = picture
    if html_path is not None and trace is not None:
        try:
            # The variables are the parameters: the page plays SGD steps on them.
            page = trace.stepper(
                max_nodes=GRAPH_MAX_NODES,
                params=list(variables.values()),
                lr=(0.1 if args.lr is None else args.lr) if variables else None,
                title=f"{output_name} = {expression.source.strip()}",
            ).html()
        except (GraphRenderError, ValueError) as error:
            raise CommandError(f"cannot draw the steps into {str(html_path)!r}: {error}") from None
        outputs[html_path] = page.encode("utf-8")
    write_outputs(outputs)
    if args.trace and trace is not None:
        print(trace)
        print()
    for path in outputs:
        print(f"wrote {path}")
    print(f"{output_name} = {expression.source.strip()} = {root.data!r}")
    width = max((len(name) for name in variables), default=0)
    for name, leaf in variables.items():
        print(f"d{output_name}/d{name:<{width}} = {leaf.grad!r}")
    if args.source:
        print()
        print(_generated_source(expression, variables, output_name), end="")
    return ExitStatus.OK


def _generated_source(expression: Expression, variables: dict[str, ag.Value], name: str) -> str:
    """The code ag.compile generates for the expression as a function of its variables."""
    names = list(variables)

    def function(*values: ag.Value) -> ag.Value:
        return expression.evaluate(dict(zip(names, values)))

    function.__name__ = name
    # The generated function's parameters take the variables' names.
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_ONLY) for n in names]
    )
    compiled = ag.compile(function, tuple(range(len(names)))) if names else ag.compile(
        function, wrt=[]
    )
    compiled(*(leaf.data for leaf in variables.values()))
    return compiled.source


def _output_name(variables: Collection[str]) -> str:
    # "f" as in f(x, y), unless the user took that name for a variable.
    name = "f"
    while name in variables:
        name += "_"
    return name
