"""Every notebook in notebooks/ runs top to bottom without an error, and is committed executed
with the outputs a fresh run gives.

`python tests/test_notebooks.py notebooks/02_rendering_graphs.ipynb ...` re-executes
notebooks in place as the test runs them, storing no timings, ready to commit.
"""

import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT_SECONDS = 120
# All six together: each drawing stored once and compacted (issue 16).
TOTAL_BYTES_AT_MOST = 800_000
HAVE_TORCH = importlib.util.find_spec("torch") is not None


def test_the_tutorial_notebooks_are_there() -> None:
    names = {path.name for path in NOTEBOOKS}
    assert {
        "01_stepping_through_backprop.ipynb",
        "02_rendering_graphs.ipynb",
        "04_higher_order_derivatives.ipynb",
        "05_real_data_and_tutorial_networks.ipynb",
        "06_compiling.ipynb",
    } <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_notebook_is_committed_with_outputs_in_order(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code_cells, f"{path.name} has no code"
    counts = [cell.execution_count for cell in code_cells]
    assert counts == list(range(1, len(code_cells) + 1)), (
        f"{path.name} is not saved as run top to bottom once: execution counts {counts}"
    )
    errors = [o for cell in code_cells for o in cell.outputs if o.output_type == "error"]
    assert errors == [], f"{path.name} was saved with an error output"


def test_the_notebooks_are_small_and_store_no_timings() -> None:
    sizes = {path.name: path.stat().st_size for path in NOTEBOOKS}
    assert sum(sizes.values()) <= TOTAL_BYTES_AT_MOST, sizes
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        timed = [n for n, cell in enumerate(cells) if "execution" in cell.metadata]
        assert timed == [], f"{path.name}: cells {timed} store their run's timestamps"


def execute(notebook: nbformat.NotebookNode) -> None:
    """Run `notebook` top to bottom in notebooks/, as a reader would, keeping no timings."""
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
        record_timing=False,
    )
    # Raises CellExecutionError, naming the cell and the traceback, on the first failing cell.
    client.execute()


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    execute(notebook)
    committed = nbformat.read(path, as_version=4)
    for number, (fresh, saved) in enumerate(zip(notebook.cells, committed.cells)):
        if "needs-torch" in saved.metadata.get("tags", []) and not HAVE_TORCH:
            continue  # PyTorch is optional: such a cell says so instead of its outputs
        assert comparable(fresh) == comparable(saved), (
            f"{path.name}, cell {number}: the committed outputs are not what a fresh run "
            "gives; re-execute the notebook and commit it"
        )


# What may differ between two runs of the same notebook: timings and rates, object
# addresses, widget and stepper ids, progress-bar redraws.
_VOLATILE = [
    (re.compile(r"0x[0-9a-fA-F]+"), "0x?"),
    (re.compile(r"ag-stepper-\d+"), "ag-stepper-?"),
    (re.compile(r"\d+(?:\.\d+)?\s*(?:ms|s|it/s|s/it|µs|us)\b"), "? s"),
    (re.compile(r"\d\d:\d\d(?::\d\d)?"), "??:??"),
]


def comparable(cell: nbformat.NotebookNode) -> list[tuple[str, dict[str, str]]]:
    """A cell's outputs without what legitimately changes from run to run."""
    if cell.cell_type != "code":
        return []
    outputs: list[tuple[str, dict[str, str]]] = []
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stderr":
            continue  # progress bars and warnings: timing-dependent by nature
        data = output.get("data", {"text": output.get("text", "")})
        kept = {}
        for mime, value in data.items():
            if mime == "application/vnd.jupyter.widget-view+json":
                continue  # a widget's model id is new on every run
            text = value if isinstance(value, str) else "".join(value)
            for pattern, replacement in _VOLATILE:
                text = pattern.sub(replacement, text)
            kept[mime] = text
        if output.output_type == "stream" and outputs and outputs[-1][0] == "stream":
            # How a kernel chunks one cell's printing into messages varies with timing.
            outputs[-1] = ("stream", {"text": outputs[-1][1]["text"] + kept["text"]})
        else:
            outputs.append((output.output_type, kept))
    return outputs


if __name__ == "__main__":
    for name in sys.argv[1:]:
        executed = nbformat.read(name, as_version=4)
        execute(executed)
        nbformat.write(executed, name)
        print(f"{name}: {Path(name).stat().st_size:,} bytes")
