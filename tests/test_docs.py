"""The model document's generated blocks: current with the scenario files, and writable."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments import baseline_summary, docblocks


def test_static_blocks_of_the_model_document_are_current() -> None:
    """Parameter, programme and scenario tables equal what the scenario files give now."""
    assert docblocks.main(["--check"]) == 0, "run: python -m experiments.docblocks"


def test_replace_block_replaces_only_the_named_block() -> None:
    doc = "a\n<!-- x:begin -->\nold\n<!-- x:end -->\n<!-- y:begin -->\nkeep\n<!-- y:end -->\n"
    out = docblocks.replace_block(doc, "x", "new\nlines")
    assert out == "a\n<!-- x:begin -->\nnew\nlines\n<!-- x:end -->\n" + doc.split("end -->\n", 1)[1]
    with pytest.raises(SystemExit, match="no <!-- z:begin -->"):
        docblocks.replace_block(doc, "z", "t")


def test_baseline_summary_writes_its_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "model.md"
    doc.write_text("<!-- baseline-results:begin -->\nSTALE\n<!-- baseline-results:end -->\n")
    real = baseline_summary.load_params
    small = {"world.population.village_size": 20, "run.months": 26, "run.burn_in_months": 2}
    monkeypatch.setattr(baseline_summary, "load_params", lambda name, o: real(name, o | small))
    monkeypatch.setattr(baseline_summary, "DOC", doc)
    assert baseline_summary.main(["--households", "300", "--replicates", "1", "--update-doc"]) == 0
    text = doc.read_text()
    assert "STALE" not in text and "| 2025 |" in text and "| 2026 |" in text
    assert "relapse within 12 / 24 months" in text and "Kaplan-Meier" in text
