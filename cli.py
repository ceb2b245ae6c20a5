"""sanctions-kg command line: a thin layer over the library (graph/, ingest/, queries/, web/).

Each command parses its options, calls one library function and formats the result. Library
errors (graph.errors.SanctionsKGError) become one line on stderr and a non-zero exit here,
and nowhere else. spaCy is imported only by the commands that need it.
"""

from __future__ import annotations

import functools
import sys

import click

from graph.errors import ConfigError, SanctionsKGError
from graph import settings as settings_mod


class Context:
    """What every command gets: the settings and a way to open the store."""

    def __init__(self, db: str | None, user: str | None, password: str | None, keep_server: float | None = None):
        self._db, self._user, self._password, self._keep_server = db, user, password, keep_server
        self._settings = None

    @property
    def settings(self):
        if self._settings is None:
            # The CLI keeps the embedded server for a while after each command (the library
            # does not): the next command attaches instead of loading the graph again.
            self._settings = settings_mod.from_env(
                db=self._db, neo4j_user=self._user, neo4j_password=self._password,
                keep_server=self._keep_server, keep_server_default=settings_mod.KEEP_SERVER_CLI,
            )
            from graph.uri import check_db

            check_db(self._settings.db)  # every command, also those that never open the store (stop, repair)
        return self._settings

    def open_store(self, *, existing: bool = False):
        """The store; `existing` (commands that only read): an embedded database file that is
        not there is refused with one line, instead of created empty with a server kept for it."""
        from graph.backends import open_store

        if existing:
            check_exists(self.settings)
        return open_store(settings=self.settings)


def check_exists(settings) -> None:
    """ConfigError when `settings.db` names an embedded database that does not exist in a
    folder that does (a missing folder or a directory: open_store's own messages say so)."""
    from pathlib import Path

    if settings.is_server:
        return
    path = Path(settings.db).expanduser()
    try:
        missing = path.parent.is_dir() and not any(Path(f"{path}{ext}").exists() for ext in ("", ".settings", ".aof"))
    except OSError:  # a name the file system refuses (too long): open_store says so in one line
        return
    if missing:
        raise ConfigError(
            f"No database at {settings.db}: nothing was ingested there. Check the path given with --db "
            f"(or SANCTIONS_KG_DB), or ingest articles into it first: uv run sanctions-kg --db {settings.db} ingest PATH."
        )


def _quiet_stdout() -> None:
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (e.g. CliRunner)
        pass


