"""A ship named with its IMO number in one article and by its name alone in another gets one node
with the IMO number's id whichever article comes first (issue 27: the graph is a function of its
inputs). Before, the name-only article first gave `vessel:<name>` and the number then joined it
by name. Every text is made up here."""

from pathlib import Path

from ingest.pipeline import ingest_paths
from reliability_helpers import diff, snapshot
from stores import clear

NUMBERED = ("Published: 2025-04-02\nThe tanker Pale Comet (IMO 9234563) loaded fuel oil at Fujairah on Monday, "
            "port agents said.\n")
BARE = "Published: 2025-04-09\nThe tanker Pale Comet anchored off Khor Fakkan for three days, analysts said.\n"


def _graph(backend, store, folder: Path, order: list[str]) -> dict:
    clear(backend, store)
    for name in order:
        summary = ingest_paths(store, [str(folder / name)])
        assert summary.ok and summary.new == 1
    return snapshot(store)


def test_the_imo_id_whichever_article_comes_first(backend, store, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "numbered.txt").write_text(NUMBERED, "utf-8")
    (folder / "bare.txt").write_text(BARE, "utf-8")
    first = _graph(backend, store, folder, ["numbered.txt", "bare.txt"])
    second = _graph(backend, store, folder, ["bare.txt", "numbered.txt"])
    assert first == second, diff(first, second)
    ships = [k for k, (labels, _) in first["nodes"].items() if "Vessel" in labels]
    assert ships == ["imo:9234563"], ships


def test_both_in_one_run_in_either_order(backend, store, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, (n1, n2) in ((a, ("1.txt", "2.txt")), (b, ("2.txt", "1.txt"))):
        folder.mkdir()
        (folder / n1).write_text(NUMBERED, "utf-8")
        (folder / n2).write_text(BARE, "utf-8")
    clear(backend, store)
    assert ingest_paths(store, [str(a)]).ok
    one = snapshot(store)
    clear(backend, store)
    assert ingest_paths(store, [str(b)]).ok
    other = snapshot(store)
    ships = lambda g: sorted(k for k, (labels, _) in g["nodes"].items() if "Vessel" in labels)  # noqa: E731
    assert ships(one) == ships(other) == ["imo:9234563"]
