"""nn.optim against hand-worked updates and, when installed, torch.optim."""

import math

import pytest

from autograd_lite import Value
from autograd_lite.nn import optim


def bowl(a: Value, b: Value) -> Value:
    """f(a, b) = a^2 + 2 b^2, gradient (2a, 4b)."""
    return a * a + 2 * b * b


def run(make_optimizer, steps, start=(1.0, -1.0)):
    a, b = Value(start[0]), Value(start[1])
    optimizer = make_optimizer([a, b])
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        bowl(a, b).backward()
        optimizer.step()
        trajectory.append((a.data, b.data))
    return trajectory


def test_plain_sgd_by_hand():
    # p -= 0.1 * (2a, 4b): (1, -1) -> (0.8, -0.6) -> (0.64, -0.36).
    assert run(lambda p: optim.SGD(p, lr=0.1), 2) == [
        pytest.approx((0.8, -0.6)),
        pytest.approx((0.64, -0.36)),
    ]


def test_sgd_momentum_by_hand():
    # buf1 = g1 = (2, -4); p1 = (0.8, -0.6); g2 = (1.6, -2.4);
    # buf2 = 0.9 buf1 + g2 = (3.4, -6.0); p2 = p1 - 0.1 buf2 = (0.46, 0.0).
    assert run(lambda p: optim.SGD(p, lr=0.1, momentum=0.9), 2) == [
        pytest.approx((0.8, -0.6)),
        pytest.approx((0.46, 0.0), abs=1e-15),
    ]


def test_sgd_nesterov_by_hand():
    # step 1: buf = (2, -4), g + 0.9 buf = (3.8, -7.6), p = (0.62, -0.24).
    # step 2: g = (1.24, -0.96), buf = (3.04, -4.56), g + 0.9 buf = (3.976, -5.064),
    #         p = (0.2224, 0.2664).
    assert run(lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True), 2) == [
        pytest.approx((0.62, -0.24)),
        pytest.approx((0.2224, 0.2664)),
    ]


def test_sgd_weight_decay_by_hand():
    # g = (2, -4) + 0.5 * (1, -1) = (2.5, -4.5); p = (0.75, -0.55).
    assert run(lambda p: optim.SGD(p, lr=0.1, weight_decay=0.5), 1) == [
        pytest.approx((0.75, -0.55))
    ]


def test_adam_first_step_is_lr_times_sign():
    # Bias correction makes m_hat = g and v_hat = g^2 on step 1: the step is lr * g / (|g| + eps).
    (first,) = run(lambda p: optim.Adam(p, lr=0.1), 1)
    assert first == pytest.approx((1 - 0.1 * 2 / (2 + 1e-8), -1 + 0.1 * 4 / (4 + 1e-8)), rel=1e-15)


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_adam_matches_textbook_formula(weight_decay):
    lr, beta1, beta2, eps = 0.05, 0.8, 0.99, 1e-6
    trajectory = run(
        lambda p: optim.Adam(p, lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay),
        5,
    )
    # Kingma & Ba, Algorithm 1, with the L2 term added to the gradient.
    params, m, v = [1.0, -1.0], [0.0, 0.0], [0.0, 0.0]
    for t in range(1, 6):
        g = [2 * params[0], 4 * params[1]]
        for i in range(2):
            gi = g[i] + weight_decay * params[i]
            m[i] = beta1 * m[i] + (1 - beta1) * gi
            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
            m_hat = m[i] / (1 - beta1**t)
            v_hat = v[i] / (1 - beta2**t)
            params[i] -= lr * m_hat / (math.sqrt(v_hat) + eps)
        assert trajectory[t - 1] == pytest.approx(tuple(params), rel=1e-12)


def test_step_lr_schedule():
    optimizer = optim.SGD([Value(0.0)], lr=1.0)
    scheduler = optim.StepLR(optimizer, step_size=2, gamma=0.5)
    seen = []
    for _ in range(5):
        seen.append(optimizer.lr)
        scheduler.step()
    assert seen == [1.0, 1.0, 0.5, 0.5, 0.25]


