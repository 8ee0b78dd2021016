"""`dealcraft new NAME`: a commented, clean, playable scaffold; no silent overwrite."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.loader import load_scenario, validate_file
from engine.schema import scenario_schema
from simulator.cli import main
from simulator.scaffold import render, scenario_id, target_path


def test_writes_name_yaml_in_the_current_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "acme_deal"]) == 0
    path = tmp_path / "acme_deal.yaml"
    assert path.exists()
    assert "acme_deal.yaml" in capsys.readouterr().out
    assert validate_file(path) == []
    assert load_scenario(path).id == "acme_deal"


def test_scaffold_is_a_small_playable_scenario(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(render(path))
    s = load_scenario(path)
    assert len(s.dimensions) >= 2
    assert len(s.stakeholders) == 3
    assert len(s.roster) == 4
    assert len(s.roles) >= 2 and sum(r.quarterback for r in s.roles) == 1
    assert len(s.milestones) == 3 and s.close_milestone is not None
    assert len(s.actions) >= 4
    assert len(s.events) >= 1


def test_scaffold_is_winnable_by_good_play_and_not_by_chance(tmp_path):
    from engine.batch import simulate
    from engine.bots import make_policy
    from scoring.scorecard import score

    path = tmp_path / "small.yaml"
    path.write_text(render(path))
    s = load_scenario(path)
    seeds = np.arange(200, dtype=np.uint64)
    won = {
        name: float(score(simulate(s, seeds, make_policy(name, 0)).trace()).outcome["won"].mean())
        for name in ("expert", "random")
    }
    assert won["expert"] > 0.6
    assert won["random"] < won["expert"] - 0.3


def test_scaffold_is_commented():
    text = render(Path("x.yaml"))
    assert text.startswith("# yaml-language-server: $schema=")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) >= 15
    assert "  # " in text or "   # " in text  # inline comments on tricky fields


def test_new_installs_the_schema_beside_the_file_and_names_it_relatively(tmp_path):
    folder = tmp_path / "deals"
    folder.mkdir()
    assert main(["new", str(folder / "acme.yaml")]) == 0
    first = (folder / "acme.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=scenario.schema.json"
    assert json.loads((folder / "scenario.schema.json").read_text()) == scenario_schema()


def test_modeline_survives_moving_the_folder(tmp_path):
    """The reference names no install path: move the folder and it still resolves."""
    folder = tmp_path / "deals"
    folder.mkdir()
    assert main(["new", str(folder / "acme.yaml")]) == 0
    moved = tmp_path / "elsewhere" / "deals"
    moved.parent.mkdir()
    folder.rename(moved)
    ref = (moved / "acme.yaml").read_text().splitlines()[0].split("$schema=")[1]
    assert (moved / ref).is_file()
    assert str(Path(__file__).resolve().parent.parent) not in ref


def test_new_uses_a_schema_installed_in_a_folder_above(tmp_path, capsys):
    assert main(["schema", "--install", str(tmp_path)]) == 0
    assert "wrote" in capsys.readouterr().out
    sub = tmp_path / "drafts"
    sub.mkdir()
    assert main(["new", str(sub / "b.yaml")]) == 0
    first = (sub / "b.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../scenario.schema.json"
    assert not (sub / "scenario.schema.json").exists()


def test_schema_install_refreshes_and_refuses_a_missing_folder(tmp_path, capsys):
    stale = tmp_path / "scenario.schema.json"
    stale.write_text("{}")
    assert main(["schema", "--install", str(tmp_path)]) == 0
    assert json.loads(stale.read_text()) == scenario_schema()
    assert main(["schema", "--install", str(tmp_path / "nope")]) == 1
    assert "error[file.write]" in capsys.readouterr().err


def test_path_with_folder_and_suffix(tmp_path, capsys):
    sub = tmp_path / "drafts"
    sub.mkdir()
    assert main(["new", str(sub / "Big Deal.yml")]) == 0
    path = sub / "Big Deal.yml"
    assert validate_file(path) == []
    assert load_scenario(path).id == "big-deal"
    assert load_scenario(path).title == "Big Deal"


def test_refuses_to_overwrite_without_force(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "deal.yaml"
    path.write_text("my precious work\n")
    assert main(["new", "deal"]) == 1
    _, err = capsys.readouterr()
    assert "already exists" in err and "--force" in err
    assert path.read_text() == "my precious work\n"
    assert main(["new", "deal", "--force"]) == 0
    assert validate_file(path) == []


def test_missing_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["new", str(tmp_path / "nope" / "deal")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_folder_name_is_refused(tmp_path, capsys):
    (tmp_path / "deal.yaml").mkdir()
    assert main(["new", str(tmp_path / "deal.yaml")]) == 1
    assert "is a folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    "stem,expected",
    [
        ("acme_deal", "acme_deal"),
        ("Acme Deal", "acme-deal"),
        ("2024 renewal", "scenario-2024-renewal"),
        ("!!!", "scenario"),
        ("x" * 80, "x" * 48),
    ],
)
def test_scenario_id(stem, expected):
    assert scenario_id(stem) == expected


def test_target_path():
    assert target_path("deal") == Path("deal.yaml")
    assert target_path("a/deal.yml") == Path("a/deal.yml")
    assert target_path("deal.v2") == Path("deal.v2.yaml")


def test_usage_error_without_name():
    with pytest.raises(SystemExit) as exc:
        main(["new"])
    assert exc.value.code == 2
