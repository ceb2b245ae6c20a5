"""Bench: match 10,000 listed entities against 10,000 extracted ones (generated, fixed seed).

    uv run python bench/match_bench.py            # the matcher alone (ingest/lists/match.py)
    uv run python bench/match_bench.py --store    # through an embedded store: write, match_store

Extracted entities are a mix of exact copies of listed names (certain matches), copies with a
typo or another legal form (candidates), vessels sharing an IMO, and unrelated names.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.lists.match import MatchRecord, match_records  # noqa: E402

SYLLABLES = "ka ro na vi to mar sel den lo gis tik ob or ron sev er ny pe tro mi ra zan bel kor ost ul im ba cha".split()
WORDS = ["Shipping", "Marine", "Trading", "Logistics", "Energy", "Holding", "Navigation", "Petroleum", "Group"]
FORMS = ["LLC", "OOO", "Ltd", "JSC", "Co., Ltd.", "", "Limited", "PJSC"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def _imo(rng: random.Random) -> str:
    d = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(5)]
    return "".join(map(str, d)) + str(sum(x * w for x, w in zip(d, (7, 6, 5, 4, 3, 2))) % 10)


def _typo(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + rng.choice("aeiouy") + name[i + 1 :]


def generate(n: int, seed: int = 7) -> tuple[list[MatchRecord], list[MatchRecord]]:
    rng = random.Random(seed)
    listed: list[MatchRecord] = []
    for i in range(n):
        if i % 4 == 0:
            listed.append(MatchRecord(f"imo:{_imo(rng)}", "Vessel", (f"{_word(rng)} {rng.randint(1, 9)}".upper(),), None))
            listed[-1] = MatchRecord(listed[-1].id, "Vessel", listed[-1].names, listed[-1].id[4:])
        elif i % 4 == 3:
            listed.append(MatchRecord(f"ofac:{i}", "Person", (f"{_word(rng)} {_word(rng)}",)))
        else:
            core = f"{_word(rng)} {rng.choice(WORDS)}"
            listed.append(MatchRecord(f"ofac:{i}", "Company", (f"{core} {rng.choice(FORMS)}".strip(), f"{_word(rng)} {rng.choice(WORDS)}")))
    extracted: list[MatchRecord] = []
    for i in range(n):
        kind = i % 5
        src = listed[rng.randrange(n)]
        if kind == 0:  # the same entity: IMO for vessels, same name otherwise
            extracted.append(MatchRecord(f"x:{i}", src.label, tuple(x.title() for x in src.names[:1]), src.imo))
        elif kind == 1:  # a near miss
            extracted.append(MatchRecord(f"x:{i}", src.label, (_typo(rng, src.names[0]),)))
        else:  # unrelated
            label = rng.choice(["Company", "Vessel", "Organization", "Person"])
            extracted.append(MatchRecord(f"x:{i}", label, (f"{_word(rng)} {rng.choice(WORDS)} {rng.choice(FORMS)}".strip(),),
                                         _imo(rng) if label == "Vessel" else None))
    return listed, extracted


def bench_memory(n: int) -> None:
    listed, extracted = generate(n)
    t = time.perf_counter()
    found = match_records(listed, extracted)
    elapsed = time.perf_counter() - t
    certain = sum(c.certain for c in found)
    print(f"matcher: {n} listed x {n} extracted in {elapsed:.2f} s "
          f"({certain} certain, {len(found) - certain} candidates)")


def bench_store(n: int) -> None:
    from graph.backends import open_store
    from ingest.lists.match import match_store

    listed, extracted = generate(n)
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "bench.db")) as store:
        t = time.perf_counter()
        for recs, is_listed in ((listed, True), (extracted, False)):
            by_label: dict[str, list[dict]] = {}
            for r in recs:
                row = {"id": r.id, "name": r.names[0], "aliases": list(r.names),
                       "source": "list:bench" if is_listed else "article", "listed": True if is_listed else None}
                if r.imo:
                    row["imo"] = r.imo
                by_label.setdefault(r.label, []).append(row)
            with store.batch() as b:
                for label, rows in by_label.items():
                    b.upsert_nodes(label, rows)
        loaded = time.perf_counter() - t
        t = time.perf_counter()
        summary = match_store(store)
        elapsed = time.perf_counter() - t
        print(f"store: loaded {2 * n} nodes in {loaded:.2f} s; match_store in {elapsed:.2f} s "
              f"({len(summary.merged)} merged, {summary.candidates} candidates)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--store", action="store_true", help="also run through an embedded store")
    args = ap.parse_args()
    bench_memory(args.n)
    if args.store:
        bench_store(args.n)


if __name__ == "__main__":
    main()
