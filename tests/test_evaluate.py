"""The extraction targets hold on our own example articles (examples/), per type."""

from pathlib import Path

import pytest

from ingest.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def report():
    return evaluate(ROOT / "examples" / "articles", ROOT / "examples" / "gold.yaml")


def test_example_set_is_large_enough(report):
    assert report["articles"] >= 12


@pytest.mark.parametrize("label", ["Vessel", "Port", "Company", "Agency"])
def test_entity_f1(report, label):
    assert report["entities"][label]["f1"] >= 0.9, report["errors"]


@pytest.mark.parametrize("rtype", ["CALLED_AT", "OWNED_BY", "SANCTIONED_BY"])
def test_relation_f1(report, rtype):
    assert report["relations"][rtype]["f1"] >= 0.8, report["errors"]


def test_no_sanction_the_text_denies(report):
    extra = [e["what"] for e in report["errors"] if e["kind"] == "extra relation" and e["what"].startswith("SANCTIONED_BY")]
    assert extra == []


def test_split_scores_the_heldout_part_apart(tmp_path):
    """A split file names held-out articles: they are scored apart, and the parts add up to the whole."""
    names = sorted(p.name for p in (ROOT / "examples" / "articles").iterdir())[:4]
    split = tmp_path / "split.yaml"
    split.write_text(f"heldout: [{names[0]}, {names[1]}]\n", "utf-8")
    import yaml

    gold = yaml.safe_load((ROOT / "examples" / "gold.yaml").read_text("utf-8"))
    gold["articles"] = {n: gold["articles"].get(n) for n in names}
    gold_path = tmp_path / "gold.yaml"
    gold_path.write_text(yaml.safe_dump(gold), "utf-8")
    report = evaluate(ROOT / "examples" / "articles", gold_path, split_path=split)
    tune, held = report["parts"]["tune"], report["parts"]["heldout"]
    assert held["articles"] == names[:2] and tune["articles"] == names[2:]
    for kind in ("entities", "relations"):
        for name, whole in report[kind].items():
            for field in ("gold", "predicted", "correct"):
                assert whole[field] == tune[kind][name][field] + held[kind][name][field]
    assert {e["part"] for e in report["errors"] if e["article"] in names[:2]} <= {"heldout"}


def test_without_heldout_articles_there_are_no_parts():
    assert "parts" not in evaluate(ROOT / "examples" / "articles", ROOT / "examples" / "gold.yaml")
