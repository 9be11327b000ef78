"""Design files: points of a study run as one sweep, checked like every other input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xarray as xr

from experiments.collect import collect
from experiments.design import Point, load_design, write_design
from experiments.jobs import plan
from scenarios import load_params
from simulation import run
from simulation.params import ParameterError
from tests.sweep_tools import SMALL, graduasi, in_process, snapshot

PKH_UP = {"policy.programmes.PKH.budget": [40.0e12]}


@pytest.fixture
def design(tmp_path: Path) -> Path:
    points = [Point("status_quo", {}), Point("pkh_up", PKH_UP)]
    return write_design(tmp_path / "design.yaml", "test", "baseline_2025", points,
                        {"command": "tests/test_design.py"})  # fmt: skip


def _tree(design: Path, point: int | None, **extra: object) -> dict[str, object]:
    return {"scenario": "baseline_2025", "design": str(design), "point": point, **extra}


def test_a_point_runs_its_overrides_under_its_label(design: Path) -> None:
    job = plan(_tree(design, 1))
    assert job.scenario == "pkh_up"
    assert job.params == load_params("baseline_2025", PKH_UP)
    assert plan(_tree(design, 0)).digest != job.digest
    assert load_design(design).meta["command"] == "tests/test_design.py"


def test_the_written_file_reads_back_with_its_floats(design: Path) -> None:
    (status, pkh) = load_design(design).points
    assert status.overrides == {} and pkh.overrides == PKH_UP


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("points: []", ["design.yaml", "meta"]),
        ("meta: {name: x, scenario: baseline_2025}\npoints: []", ["points must be a non-empty"]),
        ("meta: {name: x, scenario: baseline_2025}\npoints: [{label: a b}]", ["label", "'a b'"]),
        ("meta: {name: x, scenario: baseline_2025}\npoints: [{label: a}, {label: a}]",
         ["labels must be unique", "a"]),
        ("meta: {name: x, scenario: baseline_2025}\npoints: [{label: a, overrides: 3}]",
         ["points[0].overrides"]),
        ("meta: {name: x, scenario: baseline_2025}\npoints: [{label: a, extra: 1}]",
         ["points[0]", "'label' and 'overrides'"]),
        ("meta: [", ["design.yaml", "cannot be read"]),
    ],
)  # fmt: skip
def test_a_bad_design_file_is_refused_naming_it(
    tmp_path: Path, text: str, fragments: list[str]
) -> None:
    path = tmp_path / "design.yaml"
    path.write_text(text)
    with pytest.raises(ParameterError) as info:
        plan(_tree(path, 0))
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))


@pytest.mark.parametrize(
    ("tree", "fragments"),
    [
        ({"point": 2}, ["point must be an integer in [0, 1]", "got 2"]),
        ({"point": None}, ["point must be an integer in [0, 1]", "got None"]),
        ({"design": "nowhere.yaml"}, ["design file 'nowhere.yaml' does not exist"]),
        ({"design": None, "point": 1}, ["point=1 needs design=FILE"]),
        ({"point": 1, "policy": {"programmes": {"PKH": {"budget": [1e12]}}}},
         ["policy.programmes.PKH.budget is set by point 1", "one place"]),
    ],
)  # fmt: skip
def test_a_bad_point_is_refused(
    design: Path, tree: dict[str, object], fragments: list[str]
) -> None:
    with pytest.raises(ParameterError) as info:
        plan(_tree(design, 1) | tree)
    for fragment in fragments:
        assert fragment in str(info.value), (fragment, str(info.value))


def test_a_design_sweep_equals_direct_runs(design: Path, tmp_path: Path) -> None:
    sweep = tmp_path / "sw"
    res = graduasi("-m", f"design={design}", "point=range(0,2)", *SMALL, "hydra/launcher=basic",
                   f"hydra.sweep.dir={sweep}", cwd=tmp_path)  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    ds = collect(sweep)
    assert list(ds.scenario.values) == ["pkh_up", "status_quo"]
    small = {"world.population.households": 200, "world.population.village_size": 20,
             "run.months": 6, "run.burn_in_months": 2, "run.replicates": 2}  # fmt: skip
    direct = run(load_params("baseline_2025", small | PKH_UP))
    got = ds.sel(scenario="pkh_up").drop_vars(["scenario", "scenario_params", "result_hash"])
    xr.testing.assert_equal(got[list(direct.data_vars)], direct)
    manifest = json.loads(next((sweep / ".graduasi").glob("sweep-*.json")).read_text())
    assert [j["scenario"] for j in manifest["jobs"]] == ["status_quo", "pkh_up"]


def test_a_design_with_a_bad_point_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    points = [Point("ok", {}), Point("negative", {"policy.programmes.PKH.budget": [-1.0]})]
    path = write_design(tmp_path / "d.yaml", "bad", "baseline_2025", points, {})
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    code, text = in_process(["-m", f"design={path}", "point=0,1", "hydra/launcher=basic"],
                            monkeypatch, capsys)  # fmt: skip
    assert code == 2 and "job 1 (design=" in text and "budget" in text and "-1.0" in text
    assert snapshot(tmp_path) == before


def test_a_study_runs_its_points_and_resumes(tmp_path: Path) -> None:
    from experiments.study import StudyError, run_study

    points = [Point("status_quo", {}), Point("pkh_up", PKH_UP)]
    extra = [*SMALL, "hydra/launcher=basic"]
    ds = run_study(tmp_path, "t", "baseline_2025", points, {"seed": 0}, extra, quiet=True)
    assert list(ds.scenario.values) == ["status_quo", "pkh_up"]
    files = {p: p.stat().st_mtime_ns for p in (tmp_path / "sweep").rglob("result-*.nc")}
    again = run_study(tmp_path, "t", "baseline_2025", points, {"seed": 0}, extra, quiet=True)
    xr.testing.assert_identical(again, ds)
    assert files == {p: p.stat().st_mtime_ns for p in (tmp_path / "sweep").rglob("result-*.nc")}
    bad = [*points, Point("negative", {"policy.programmes.PKH.budget": [-1.0]})]
    with pytest.raises(StudyError, match=r"job 2 \(design=.*budget must be in") as info:
        run_study(tmp_path / "bad", "t", "baseline_2025", bad, {}, extra, quiet=True)
    assert info.value.returncode == 2 and not (tmp_path / "bad").exists()
    with pytest.raises(StudyError, match="holds another study"):
        run_study(tmp_path, "t", "baseline_2025", points[:1], {}, extra, quiet=True)
