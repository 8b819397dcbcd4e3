"""nn.data generators, split and batching."""

import math
from collections import Counter

import pytest

from autograd_lite.nn import data


def test_moons_without_noise_lie_on_the_two_half_circles():
    X, y = data.make_moons(101, noise=0.0, seed=0)
    assert len(X) == 101
    assert Counter(y) == {0: 50, 1: 51}
    for (x1, x2), label in zip(X, y):
        if label == 0:
            assert x1 * x1 + x2 * x2 == pytest.approx(1.0)
            assert x2 >= -1e-12
        else:
            assert (x1 - 1) ** 2 + (x2 - 0.5) ** 2 == pytest.approx(1.0)
            assert x2 <= 0.5 + 1e-12


def test_moons_noise_spreads_points_by_about_noise():
    X, y = data.make_moons(2000, noise=0.1, seed=1)
    distances = [
        math.hypot(x1, x2) - 1 if label == 0 else math.hypot(x1 - 1, x2 - 0.5) - 1
        for (x1, x2), label in zip(X, y)
    ]
    spread = math.sqrt(sum(d * d for d in distances) / len(distances))
    # Radial part of 2-D noise of std 0.1 per coordinate: about 0.1.
    assert 0.08 < spread < 0.12


def test_generators_are_seeded():
    for make in (data.make_moons, data.make_circles, data.make_spirals, data.make_blobs):
        assert make(60, seed=3) == make(60, seed=3)
        assert make(60, seed=3) != make(60, seed=4)


def test_signed_labels():
    _, y01 = data.make_moons(20, seed=5)
    _, signed = data.make_moons(20, seed=5, signed=True)
    assert signed == [1 if label == 1 else -1 for label in y01]
    assert data.signed_labels([0, 1, 1]) == [-1, 1, 1]
    with pytest.raises(ValueError, match=r"y\[1\] must be 0 or 1, got 2"):
        data.signed_labels([0, 2])


def test_circles_radii():
    X, y = data.make_circles(50, noise=0.0, factor=0.3, seed=0)
    for point, label in zip(X, y):
        assert math.hypot(*point) == pytest.approx(1.0 if label == 0 else 0.3)
    assert Counter(y) == {0: 25, 1: 25}


def test_spirals_geometry_without_noise():
    X, y = data.make_spirals(301, classes=3, noise=0.0, seed=0)
    assert Counter(y) == {0: 101, 1: 100, 2: 100}
    for label in range(3):
        points = [p for p, c in zip(X, y) if c == label]
        radii = sorted(math.hypot(*p) for p in points)
        assert radii[0] == pytest.approx(0.0)
        assert radii[-1] == pytest.approx(1.0)
        for x1, x2 in points:
            r = math.hypot(x1, x2)
            if r < 1e-9:
                continue
            # The angle grows linearly with radius: t = 4 (label + r), up to turns of 2 pi.
            angle = 4 * (label + r)
            assert (x1, x2) == pytest.approx((r * math.sin(angle), r * math.cos(angle)))


def test_spirals_noise_is_on_the_angle_only():
    X, y = data.make_spirals(90, classes=3, noise=0.5, seed=2)
    radii = sorted(math.hypot(*p) for p, c in zip(X, y) if c == 1)
    assert radii == pytest.approx([i / 29 for i in range(30)])


def test_xor_truth_table():
    X, y = data.make_xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert y == [0, 1, 1, 0]
    assert data.make_xor(signed=True)[1] == [-1, 1, 1, -1]
    X, y = data.make_xor(400, noise=0.1, seed=0)
    assert all(round(x1) ^ round(x2) == label for (x1, x2), label in zip(X, y))


def test_blobs_given_centres():
    X, y = data.make_blobs(300, centers=[[0, 0], [10, 10]], std=0.5, seed=0)
    assert Counter(y) == {0: 150, 1: 150}
    for label, centre in enumerate([(0, 0), (10, 10)]):
        points = [p for p, c in zip(X, y) if c == label]
        mean = [sum(p[i] for p in points) / len(points) for i in range(2)]
        assert mean == pytest.approx(centre, abs=0.15)


def test_train_test_split_partitions_and_keeps_pairs():
    X = [[float(i), 0.0] for i in range(20)]
    y = list(range(20))
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.25, seed=1)
    assert len(X_test) == 5 and len(X_train) == 15
    assert sorted(y_train + y_test) == y
    assert all(p[0] == label for p, label in zip(X_train + X_test, y_train + y_test))
    assert data.train_test_split(X, y, seed=1) == data.train_test_split(X, y, seed=1)
    with pytest.raises(ValueError, match="same length"):
        data.train_test_split(X, y[:3])


def test_batches_cover_the_data_once():
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    chunks = list(data.batches(X, y, 4, seed=0))
    assert [len(yb) for _, yb in chunks] == [4, 4, 2]
    assert sorted(label for _, yb in chunks for label in yb) == y
    assert all(xb[i][0] == yb[i] for xb, yb in chunks for i in range(len(yb)))
    assert [yb for _, yb in data.batches(X, y, 4, shuffle=False)] == [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
    ]
    assert list(data.batches(X, y, 4, seed=0)) == chunks
    with pytest.raises(ValueError, match="batch_size"):
        list(data.batches(X, y, 0))
