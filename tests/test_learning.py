"""The learned decisions: the linear model, candidates, cross-validation, training, learning from review."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, shared_path

from extract.cli import main
from extract.learn.candidates import candidates
from extract.learn.features import role_features
from extract.learn.linear import LinearModel, train
from extract.learn.lists import read_lists
from extract.learn.models import MODEL_FILES, models_dir
from extract.learn.view import RuleOutput, View
from extract.money import find_money

PROJREG = [str(Path(sys.executable).with_name("projreg"))]


def test_linear_model_separates_classes_and_reads_back_from_json(tmp_path):
    examples = [({"prev:总投资": 1.0}, "total_investment", 1.0)] * 5
    examples += [({"prev:产值": 1.0}, "output_value", 1.0)] * 5
    examples += [({"prev:税收": 1.0}, "tax", 1.0)] * 2
    model = train(examples, l2=0.1, iterations=200)
    assert model.predict({"prev:产值": 1.0})[0] == "output_value"
    assert model.predict({"prev:总投资": 1.0})[0] == "total_investment"
    model.save(tmp_path / "m.json")
    again = LinearModel.from_json(json.loads((tmp_path / "m.json").read_text(encoding="utf-8")))
    for features in ({"prev:税收": 1.0}, {"prev:产值": 1.0, "unseen": 1.0}):
        assert again.scores(features) == pytest.approx(model.scores(features), abs=1e-4)
    assert train(examples, l2=0.1, iterations=200).to_json() == model.to_json(), "training is deterministic"


def test_a_heavier_example_outvotes_lighter_ones():
    light = [({"w:项目": 1.0}, True, 1.0)] * 3
    assert train([*light, ({"w:项目": 1.0}, False, 20.0)], l2=0.1).predict({"w:项目": 1.0})[0] is False


def _view(text: str) -> View:
    rules = RuleOutput(text, [(0, len(text))], [], [], [], [], [], [], [])
    return View(rules)


def test_candidates_end_at_infrastructure_heads_and_start_at_word_boundaries():
    view = _view("今年，漳州至汕头高铁和平陆运河建设抓紧进行。")
    spans = {view.text[c.start : c.end] for c in candidates(view, ("高铁", "运河"))}
    assert {"漳州至汕头高铁", "平陆运河"} <= spans
    assert not any("，" in s or "。" in s for s in spans), "a candidate never crosses a clause break"


def test_list_items_without_heads_are_candidates_named_by_their_tail():
    text = "其中晋东南至荆门、向家坝至上海和锦屏至苏南等3条已投产线路，年输电能力近2000万千瓦。"
    view = _view(text)
    items = read_lists(view, ("线路", "项目")).items
    assert [text[i.start : i.end] for i in items.values()] == [
        "其中晋东南至荆门",
        "向家坝至上海",
        "锦屏至苏南",
    ]
    assert {i.tail for i in items.values()} == {"线路"} and next(iter(items.values())).first
    spans = {text[c.start : c.end] for c in candidates(view, ("线路",))}
    assert {"晋东南至荆门", "向家坝至上海", "锦屏至苏南"} <= spans
    places = _view("北京、上海、广东等19个省市拥有50多家工厂。")
    assert read_lists(places, ("线路", "项目")).items == {}, (
        "a list whose tail names no project kind is no list of names"
    )


def _names_of_items(text: str, heads: tuple[str, ...]) -> dict[str, str]:
    lists = read_lists(_view(text), heads)
    return {
        text[i.start : i.end]: lists.name_text(i.start, i.end) for i in lists.items.values() if not i.first
    }


def test_list_items_take_the_ending_their_last_item_shares_with_them():
    heads = ("处理厂", "厂", "公路", "高速", "项目", "风电")
    assert _names_of_items("黄山市污水处理厂、黄山区、休宁、歙县污水处理厂已先后投入使用。", heads) == {
        "黄山区": "黄山区污水处理厂",
        "休宁": "休宁污水处理厂",
    }
    # the other items' common last word (万千瓦) tells where the ending starts
    text = "开工建设甘肃酒泉二期500万千瓦、新疆哈密200万千瓦、吉林通榆150万千瓦风电项目；"
    assert _names_of_items(text, heads) == {"新疆哈密200万千瓦": "新疆哈密200万千瓦风电项目"}
    # a count between the last item and the ending is left out of every name, the last item's too
    text = "岳阳先后启动随岳、岳常、临岳3条高速公路建设。"
    lists = read_lists(_view(text), heads)
    at = text.index("临岳")
    assert lists.name_text(at, text.index("建设")) == "临岳高速公路"
    assert lists.name_text(text.index("岳常"), text.index("岳常") + 2) == "岳常高速公路"


def test_lists_of_qualities_or_with_a_tail_take_no_ending():
    heads = ("生态城", "城", "项目", "通道")
    for text in (
        "构建蓝绿交织、清新明亮、水城共融的生态城。",
        "形成北达俄蒙、东连日韩、西到欧洲的国际物流大通道。",
        "签约天地一体化信息系统、脑科学等一批重大项目。",  # items of a list with 等 keep their own names
    ):
        assert all(k == v for k, v in _names_of_items(text, heads).items()), text


def test_shipped_models_are_all_there_and_small():
    folder = models_dir()
    assert {p.stem for p in folder.glob("*.json")} == {*MODEL_FILES, "manifest"}
    assert sum(p.stat().st_size for p in folder.glob("*.json")) < 20 * 1024 * 1024


@pytest.fixture(scope="module")
def small_gold(tmp_path_factory):
    """Twelve train gold articles (with their texts), copied to a folder of their own."""
    source = shared_path("gold", "train")
    folder = tmp_path_factory.mktemp("gold") / "small"
    folder.mkdir()
    ids = sorted(p.stem for p in source.glob("*.json"))[::37][:12]
    for aid in ids:
        shutil.copy(source / f"{aid}.json", folder)
    lines = (source / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if json.loads(line)["id"] in ids]
    (folder / "articles.jsonl").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return folder


@pytest.mark.shared
def test_cross_validation_reports_learned_and_rules_only_scores_deterministically(small_gold):
    runs = [CliRunner().invoke(main, ["eval", "--cv", "3", "--json", str(small_gold)]) for _ in range(2)]
    assert all(r.exit_code == 0 for r in runs), runs[0].output
    reports = [json.loads(r.stdout) for r in runs]
    assert reports[0] == reports[1]
    report = reports[0]
    assert report["articles"] == 12 and report["folds"] == 3
    for slots in (report["slots"], report["rules_only"]["slots"]):
        assert set(slots["project"]) == {"p", "r", "f1", "tp", "fp", "fn"}
        assert slots["money"]["tp"] > 0
    # money amounts are read by rules in both rows: learning changes their roles, not their values
    assert report["slots"]["money"] == report["rules_only"]["slots"]["money"]


@pytest.mark.shared
def test_cross_validation_table_and_a_missing_gold_folder(small_gold, tmp_path):
    table = CliRunner().invoke(main, ["eval", "--cv", "2", "--train-fraction", "0.5", str(small_gold)])
    assert table.exit_code == 0
    assert "rules-only F1" in table.stdout and "training fraction 0.5" in table.stdout
    missing = CliRunner().invoke(main, ["eval", "--cv", "2", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "does not exist" in missing.output


@pytest.mark.shared
def test_training_twice_gives_the_same_model_files(small_gold, tmp_path):
    for out in ("a", "b"):
        result = CliRunner().invoke(main, ["train", "--gold", str(small_gold), "--out", str(tmp_path / out)])
        assert result.exit_code == 0, result.output
        assert "trained on 12 articles" in result.stdout
    names = [p.name for p in sorted((tmp_path / "a").glob("*.json"))]
    assert len(names) == len(MODEL_FILES) + 1
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert not mismatch and not errors


@pytest.mark.shared
@pytest.mark.slow
def test_the_readme_command_reproduces_the_shipped_models(tmp_path):
    """`projreg train --gold ../shared/gold/train --gold ../shared/gold/dev` (about 30 s) gives models/."""
    gold = shared_path("gold")
    out = tmp_path / "models"
    cmd = [
        *PROJREG,
        "train",
        "--gold",
        "../shared/gold/train",
        "--gold",
        "../shared/gold/dev",
        "--out",
        str(out),
    ]
    assert gold.exists()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    for name in MODEL_FILES:
        assert (out / f"{name}.json").read_bytes() == (models_dir() / f"{name}.json").read_bytes(), name
    shipped = json.loads((models_dir() / "manifest.json").read_text(encoding="utf-8"))
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == shipped


def _projects(db: Path, models: Path | None, tmp_path: Path) -> list[dict]:
    """Project records of the seed article 003 extracted into a fresh registry with ``models``."""
    env = {**os.environ, **({"PROJREG_MODELS": str(models)} if models else {})}
    registry = tmp_path / f"{db.stem}-{models.name if models else 'shipped'}.db"
    seed = ROOT / "corpus" / "003_a2ea863acaabccfd.txt"
    subprocess.run(
        [*PROJREG, "ingest", str(seed), "--db", str(registry)], env=env, check=True, capture_output=True
    )
    out = subprocess.run(
        [*PROJREG, "export", "--db", str(registry), "--jsonl", "-"], env=env, check=True, capture_output=True
    )
    return json.loads(out.stdout)["projects"]


@pytest.mark.shared
@pytest.mark.slow
def test_review_decisions_change_what_is_learnt(small_gold, tmp_path):
    """A rejected record is not extracted again after `projreg train --db`; an accepted one still is."""
    registry = tmp_path / "reviewed.db"
    seed = ROOT / "corpus" / "003_a2ea863acaabccfd.txt"
    assert CliRunner().invoke(main, ["ingest", str(seed), "--db", str(registry)]).exit_code == 0
    rows = json.loads(CliRunner().invoke(main, ["export", "--db", str(registry), "--jsonl", "-"]).stdout)
    projects = rows["projects"]
    rejected, accepted = projects[0], projects[1]
    ids = {p["name"]: f"003_a2ea863acaabccfd:{p['span'][0]}-{p['span'][1]}" for p in projects}
    for action, project in (("reject", rejected), ("accept", accepted)):
        result = CliRunner().invoke(main, ["review", "--db", str(registry), action, ids[project["name"]]])
        assert result.exit_code == 0, result.output

    plain, learnt = tmp_path / "plain", tmp_path / "learnt"
    assert CliRunner().invoke(main, ["train", "--gold", str(small_gold), "--out", str(plain)]).exit_code == 0
    result = CliRunner().invoke(
        main, ["train", "--gold", str(small_gold), "--db", str(registry), "--out", str(learnt)]
    )
    assert result.exit_code == 0, result.output
    assert "2 decisions used" in result.stdout

    def names(records: list[dict]) -> set[str]:
        return {n for p in records for n in [p["name"], *p["aliases"]]}

    without_review = names(_projects(registry, plain, tmp_path))
    with_review = names(_projects(registry, learnt, tmp_path))
    assert rejected["name"] in without_review, "the gold alone keeps the record"
    assert rejected["name"] not in with_review
    assert accepted["name"] in with_review


def test_an_amounts_role_features_name_what_every_money_word_around_it_says():
    text = "各地政府损失了所得税7.8亿元，今年将完成投资4亿元。"
    tax, plan = find_money(text)
    view = _view(text)
    lost = role_features(view, tax)
    assert lost["lexL:tax"] == 1.0 and "lexL:other" in lost, "损失 and 所得税 are both read, not one pick"
    assert "planned" not in lost
    planned = role_features(view, plan)
    assert planned["lexL:total_investment"] == 1.0 and planned["planned"] == 1.0
    assert "lexL:tax" not in planned, "a word in another clause says nothing"