def handle_errors(func):
    """Turn library errors into one clear line and exit 1; let `| head` end quietly."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except SanctionsKGError as exc:
            from queries.terminal import one_line

            raise click.ClickException(one_line(exc)) from None
        except KeyboardInterrupt:  # Ctrl+C: one line and 130 (128 + SIGINT), not click's "Aborted!"
            if "ingest.parallel" in sys.modules:  # extraction workers: now, not after their queued work
                sys.modules["ingest.parallel"].kill_workers()
            click.echo("Interrupted. What was written is whole (each article all or nothing); "
                       "run the command again to finish.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # Downstream closed the pipe (e.g. `| head`): stop quietly. Point stdout at
            # /dev/null so the flush at exit cannot fail again (exit status 120).
            _quiet_stdout()
            sys.exit(0)
        except OSError as exc:
            import errno

            if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                raise
            # Standard output on a full disk (`> /dev/full`): one line, not a traceback; stdout
            # pointed at /dev/null so the flush at exit cannot fail again.
            _quiet_stdout()
            click.echo(f"Error: Cannot write the output: {exc.strerror}. Free space or send the output "
                       "elsewhere.", err=True)
            sys.exit(1)

    return wrapper


class Seconds(click.FloatRange):
    """A finite number of seconds in a range (click's FloatRange lets nan and inf through)."""

    name = "seconds"

    def convert(self, value, param, ctx):
        import math

        rv = super().convert(value, param, ctx)
        if not math.isfinite(rv):
            self.fail(f"{value!r} is not a finite number of seconds.", param, ctx)
        return rv


MAX_TIMEOUT = 24 * 3600.0  # a day: longer is a mistake, and 1e308 s overflowed the store's milliseconds
MAX_ROWS = 10**9


def query_limits(func):
    """The --timeout and --max-rows options of every command that runs user Cypher."""
    func = click.option("--max-rows", type=click.IntRange(min=1, max=MAX_ROWS), metavar="N",
                        help="Row limit of each query (default: SANCTIONS_KG_MAX_ROWS, 10000).")(func)
    return click.option("--timeout", type=Seconds(min=0, min_open=True, max=MAX_TIMEOUT), metavar="SECONDS",
                        help="Time limit of each query (default: SANCTIONS_KG_QUERY_TIMEOUT, 10).")(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="SANCTIONS_KG_DB",
    metavar="PATH|URI",
    help="Graph store: a file path for the embedded FalkorDB (default ./sanctions-kg.db) "
    "or a bolt:// / neo4j:// URI for Neo4j. Env: SANCTIONS_KG_DB.",
)
@click.option("--user", envvar="NEO4J_USERNAME", help="Neo4j user name. Env: NEO4J_USERNAME.")
@click.option("--password", envvar="NEO4J_PASSWORD", help="Neo4j password. Env: NEO4J_PASSWORD.")
@click.option("--keep-server", type=Seconds(min=0, max=30 * 24 * 3600), metavar="SECONDS",
              help="Keep the embedded database server running this long after the last command "
              "using it ends, so the next command need not load the graph again; 0 stops it at "
              "once (default 300; `uv run sanctions-kg stop` stops it now). Env: SANCTIONS_KG_KEEP_SERVER.")
@click.version_option(package_name="sanctions-kg")
@click.pass_context
def main(ctx: click.Context, db: str | None, user: str | None, password: str | None,
         keep_server: float | None) -> None:
    """Build and query a knowledge graph of sanctions entities from articles."""
    ctx.obj = Context(db, user, password, keep_server)


# Commands are added below, one per library entry point.


# -- extraction and ingest (library: ingest/extract.py, ingest/pipeline.py, ingest/evaluate.py) --


@main.command()
@click.argument("file", metavar="FILE")
@click.option("--format", "fmt", type=click.Choice(["json", "table"], case_sensitive=False), default="table",
              show_default=True, help="json (every field) or table (terminal).")
@click.option("--source", metavar="NAME", help="Source name when the file does not give one.")
@click.option("--published", metavar="DATE", help="Article date (YYYY-MM-DD) when the file does not give one; "
              "relative dates in the text are resolved against it.")
@click.option("--explain", is_flag=True, help="Also show what made each relation (rule, verb and voice, list, "
              "apposition, back-reference) and each candidate that was dropped (page furniture, boilerplate, "
              "overlaps, relations left out) and why.")
@handle_errors
def extract(file: str, fmt: str, source: str | None, published: str | None, explain: bool) -> None:
    """Show what FILE yields (entities, relations, evidence) without writing anything. '-' reads stdin."""
    from ingest.extract_many import explain_file, extract_file

    if explain:
        pairs = explain_file(file, source=source, published=_check_date(published))
    else:
        pairs = [(r, None, None) for r in extract_file(file, source=source, published=_check_date(published))]
    if fmt == "json":
        import json

        from queries.terminal import json_safe

        payload = [r.to_dict() | ({"dropped": d, "relations_explained": why} if d is not None else {}) for r, d, why in pairs]
        click.echo(json_safe(json.dumps(payload[0] if len(payload) == 1 else payload, ensure_ascii=False, indent=2)))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from queries.terminal import markup, text

    console = Console(soft_wrap=False)
    for r, dropped, explained in pairs:
        d = r.to_dict()
        console.print(f"[bold]{markup(d['article']['title'] or d['article']['path'])}[/bold]  ({d['article']['id'][:12]})")
        t = Table("type", "name", "aliases", "identifiers", "spans")
        for e in d["entities"]:
            t.add_row(*map(text, (e["label"], e["name"], ", ".join(a for a in e["aliases"] if a != e["name"]),
                                  " ".join(f"{k}={v}" for k, v in e["identifiers"].items()),
                                  " ".join(f"{s['start']}-{s['end']}" for s in e["spans"]))))
        console.print(t)
        t = Table("type", "source", "target", "date", "evidence")
        for rel in d["relations"]:
            t.add_row(*map(text, (rel["type"], rel["source"], rel["target"],
                                  rel["date"] or str(rel["props"].get("year") or ""), rel["evidence"])))
        console.print(t)
        if explain:
            t = Table("relation", "source", "target", "made by")
            for x in explained:
                t.add_row(*map(text, (x["type"], x["source"], x["target"], x["structure"])))
            console.print(t)
            t = Table("dropped", "as", "chars", "why")
            for x in dropped:
                t.add_row(Text(" ".join(x["text"].split())), x["label"] or x["stage"], f"{x['start']}-{x['end']}", Text(x["reason"]))
            console.print(t)


def _check_date(value: str | None) -> str | None:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2024-03-16.",
                                 param_hint="--published") from None


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--source", metavar="NAME", help="Source name for articles that do not give one.")
@click.option("--published", metavar="DATE", help="Article date (YYYY-MM-DD) for articles that do not give one.")
@click.option("--reprocess", is_flag=True, help="Extract and write again articles already in the graph "
              "(counted as reprocessed, not new).")
@click.option("--processes", type=click.IntRange(0, 64), default=0,
              help="Extraction worker processes. Default 0: one per core (up to 4) when there are "
                   "at least 64 new articles, else none; 1 extracts in this process.")
@click.option("--no-rescan", is_flag=True,
              help="Do not extract again the stored articles that mention names these articles typed "
                   "(faster; the graph may then depend on the order of the input).")
