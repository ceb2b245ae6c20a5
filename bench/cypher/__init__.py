"""Raw Cypher the benchmarks send as it is: baselines and sample picks, one statement a file.

They name ontology labels and types on purpose (a benchmark measures a backend with fixed
statements, or the search as it was before a change, bench/path_baseline.py), so they live
here as text next to the benches rather than as string literals in their code; the tool's
own domain Cypher is in graph/. `statement("path_ring")` reads bench/cypher/path_ring.cypher
without its `//` comment lines.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@cache
def statement(name: str) -> str:
    """The statement in bench/cypher/<name>.cypher, comment lines left out."""
    text = (HERE / f"{name}.cypher").read_text("utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//")).strip()
