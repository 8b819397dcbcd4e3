"""nn.losses and nn.functional against closed forms and central differences."""

import math

import pytest

import autograd_lite as ag
from autograd_lite import Value
from autograd_lite.nn import functional as F
from autograd_lite.nn import losses


def grads(loss_of, values):
    leaves = [Value(v) for v in values]
    loss = loss_of(leaves)
    loss.backward()
    return loss.data, [leaf.grad for leaf in leaves]


def sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def test_mse_value_and_gradient():
    p, t = [1.0, -2.0, 0.5], [0.0, 1.0, 0.5]
    value, g = grads(lambda v: losses.mse(v, t), p)
    assert value == pytest.approx((1 + 9 + 0) / 3)
    assert g == pytest.approx([2 * (a - b) / 3 for a, b in zip(p, t)])


def test_mse_rows_average_over_every_element():
    value, g = grads(lambda v: losses.mse([v[:2], v[2:]], [[0.0, 0.0], [1.0, 1.0]]), [1, 2, 3, 4])
    assert value == pytest.approx((1 + 4 + 4 + 9) / 4)
    assert g == pytest.approx([0.5, 1.0, 1.0, 1.5])


def test_binary_cross_entropy_closed_form_and_gradient():
    p, t = [0.9, 0.2, 0.6], [1, 0, 0.25]
    value, g = grads(lambda v: losses.binary_cross_entropy(v, t), p)
    expected = -sum(b * math.log(a) + (1 - b) * math.log(1 - a) for a, b in zip(p, t)) / 3
    assert value == pytest.approx(expected, rel=1e-14)
    assert g == pytest.approx([(a - b) / (a * (1 - a)) / 3 for a, b in zip(p, t)], rel=1e-12)


def test_binary_cross_entropy_certain_predictions():
    assert losses.binary_cross_entropy([Value(1.0), Value(0.0)], [1, 0]).data == 0.0
    with pytest.raises(ValueError, match="with_logits"):
        losses.binary_cross_entropy([Value(0.0)], [1])
    with pytest.raises(ValueError, match=r"targets\[0\] must be in \[0, 1\]"):
        losses.binary_cross_entropy([Value(0.5)], [2])