@click.pass_obj
@handle_errors
def ingest(obj: Context, paths: tuple[str, ...], source: str | None, published: str | None, reprocess: bool,
           processes: int, no_rescan: bool) -> None:
    """Read articles (files, folders, .jsonl, '-' for stdin) and write what they say into the graph.

    An article is known by its URL (by its path when it has none): a changed version replaces
    the stored one, whose facts are withdrawn in the same write (its date kept in the new
    one's history). An older-dated version does not replace a newer one; two texts of one URL
    and date from two inputs both stand.

    Exit status 0 when every input went in, 1 when some failed (each is named with its reason).
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ingest.pipeline import ingest_paths

    err = Console(stderr=True)
    # No refresh thread (auto_refresh=False; redrawn per article instead): extraction workers
    # are forked, and forking a process that runs threads can deadlock the child.
    with obj.open_store() as store, Progress(
        TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True,
        auto_refresh=False,
    ) as bar:
        task = bar.add_task("articles", total=None)

        def progress(event: str, n: int) -> None:
            if event == "total":
                bar.update(task, total=n)
            else:
                bar.advance(task, n)
            bar.refresh()

        summary = ingest_paths(store, list(paths), source=source, published=_check_date(published),
                               reprocess=reprocess, progress=progress, n_process=processes, rescan=not no_rescan)
    counts = [f"{summary.new} new"]
    # Shown when they happen: a changed version of a stored article, an older one, one of the
    # same URL and date as a stored one (both stand), a --reprocess.
    counts += [f"{n} {what}" for n, what in ((summary.replaced, "replaced"), (summary.older, "older than the version stored"),
                                              (summary.beside, "beside a version of the same URL and date"),
                                              (summary.reprocessed, "reprocessed")) if n]
    click.echo(f"articles: {', '.join(counts)}, {summary.unchanged} unchanged, {len(summary.failed)} failed")
    click.echo(f"added: {summary.entities_added} entities, {summary.relationships_added} relationships")
    from queries.terminal import one_line

    if summary.rescan.rescanned:
        click.echo(f"re-scanned: {summary.rescan.rescanned} stored articles mentioning names these articles typed")
    if summary.alerts:
        click.echo(f"alerts: {summary.alerts} raised for watched items (uv run sanctions-kg alerts)")
    for f in summary.failed:
        click.echo(one_line(f"failed: {f.path}: {f.reason}"), err=True)
    if summary.failed:
        sys.exit(1)


@main.command()
@click.argument("article", metavar="ARTICLE")
@click.pass_obj
@handle_errors
def remove(obj: Context, article: str) -> None:
    """Withdraw an article (its id, URL or path) and every fact only it supported.

    Facts another article or a sanctions list also states stay, without this article's
    evidence; entities nothing else names go. Prints what changed.
    """
    from ingest.lifecycle import remove_article
    from queries.terminal import one_line

    with obj.open_store(existing=True) as store:
        r = remove_article(store, article)
    for a in r.articles:
        click.echo(one_line(f"removed article {a.id[:12]}: {a.title or '(untitled)'} ({a.url or a.path or 'no URL or path'})"))
    click.echo(f"withdrawn: {r.relationships_removed} relationship{'' if r.relationships_removed == 1 else 's'} "
               f"and {r.entities_removed} entit{'y' if r.entities_removed == 1 else 'ies'} only it supported")
    click.echo(f"kept: {r.relationships_kept} relationship{'' if r.relationships_kept == 1 else 's'} "
               f"and {r.entities_kept} entit{'y' if r.entities_kept == 1 else 'ies'} other sources support too")


@main.command()
@click.option("--articles", "articles_dir", default="examples/articles", show_default=True,
              type=click.Path(exists=True, file_okay=False), help="Folder of example articles.")
@click.option("--gold", "gold_path", default="examples/gold.yaml", show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="Gold entities and relations (YAML).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"], case_sensitive=False), default="table",
              show_default=True)
@click.option("--split", "split_path", default=None, type=click.Path(exists=True, dir_okay=False),
              help="YAML with a 'heldout:' list of article files, scored apart from the rest "
              "[default: ingest/data/devset_split.yaml, the real-text dev set's held-out third].")
@handle_errors
def evaluate(articles_dir: str, gold_path: str, fmt: str, split_path: str | None) -> None:
    """Score extraction against the gold set: precision, recall and F1 per entity and relation type.

    Where the gold holds held-out articles, the tuning part and the held-out part are also
    scored apart.
    """
    from ingest.evaluate import evaluate as run_evaluation

    report = run_evaluation(articles_dir, gold_path, split_path=split_path)
    if fmt == "json":
        import json

        click.echo(json.dumps(report, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    from queries.terminal import text

    console = Console()
    sections = [("all articles", report)]
    sections += [(f"{part} part ({len(p['articles'])} articles)", p) for part, p in report.get("parts", {}).items()]
    for title, scores in sections:
        t = Table("kind", "type", "gold", "found", "correct", "precision", "recall", "F1", title=title)
        t.columns[1].min_width = len("SANCTIONED_BY")
        for kind, shown in (("entities", "entity"), ("relations", "relation")):
            for name, m in scores[kind].items():
                t.add_row(shown, text(name), str(m["gold"]), str(m["predicted"]), str(m["correct"]),
                          f"{m['precision']:.2f}", f"{m['recall']:.2f}", f"{m['f1']:.2f}")
        console.print(t)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but 127.0.0.1 / localhost requires a token.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--token", envvar="SANCTIONS_KG_TOKEN", metavar="TOKEN",
              help="Token every request must carry; generated and printed when the host is not "
              "loopback and none is given. Env: SANCTIONS_KG_TOKEN.")
@query_limits
@click.pass_obj
@handle_errors
def serve(obj: Context, host: str, port: int, token: str | None, timeout: float | None, max_rows: int | None) -> None:
    """Browse the graph in a web browser: read-only Cypher console, entity pages, search."""
    from dataclasses import replace

    import uvicorn

    from graph.backends import open_store
    from web.app import check_port, create_app, resolve_token

    limits = {"query_timeout": timeout, "max_rows": max_rows}
    settings = replace(obj.settings, **{k: v for k, v in limits.items() if v is not None})
    token, generated = resolve_token(host, token)
    check_port(host, port)
    check_exists(settings)
    with open_store(settings=settings) as store:
        app = create_app(settings, token, host=host, store=store, close_store=True)
        shown = f"[{host}]" if ":" in host else host
        click.echo(f"sanctions-kg explorer: http://{shown}:{port}/" + (f"?token={token}" if token else ""))
        click.echo(f"Read-only; each query limited to {settings.query_timeout:g} s and "
                   f"{settings.max_rows} rows. Ctrl+C stops it.")
        if generated:
            click.echo(f"Token (generated, pass --token to choose one): {token}")
        uvicorn.run(app, host=host, port=port, log_level="warning")


@main.command()
@click.option("--force", is_flag=True,
              help="Stop it even while other commands or scripts are attached (they fail and can be run again).")
@click.pass_obj
@handle_errors
def stop(obj: Context, force: bool) -> None:
    """Stop the embedded database server for --db now, instead of after its idle period.

    Exit status 0 when it stopped or none was running (and for a Neo4j URI: nothing to stop);
    1 when other clients are attached (without --force).
    """
    settings = obj.settings
    if settings.is_server:
        click.echo(f"nothing to stop: {settings.db} is a Neo4j server, which sanctions-kg does not run")
        return
    from pathlib import Path

    from graph.server import ForeignRegistry, stop_server

    path = Path(settings.db).expanduser().resolve()
    try:
        stopped = stop_server(path, force=force)
    except ForeignRegistry as exc:  # a registry copied with a backup: the other database's server runs on
        click.echo(str(exc))
        return
    if stopped:
        click.echo(f"stopped the database server for {path}")
    else:
        click.echo(f"no database server running for {path}")


@main.command()
@click.pass_obj
@handle_errors
def repair(obj: Context) -> None:
    """Make a damaged append-only log of the embedded database loadable again.

    A missing manifest is rebuilt from the log files; a truncated log is cut back to its last
    whole write (what came after it is lost: keep a copy first if it matters). Opening refuses
    such a log and names this command, instead of loading part of the graph.
    """
    settings = obj.settings
    if settings.is_server:
        click.echo(f"nothing to repair: {settings.db} is a Neo4j server")
        return
    from graph.backends import held_counts
    from graph.server import repair_aof

    click.echo(repair_aof(settings.db, held_counts))


# -- reports and queries (library: queries/report.py, queries/library.py) ----------------

_FORMATS = click.Choice(["table", "markdown", "json"], case_sensitive=False)


def _console():
    from rich.console import Console

    class QuietConsole(Console):
        def on_broken_pipe(self) -> None:  # rich's own handler exits with status 1
            raise BrokenPipeError

    import os

    # Piped to a file: wide enough that evidence sentences stay on one line (COLUMNS wins).
    wide = sys.stdout.isatty() or "COLUMNS" in os.environ
    return QuietConsole(soft_wrap=False, width=None if wide else 160)


def _json(value) -> str:
    import json

    from queries.terminal import json_safe

    return json_safe(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@main.command()
@click.argument("entity", metavar="NAME|ID")
@click.option("--format", "fmt", type=_FORMATS, default="table", show_default=True,
              help="table (terminal), markdown (case files) or json (the report's data).")
@click.option("--hops", type=click.IntRange(1, 6), default=2, show_default=True,
              help="How far to look for sanctioned entities through ownership, operation and ties.")
@click.option("--stated-only", is_flag=True,
              help="Leave out hedged evidence (suspected, reportedly, ...) and the facts only it supports.")
@click.option("--min-sources", type=click.IntRange(0), default=0, show_default=True,
              help="Only facts stated by at least this many independent sources (publishers, list entries).")
@click.option("--sort", "sort", type=click.Choice(["sources"]), default=None,
              help="sources: the best corroborated facts first in each section.")
@click.pass_obj
@handle_errors
def report(obj: Context, entity: str, fmt: str, hops: int, stated_only: bool, min_sources: int, sort: str | None) -> None:
    """Print what the graph says about one ship, company, port or agency, with evidence.

    NAME|ID is an id (imo:9161003), an IMO number (9161003, "IMO 9161003") or a name or
    alias, case-insensitive ("lady r"). Evidence a source hedges is marked [hedged].
    """
    from queries import render
    from queries.report import build_report
    from queries.terminal import visible

    # Print before the store closes: shutting the embedded server down takes a moment.
    with obj.open_store(existing=True) as store:
        data = build_report(store, entity, hops=hops, min_sources=min_sources, sort=sort)
        if stated_only:
            from queries.report import stated_only as only_stated

            data = only_stated(data)
        if fmt == "json":
            click.echo(_json(data))
        elif fmt == "markdown":
            click.echo(visible(render.report_markdown(data)))
        else:
            console = _console()
            for part in render.report_rich(data):
                console.print(part)


def _parse_param(raw: str) -> tuple[str, str]:
    key, sep, value = raw.partition("=")
    if not sep or not key.strip():
        raise click.BadParameter(f"{raw!r} is not KEY=VALUE, e.g. -p port=Rason.", param_hint="'-p'")
    return key.strip(), value


def _check_int64(key: str, value):
    """Refuse whole numbers a 64-bit integer cannot hold: the database would clamp them silently."""
    from graph.limits import INT64_MAX, out_of_int64

    bad = out_of_int64(value)
    if bad is not None:
        raise click.BadParameter(
            f"{key}={bad} is outside the 64-bit integer range (±{INT64_MAX}) the graph stores; "
            f"pass it as text instead: -p '{key}=\"{bad}\"'.", param_hint="'-p'")
    return value


def _guess_value(raw: str):
    """A -p value for ad-hoc Cypher: int, float, bool, null or JSON if it reads as one, else text."""
    low = raw.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "null":
        return None
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    if raw.strip()[:1] in ('[', '{', '"'):
        from graph.limits import LimitExceeded
        from graph.safe_load import json_loads

        try:
            return json_loads(raw)
        except LimitExceeded as exc:
            raise click.BadParameter(f"{exc}.", param_hint="'-p'") from None
        except ValueError:
            pass
    return raw


def _cell(value, *, table: bool = False) -> str:
    import json

    from graph.ontology import load as load_ontology
    from graph.view import is_node, is_relationship

    if table and isinstance(value, list) and all(isinstance(x, (str, int, float)) for x in value):
        return ", ".join(str(x) for x in value)
    if value is None:
        return ""
    if is_node(value):
        label = load_ontology().label_of(value["labels"]) or ""
        return f"{value['properties'].get('name') or value['id']} ({label}, {value['id']})"
    if is_relationship(value):
        return f"({value['start']})-[:{value['type']}]->({value['end']})"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _print_rows(columns: list[str], rows: list[dict], fmt: str, *, count: bool = True) -> None:
    if fmt == "json":
        click.echo(_json(rows))
    elif fmt == "csv":
        import csv

        from graph.export import spreadsheet_safe
        from queries.terminal import visible

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([spreadsheet_safe(visible(c)) for c in columns])
        for row in rows:
            writer.writerow([spreadsheet_safe(visible(_cell(row.get(c)))) for c in columns])
    else:
        from rich.table import Table

        from queries.terminal import text

        table = Table(show_lines=False)
        for col in columns:
            table.add_column(text(col), overflow="fold")
        for row in rows:
            table.add_row(*(text(_cell(row.get(c), table=True)) for c in columns))
        console = _console()
        console.print(table)
        if count:
            console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", style="dim")


@main.command()
@click.argument("cypher", required=False)
@click.option("--name", "-n", "name", metavar="NAME", help="Run a named query (see `uv run sanctions-kg queries`).")
@click.option("--file", "-f", "file", type=click.Path(exists=True, dir_okay=False), help="Read the Cypher from a file.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter ($KEY); repeat for more. Numbers, true/false, null and JSON are typed.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"], case_sensitive=False),
              default="table", show_default=True, help="json: an array of objects keyed by column.")
@click.option("--write", is_flag=True, help="Allow the query to change the graph (read-only without it).")
@query_limits
@click.pass_obj
@handle_errors
def query(obj: Context, cypher: str | None, name: str | None, file: str | None, params: tuple[str, ...],
          fmt: str, write: bool, timeout: float | None, max_rows: int | None) -> None:
    """Run Cypher (read-only unless --write), a named query (--name) or a .cypher file (--file).

    Example: uv run sanctions-kg query 'MATCH (v:Vessel) RETURN v.name AS name' --format csv
    """
    given = [x for x in (cypher, name, file) if x]
    if len(given) != 1:
        raise click.UsageError("Give exactly one of: CYPHER text, --name NAME or --file PATH.")
    pairs = [_parse_param(p) for p in params]
    max_rows = max_rows or obj.settings.max_rows
    if name and write:
        raise click.UsageError("Named queries only read; drop --write.")
    if not name:  # what the input itself gets wrong is said before any store opens
        if file:
            cypher = _read_cypher_file(file)
        values = {k: _check_int64(k, _guess_value(v)) for k, v in pairs}
    with obj.open_store(existing=not write) as store:
        if name:
            from queries.library import run_named

            result = run_named(store, name, dict(pairs), timeout=timeout, max_rows=max_rows)
        else:
            result = store.run(cypher, values, write=write, timeout=timeout, max_rows=max_rows)
        _print_rows(result.columns, result.rows, fmt)
        if write and result.stats:
            click.echo(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in result.stats.items()), err=True)


def _read_cypher_file(file: str) -> str:
    """A .cypher file's text: a regular UTF-8 file within SANCTIONS_KG_MAX_DOCUMENT_BYTES."""
    from ingest.lists.records import open_list_file
    from ingest.readers import read_capped
    from graph.limits import limits, too_large

    with open_list_file(file) as fh:
        raw = read_capped(fh, limits().max_document_bytes)
    if raw is None:
        raise click.BadParameter(too_large("the file", "max_document_bytes"), param_hint="'--file'")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.BadParameter(f"{file} is not UTF-8 text (byte {exc.start}); save it as UTF-8.",
                                 param_hint="'--file'") from None


