"""Ingest throughput against bare spaCy, re-ingest, and peak memory.

    uv run python -m bench.ingest_bench --articles 1000 --processes 1 2
    uv run python -m bench.ingest_bench --memory 1000 10000          # peak RSS only

On one generated corpus (bench/corpus.py, written under bench/out/), side by side in one run:

  (a) bare spaCy: `spacy.load(model).pipe(texts)`, the model's own components, ours not added;
  (b) our extraction without writing: `ingest.extract_many.extract_documents` (our pipeline:
      the model plus sanctions-kg's components, then `build_result` per article);
  (c) full ingest: `ingest.pipeline.ingest_documents` into a fresh embedded store.

Each (mode, processes) pair runs in its own subprocess, so one cannot warm or slow another,
a hang becomes a timeout instead of a stuck run, and memory is per mode. Model loading and
store opening are outside the timer; batch size is the pipeline's (ingest.nlp.BATCH_SIZE).
Processes go through the library's own `n_process` option (`extract_documents`,
`ingest_documents`, `ingest_paths`; `sanctions-kg ingest --processes`). Words are
whitespace-split words of the article texts.

Then: re-ingest of the unchanged corpus (`ingest_paths` twice into one store, the second
run timed against the first), and with --memory, the peak RSS of the whole process tree of a
full ingest (the Python process, its spaCy workers, and the embedded database server it
started), sampled every 50 ms with psutil.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import corpus, emit, provenance

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
MODES = ("a", "b", "c")
MODE_NAMES = {"a": "bare spaCy", "b": "extraction, no writes", "c": "full ingest"}
LIST_ARTICLES = 0  # --list: the corpus size whose made-up list is imported first (0: none)


def corpus_dir(articles: int) -> Path:
    """The corpus folder for `articles`, generated on first use (same seed, same text)."""
    path = OUT / f"corpus-{articles}"
    marker = path / ".complete"
    if not marker.exists():
        corpus.write(corpus.generate(articles), path, "txt")
        marker.write_text(str(articles))
    return path


def list_file(articles: int) -> Path:
    """A made-up OFAC SDN CSV (not OFAC data) naming every other vessel (with its IMO number) and
    every other company of the corpus's world, for measuring with a list imported (--list)."""
    import random

    path = OUT / f"list-{articles}" / "sdn.csv"
    if not path.exists():
        world = corpus.build_world(random.Random(corpus.SEED), articles)
        rows = [f'{80000 + i},"{v.name.upper()}","vessel","BENCH","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ",'
                f'"Vessel Registration Identification IMO {v.imo}."' for i, v in enumerate(world.vessels[::2])]
        rows += [f'{90000 + i},"{c.name}","-0- ","BENCH","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- "'
                 for i, c in enumerate(world.companies[::2])]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(rows) + "\n")
    return path


def _load_docs(path: Path):
    from ingest.model import Document
    from ingest.readers import read_paths

    docs = [d for d in read_paths([str(path)]) if isinstance(d, Document)]
    words = sum(corpus.word_count(d.text) for d in docs)
    return docs, words


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (its worker processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _server_cpu(store) -> float:
    import psutil

    try:
        c = psutil.Process(store._pid).cpu_times()  # the embedded server: a daemon, not a child
    except (AttributeError, TypeError, psutil.Error):
        return 0.0
    return c.user + c.system


def worker(mode: str, processes: int, path: Path, out: Path) -> None:
    """Run one measurement in this process and write its JSON to `out`.

    Besides wall time, `cpu_s` is the CPU time the measurement used: this process, its worker
    processes and (c) the database server. On a shared machine it moves less with other
    people's load than wall time does."""
    docs, words = _load_docs(path)
    texts = [d.text for d in docs]
    from ingest.nlp import BATCH_SIZE, load, model_name

    result: dict = {"mode": mode, "processes": processes, "articles": len(docs), "words": words}
    if mode == "a":
        import spacy

        nlp = spacy.load(model_name(os.environ.get("SANCTIONS_KG_MODEL")))
        result["pipes"] = nlp.pipe_names
        t, c = time.perf_counter(), _cpu()
        n = sum(1 for _ in nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=processes))
        result["seconds"] = time.perf_counter() - t
        result["cpu_s"] = _cpu() - c
        assert n == len(texts)
    else:
        nlp = load()
        result["pipes"] = nlp.pipe_names
        if mode == "b":
            from contextlib import nullcontext

            from ingest.extract_many import extract_documents

            known = nullcontext()
            if os.environ.get("BENCH_LIST"):  # the names an imported list makes known, as ingest has them
                from graph.backends import open_store
                from ingest.knowledge import load_index, using_index
                from ingest.lists.importer import import_sanctions

                with tempfile.TemporaryDirectory(prefix="ingest-bench-") as d, open_store(str(Path(d) / "kg.db")) as st:
                    import_sanctions(st, os.environ["BENCH_LIST"], rescan=False)
                    known = using_index(nlp, load_index(st))
            with known:
                t, c = time.perf_counter(), _cpu()
                results = list(extract_documents(docs, nlp, batch_size=BATCH_SIZE, n_process=processes))
                result["seconds"] = time.perf_counter() - t
                result["cpu_s"] = _cpu() - c
            result["entities"] = sum(len(r.entities) for r in results)
            result["relations"] = sum(len(r.relations) for r in results)
        else:
            from graph.backends import open_store
            from ingest.pipeline import ingest_documents, ingest_paths

            with tempfile.TemporaryDirectory(prefix="ingest-bench-") as d, open_store(str(Path(d) / "kg.db")) as store:
                pid_file = os.environ.get("BENCH_SERVER_PID_FILE")
                if pid_file:
                    Path(pid_file).write_text(str(getattr(store._db, "pid", "") or ""))
                if os.environ.get("BENCH_LIST"):
                    from ingest.lists.importer import import_sanctions

                    import_sanctions(store, os.environ["BENCH_LIST"])
                t, c, sc = time.perf_counter(), _cpu(), _server_cpu(store)
                summary = ingest_documents(store, docs, nlp=nlp, n_process=processes,
                                           rescan=not os.environ.get("BENCH_NO_RESCAN"))
                result["seconds"] = time.perf_counter() - t
                result["cpu_s"] = _cpu() - c + _server_cpu(store) - sc
                result["summary"] = summary.to_dict()
                if os.environ.get("BENCH_REINGEST"):
                    # Re-ingest as a user runs it: read the files again, hash, skip.
                    t = time.perf_counter()
                    again = ingest_paths(store, [str(path)], nlp=nlp, n_process=processes)
                    result["reingest_seconds"] = time.perf_counter() - t
                    result["reingest_summary"] = again.to_dict()["articles"]
    result["words_per_s"] = words / result["seconds"]
    out.write_text(json.dumps(result))


