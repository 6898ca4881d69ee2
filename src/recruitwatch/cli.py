"""The `recruitwatch` command: each command parses options, calls one library function, prints.

Only this module prints. A RecruitwatchError becomes one line on stderr and exit code 1; usage
errors exit with 2 (Typer's default).
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from recruitwatch import render
from recruitwatch.errors import RecruitwatchError
from recruitwatch.ingest import Failure, FetchPolicy, ReadOptions, samples_dir
from recruitwatch.model import (
    Extraction,
    Figure,
    FigureUnit,
    Offer,
    OfferKind,
)
from recruitwatch.pipeline import IngestReport, extract_paths, ingest_paths
from recruitwatch.settings import DEFAULT_DB, ENV_PREFIX, Settings
from recruitwatch.store import StoredFailure, open_store, remove_database
from recruitwatch.watch import read_sources_file, watch_round

app = typer.Typer(
    help="A sourced, checkable database of military recruitment offers and manpower figures.",
    no_args_is_help=True,
    add_completion=False,
)

# --- shared options, defined once ------------------------------------------------------------

DbOption = Annotated[
    Path,
    typer.Option("--db", envvar=f"{ENV_PREFIX}DB", help="SQLite database file.", dir_okay=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")]
SinceOption = Annotated[
    datetime | None,
    typer.Option(
        formats=["%Y-%m-%d"], help="Only records dated on or after (record date, else published)."
    ),
]
UntilOption = Annotated[
    datetime | None,
    typer.Option(formats=["%Y-%m-%d"], help="Only records dated on or before (YYYY-MM-DD)."),
]

FollowOption = Annotated[
    bool, typer.Option("--follow", help="Feeds: fetch and extract each entry's page.")
]
AllowPrivateOption = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        help="Fetch URLs on loopback, private and link-local addresses (refused by default).",
    ),
]

Format = Literal["table", "json", "csv"]
_PIPE_WIDTH = 140
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _reports_errors(command: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn our base exception into one line on stderr and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return command(*args, **kwargs)
        except RecruitwatchError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc

    return wrapper


def _format(json_: bool, csv_: bool) -> Format:
    if json_ and csv_:
        raise typer.BadParameter("choose one of --json and --csv")
    return "json" if json_ else "csv" if csv_ else "table"


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _read_options(
    settings: Settings, *, follow: bool = False, allow_private: bool = False
) -> ReadOptions:
    return ReadOptions(
        max_bytes=settings.max_document_bytes,
        max_export_bytes=settings.max_export_bytes,
        follow=follow,
        fetch=FetchPolicy(max_bytes=settings.max_document_bytes, allow_private=allow_private),
    )


# --- commands --------------------------------------------------------------------------------


@app.command()
@_reports_errors
def extract(
    files: Annotated[
        list[str], typer.Argument(help="Files, folders, URLs or - (as for `ingest`).")
    ],
    json_: JsonOption = False,
    allow_private: AllowPrivateOption = False,
) -> None:
    """Print the offers and figures found in files, without storing anything.

    Example: recruitwatch extract article.txt --json
    """
    settings = Settings.from_env()
    options = _read_options(settings, allow_private=allow_private)
    results = list(extract_paths(files, options=options))
    extractions = [item for item in results if isinstance(item, Extraction)]
    failed = [item for item in results if isinstance(item, Failure)]
    if json_:
        envelope = {
            "documents": [render.extraction_json(item) for item in extractions],
            "failed": [render.jsonable(item) for item in failed],
        }
        _echo_json(envelope)
    else:
        console = _console()
        for extraction in extractions:
            _print_lines(console, render.document_header(extraction.document))
            console.print(render.offers_table(extraction.offers))
            console.print(render.figures_table(extraction.figures))
    _exit_on_failures(failed)


@app.command()
@_reports_errors
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders, http(s) URLs, or - for standard input: text, markdown, JSON,"
            " JSON Lines, HTML, RSS/Atom, Telegram export (result.json), WARC(.gz)."
        ),
    ],
    db: DbOption = DEFAULT_DB,
    follow: FollowOption = False,
    allow_private: AllowPrivateOption = False,
) -> None:
    """Read, extract and store documents; failures are recorded and the batch goes on.

    The format is recognised from the content. Unchanged documents are skipped, changed ones
    re-extracted, and a text found at a second place is stored once with both places.
    Exit code 0 when every source was stored, 1 when some failed (see `recruitwatch errors`).

    Example: recruitwatch ingest articles/ https://example.org/feed.xml --follow --db news.db
    """
    settings = Settings.from_env()
    options = _read_options(settings, follow=follow, allow_private=allow_private)
    with open_store(db) as store, _progress_bar() as bar:
        task = bar.add_task("ingest", total=None)
        report = ingest_paths(
            paths,
            store,
            options=options,
            progress=lambda done, total, _name: bar.update(task, completed=done, total=total),
        )
    _print_report(report)
    _exit_on_failures(report.failed)


@app.command()
@_reports_errors
def offers(
    db: DbOption = DEFAULT_DB,
    kind: Annotated[OfferKind | None, typer.Option(help="Offer kind.")] = None,
    currency: Annotated[str | None, typer.Option(help="ISO currency code, e.g. RUB.")] = None,
    target: Annotated[str | None, typer.Option(help="Text in the target (any case).")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    json_: JsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """List stored offers, filtered.

    Example: recruitwatch offers --kind signing_bonus --currency RUB --since 2024-01-01 --csv
    """
    output = _format(json_, csv_)
    with open_store(db) as store:
        found = store.query_offers(
            kind=kind, currency=currency, target=target, since=_day(since), until=_day(until)
        )
    _print_records(found, Offer, output, render.offers_table)


@app.command()
@_reports_errors
def figures(
    db: DbOption = DEFAULT_DB,
    unit: Annotated[FigureUnit | None, typer.Option(help="What the figure counts.")] = None,
    subject: Annotated[str | None, typer.Option(help="Text in the subject (any case).")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    json_: JsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """List stored manpower figures, filtered.

    Example: recruitwatch figures --unit people --subject reservists --json
    """
    output = _format(json_, csv_)
    with open_store(db) as store:
        found = store.query_figures(
            unit=unit, subject=subject, since=_day(since), until=_day(until)
        )
    _print_records(found, Figure, output, render.figures_table)


@app.command()
@_reports_errors
def show(
    doc_id: Annotated[str, typer.Argument(help="Document id, as listed by `offers`.")],
    db: DbOption = DEFAULT_DB,
    json_: JsonOption = False,
) -> None:
    """Show one document, its text, and each record with its evidence sentence.

    Example: recruitwatch show tatarstan-bonus
    """
    with open_store(db) as store:
        extraction = store.get_document(doc_id)
        locations = store.list_locations(doc_id)
    if extraction is None:
        raise RecruitwatchError(
            f"no document with id {doc_id!r}; `recruitwatch offers` lists document ids",
            source=str(db),
        )
    if json_:
        _echo_json({"ok": True, **render.extraction_json(extraction, with_text=True)})
        return
    console = _console()
    _print_lines(console, render.document_header(extraction.document))
    for location in locations[1:]:  # the first is the document's own source and url
        console.print(Text(f"also at: {location.url or location.source}", style="dim"))
    console.print(Text(extraction.document.text))
    records: list[Offer | Figure] = [*extraction.offers, *extraction.figures]
    for record in records:
        _print_lines(console, render.record_lines(record))


@app.command()
@_reports_errors
def errors(db: DbOption = DEFAULT_DB, json_: JsonOption = False, csv_: CsvOption = False) -> None:
    """List the files that failed to ingest, and why.

    Example: recruitwatch errors --json
    """
    output = _format(json_, csv_)
    with open_store(db) as store:
        found = store.list_failures()
    _print_records(found, StoredFailure, output, render.failures_table)


@app.command()
@_reports_errors
def demo(db: DbOption = DEFAULT_DB) -> None:
    """Ingest the bundled sample texts into a fresh database and print its offers.

    Replaces the database at --db (a file that is not an SQLite database is never deleted).

    Example: recruitwatch demo && recruitwatch show tatarstan-bonus
    """
    settings = Settings.from_env()
    remove_database(db)
    with open_store(db) as store:
        report = ingest_paths([samples_dir()], store, options=_read_options(settings))
        found = store.query_offers()
    _print_report(report)
    _console().print(render.offers_table(found))
    _exit_on_failures(report.failed)


@app.command()
@_reports_errors
def watch(
    sources_file: Annotated[
        Path, typer.Argument(help="Feed or page URLs, one per line (# comments).", dir_okay=False)
    ],
    db: DbOption = DEFAULT_DB,
    every: Annotated[str, typer.Option(help="Time between rounds: 90s, 15m, 2h.")] = "15m",
    rounds: Annotated[
        int | None, typer.Option(min=1, help="Stop after this many rounds (default: never).")
    ] = None,
    follow: FollowOption = False,
    allow_private: AllowPrivateOption = False,
) -> None:
    """Poll feeds and pages and ingest what is new, one round every --every.

    Requests are conditional (ETag / Last-Modified), so unchanged sources cost little; a
    source that is down is recorded (`recruitwatch errors`) and the others go on.

    Example: recruitwatch watch sources.txt --every 15m --follow --db news.db
    """
    interval = _duration(every)
    urls = read_sources_file(sources_file)
    options = _read_options(Settings.from_env(), follow=follow, allow_private=allow_private)
    done = 0
    with open_store(db) as store:
        while True:
            done += 1
            results = watch_round(urls, store, options=options)
            stamp = datetime.now().isoformat(timespec="seconds")
            typer.echo(f"{stamp} round {done}:")
            for result in results:
                typer.echo(f"  {result.url}: {result.summary}")
            if rounds is not None and done >= rounds:
                return
            time.sleep(interval)


@app.command()
@_reports_errors
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[
        str, typer.Option(help="Address to listen on; 0.0.0.0 opens it to the network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web pages and the JSON API (/api/, schema at /openapi.json) over --db.

    Reads are open (RECRUITWATCH_PRIVATE=1 closes them); POST /api/documents needs
    RECRUITWATCH_TOKEN, sent as `Authorization: Bearer <token>`. Needs the [web] extra.

    Example: RECRUITWATCH_TOKEN=s3cret recruitwatch serve --db news.db --port 8000
    """
    from recruitwatch.serve import INSTALL_LINE, missing_extra

    missing = missing_extra()
    if missing:
        raise RecruitwatchError(f"serving needs {', '.join(missing)}; install them: {INSTALL_LINE}")
    # Imported here: the web packages are an optional extra and slow to import.
    from recruitwatch.serve.app import run

    run(replace(Settings.from_env(), db=db), host=host, port=port)