@pytest.mark.parametrize("t", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("z", [-1000.0, -40.0, -3.0, -1e-3, 0.0, 1e-3, 2.5, 40.0, 1000.0])
def test_bce_with_logits_stable_closed_form(z, t):
    value, (g,) = grads(lambda v: losses.binary_cross_entropy_with_logits(v, [t]), [z])
    # log(1 + e^z) - t z, written per sign so the closed form itself does not overflow.
    softplus = z + math.log1p(math.exp(-z)) if z > 0 else math.log1p(math.exp(z))
    # For t = 1 and large z the loss is (z + tiny) - z, which rounds to 0: allow that.
    assert value == pytest.approx(softplus - t * z, rel=1e-14, abs=1e-16)
    # sigmoid(z) - t without the cancellation of 1 - 1 for large z.
    assert g == pytest.approx((1 - t) * sigmoid(z) - t * sigmoid(-z), rel=1e-12, abs=1e-300)


def test_bce_with_logits_matches_bce_of_sigmoid():
    zs, t = [-1.5, 0.3, 2.0], [0, 1, 1]
    direct = losses.binary_cross_entropy_with_logits([Value(z) for z in zs], t).data
    through = losses.binary_cross_entropy([ag.sigmoid(z) for z in zs], t).data
    assert direct == pytest.approx(through, rel=1e-13)


@pytest.mark.parametrize(
    "logits",
    [[1.0, 2.0, 0.5], [1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -999.0], [1000.0, 1000.0, 1000.0]],
)
@pytest.mark.parametrize("target", [0, 1, 2])
def test_cross_entropy_closed_form(logits, target):
    value, g = grads(lambda v: losses.cross_entropy([v], [target]), logits)
    m = max(logits)
    lse = m + math.log(sum(math.exp(z - m) for z in logits))
    softmax = [math.exp(z - lse) for z in logits]
    assert value == pytest.approx(lse - logits[target], rel=1e-14, abs=1e-15)
    assert g == pytest.approx(
        [s - (i == target) for i, s in enumerate(softmax)], rel=1e-12, abs=1e-15
    )


def test_cross_entropy_is_batch_mean_and_passes_gradcheck():
    rows = [[0.2, -1.0, 3.0], [1.5, 0.0, -0.5]]
    targets = [2, 0]

    def loss(*v):
        return losses.cross_entropy([list(v[:3]), list(v[3:])], targets)

    assert ag.gradcheck(loss, [z for row in rows for z in row])
    per_row = [losses.cross_entropy([row], [t]).data for row, t in zip(rows, targets)]
    assert loss(*[Value(z) for row in rows for z in row]).data == pytest.approx(sum(per_row) / 2)


def test_cross_entropy_rejects_bad_targets():
    with pytest.raises(ValueError, match=r"targets\[0\] = 3"):
        losses.cross_entropy([[0.0, 1.0, 2.0]], [3])
    with pytest.raises(ValueError, match="2 outputs and 1 targets"):
        losses.cross_entropy([[0.0], [1.0]], [0])


def test_hinge_value_and_gradient():
    scores, labels = [2.0, 0.5, -0.2, -3.0], [1, 1, 1, -1]
    value, g = grads(lambda v: losses.hinge(v, labels), scores)
    assert value == pytest.approx((0 + 0.5 + 1.2 + 0) / 4)
    assert g == pytest.approx([0.0, -0.25, -0.25, 0.0])
    with pytest.raises(ValueError, match=r"labels|targets\[0\]"):
        losses.hinge([Value(1.0)], [0])


@pytest.mark.parametrize("logits", [[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0], [-1000.0, -1000.0]])
def test_softmax_and_log_softmax_closed_form(logits):
    m = max(logits)
    lse = m + math.log(sum(math.exp(z - m) for z in logits))
    probabilities = [p.data for p in F.softmax(logits)]
    assert probabilities == pytest.approx([math.exp(z - lse) for z in logits], rel=1e-14)
    assert math.fsum(probabilities) == pytest.approx(1.0, abs=1e-15)
    assert [v.data for v in F.log_softmax(logits)] == pytest.approx([z - lse for z in logits])
    assert F.logsumexp(logits).data == pytest.approx(lse, rel=1e-15)


def test_softmax_gradients_match_central_differences():
    point = [0.3, -1.2, 2.0]
    weights = [1.0, -2.0, 0.5]
    assert ag.gradcheck(lambda *v: ag.dot(weights, F.softmax(list(v))), point)
    assert ag.gradcheck(lambda *v: ag.dot(weights, F.log_softmax(list(v))), point)
    # Extreme logits: differences of ±1 around ±1000 are resolved exactly in floats.
    assert ag.gradcheck(
        lambda *v: ag.dot(weights, F.log_softmax(list(v))), [1000.0, 999.0, -1000.0]
    )


def test_softplus_gradient_at_zero_is_one_half():
    z = Value(0.0)
    F.softplus(z).backward()
    assert z.grad == 0.5


def test_losses_reject_mismatched_batches():
    for loss in (losses.mse, losses.hinge, losses.binary_cross_entropy_with_logits):
        with pytest.raises(ValueError, match="2 outputs and 3 targets"):
            loss([Value(0.5), Value(0.5)], [1, 1, 1])
        with pytest.raises(ValueError, match="non-empty"):
            loss([], [])


def test_softplus_keeps_tiny_values() -> None:
    # log(1 + e^-40) = e^-40 - e^-80/2 + ...: the first term is exact to double precision.
    assert F.softplus(-40.0).data == pytest.approx(math.exp(-40.0), rel=1e-15)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize(
    ("loss", "output"),
    [
        (losses.mse, 0.5),
        (losses.binary_cross_entropy, 0.5),
        (losses.binary_cross_entropy_with_logits, 0.5),
        (losses.hinge, 0.5),
    ],
)
def test_non_finite_targets_are_refused(loss, output, bad) -> None:
    # Issue 12's class "wrong or silent results": a nan target made every gradient nan.
    with pytest.raises(ValueError, match=r"targets\[0\] must be"):
        loss([output], [bad])


@pytest.mark.parametrize(
    ("loss", "output", "target"),
    [
        (losses.mse, 0.25, 1.0),
        (losses.binary_cross_entropy, 0.25, 1.0),
        (losses.binary_cross_entropy_with_logits, 0.25, 1.0),
        (losses.hinge, 0.25, 1),
    ],
)
def test_one_output_and_one_target_are_a_batch_of_one(loss, output, target) -> None:
    # As PyTorch's losses take a tensor without a batch dimension.
    single, batch = Value(output), Value(output)
    loss(single, target).backward()
    loss([batch], [target]).backward()
    assert loss(Value(output), target).data == loss([Value(output)], [target]).data
    assert single.grad == batch.grad != 0.0


def test_mse_of_one_value_by_hand() -> None:
    score = Value(3.0)
    loss = losses.mse(score, 1.0)
    loss.backward()
    assert (loss.data, score.grad) == (4.0, 4.0)  # (3 - 1)^2 and 2 (3 - 1)


def test_cross_entropy_of_one_row_and_one_class() -> None:
    row = [Value(0.0), Value(math.log(3.0))]  # softmax = [1/4, 3/4]
    assert losses.cross_entropy(row, 1).data == pytest.approx(-math.log(0.75), rel=1e-15)
    with pytest.raises(TypeError, match=r"one class index \(cross_entropy\(row, 2\)\), got \[1\]"):
        losses.cross_entropy(row, [1])


@pytest.mark.parametrize(
    "loss", [losses.mse, losses.binary_cross_entropy, losses.binary_cross_entropy_with_logits,
             losses.hinge],
)
def test_one_output_with_a_list_of_targets_says_what_the_loss_takes(loss) -> None:
    name = loss.__name__
    with pytest.raises(TypeError, match=rf"^{name} takes a list of outputs and a list of as many "
                       r"targets, or one output .* got Value outputs and list targets$"):
        loss(Value(0.5), [1.0])
    with pytest.raises(TypeError, match="got list outputs and float targets"):
        loss([Value(0.5)], 1.0)


def test_mse_rows_must_be_equally_long() -> None:
    with pytest.raises(ValueError, match=r"outputs\[1\] must be a row of 2 like outputs\[0\]"):
        losses.mse([[1.0, 2.0], [3.0]], [[0.0, 0.0], [0.0]])
    with pytest.raises(ValueError, match=r"outputs\[1\] is a row, but outputs\[0\] is not"):
        losses.mse([1.0, [3.0]], [0.0, [0.0]])


def test_hinge_with_0_1_labels_names_signed_labels() -> None:
    with pytest.raises(ValueError, match=r"targets\[1\] must be -1 or \+1, got 0; .*"
                       r"nn\.data\.signed_labels\(y\)"):
        losses.hinge([Value(1.0), Value(1.0)], [1, 0])
