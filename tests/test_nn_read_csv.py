"""nn.data.read_csv: numbers, an optional header, labels as text, errors naming line and column."""

import io
from pathlib import Path

import pytest

from nn.data import read_csv


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_numbers_with_a_header_and_blank_lines(tmp_path: Path) -> None:
    table = read_csv(write(tmp_path / "d.csv", "x1, x2\n\n1, 2.5\n-3,4e1\n"))
    assert table.header == ["x1", "x2"]
    assert table.rows == [[1.0, 2.5], [-3.0, 40.0]]
    assert table.lines == [3, 4]
    assert table.width == 2
    assert table.labels is None
    assert table.source == str(tmp_path / "d.csv")


def test_labels_keep_the_last_cell_as_text(tmp_path: Path) -> None:
    table = read_csv(write(tmp_path / "d.csv", "0.5,setosa\n1.5,virginica\n"), labels=True)
    assert table.rows == [[0.5], [1.5]]
    assert table.labels == ["setosa", "virginica"]
    assert table.header is None


def test_a_first_row_with_a_number_is_data_not_a_header(tmp_path: Path) -> None:
    # "1,x,0" is a typo in the first data row, not a header: it must not vanish silently.
    with pytest.raises(ValueError, match=r"line 1, column 2: 'x' is not a number"):
        read_csv(write(tmp_path / "d.csv", "1,x,0\n2,3,1\n"))


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf0.1,0.2\n")
    assert read_csv(path).rows == [[0.1, 0.2]]


def test_reads_an_open_stream() -> None:
    stream = io.StringIO("a,b\n1,2\n")
    stream.name = "<stdin>"
    table = read_csv(stream)
    assert (table.source, table.rows) == ("<stdin>", [[1.0, 2.0]])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no data rows"),
        ("a,b\n", "no data rows"),
        ("1,2\n3\n", "line 2: expected 2 columns, got 1"),
        ("1,nan\n", "line 1, column 2: expected a finite number, got 'nan'"),
        ("1,inf\n", "expected a finite number"),
        ('1,"2\n', "malformed CSV"),
        ('1,"2"x\n', "malformed CSV"),
        ("1,2\x00\n", "is not a number"),
    ],
)
def test_malformed_files_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_csv(write(tmp_path / "d.csv", text))


def test_a_label_column_needs_a_feature_column(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="feature columns and a label column"):
        read_csv(write(tmp_path / "d.csv", "0\n1\n"), labels=True)


def test_not_utf8_is_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(ValueError, match="not UTF-8"):
        read_csv(path)


def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_csv(tmp_path / "none.csv")


def test_too_wide_rows_are_refused_with_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "wide.csv", ",".join(["1"] * 11) + "\n")
    with pytest.raises(ValueError, match="line 1: 11 columns, more than the limit of 10"):
        read_csv(path, max_columns=10)
    assert read_csv(path, max_columns=11).width == 11
    with pytest.raises(ValueError, match="max_columns must be an int >= 1"):
        read_csv(path, max_columns=0)
