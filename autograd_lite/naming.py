"""What each node of a graph is called: `node_names`, and `d(name)` for writing `dL/dname`.

Drawings (`draw_graph(show_names=True)`), traces and the stepper all name a graph's
Values with `node_names`, so a name read in one is the same node in the others:

- a labelled node is its label; a label several nodes share gets `#2`, `#3`, ...
  (`x`, `x#2`);
- an unlabelled node made by an op is its expression over its operands' names when
  that is short (`x1*w1`, `x1*w1 + b`, `tanh(n)`, `x**2`, `leaky_relu(x, 0.01)`);
  a neuron's `dot` with many inputs is `w·x + b` (prefixed by the neuron's name,
  `layers.0.neurons.2: w·x + b`, when several neurons' dots are in the graph);
- anything else is `v1`, `v2`, ... in topological order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from autograd_lite.engine import Value

PLAIN_NAME = re.compile(r"^[\w.\[\]#']+$")
"""A name that reads as one word: letters, digits, `_ . [ ] # '` (`x`, `w.0`, `x[1]`, `a#2`)."""

MAX_EXPRESSION = 20
"""The longest expression a node is named by; a longer one would drown the drawing."""

# Precedence of a name when it is an operand, as in Python: an additive name
# (`a + b`) must be bracketed where a product (`a*b`) need not be, and so on.
_OPAQUE = 0  # a name with spaces or signs that is not one of our expressions
_ADDITIVE = 1  # a + b, a - b, a + b + c, w0*x0 + w1*x1, w·x + b
_MULTIPLICATIVE = 2  # a*b, a/b, and labels with no spaces or signs (x1*w1)
_NEGATION = 3  # -a, and negative constants
_POWER = 4  # a**2
_ATOM = 5  # plain names, function calls: never bracketed

_ADDITIVE_SYMBOLS = ("+", "-")
_PRECEDENCE = {"*": _MULTIPLICATIVE, "/": _MULTIPLICATIVE, "**": _POWER}
# nn names a neuron's weights `<neuron>.w.<i>`; the neuron is what tells dots apart.
_WEIGHT_INDEX = re.compile(r"\.w(?:\.\d+|\[\d+\])$")
_LOOSE = re.compile(r"[\s+\-:]")


def plain(name: str) -> bool:
    """Whether `name` reads as one word (`x`, `w.0`, `x[1]`, `a#2`, `y'`), so needs no brackets."""
    return PLAIN_NAME.match(name) is not None


def d(name: str) -> str:
    """`name` as it reads after a `d` in `dL/dname`: itself if plain, else in brackets."""
    return name if plain(name) else f"({name})"


def format_constant(x: float) -> str:
    """A constant as it would be typed: `3`, `0.5`, `1e-08`, `inf`."""
    return f"{x:g}" if x == x else "nan"


def node_names(order: Sequence[Value]) -> dict[Value, str]:
    """A readable name for each node of a topologically ordered graph, unique in it.

    - A labelled node: its label. The nodes sharing a label are told apart in
      topological order: the first keeps it, the others get `#2`, `#3`, ...
    - An unlabelled node made by an op: its expression written with its operands'
      names and constants, if at most `MAX_EXPRESSION` characters: `x1*w1`,
      `x1*w1 + b`, `x - y`, `(x1*w1)*2`, `x**2`, `-x`, `tanh(n)`,
      `leaky_relu(x, 0.01)`, `a + b + c` (a `sum`), `w0*x0 + w1*x1` (a `dot` of
      two pairs). An operand is bracketed where Python would need it, and also
      wherever it is a compound name inside `*`, `/`, `**` or `-x`; arguments of
      functions never are. Labels take precedence: an expression that is already a
      name gets `#2`, `#3`, ...
    - A `dot` of more than two pairs, as an `nn` neuron computes: `w·x`, or
      `w·x + b` when its last pair is a bias (the input side is the constant 1).
      When several nodes would be called that, each is prefixed by the common
      dotted prefix of its weights' names (`layers.0.neurons.2: w·x + b`) and, if
      that is still shared, numbered with `#2`, `#3`, ...
    - Any other node (an unlabelled leaf, a long expression): `v1`, `v2`, ...
      numbered from 1 in topological order, skipping the names labels take.

    The names depend on the graph alone: the same graph is named the same on every run.
    """
    names: dict[Value, str] = {}
    taken: set[str] = set()
    # The next `#k` to try for each name, so that many duplicates stay linear.
    suffixes: dict[str, int] = {}

    def numbered(name: str) -> str:
        if name not in taken:
            return name
        k = suffixes.get(name, 2)
        while f"{name}#{k}" in taken:
            k += 1
        suffixes[name] = k + 1
        return f"{name}#{k}"

    # Labels first: a label is the user's own name and keeps it in preference to any
    # name made up here. The first node to carry a label gets it bare.
    repeated: list[Value] = []
    for node in order:
        if node.label:
            if node.label in taken:
                repeated.append(node)
            else:
                taken.add(node.label)
                names[node] = node.label
    for node in repeated:
        names[node] = numbered(node.label)
        taken.add(names[node])

    # How many nodes would be called `w·x` or `w·x + b`: known from the graph's shape
    # alone, so the first of them can be told it is not the only one.
    dots: dict[str, int] = {}
    for node in order:
        if not node.label and (base := neuron_form(node)):
            dots[base] = dots.get(base, 0) + 1
    precedence: dict[Value, int] = {}
    generated = 0
    for node in order:
        if node.label:
            precedence[node] = _label_precedence(names[node])
            continue
        name, rank = "", _ATOM
        if base := neuron_form(node):
            prefix = _weights_prefix(node, names)
            shared = dots[base] > 1 or base in taken
            name, rank = (f"{prefix}: {base}", _OPAQUE) if shared and prefix else (base, _ADDITIVE)
        elif node.op is not None:
            text, rank = _expression(node, names, precedence)
            if len(text) <= MAX_EXPRESSION:
                name = text
        if name:
            unique = numbered(name)
            if unique != name:
                # `a + b#2` no longer parses as an expression: judge it as a label.
                name, rank = unique, _label_precedence(unique)
        else:
            generated += 1
            while f"v{generated}" in taken:
                generated += 1
            name, rank = f"v{generated}", _ATOM
        taken.add(name)
        names[node] = name
        precedence[node] = rank
    return names


def _label_precedence(name: str) -> int:
    """How tightly a name not written here binds: plain, no spaces or signs, or neither."""
    if plain(name):
        return _ATOM
    # `x1*w1` can stand in a sum unbracketed; `a - b` or `x: y` cannot.
    return _OPAQUE if _LOOSE.search(name) else _MULTIPLICATIVE


def neuron_form(node: Value) -> str:
    """`w·x + b` or `w·x` for a dot of more than two pairs, else ""."""
    op = node.op
    if op is None or op.name != "dot":
        return ""
    operands = node.operands
    if len(operands) // 2 <= 2:
        return ""
    return "w·x + b" if has_bias(operands) else "w·x"


def has_bias(operands: tuple[Value | float, ...]) -> bool:
    """Whether a dot's last pair is a bias: its input is the constant 1 (nn's neurons)."""
    last_input = operands[-1]
    return not isinstance(last_input, Value) and last_input == 1.0


def _weights_prefix(node: Value, names: dict[Value, str]) -> str:
    """The dotted prefix the names of a dot's weights share, without `.w.<i>` (or "")."""
    operands = node.operands
    half = len(operands) // 2
    # A bias is named after its neuron too, but apart from the weights' `.w.<i>`.
    count = half - 1 if has_bias(operands) else half
    weights = [names[w] for w in operands[:count] if isinstance(w, Value)]
    if not weights:
        return ""
    parts = [_WEIGHT_INDEX.sub("", name).split(".") for name in weights]
    common: list[str] = []
    for pieces in zip(*parts):
        if any(piece != pieces[0] for piece in pieces):
            break
        common.append(pieces[0])
    return ".".join(common)


