"""The notebooks are kept without outputs in git (``make strip``); nbmake executes them."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_the_three_notebooks() -> None:
    names = [p.stem for p in NOTEBOOKS]
    assert any("walkthrough" in n for n in names), names
    assert any("compare" in n for n in names), names
    assert any("budget_2025" in n for n in names), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name} has outputs: run `make strip`"
            )
