"""Peak memory of extracting one long article, parsed whole and in pieces (ingest/chunks.py).

    uv run python -m bench.long_article --chars 1000000

The article is the benchmark corpus' generated articles (bench/corpus.py) joined into one text
of about --chars characters. Each mode runs in a fresh process (peak resident memory is per
process: ru_maxrss), which loads the pipeline, notes its memory, extracts the article and
prints one JSON line; this prints the table of both and the ratio of what each mode added
over the loaded pipeline.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time


def article(chars: int) -> str:
    from bench.corpus import MAX_ARTICLES, generate

    n = max(1, min(MAX_ARTICLES, chars // 1250 + 1))
    text = "\n\n".join(a["text"].strip() for a in generate(n)) + "\n"
    return text[:chars]


def _run(mode: str, chars: int) -> dict:
    import resource

    from ingest.extract import build_result, extract_document, pipeline_text
    from ingest.model import Document
    from ingest.nlp import load

    nlp = load()
    text = article(chars)
    document = Document(text=text, title="A long generated report", published="2024-06-01")
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    started = time.perf_counter()
    if mode == "whole":
        nlp.max_length = max(nlp.max_length, len(text) + 1)
        result = build_result(document, nlp(pipeline_text(document)))
    else:
        result = extract_document(document, nlp)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return {"mode": mode, "chars": len(text), "loaded_mb": loaded, "peak_mb": peak, "added_mb": peak - loaded,
            "seconds": round(seconds, 1), "entities": len(result.entities), "relations": len(result.relations)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=1_000_000)
    parser.add_argument("--modes", default="whole,pieces")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_run(args.child, args.chars)))
        return
    rows = []
    for mode in args.modes.split(","):
        out = subprocess.run([sys.executable, "-m", "bench.long_article", "--chars", str(args.chars), "--child", mode],
                             capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'mode':<8} {'chars':>9} {'loaded MB':>10} {'peak MB':>8} {'added MB':>9} {'s':>7} {'entities':>9} {'relations':>10}")
    for r in rows:
        print(f"{r['mode']:<8} {r['chars']:>9,} {r['loaded_mb']:>10} {r['peak_mb']:>8} {r['added_mb']:>9} "
              f"{r['seconds']:>7} {r['entities']:>9} {r['relations']:>10}")
    by = {r["mode"]: r for r in rows}
    if "whole" in by and "pieces" in by and by["pieces"]["added_mb"]:
        print(f"added memory, whole / pieces: {by['whole']['added_mb'] / by['pieces']['added_mb']:.1f}")


if __name__ == "__main__":
    main()