@main.command()
@click.argument("name", required=False)
@click.pass_obj
@handle_errors
def queries(obj: Context, name: str | None) -> None:
    """List the named queries, or show one: its parameters, an example and its Cypher."""
    from queries import library

    if name:
        q = library.get(name)
        click.echo(f"{q.name}: {q.description}\n")
        click.echo("Parameters:" if q.params else "Parameters: none")
        for p in q.params:
            click.echo(f"  {p.describe()}" + (f", e.g. {p.example}" if p.example is not None else ""))
        # The headers' examples name the program; typed in this checkout it runs through uv.
        click.echo(f"\nExample: {q.example if q.example.startswith('uv run ') else 'uv run ' + q.example}")
        if q.browser:
            click.echo(f"Neo4j Browser: {q.browser}")
        click.echo(f"\n{q.text().rstrip()}")
        return
    for q in library.load_all().values():
        args = " ".join(f"{p.name}={'…' if p.required else '[' + str(p.default).lower() + ']'}" for p in q.params)
        click.echo(f"{q.name:<20} {q.summary}" + (f"\n{'':<20} params: {args}" if args else ""))


@main.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option("--max-hops", type=click.IntRange(1, 6), default=4, show_default=True,
              help="Longest connection to look for.")
@click.option("--via", "via", multiple=True, metavar="TYPE",
              help="Follow only this relationship type (repeat for more), e.g. --via OWNED_BY.")
