"""The op table is the one list of ops: every op reachable by its name, covered by the
property tests, and read by the command line and nn."""

import autograd_lite as ag
from autograd_lite import Value, nn
from autograd_lite.expression import ALLOWED_FUNCTIONS


def test_every_op_of_the_table_is_reachable_by_its_name() -> None:
    from autograd_lite.op_functions import UNARY_FUNCTIONS

    for op in ag.OPS.values():
        if op.kind == "function":
            function = UNARY_FUNCTIONS.get(op.symbol) or getattr(ag, op.name)
            assert function(Value(0.5)).op is op
    assert ag.sum([Value(0.5), 2.0]).op is ag.OPS["sum"]
    assert ag.dot([Value(0.5)], [2.0]).op is ag.OPS["dot"]
    assert ag.leaky_relu(Value(0.5)).op is ag.OPS["leaky_relu"]


def test_the_property_tests_cover_every_op_of_the_table() -> None:
    from tests.test_properties import SMOOTH_OPS

    covered = {name.split("_")[0] for name in SMOOTH_OPS} | set(SMOOTH_OPS)
    assert {op.name for op in ag.OPS.values()} <= covered | {"leaky_relu"}
    assert "leaky_relu" in SMOOTH_OPS


def test_the_command_line_and_nn_read_their_lists_from_the_table() -> None:
    unary_functions = {
        op.symbol for op in ag.OPS.values() if op.kind == "function" and op.arity == 1
    }
    assert set(ALLOWED_FUNCTIONS) == unary_functions
    assert {"exp", "log", "log1p", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos", "abs"} == (
        unary_functions
    )
    activations = {op.name for op in ag.OPS.values() if op.activation}
    assert set(nn.module.ACTIVATIONS) == activations | {"linear"}
