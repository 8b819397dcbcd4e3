"""nn.data.read_csv: numbers, an optional header, labels as text, errors naming line and column."""

import io
from pathlib import Path

import pytest

from autograd_lite.nn.data import (
    MAX_CSV_BYTES,
    MAX_CSV_CELLS,
    MAX_CSV_COLUMNS,
    plain_number,
    read_csv,
)


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


# ---- issue 18: one rule for bytes, plain numbers, default limits ----------------------------


def test_a_binary_stream_is_read_as_utf8_like_a_file() -> None:
    stream = io.BytesIO("\ufeffx,y,label\n1,2,caf\u00e9\n".encode())
    stream.name = "<stdin>"
    table = read_csv(stream, labels=True)
    assert (table.source, table.header, table.labels) == ("<stdin>", ["x", "y", "label"], ["café"])
    assert not stream.closed  # the caller's stream is left open
    with pytest.raises(ValueError, match=r"<stream>: not a text CSV file \(it is not UTF-8\)"):
        read_csv(io.BytesIO(b"1,2,caf\xe9\n"), labels=True)


def test_a_text_stream_of_undecoded_bytes_is_refused() -> None:
    # sys.stdin decodes with surrogateescape: b"\xe9" arrives as "\udce9", not as text.
    stream = io.StringIO(b"1,2,b\n3,4,caf\xe9\n".decode("utf-8", "surrogateescape"))
    with pytest.raises(ValueError, match=r"line 2: not a text CSV file \(it is not UTF-8\)"):
        read_csv(stream, labels=True)


@pytest.mark.parametrize("cell", ["1_000", "\u0661", "\uff12", "\u0663.\u0665", "0x10", "1e5_0"])
def test_only_plain_ascii_numbers_are_numbers(tmp_path: Path, cell: str) -> None:
    with pytest.raises(ValueError, match=r"line 2, column 2: .* is not a number \(expected plain"):
        read_csv(write(tmp_path / "d.csv", f"1,2\n3,{cell}\n"))
    assert plain_number(cell) is None


@pytest.mark.parametrize(
    ("cell", "value"),
    [("3", 3.0), ("-1.5", -1.5), ("+.5", 0.5), ("2e-3", 0.002), ("1E3", 1000.0), ("7.", 7.0)],
)
def test_plain_numbers(cell: str, value: float) -> None:
    assert plain_number(cell) == value
    assert read_csv(io.StringIO(f"{cell},{cell}\n")).rows == [[value, value]]


@pytest.mark.slow
def test_the_default_limits_are_the_command_lines() -> None:
    assert (MAX_CSV_COLUMNS, MAX_CSV_CELLS, MAX_CSV_BYTES) == (10_000, 2_000_000, 64 * 2**20)
    rows = ",".join(["1"] * 1000) + "\n"
    with pytest.raises(ValueError, match="line 2001: more than the limit of 2000000 cells"):
        read_csv(io.StringIO(rows * 2001))
    assert len(read_csv(io.StringIO(rows * 2001), max_cells=None).rows) == 2001


class Endless(io.RawIOBase):
    """/dev/zero's bytes, but an AssertionError past `guard` bytes instead of no end."""

    def __init__(self, guard: int) -> None:
        self.given = 0
        self.guard = guard

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        self.given += len(buffer)
        assert self.given <= self.guard, "read on past the limit"
        buffer[:] = b"0" * len(buffer)
        return len(buffer)


@pytest.mark.parametrize("kind", ["binary", "text"])
def test_an_endless_stream_stops_at_the_default_limit(kind: str) -> None:
    endless = Endless(guard=80 * 2**20)
    stream = endless if kind == "binary" else io.TextIOWrapper(endless, encoding="ascii")
    with pytest.raises(ValueError, match="more than the limit of 64 MiB of text"):
        read_csv(stream)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="<stream>: more than the limit of 1000 bytes of text"):
        read_csv(Endless(guard=2**20), max_bytes=1000)  # type: ignore[arg-type]


def test_a_line_of_a_million_columns_is_refused_before_it_is_split() -> None:
    import tracemalloc

    line = "12," * 1_000_000 + "12\n"
    stream = io.StringIO(line)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="line 1: 1000001 columns, more than the limit"):
            read_csv(stream)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Split into cells, the line would take 1,000,001 strings: about 60 MB.
    assert peak < 2 * len(line)
