"""`autograd-lite train --data digits | flower` and the held-out test split (issue 11)."""

import re
from pathlib import Path

import pytest
from cli_process import command

from autograd_lite import nn
from autograd_lite.cli import main

ERROR_PREFIX = "autograd-lite: error: "
DIGITS = "autograd_lite/nn/datasets/digits.csv.gz"
RESULT = re.compile(
    r"final loss (\S+), accuracy (\S+)%; test loss (\S+), test accuracy (\S+)%", re.MULTILINE
)


def one_line_error(status: int, err: str, fragment: str) -> None:
    assert status == 2
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(ERROR_PREFIX) and fragment in lines[0], err
    assert "Traceback" not in err


def printed_test_accuracy(out: str) -> float:
    """The test accuracy printed on the result line, as a fraction."""
    match = RESULT.search(out)
    assert match, out
    return float(match.group(4)) / 100


@pytest.mark.slow
def test_digits_trains_compiled_to_a_high_test_accuracy_and_predict_reads_64_pixels(
    tmp_path: Path,
) -> None:
    # The defaults for digits: MLP(64, [32, 10]), Adam lr 0.01, 20 epochs. Measured on
    # 2 shared cores: test accuracy 97.5% (seed 0), 0.25-0.5 s per epoch, 8-13 s in all.
    result = command("train", "--data", "digits", "--save", "digits.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "not compiled" not in result.stderr  # fit ran its generated step
    assert (
        "training MLP(64, [32, 10]) (2410 parameters) on 1438 samples of digits "
        "(10 classes, 359 held out for testing) for 20 epochs: cross_entropy, adam lr 0.01"
    ) in result.stdout
    assert re.search(r"^trained in \d+\.\d s, \d+\.\d+ m?s per epoch$", result.stdout, re.M)
    printed = printed_test_accuracy(result.stdout)
    assert printed >= 0.95

    # The held-out rows are the seeded fifth nn.data picks; the saved model, given their
    # 64 scaled pixels (and the label column, which predict ignores), gets the printed
    # accuracy on them.
    _, X_test, _, y_test = nn.data.load_digits(scale=True, test_size=0.2, seed=0)
    rows = [",".join(map(repr, x)) + f",{label}" for x, label in zip(X_test, y_test)]
    (tmp_path / "test.csv").write_text("\n".join(rows) + "\n")
    predicted = command("predict", "digits.json", "test.csv", cwd=tmp_path)
    assert predicted.returncode == 0, predicted.stderr
    classes = [int(line.split(",")[0]) for line in predicted.stdout.splitlines()[1:]]
    correct = sum(c == label for c, label in zip(classes, y_test))
    assert len(classes) == 359
    assert f"{printed:.1%}" == f"{correct / 359:.1%}"


@pytest.mark.slow
def test_flower_trains_on_the_course_400_points_and_prints_a_test_accuracy(
    tmp_path: Path,
) -> None:
    result = command("train", "--data", "flower", "--quiet", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    # 400 points, a fifth held out; two features, two classes: one logit output.
    assert (
        "training MLP(2, [16, 16, 1]) (337 parameters) on 320 samples of flower "
        "(2 classes, 80 held out for testing) for 50 epochs"
    ) in result.stdout
    # Measured: 87.5% (seed 0) after 50 epochs; logistic regression gets about half.
    assert printed_test_accuracy(result.stdout) >= 0.8


def test_flower_takes_samples(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["train", "--data", "flower", "--samples", "50", "--epochs", "1", "--quiet"])
    assert status == 0
    assert "on 40 samples of flower (2 classes, 10 held out for testing)" in capsys.readouterr().out


@pytest.mark.slow
def test_the_split_is_the_same_for_a_seed_and_differs_between_seeds(tmp_path: Path) -> None:
    def results(seed: str) -> tuple[str, ...]:
        run = command("train", "--epochs", "3", "--quiet", "--seed", seed, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        match = RESULT.search(run.stdout)
        assert match, run.stdout
        return match.groups()

    assert results("7") == results("7")
    assert results("7") != results("8")


def test_test_fraction_zero_trains_on_every_sample(capsys: pytest.CaptureFixture[str]) -> None:
    # The default holds out round(0.2 * 10) = 2 of 10 samples; 0 holds out none.
    split = main(["train", "--data", "xor", "--samples", "10", "--epochs", "1", "--quiet"])
    out = capsys.readouterr().out
    assert split == 0
    assert "on 8 samples of xor (2 classes, 2 held out for testing)" in out
    whole = main(["train", "--data", "xor", "--samples", "10", "--epochs", "1", "--quiet",
                  "--test-fraction", "0"])  # fmt: skip
    out = capsys.readouterr().out
    assert whole == 0
    assert "on 10 samples of xor (2 classes) for 1 epoch:" in out
    assert "test" not in out  # no test split, no test figures
    assert re.search(r"^final loss \d+\.\d{4}, accuracy \d+\.\d%$", out, re.MULTILINE)


@pytest.mark.parametrize(
    ("data", "classes"),
    [("moons", 2), ("circles", 2), ("xor", 2), ("spirals", 3), ("blobs", 3)],
)
def test_the_older_built_in_sets_still_train_and_now_test(
    data: str, classes: int, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["train", "--data", data, "--samples", "60", "--epochs", "2", "--quiet"])
    out = capsys.readouterr().out
    assert status == 0
    assert f"on 48 samples of {data} ({classes} classes, 12 held out for testing)" in out
    assert 0 <= printed_test_accuracy(out) <= 1


@pytest.mark.parametrize("fraction", ["1", "1.5", "-0.1", "nan", "inf", "x", ""])
def test_bad_test_fractions_are_one_line_errors(
    fraction: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["train", "--test-fraction", fraction])
    captured = capsys.readouterr()
    assert captured.out == ""
    one_line_error(
        status,
        captured.err,
        f"argument --test-fraction: expected a fraction from 0 up to (not including) 1, "
        f"got {fraction!r}",
    )


def test_a_bad_test_fraction_through_a_process(tmp_path: Path) -> None:
    result = command("train", "--test-fraction", "2", cwd=tmp_path)
    assert result.stdout == ""
    one_line_error(result.returncode, result.stderr, "--test-fraction: expected a fraction")


def test_a_split_that_leaves_nothing_to_train_or_test_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # round(0.1 * 2) = 0 samples to test.
    status = main(["train", "--samples", "2", "--test-fraction", "0.1"])
    captured = capsys.readouterr()
    assert captured.out == ""
    one_line_error(
        status,
        captured.err,
        "--test-fraction 0.1 of 2 samples leaves no sample to train or to test; use more "
        "samples or --test-fraction 0",
    )


def test_classes_held_out_entirely_are_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Three classes, and round(0.8 * 5) = 4 of 5 samples held out: one sample trains,
    # so at least two classes have no training sample.
    data = tmp_path / "d.csv"
    data.write_text("0,0,0\n1,1,0\n2,2,1\n3,3,1\n4,4,2\n")
    status = main(["train", "--data", str(data), "--test-fraction", "0.8", "--epochs", "1",
                   "--quiet"])  # fmt: skip
    captured = capsys.readouterr()
    assert status == 0
    warning = f"autograd-lite: warning: {data}: every sample of class "
    assert captured.err.startswith(warning), captured.err
    assert "is held out for testing, so the model cannot learn it" in captured.err
    assert "on 1 sample of" in captured.out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("digits", "--samples 100: applies to a generated data set only; --data digits has a "
         "fixed size of 1,797 images"),
        ("points.csv", "--samples 100: applies to a generated data set only; --data points.csv "
         "is a file"),
    ],
)  # fmt: skip
def test_samples_is_refused_where_it_does_not_apply(
    data: str, fragment: str, tmp_path: Path
) -> None:
    (tmp_path / "points.csv").write_text("0,0,0\n1,1,1\n")
    result = command("train", "--data", data, "--samples", "100", cwd=tmp_path)
    assert result.stdout == ""
    one_line_error(result.returncode, result.stderr, fragment)


def test_help_lists_the_data_sets_with_their_features_and_classes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["train", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "moons circles xor flower 2 features, 2 classes" in out
    assert "spirals blobs 2 features, 3 classes" in out
    assert "digits 64 features, 10 classes: the 1,797 real 8x8 handwritten digits" in out
    assert "--test-fraction F" in out and "(default: 0.2)" in out
    assert "autograd-lite train --data digits" in out


def test_a_damaged_digits_file_is_one_line_with_status_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def damaged(scale: bool = False) -> None:
        raise OSError(f"{DIGITS} is missing or corrupt; reinstall autograd-lite")

    monkeypatch.setattr(nn.data, "load_digits", damaged)
    status = main(["train", "--data", "digits", "--quiet"])
    captured = capsys.readouterr()
    assert (status, captured.out) == (1, "")
    assert captured.err == (
        f"{ERROR_PREFIX}{DIGITS} is missing or corrupt; reinstall autograd-lite\n"
    )