@click.option("--via-sanctioners", is_flag=True,
              help="Also connect through a country or a sanctioning body (two ships one state sanctioned, "
              "two firms registered in one country); left out by default.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"], case_sensitive=False), default="text",
              show_default=True, help="text (each hop with its evidence) or json (the paths' data).")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, metavar="N",
              help="At most N paths, shortest first.")
@click.option("--brief", is_flag=True, help="One line per path, without the evidence (text format).")
@click.option("--stated-only", is_flag=True,
              help="Only paths whose every hop a source states; hedged evidence left out.")
@click.pass_obj
@handle_errors
def path(obj: Context, a: str, b: str, max_hops: int, via: tuple[str, ...], via_sanctioners: bool, fmt: str,
         limit: int, brief: bool, stated_only: bool) -> None:
    """The shortest connections between two entities (ids, IMO numbers or names), with evidence per hop.

    Parallel relationships of one type (three calls at one port) are one hop. A connection
    does not pass through a country or a sanctioning body unless --via-sanctioners. It
    passes through at most one hub (a node with over 500 relationships, such as a busy
    port), where the searches from both ends meet.
    """
    from queries import render
    from queries.report import find_path, stated_paths

    with obj.open_store(existing=True) as store:
        # --stated-only: look further, since some of the shortest may rest on hedged evidence.
        paths = find_path(store, a, b, max_hops, rel_types=list(via) or None, via_sanctioners=via_sanctioners,
                          limit=min(limit * 5, 500) if stated_only else limit)
        if stated_only:
            paths = stated_paths(paths)[:limit]
        if fmt == "json":
            click.echo(_json(paths))
        else:
            from queries.terminal import visible

            click.echo(visible(render.paths_text(paths, a, b, max_hops, brief=brief)))