def _tree_rss(root, extra_pid_file: Path | None) -> int:
    import psutil

    procs = [root]
    try:
        procs += root.children(recursive=True)
    except psutil.Error:
        pass
    if extra_pid_file and extra_pid_file.exists():
        try:
            procs.append(psutil.Process(int(extra_pid_file.read_text())))
        except (ValueError, psutil.Error):
            pass
    total = 0
    for p in {p.pid: p for p in procs}.values():
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(mode: str, processes: int, path: Path, *, timeout: float = 900,
            reingest: bool = False, sample_rss: bool = False) -> dict:
    """One measurement in a subprocess; with sample_rss, its peak process-tree RSS."""
    import psutil

    with tempfile.TemporaryDirectory(prefix="ingest-bench-w-") as d:
        out, pid_file = Path(d) / "result.json", Path(d) / "server.pid"
        cmd = [sys.executable, "-m", "bench.ingest_bench", "--worker", mode, "--processes", str(processes),
               "--corpus", str(path), "--worker-out", str(out)]
        env = dict(os.environ, BENCH_SERVER_PID_FILE=str(pid_file))
        if reingest:
            env["BENCH_REINGEST"] = "1"
        if LIST_ARTICLES:
            env["BENCH_LIST"] = str(list_file(LIST_ARTICLES))
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = 0
        stop = threading.Event()

        def sampler():
            nonlocal peak
            root = psutil.Process(proc.pid)
            while not stop.is_set():
                peak = max(peak, _tree_rss(root, pid_file))
                time.sleep(0.05)

        thread = threading.Thread(target=sampler, daemon=True)
        if sample_rss:
            thread.start()
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            for child in psutil.Process(proc.pid).children(recursive=True):
                child.kill()
            proc.kill()
            proc.communicate()
            # The embedded database server is a daemon, not a child: stop it too.
            try:
                psutil.Process(int(pid_file.read_text())).kill()
            except (OSError, ValueError, psutil.Error):
                pass
            return {"mode": mode, "processes": processes, "error": f"no result after {timeout:.0f} s (hung or too slow)"}
        finally:
            stop.set()
            if sample_rss:
                thread.join()
        if proc.returncode != 0 or not out.exists():
            tail = (err or "").strip().splitlines()[-3:]
            return {"mode": mode, "processes": processes, "error": f"exit {proc.returncode}: {' | '.join(tail)}"}
        res = json.loads(out.read_text())
        if sample_rss:
            res["peak_rss_mb"] = round(peak / 2**20)
        return res