def test_linear_lr_reproduces_micrograd_schedule():
    optimizer = optim.SGD([Value(0.0)], lr=1.0)
    scheduler = optim.LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=100)
    for k in range(120):
        assert optimizer.lr == pytest.approx(1.0 - 0.9 * min(k, 100) / 100, rel=1e-14)
        scheduler.step()


def test_bad_arguments():
    with pytest.raises(ValueError, match="empty"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        optim.SGD([Value(0.0)], lr=-1)
    with pytest.raises(ValueError, match="nesterov"):
        optim.SGD([Value(0.0)], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="more than once"):
        shared = Value(0.0)
        optim.Adam([shared, shared])
    with pytest.raises(ValueError, match=r"betas\[1\]"):
        optim.Adam([Value(0.0)], betas=(0.9, 1.0))
    with pytest.raises(TypeError, match=r"params\[0\]"):
        optim.SGD([0.0], lr=0.1)


CONFIGS = [
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.1, "betas": (0.5, 0.9), "eps": 1e-4, "weight_decay": 0.05}),
]


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS)
def test_matches_torch_optim(name, kwargs):
    torch = pytest.importorskip("torch")
    start = [0.7, -1.3, 2.1]

    def objective(a, b, c):
        return a * a * b + (b - 1) * (b - 1) + 0.5 * c * c * c * c + a * c

    values = [Value(x) for x in start]
    ours = getattr(optim, name)(values, **kwargs)
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    theirs = getattr(torch.optim, name)(tensors, **kwargs)
    scheduler_ours = optim.StepLR(ours, step_size=4, gamma=0.5)
    scheduler_theirs = torch.optim.lr_scheduler.StepLR(theirs, step_size=4, gamma=0.5)
    for _ in range(12):
        ours.zero_grad()
        objective(*values).backward()
        ours.step()
        scheduler_ours.step()
        theirs.zero_grad()
        objective(*tensors).backward()
        theirs.step()
        scheduler_theirs.step()
        assert [v.data for v in values] == pytest.approx(
            [t.item() for t in tensors], rel=1e-10, abs=1e-12
        )


def test_linear_lr_matches_torch():
    torch = pytest.importorskip("torch")
    ours = optim.SGD([Value(0.0)], lr=0.5)
    theirs = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
    scheduler_ours = optim.LinearLR(ours, start_factor=0.25, end_factor=0.75, total_iters=7)
    scheduler_theirs = torch.optim.lr_scheduler.LinearLR(
        theirs, start_factor=0.25, end_factor=0.75, total_iters=7
    )
    for _ in range(10):
        assert ours.lr == pytest.approx(theirs.param_groups[0]["lr"], rel=1e-12)
        theirs.step()
        scheduler_ours.step()
        scheduler_theirs.step()


@pytest.mark.parametrize(
    "make",
    [
        lambda p: optim.SGD(p, lr=math.inf),
        lambda p: optim.SGD(p, lr=math.nan),
        lambda p: optim.SGD(p, lr=0.1, momentum=math.inf),
        lambda p: optim.SGD(p, lr=0.1, weight_decay=math.nan),
        lambda p: optim.Adam(p, eps=math.inf),
        lambda p: optim.Adam(p, lr=math.inf),
        lambda p: optim.Adam(p, betas=(math.nan, 0.999)),
        lambda p: optim.Adam(p, weight_decay=math.inf),
        lambda p: optim.StepLR(optim.SGD(p, lr=0.1), step_size=1, gamma=math.nan),
        lambda p: optim.StepLR(optim.SGD(p, lr=0.1), step_size=1, gamma=math.inf),
        lambda p: optim.LinearLR(optim.SGD(p, lr=0.1), start_factor=math.nan),
    ],
)
def test_non_finite_hyper_parameters_are_refused(make: object) -> None:
    # Issue 12, finding 15: StepLR(gamma=nan) silently turned every parameter into nan.
    parameter = Value(1.0)
    with pytest.raises(ValueError, match=r"must be .*got (nan|inf)"):
        make([parameter])  # type: ignore[operator]
    assert parameter.data == 1.0