@main.command()
@click.option("--type", "label", metavar="LABEL", help="Only this entity type, e.g. Vessel.")
@click.option("--sanctioned", is_flag=True, help="Only directly sanctioned entities.")
@click.option("--limit", type=click.IntRange(min=1, max=MAX_ROWS), metavar="N", help="At most N entities.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"], case_sensitive=False),
              default="table", show_default=True, help="Output format.")
@click.pass_obj
@handle_errors
def entities(obj: Context, label: str | None, sanctioned: bool, limit: int | None, fmt: str) -> None:
    """List entities by name, with their type, mentions and who sanctioned them."""
    from queries.report import list_entities

    with obj.open_store(existing=True) as store:
        rows = list_entities(store, label, sanctioned, limit=limit)
        columns = ["id", "label", "name", "aliases", "mentions", "sanctioned_by"]
        if fmt != "json":
            rows = [{**r, "aliases": ", ".join(r["aliases"]), "sanctioned_by": ", ".join(r["sanctioned_by"])}
                    for r in rows]
        _print_rows(columns, rows, fmt)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"], case_sensitive=False), default="table",
              show_default=True, help="Output format.")
@click.pass_obj
@handle_errors
def stats(obj: Context, fmt: str) -> None:
    """Count what the graph holds: entities per type, relationships per type, articles."""
    from queries.report import stats as graph_stats

    with obj.open_store(existing=True) as store:
        data = graph_stats(store)
        if fmt == "json":
            click.echo(_json(data))
            return
        rows = [{"what": k.replace("_", " "), "count": data[k]}
                for k in ("entities", "articles", "relationships_total", "sanctioned", "went_dark")]
        rows += [{"what": f"  {label}", "count": n} for label, n in data["nodes"].items() if label != "Article"]
        rows += [{"what": f"  {rel}", "count": n} for rel, n in data["relationships"].items()]
        _print_rows(["what", "count"], rows, "table", count=False)


# -- sanctions lists and exports (ingest/lists/, graph/export.py) -------------------------------


