"""examples/notebook.ipynb runs top to bottom against the running server (DOSSIER_URL)."""

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "notebook.ipynb"


def test_the_example_notebook_runs_top_to_bottom(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # The kernel draws with matplotlib's inline backend, so figures come back as PNG outputs.
    os.environ.pop("MPLBACKEND", None)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # The drawing was made, and the relation table was shown.
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert any("source says" in o.get("data", {}).get("text/html", "") for o in outputs)
