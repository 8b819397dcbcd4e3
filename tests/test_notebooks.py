"""Every notebook in notebooks/ runs top to bottom without an error, and is committed executed."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT_SECONDS = 120


def test_the_tutorial_notebooks_are_there() -> None:
    names = {path.name for path in NOTEBOOKS}
    assert {
        "01_stepping_through_backprop.ipynb",
        "02_rendering_graphs.ipynb",
        "04_higher_order_derivatives.ipynb",
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


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    # Raises CellExecutionError, naming the cell and the traceback, on the first failing cell.
    client.execute()