@app.command("eval")
@_reports_errors
def eval_(
    corpus_dir: Annotated[
        Path, typer.Argument(help="Folder with docs/*.json and gold.jsonl.", file_okay=False)
    ],
    json_: JsonOption = False,
    details: Annotated[bool, typer.Option(help="List each miss and false alarm.")] = False,
) -> None:
    """Score the extractor against a gold-annotated corpus.

    Example: recruitwatch eval ../shared/corpus/dev --details
    """
    # Imported here so a problem in the scorer never stops the other commands.
    from recruitwatch.evaluate import evaluate_corpus, format_report

    report = evaluate_corpus(corpus_dir)
    if json_:
        _echo_json(report.to_dict())
    else:
        typer.echo(format_report(report, details=details))


# --- output ----------------------------------------------------------------------------------


def _echo_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def _print_records(
    records: Sequence[Any],
    record_type: type,
    output: Format,
    table: Callable[[Sequence[Any]], Table],
) -> None:
    if output == "json":
        _echo_json(render.envelope(records))
    elif output == "csv":
        typer.echo(render.records_csv(records, record_type), nl=False)
    else:
        _console().print(table(records))


def _print_lines(console: Console, lines: list[Text]) -> None:
    for line in lines:
        console.print(line)


def _console() -> Console:
    console = Console()
    if not console.is_terminal:
        # A file or pipe has no width; rich's fallback of 80 would crush the tables.
        console.width = _PIPE_WIDTH
    return console


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smh]?)$")


def _duration(text: str) -> float:
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise typer.BadParameter(
            f"{text!r} is not a duration like 90s, 15m or 2h", param_hint="--every"
        )
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


class _RateColumn(ProgressColumn):
    """Documents per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} docs/s" if speed else "", style="progress.data.speed")


def _progress_bar() -> Progress:
    console = Console(stderr=True)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,  # a bar in a log file is noise
    )


def _print_report(report: IngestReport) -> None:
    duplicates = f"{report.duplicates} duplicates, " if report.duplicates else ""
    typer.echo(
        f"ingested {report.ingested}, unchanged {report.unchanged}, {duplicates}"
        f"{len(report.failed)} failed"
    )


def _exit_on_failures(failed: Sequence[Failure]) -> None:
    if failed:
        for failure in failed:
            typer.echo(f"  {failure.source}: {failure.reason}", err=True)
        raise typer.Exit(1)