@main.command("import-sanctions")
@click.argument("file", type=click.Path(exists=True, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["ftm", "ofac"]), default=None,
              help="ftm: FollowTheMoney JSON lines (OpenSanctions); ofac: OFAC SDN CSV (FILE is sdn.csv or "
              "its folder, with add.csv and alt.csv). Default: ofac for .csv files and folders, else ftm.")
@click.option("--no-match", is_flag=True, help="Do not match the listed entities to extracted ones afterwards.")
@click.option("--no-rescan", is_flag=True,
              help="Do not extract again the stored articles that mention names the list adds.")
@click.pass_obj
@handle_errors
def import_sanctions_cmd(obj: Context, file: str, fmt: str | None, no_match: bool, no_rescan: bool) -> None:
    """Import a sanctions list: listed entities, SANCTIONED_BY and OWNED_BY edges, then matching.

    Re-importing the same file changes nothing. Uncertain matches are stored for review
    (`uv run sanctions-kg matches`), never merged. Stored articles that mention a name the graph did
    not know are then extracted again with it (found through an index of their words).
    """
    from ingest.lists.importer import import_sanctions

    bars: list = []

    def progress(event: str, n: int) -> None:
        # Re-scanned articles counted on stderr as ingest counts its articles; the bar starts
        # only when there is something to re-scan (no refresh thread: extraction workers fork).
        if not bars:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            bar = Progress(TextColumn("re-scan"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                           console=Console(stderr=True), transient=True, auto_refresh=False)
            bar.start()
            bars.append((bar, bar.add_task("articles", total=None)))
        bar, task = bars[0]
        if event == "total":
            bar.update(task, total=n)
        else:
            bar.advance(task, n)
        bar.refresh()

    with obj.open_store() as store:
        try:
            s = import_sanctions(store, file, fmt, match=not no_match, rescan=not no_rescan, progress=progress)
        finally:
            for bar, _ in bars:
                bar.stop()
    from queries.terminal import one_line

    click.echo(one_line(
        f"{s.list_name}: {s.entities} listed entities ({s.created} new, {s.merged} onto existing nodes), "
        f"{s.sanctions} sanctions, {s.links} ownership/links"
    ))
    if not no_match:
        click.echo(f"matching: {s.matched} merged onto extracted entities, {s.candidates} candidates to review "
                   "(uv run sanctions-kg matches)")
        for merged in s.matched_names:  # which, one a line
            click.echo(one_line(f"  merged: {merged}"))
    if not no_rescan:
        click.echo(f"re-scanned: {s.rescanned} stored article{'' if s.rescanned == 1 else 's'} "
                   "mentioning newly known names")
    if s.skipped:
        click.echo("skipped: " + ", ".join(f"{n} {why}" for why, n in sorted(s.skipped.items())))
    if s.alerts:
        click.echo(f"alerts: {s.alerts} raised for watched items (uv run sanctions-kg alerts)")


@main.command()
@click.option("--accept", "accept_id", metavar="ID", help="Accept a candidate: merge the two entities.")
@click.option("--reject", "reject_id", metavar="ID", help="Reject a candidate: it will not be proposed again.")
@click.option("--all", "show_all", is_flag=True, help="Show rejected candidates too.")
@click.pass_obj
@handle_errors
def matches(obj: Context, accept_id: str | None, reject_id: str | None, show_all: bool) -> None:
    """Review uncertain matches between extracted entities and sanctions-list entries."""
    from ingest.lists import match

    if accept_id and reject_id:
        raise click.UsageError("Give --accept or --reject, not both.")
    with obj.open_store() as store:
        if accept_id:
            kept = match.accept(store, accept_id)
            click.echo(f"accepted {accept_id}: merged into {kept}")
            return
        if reject_id:
            match.reject(store, reject_id)
            click.echo(f"rejected {reject_id}")
            return
        rows = match.list_candidates(store, None if show_all else "pending")
    if not rows:
        click.echo("No match candidates to review.")
        return
    from queries.terminal import one_line

    # Columns as wide as their widest cell, so every row lines up under its header.
    table = [("id", "score", "status", "extracted", "listed", "reason")]
    for r in rows:
        table.append((r.candidate_id, f"{r.score:.2f}", r.status, f"{r.extracted_name} ({r.extracted_id})",
                      f"{r.listed_name} ({', '.join(r.list_ids) or r.listed_id})", r.reason))
    table = [tuple(one_line(c) for c in row) for row in table]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    for row in table:
        cells = [row[0].ljust(widths[0]), row[1].rjust(widths[1]), *(c.ljust(w) for c, w in zip(row[2:5], widths[2:5])), row[5]]
        click.echo("  ".join(cells).rstrip())


@main.command("export")
@click.option("--format", "fmt", required=True,
              type=click.Choice(["graphml", "gexf", "json", "ftm", "neo4j-admin"]),
              help="graphml/gexf (Gephi), json (nodes and relationships), ftm (FollowTheMoney JSON lines for "
              "Aleph and ftm tools), neo4j-admin (a folder of CSV files and the import command).")
@click.argument("out", type=click.Path(path_type=str))
@click.pass_obj
@handle_errors
def export_cmd(obj: Context, fmt: str, out: str) -> None:
    """Write the whole graph to OUT (a file; a folder for neo4j-admin)."""
    from graph.export import export

    with obj.open_store(existing=True) as store:
        s = export(store, fmt, out)
    from queries.terminal import one_line

    click.echo(one_line(f"wrote {s.nodes} nodes and {s.relationships} relationships to {out}"))
    if s.skipped:
        click.echo(f"not in the {fmt} model, left out: " + ", ".join(f"{n} {k}" for k, n in sorted(s.skipped.items())))
    if s.command:
        click.echo("bulk-load into an empty, stopped Neo4j 5 (also saved as import.sh):")
        click.echo(s.command)


# -- watchlists and alerts (library: graph/watch.py, queries/watchlist.py) ---------------------------------------------


@main.group()
def watch() -> None:
    """Follow entities, ports and sanctions programmes: changes about them raise alerts.

    What the graph holds about an item when it is added is its baseline; later ingests and
    list imports raise an alert for each new fact (`uv run sanctions-kg alerts`).
    """


@watch.command("add")
@click.argument("target", metavar="NAME|ID|IMO")
@click.option("--program", is_flag=True, help="TARGET is a sanctions programme (e.g. RUSSIA-EO14024), not an entity.")
@click.option("--hops", type=click.IntRange(1, 6), default=2, show_default=True,
              help="Alert when a sanctioned party comes this near (ownership, operation, ties).")
@click.option("--by", metavar="NAME", help="Who adds it (default: $USER).")
@click.pass_obj
@handle_errors
def watch_add(obj: Context, target: str, program: bool, hops: int, by: str | None) -> None:
    """Watch an entity or port (an id, IMO number or name), or a programme with --program."""
    import getpass

    from queries.watchlist import watch as add_watch

    with obj.open_store() as store:
        w, new = add_watch(store, target, program=program, hops=hops, by=by or getpass.getuser())
    from queries.terminal import one_line

    if new:
        click.echo(one_line(f"watching {w.kind} {w.name} ({w.target}) as {w.id}, added by {w.by}"))
    else:
        click.echo(one_line(f"already watching {w.kind} {w.name} ({w.target}) as {w.id}, added by {w.by} at {w.added_at}"))


@watch.command("remove")
@click.argument("target", metavar="NAME|ID")
@click.pass_obj
@handle_errors
def watch_remove(obj: Context, target: str) -> None:
    """Stop watching an item (watch id, entity id, IMO number, name or programme); its alerts go too."""
    from queries.watchlist import unwatch

    with obj.open_store() as store:
        w = unwatch(store, target)
    from queries.terminal import one_line

    click.echo(one_line(f"stopped watching {w.kind} {w.name} ({w.id})"))


@watch.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"], case_sensitive=False), default="table",
              show_default=True, help="Output format.")
