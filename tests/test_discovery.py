"""Scenario discovery: PRIM and CART find a known box; the command refuses bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from experiments.design import Point, write_design
from experiments.discovery.__main__ import main
from experiments.discovery.boxes import cart_box, prim_box
from experiments.jobs import code_fingerprint
from tests.sweep_tools import snapshot

HEALTH, SIGMA, SHARED = ("world.shocks.health_hazard", "world.income.transitory_sigma",
                         "policy.collaboration.shared_registry")  # fmt: skip


def _known(n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Uniform factors; the cases of interest are exactly x1 > 0.7 and x2 < 0.3."""
    x = pd.DataFrame(np.random.default_rng(seed).uniform(size=(n, 4)),
                     columns=["x1", "x2", "x3", "x4"])  # fmt: skip
    return x, ((x["x1"] > 0.7) & (x["x2"] < 0.3)).to_numpy().astype(int)


@pytest.mark.parametrize("find", [prim_box, cart_box])
def test_the_known_box_is_found(find) -> None:  # type: ignore[no-untyped-def]
    x, y = _known(600)
    box = find(x, y)
    lim = box.limits.set_index("name")
    assert set(lim.index) == {"x1", "x2"} and box.reaches
    assert lim.loc["x1", "lower_restricted"] and not lim.loc["x1", "upper_restricted"]
    assert lim.loc["x2", "upper_restricted"] and not lim.loc["x2", "lower_restricted"]
    assert lim.loc["x1", "lower"] == pytest.approx(0.7, abs=0.04)
    assert lim.loc["x2", "upper"] == pytest.approx(0.3, abs=0.04)
    assert box.stats["coverage"] >= 0.8 and box.stats["density"] >= 0.9


def test_prim_chooses_by_coverage_and_gives_quasi_p_values() -> None:
    x, y = _known(600)
    box = prim_box(x, y, min_coverage=0.95)
    assert box.stats["coverage"] >= 0.95
    assert box.stats["density"] == box.trajectory.query("coverage >= 0.95")["density"].max()
    assert (box.limits[["qp_lower", "qp_upper"]].min(axis=1) < 1e-3).all()


def _study(root: Path, n: int = 120) -> Path:
    """A study folder with a design and fake results: relapse is high in a known box."""
    rng = np.random.default_rng(1)
    h, s, r = rng.uniform(0.004, 0.006, n), rng.uniform(0.2, 0.25, n), np.arange(n) % 2 == 0
    points = [Point(f"s{i:04d}", {HEALTH: float(h[i]), SIGMA: float(s[i]),
                                  SHARED: bool(r[i])}) for i in range(n)]  # fmt: skip
    meta = {"factors": [{"name": HEALTH, "kind": "uncertainty", "label": "health hazard",
                         "units": "1/month"}]}  # fmt: skip
    write_design(root / "design.yaml", "fake", "baseline_2025", points, meta)
    high = (h > 0.005) & (s < 0.22)
    for i, p in enumerate(points):
        rate = np.where(high[i], 0.5, 0.1) + rng.normal(0, 0.01, (2, 3))
        ds = xr.Dataset({"relapse_rate_24": (("replicate", "month"), rate),
                         "poverty_rate": (("replicate", "month"), np.full((2, 3), 0.08))},
                        coords={"replicate": [0, 1], "month": [1, 2, 3]},
                        attrs={"scenario": p.label, "config_hash": f"h{i:04d}",
                               "code_fingerprint": code_fingerprint()})  # fmt: skip
        folder = root / "sweep" / f"{i}_{p.label}"
        folder.mkdir(parents=True)
        ds.to_netcdf(folder / f"result-h{i:04d}.nc", engine="netcdf4")
    return root


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _study(tmp_path_factory.mktemp("study"))


def test_the_command_finds_the_box_of_a_study(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "found"
    code = main([str(study), "--outcome", "relapse_rate_24", "--above", "0.3", "--out", str(out)])
    said = capsys.readouterr().out
    assert code == 0, said
    assert "occur mostly when health hazard ≥ 0.005" in said
    assert f"and {SIGMA} ≤ 0.2" in said and "coverage" in said
    stem = out / "relapse_rate_24_above_0.3_prim"
    limits = pd.read_csv(f"{stem}_box.csv").set_index("name")
    assert set(limits.index) == {HEALTH, SIGMA}
    assert limits.loc[HEALTH, "lower"] == pytest.approx(0.005, abs=2e-4)
    assert limits.loc[SIGMA, "upper"] == pytest.approx(0.22, abs=3e-3)
    assert "coverage" in Path(f"{stem}.md").read_text()
    for end in ("_boxes.csv", "_data.csv", "_tradeoff.png", "_limits.png"):
        assert Path(f"{stem}{end}").stat().st_size > 0, end
    assert main([str(study), "--outcome", "relapse_rate_24", "--below", "0.3", "--method",
                 "cart", "--out", str(out)]) == 0  # fmt: skip
    assert (out / "relapse_rate_24_below_0.3_cart.md").is_file()


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--outcome", "relapse_rate", "--above", "0.3"],
         ["'relapse_rate' is not in the dataset", "available: poverty_rate", "relapse_rate_24"]),
        (["--outcome", "sustained_graduations", "--above", "0.3"],
         ["'sustained_graduations' is not in the dataset", "no value"]),
        (["--outcome", "relapse_rate_24", "--above", "0.9"], ["holds at no point", "0 of 120"]),
        (["--outcome", "relapse_rate_24", "--below", "0.9"], ["every point", "120 of 120"]),
        (["--outcome", "relapse_rate_24", "--above", "-1"], ["every point"]),
    ],
)  # fmt: skip
def test_the_command_refuses_bad_input_writing_nothing(
    study: Path, capsys: pytest.CaptureFixture[str], args: list[str], fragments: list[str]
) -> None:
    before = snapshot(study)
    assert main([str(study), *args]) == 2
    err = capsys.readouterr().err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert snapshot(study) == before


def test_the_command_refuses_a_folder_that_is_not_a_study(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--outcome", "relapse_rate_24", "--above", "0.3"]
    assert main([str(tmp_path / "nowhere"), *args]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main([str(tmp_path), *args]) == 2
    assert "needs design.yaml and sweep/" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(SystemExit) as stop:
        main([str(tmp_path), "--outcome", "relapse_rate_24", "--above", "1", "--below", "0"])
    assert stop.value.code == 2


def test_no_box_is_reported_as_weak_evidence() -> None:
    from experiments.discovery.report import Question, describe

    x, _ = _known(300)
    y = (np.random.default_rng(5).uniform(size=300) < 0.3).astype(int)  # unrelated to x
    box = prim_box(x, y)
    assert not box.reaches
    q = Question("relapse_rate_24", "above", 0.3, "", {}, frozenset())
    assert "weak evidence" in describe(box, q, int(y.sum()), len(y))