def _expression(
    node: Value, names: dict[Value, str], precedence: dict[Value, int]
) -> tuple[str, int]:
    """The node's op written over its operands' names, and how tightly the text binds."""
    op = node.op
    assert op is not None  # only called for nodes made by an op
    operands = node.operands

    def text(x: Value | float) -> tuple[str, int]:
        if isinstance(x, Value):
            return names[x], precedence[x]
        written = format_constant(x)
        return written, _NEGATION if written.startswith("-") else _ATOM

    def tight(x: Value | float) -> str:
        # Inside `*`, `/`, `**` or `-x`, any compound operand is bracketed: `(x1*w1)*2`
        # reads unambiguously where `x1*w1*2` would make the reader recall precedence.
        name, rank = text(x)
        return name if rank == _ATOM else f"({name})"

    def term(x: Value | float, first: bool) -> str:
        # In a sum a product needs no brackets (`x1*w1 + b`); a later term that is a
        # sum, a difference or starts with a minus sign does (`a - (b + c)`, `a + (-x)`).
        name, rank = text(x)
        loose = rank == _OPAQUE or (not first and rank in (_ADDITIVE, _NEGATION))
        return f"({name})" if loose else name

    if op.kind == "operator" and len(operands) == 2 and op.symbol in _ADDITIVE_SYMBOLS:
        left, right = operands
        return f"{term(left, True)} {op.symbol} {term(right, False)}", _ADDITIVE
    if op.kind == "operator" and len(operands) == 2 and op.symbol in _PRECEDENCE:
        left, right = operands
        return f"{tight(left)}{op.symbol}{tight(right)}", _PRECEDENCE[op.symbol]
    if op.name == "neg" and len(operands) == 1:
        return f"-{tight(operands[0])}", _NEGATION
    if op.name == "sum" and len(operands) > 1:
        return " + ".join(term(x, i == 0) for i, x in enumerate(operands)), _ADDITIVE
    if op.name == "dot":
        half = len(operands) // 2
        pairs = zip(operands[:half], operands[half:])
        products = [f"{tight(w)}*{tight(x)}" for w, x in pairs]
        return " + ".join(products), _ADDITIVE if len(products) > 1 else _MULTIPLICATIVE
    arguments = ", ".join(text(x)[0] for x in operands)
    return f"{op.symbol}({arguments})", _ATOM