def throughput(articles: int, processes: list[int], rounds: int, timeout: float) -> dict:
    path = corpus_dir(articles)
    runs: dict[tuple[str, int], list[dict]] = {}
    for rnd in range(rounds):
        for n in processes:
            order = MODES if rnd % 2 == 0 else MODES[::-1]
            for mode in order:
                res = measure(mode, n, path, timeout=timeout)
                runs.setdefault((mode, n), []).append(res)
                shown = f"{res['words_per_s']:.0f} words/s" if "words_per_s" in res else res["error"]
                if "cpu_s" in res:
                    shown += f", {res['cpu_s']:.1f} CPU s"
                if res.get("summary", {}).get("failed"):
                    shown += f" ({len(res['summary']['failed'])} articles FAILED: {res['summary']['failed'][0]['reason'][:100]})"
                print(f"  round {rnd + 1}: ({mode}) {MODE_NAMES[mode]}, {n} process(es): {shown}", file=sys.stderr)
    table: dict = {}
    for (mode, n), results in runs.items():
        # A run whose articles failed did not do the work: it is not a throughput figure.
        ok = [r["words_per_s"] for r in results if "words_per_s" in r and not r.get("summary", {}).get("failed")]
        entry = {"runs": [round(r["words_per_s"]) if "words_per_s" in r else r["error"] for r in results]}
        if ok:
            entry["words_per_s"] = round(statistics.median(ok))
        cpu = [r["cpu_s"] for r in results if "cpu_s" in r and not r.get("summary", {}).get("failed")]
        if cpu:
            entry["cpu_s"] = round(statistics.median(cpu), 2)
        for key in ("entities", "relations", "summary", "pipes"):
            if key in results[-1]:
                entry[key] = results[-1][key]
        table[f"{mode}{n}"] = entry
    ratios = {}
    for n in processes:
        a = table.get(f"a{n}", {}).get("words_per_s")
        for m in ("b", "c"):
            v = table.get(f"{m}{n}", {}).get("words_per_s")
            ratios[f"{m}/a {n}p"] = round(v / a, 3) if a and v else None
            ca, cm = table.get(f"a{n}", {}).get("cpu_s"), table.get(f"{m}{n}", {}).get("cpu_s")
            # CPU seconds of (a) over those of (b) or (c): the same direction as the throughput ratio.
            ratios[f"{m}/a {n}p by CPU time"] = round(ca / cm, 3) if ca and cm else None
    words = runs[("a", processes[0])][0].get("words")
    return {"articles": articles, "words": words, "rounds": rounds, "modes": table, "ratios": ratios}


def reingest(articles: int, timeout: float) -> dict:
    res = measure("c", 1, corpus_dir(articles), reingest=True, timeout=timeout)
    if "error" in res:
        return res
    return {
        "articles": articles,
        "first_s": round(res["seconds"], 2),
        "reingest_s": round(res["reingest_seconds"], 3),
        "speedup": round(res["seconds"] / res["reingest_seconds"], 1),
        "reingest_articles": res["reingest_summary"],
    }


def memory(sizes: list[int], processes: int, timeout: float) -> dict:
    out = {}
    for n in sizes:
        res = measure("c", processes, corpus_dir(n), timeout=timeout, sample_rss=True)
        out[str(n)] = {k: res.get(k) for k in ("peak_rss_mb", "seconds", "words", "words_per_s", "error") if res.get(k) is not None}
        print(f"  memory {n} articles: {out[str(n)]}", file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000, help="corpus size for throughput and re-ingest")
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 2], help="process counts to measure")
    ap.add_argument("--rounds", type=int, default=1, help="repeat each measurement (median reported)")
    ap.add_argument("--memory", type=int, nargs="*", default=None, metavar="N",
                    help="only measure peak RSS of full ingests of these corpus sizes")
    ap.add_argument("--memory-processes", type=int, default=1)
    ap.add_argument("--no-reingest", action="store_true")
    ap.add_argument("--list", action="store_true",
                    help="import a made-up sanctions list naming half the corpus's ships and companies first "
                         "((b): as known names; (c): into the store, outside the timer)")
    ap.add_argument("--no-rescan", action="store_true",
                    help="(c) without the re-scan of articles that mention names the run's other articles typed")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per measurement before it counts as hung")
    ap.add_argument("--json", type=Path, default=None)
    # internal: one measurement in a subprocess
    ap.add_argument("--worker", choices=MODES, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker, args.processes[0], args.corpus, args.worker_out)
        return
    global LIST_ARTICLES
    LIST_ARTICLES = args.articles if args.list else 0
    if args.no_rescan:
        os.environ["BENCH_NO_RESCAN"] = "1"  # read by the (c) worker, which inherits the environment
    res: dict = {"provenance": provenance(), "list": bool(args.list), "rescan": not args.no_rescan}
    if args.memory is not None:
        res["memory"] = memory(args.memory or [1000, 10000], args.memory_processes, args.timeout)
    else:
        res["throughput"] = throughput(args.articles, args.processes, args.rounds, args.timeout)
        if not args.no_reingest:
            res["reingest"] = reingest(args.articles, args.timeout)
    res["load_after"] = os.getloadavg()
    emit(res, args.json)


if __name__ == "__main__":
    main()
