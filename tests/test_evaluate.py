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