@click.pass_obj
@handle_errors
def watch_list(obj: Context, fmt: str) -> None:
    """List the watched items: kind, what, who added it and when."""
    from graph.watch import list_watches

    with obj.open_store() as store:
        watches = list_watches(store)
    if fmt == "json":
        click.echo(_json([w.as_dict() for w in watches]))
        return
    if not watches:
        click.echo("Nothing is watched. Add an item with `uv run sanctions-kg watch add NAME`.")
        return
    _print_rows(["kind", "name", "target", "hops", "by", "added_at"], [w.as_dict() for w in watches], "table")


@main.command()
@click.option("--since", metavar="DATE", help="Only alerts raised on or after this date (YYYY-MM-DD).")
@click.option("--all", "show_all", is_flag=True, help="Also alerts already marked seen.")
@click.option("--mark-seen", is_flag=True, help="Mark the alerts shown as seen.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"], case_sensitive=False), default="table",
              show_default=True, help="table (terminal) or json (every field, evidence included).")
@click.pass_obj
@handle_errors
def alerts(obj: Context, since: str | None, show_all: bool, mark_seen: bool, fmt: str) -> None:
    """Raise and list alerts: what changed about the watched items, each once, with its evidence.

    New facts since the last run are raised first (ingest and import-sanctions raise them too).
    Unseen alerts are listed by watched item, kind and date.
    """
    from graph import watch as watch_mod

    if since is not None:
        try:
            since = _check_date(since)
        except click.BadParameter:
            raise click.BadParameter(f"{since!r} is not a date: use YYYY-MM-DD, e.g. 2024-03-16.",
                                     param_hint="--since") from None
    with obj.open_store() as store:
        watch_mod.raise_alerts(store)
        found = watch_mod.list_alerts(store, since=since, include_seen=show_all)
        marked = watch_mod.mark_seen(store, [a.id for a in found]) if mark_seen else 0
    if fmt == "json":
        click.echo(_json([a.as_dict() for a in found]))
    elif not found:
        click.echo("No alerts." if show_all else "No unseen alerts.")
    else:
        from queries.terminal import one_line

        for a in found:
            click.echo(one_line(f"[{a.id}] {a.kind:<11} {a.watch_name}: {a.summary}"))
            for item in a.evidence:
                line = f'"{item["sentence"]}" ({item.get("cite", "")})' if item.get("sentence") else item.get("cite", "")
                click.echo("    " + one_line(line))
        click.echo(f"{len(found)} alert{'' if len(found) == 1 else 's'}")
    if marked:
        click.echo(f"marked {marked} seen", err=True)
