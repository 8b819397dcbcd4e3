"""nn.checkpoint: architecture checks before building, class names, atomic saves."""

import json
import stat
from pathlib import Path

import pytest

from autograd_lite import nn
from autograd_lite.nn import checkpoint


def test_a_config_implying_millions_of_weights_is_refused_before_building(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 12, finding 9: 3,000 parameters with sizes [3000] * 5 built 45 million Values
    # (73 s, 5.9 GB) before the mismatch was noticed.
    document = {
        "format": checkpoint.FORMAT,
        "version": checkpoint.VERSION,
        "model": "MLP",
        "config": {"nin": 3000, "sizes": [3000, 3000, 3000, 3000, 3000]},
        "parameters": {f"p{i}": 0.0 for i in range(3000)},
    }
    path = tmp_path / "model.json"
    path.write_text(json.dumps(document))
    assert path.stat().st_size < 60_000

    def never_built(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was built before its size was checked")

    monkeypatch.setattr(nn.MLP, "__init__", never_built)
    with pytest.raises(
        ValueError, match=r"makes a MLP of 45015000 parameters, but the file holds 3000"
    ):
        nn.MLP.load(path)


@pytest.mark.parametrize(
    ("model", "config", "count"),
    [
        ("Neuron", {"nin": 3}, 4),
        ("Layer", {"nin": 3, "nout": 2}, 8),
        ("MLP", {"nin": 2, "sizes": [4, 1]}, 3 * 4 + 5 * 1),
    ],
)
def test_the_implied_count_matches_what_the_modules_hold(
    model: str, config: dict[str, object], count: int
) -> None:
    built = getattr(nn, model)(**config)
    assert built.num_parameters == count  # the hand count agrees with the module itself
    assert checkpoint._implied_parameter_count(model, config) == count


def test_class_names_are_kept(tmp_path: Path) -> None:
    model = nn.MLP(2, [3], seed=0)
    path = tmp_path / "m.json"
    checkpoint.write(path, "MLP", model.config(), model.state_dict(), ["cat", "dog", "emu"])
    assert checkpoint.read_classes(path) == ["cat", "dog", "emu"]
    assert nn.MLP.load(path).state_dict() == model.state_dict()
    model.save(path)
    assert checkpoint.read_classes(path) is None


def test_save_goes_through_the_atomic_writer(tmp_path: Path, null_device: Path) -> None:
    # Issue 12, finding 2: MLP.save replaced /dev/null and symlinks, and reset permissions.
    model = nn.MLP(2, [1], seed=0)
    with pytest.raises(FileExistsError, match="character device"):
        model.save(null_device)
    assert stat.S_ISCHR(null_device.lstat().st_mode)
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "target.json")
    with pytest.raises(FileExistsError, match="symbolic link"):
        model.save(link)
    assert not (tmp_path / "target.json").exists()
    path = tmp_path / "m.json"
    path.write_text("old")
    path.chmod(0o600)
    model.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert nn.MLP.load(path).state_dict() == model.state_dict()


def test_a_non_finite_parameter_cannot_be_saved(tmp_path: Path) -> None:
    model = nn.MLP(2, [1], seed=0)
    model.parameters()[0].data = -float("inf")
    with pytest.raises(ValueError, match=r"cannot save parameter .* = -inf"):
        model.save(tmp_path / "m.json")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("version", [True, 1.0, "1", 2])
def test_only_the_integer_version_1_is_read(tmp_path: Path, version: object) -> None:
    # Issue 18, finding 8: true and 1.0 equal 1 in Python and were read as version 1.
    model = nn.MLP(2, [1], seed=0)
    path = tmp_path / "m.json"
    model.save(path)
    document = json.loads(path.read_text())
    path.write_text(json.dumps({**document, "version": version}))
    with pytest.raises(ValueError, match=rf"version {json.dumps(version)} is not supported"):
        nn.MLP.load(path)


def test_class_names_must_be_text(tmp_path: Path) -> None:
    # Issue 18, finding 1: "caf\udce9" (a byte that was not UTF-8, escaped) cannot be printed.
    model = nn.MLP(2, [1], seed=0)
    path = tmp_path / "m.json"
    with pytest.raises(ValueError, match=r"cannot save the checkpoint: class name 1 .* not text"):
        checkpoint.write(path, "MLP", model.config(), model.state_dict(), ["b", "caf\udce9"])
    assert not path.exists()
    text = checkpoint.encode("MLP", model.config(), model.state_dict(), ["b", "café"])
    path.write_text(text.replace("caf\\u00e9", "caf\\udce9"))
    with pytest.raises(ValueError, match=r"m.json: class name 1 of \"classes\", 'caf\\udce9'"):
        checkpoint.read_classes(path)
