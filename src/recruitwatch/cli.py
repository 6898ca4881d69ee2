"""The `recruitwatch` command: each command parses options, calls one library function, prints.

Only this module prints. A RecruitwatchError becomes one line on stderr and exit code 1, and so
does any other exception (a bug): its traceback only with `recruitwatch --debug`. Usage errors
exit with 2 (Typer's default).
"""

from __future__ import annotations

import functools
import json
import logging
import os
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
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand

from recruitwatch import __version__, render
from recruitwatch.accounts import Role
from recruitwatch.batch import DEFAULT_CHUNK, BatchStep, dask_client, run_batch
from recruitwatch.errors import RecruitwatchError
from recruitwatch.ingest import Failure, FetchPolicy, ReadOptions, samples_dir
from recruitwatch.ingest.items import one_line
from recruitwatch.link import link_store
from recruitwatch.link.update import link_new
from recruitwatch.model import (
    Extraction,
    Figure,
    FigureCategory,
    FigureUnit,
    Offer,
    OfferKind,
    PayerLevel,
    Recipient,
)
from recruitwatch.normalise import Normaliser
from recruitwatch.normalise.cbr import CBR_API, update_day, update_rates
from recruitwatch.pipeline import DocumentDefaults, IngestReport, extract_paths, ingest_paths
from recruitwatch.serve.export import FIGURE_COLUMNS, OFFER_COLUMNS, csv_chunks, finite
from recruitwatch.settings import DEFAULT_DB, ENV_PREFIX, Settings, default_rates_file
from recruitwatch.store import (
    SearchHit,
    Store,
    StoredFailure,
    open_sql_store,
    open_store,
    remove_database,
)
from recruitwatch.store.browse import FIGURE_SORTS, OFFER_SORTS, read_database
from recruitwatch.store.filters import FigureFilters, OfferFilters
from recruitwatch.watch import read_sources_file, watch_round


class _PlainHelp(TyperCommand):
    """Help whose arguments read as their metavar (SOURCE...), without the type label
    (<list[str]>) and braces Typer adds: the help text says what each one takes."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_argument_name(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((_argument_name(param), record[1]))
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _argument_name(param: Any) -> str:
    name = str(param.metavar or param.name.upper())
    return f"{name}..." if param.nargs != 1 else name


app = typer.Typer(
    help="A sourced, checkable database of military recruitment offers and manpower figures."
    "\n\nExample: recruitwatch demo && recruitwatch offers --kind signing_bonus",
    no_args_is_help=True,
    add_completion=False,
    # Tracebacks are for --debug; without it an unexpected error is one line (_reports_errors).
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"recruitwatch {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Log what each stage does, with the traceback of every failure and error.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    _configure_logging(debug)


class _DebugHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The stderr log that `--debug` adds to the package's logger."""


def _configure_logging(debug: bool) -> None:
    # Set on every run, so one process invoking the app twice (tests) never keeps a debug log.
    package = logging.getLogger("recruitwatch")
    for handler in [h for h in package.handlers if isinstance(h, _DebugHandler)]:
        package.removeHandler(handler)
    package.setLevel(logging.DEBUG if debug else logging.NOTSET)
    if debug:
        handler = _DebugHandler()  # the stderr of this run
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        package.addHandler(handler)


# --- shared options, defined once ------------------------------------------------------------

# A string, not a Path: a Path would fold the `//` of a postgresql:// URL.
DB_DEFAULT = str(DEFAULT_DB)
DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        metavar="DB",
        envvar=f"{ENV_PREFIX}DB",
        help="SQLite database file, or a PostgreSQL URL: postgresql://user@host/dbname.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")]
SinceOption = Annotated[
    datetime | None,
    typer.Option(
        formats=["%Y-%m-%d"],
        metavar="YYYY-MM-DD",
        help="Only records dated on or after (record date, else published).",
    ),
]
UntilOption = Annotated[
    datetime | None,
    typer.Option(
        formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Only records dated on or before."
    ),
]
ReviewFilter = Literal["unreviewed", "confirmed", "corrected", "rejected", "accepted", "reviewed"]
ReviewOption = Annotated[
    ReviewFilter | None,
    typer.Option(
        help="Only records by review: accepted is confirmed or corrected, reviewed is any."
    ),
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
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _reports_errors(command: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn our base exception into one line on stderr and exit code 1; any other exception
    too, unless `--debug` asks for its traceback."""

    @functools.wraps(command)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return command(*args, **kwargs)
        except RecruitwatchError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise  # exit codes and usage errors, Typer's own
        except Exception as exc:
            if _debugging():
                raise
            typer.echo(
                f"error: unexpected {one_line(f'{type(exc).__name__}: {exc}')}"
                " (run `recruitwatch --debug ...` for the traceback)",
                err=True,
            )
            raise typer.Exit(1) from exc

    return wrapper


def _debugging() -> bool:
    return logging.getLogger("recruitwatch").isEnabledFor(logging.DEBUG)


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


@app.command(cls=_PlainHelp)
@_reports_errors
def extract(
    files: Annotated[
        list[str],
        typer.Argument(metavar="SOURCE", help="Files, folders, URLs or - (as for `ingest`)."),
    ],
    json_: JsonOption = False,
    allow_private: AllowPrivateOption = False,
) -> None:
    """Print the offers and figures found in files, without storing anything.

    Example: recruitwatch extract article.txt --json
    """
    settings = Settings.from_env()
    options = _read_options(settings, allow_private=allow_private)
    normaliser = Normaliser.from_settings(settings)
    results = list(
        extract_paths(
            files,
            options=options,
            normaliser=normaliser,
            budget_seconds=settings.extract_seconds,
        )
    )
    extractions = [item for item in results if isinstance(item, Extraction)]
    failed = [item for item in results if isinstance(item, Failure)]
    if json_:
        items = [render.extraction_json(item) for item in extractions]
        _echo_json(render.items_envelope(items, failed=failed))
    else:
        console = _console()
        for extraction in extractions:
            _print_lines(console, render.document_header(extraction.document))
            offers, figures = render.extraction_items(extraction)
            _print_table(render.offers_table(offers))
            _print_table(render.figures_table(figures))
    _exit_on_failures(failed)


@app.command(cls=_PlainHelp)
@_reports_errors
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCE",
            help="Files, folders, http(s) URLs, or - for standard input: text, markdown, JSON,"
            " JSON Lines, HTML, RSS/Atom, Telegram export (result.json), WARC(.gz).",
        ),
    ],
    db: DbOption = DB_DEFAULT,
    follow: FollowOption = False,
    allow_private: AllowPrivateOption = False,
    published: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            metavar="YYYY-MM-DD",
            help="Publication date for documents that carry none; dates in the"
            " text and official rates are read against it.",
        ),
    ] = None,
    url: Annotated[
        str | None, typer.Option(metavar="URL", help="URL for documents that carry none.")
    ] = None,
    title: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Title for documents that carry none.")
    ] = None,
    link: Annotated[
        bool,
        typer.Option(
            help="Link the database afterwards (rewrite clusters, claims, conflicts); skip it"
            " between batches with --no-link and run `recruitwatch link` once at the end."
        ),
    ] = True,
) -> None:
    """Read, extract, normalise and store documents, then link them with the rest of the
    database (rewrite clusters, claims, conflicts); failures are recorded and the batch goes on.

    The format is recognised from the content. Unchanged documents are skipped, changed ones
    re-extracted, and a text found at a second place is stored once with both places.
    Exit code 0 when every source was stored, 1 when some failed (see `recruitwatch errors`).

    Example: recruitwatch ingest articles/ https://example.org/feed.xml --follow --db news.db

    Example: recruitwatch ingest article.txt --published 2023-08-07 --db news.db
    """
    settings = Settings.from_env()
    options = _read_options(settings, follow=follow, allow_private=allow_private)
    defaults = DocumentDefaults(published=_day(published), url=url, title=title)
    with open_store(db) as store:
        with _progress_bar() as bar:
            task = bar.add_task("ingest", total=None)
            report = ingest_paths(
                paths,
                store,
                options=options,
                progress=lambda done, total, _name: bar.update(task, completed=done, total=total),
                normaliser=Normaliser.from_settings(settings),
                defaults=defaults,
                budget_seconds=settings.extract_seconds,
            )
        _print_report(report)
        if link:
            _link(store, settings)
    _exit_on_failures(report.failed)


@app.command(cls=_PlainHelp)
@_reports_errors
def batch(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Files and folders: WARC files, JSON Lines shards, folders of pages.",
        ),
    ],
    db: DbOption = DB_DEFAULT,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            metavar="N",
            help="Local cluster of this many worker processes (default: cores).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS", help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786."
        ),
    ] = None,
    chunk: Annotated[
        int, typer.Option(min=1, metavar="N", help="Single-document files per partition.")
    ] = DEFAULT_CHUNK,
    link: Annotated[
        bool, typer.Option(help="Link the database once at the end (see `recruitwatch link`).")
    ] = True,
) -> None:
    """Ingest whole crawls on Dask workers: each WARC file, each JSON Lines shard and each
    chunk of a folder's files is one partition, read, extracted, normalised and written by a
    worker (into PostgreSQL directly; for SQLite into a file of its own beside the database,
    merged here in order); the database is linked once at the end.

    Failed partitions are retried, then listed by `recruitwatch errors`; a re-run skips the
    partitions already stored. Exit code 1 when something failed. Needs the [dask] extra.

    Example: recruitwatch batch crawl/*.warc.gz shards/ --workers 2 --db news.db

    Example: recruitwatch batch shards/ --scheduler tcp://10.0.0.5:8786 --db news.db
    """
    if workers is not None and scheduler is not None:
        raise typer.BadParameter("choose one of --workers and --scheduler")
    settings = Settings.from_env()
    with open_store(db) as store, dask_client(scheduler, workers) as client:
        with _batch_bar() as bar:
            task = bar.add_task("batch", total=None, documents="", partitions="", fraction=0.0)
            report = run_batch(
                paths,
                store,
                client,
                options=_read_options(settings),
                rates_file=settings.rates_file,
                tolerance=settings.conversion_tolerance,
                chunk=chunk,
                progress=functools.partial(_show_batch_step, bar, task),
                budget_seconds=settings.extract_seconds,
            )
        typer.echo(
            f"partitions: {report.partitions}, skipped {report.skipped} (done before),"
            f" {len(report.failed_partitions)} failed"
        )
        _print_report(report.ingest)
        if link:
            _link(store, settings)
    _exit_on_failures(report.ingest.failed)


@app.command(cls=_PlainHelp)
@_reports_errors
def export(
    parquet: Annotated[
        Path | None,
        typer.Option(
            "--parquet",
            metavar="FOLDER",
            help="Folder to write documents/, offers/, figures/, claims/ into.",
            file_okay=False,
        ),
    ] = None,
    datapackage: Annotated[
        Path | None,
        typer.Option(
            "--datapackage",
            metavar="FOLDER",
            help="Folder to write a Frictionless Data Package into (datapackage.json and CSVs).",
            file_okay=False,
        ),
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option(
            "--gold",
            metavar="FOLDER",
            help="Folder to write the reviewed documents into as a gold corpus (docs/, gold.jsonl)"
            " that `recruitwatch eval FOLDER` scores.",
            file_okay=False,
        ),
    ] = None,
    db: DbOption = DB_DEFAULT,
) -> None:
    """Write the whole database as Parquet partitioned by month (for pandas, polars or DuckDB),
    or as a Frictionless Data Package (an open dataset: CSVs described by datapackage.json).

    Parquet: each table is a folder of month=YYYY-MM/ subfolders (Hive style); exporting again
    replaces the months written before. Data package: documents.csv (without the texts),
    offers.csv, figures.csv (each row with its document's URL, outlet, title and date) and
    claims.csv, each with a Table Schema. Gold: every document with a reviewed record, with
    its confirmed and corrected records (rejected and unreviewed ones left out), in the format
    of the annotation guide.

    Example: recruitwatch export --parquet out/ --db news.db

    Example: recruitwatch export --datapackage dataset/ --db news.db

    Example: recruitwatch export --gold ours/ --db news.db && recruitwatch eval ours/
    """
    if sum(folder is not None for folder in (parquet, datapackage, gold)) != 1:
        raise typer.BadParameter(
            "give one of --parquet FOLDER, --datapackage FOLDER and --gold FOLDER"
        )
    if gold is not None:
        from recruitwatch.serve.gold import write_gold

        counts = write_gold(db, gold)
        where = gold
    elif parquet is not None:
        from recruitwatch.store.parquet import export_parquet

        counts = export_parquet(db, parquet)
        where = parquet
    else:
        assert datapackage is not None  # one of the three, checked above
        from recruitwatch.serve.datapackage import write_datapackage

        counts = write_datapackage(db, datapackage)
        where = datapackage
    typer.echo(", ".join(f"{table}: {rows}" for table, rows in counts.items()) + f" in {where}")


@app.command("link", cls=_PlainHelp)
@_reports_errors
def link_(db: DbOption = DB_DEFAULT) -> None:
    """Link everything stored again: rewrite clusters, credit lines, claims and conflicts,
    replacing the previous links. Ingest, batch, watch and the API link what they add as they
    go (only the new documents, against their candidates); this is the full relink.

    Example: recruitwatch ingest day1/ day2/ --no-link && recruitwatch link
    """
    with open_store(db, create=False) as store:
        _link(store, Settings.from_env(), full=True)


@app.command(cls=_PlainHelp)
@_reports_errors
def offers(
    db: DbOption = DB_DEFAULT,
    kind: Annotated[OfferKind | None, typer.Option(help="Offer kind.")] = None,
    currency: Annotated[
        str | None, typer.Option(metavar="CODE", help="ISO currency code, e.g. RUB.")
    ] = None,
    target: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Text in the target (any case).")
    ] = None,
    payer_level: Annotated[PayerLevel | None, typer.Option(help="Who pays.")] = None,
    payer_region: Annotated[
        str | None,
        typer.Option(metavar="CODE", help="ISO 3166-2 code of the paying region, e.g. RU-TA."),
    ] = None,
    target_country: Annotated[
        str | None,
        typer.Option(metavar="CODE", help="ISO 3166-1 code of a foreign target, e.g. KZ."),
    ] = None,
    recipient: Annotated[Recipient | None, typer.Option(help="Who receives the money.")] = None,
    review: ReviewOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    sort: Annotated[
        str | None,
        typer.Option(
            metavar="KEY",
            help=f"Order, as the API's `sort`: {', '.join(OFFER_SORTS)}; -KEY descends."
            " Default: newest first.",
        ),
    ] = None,
    json_: JsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """List stored offers, filtered: the items /api/offers gives for the same filter.

    Example: recruitwatch offers --kind signing_bonus --currency RUB --since 2024-01-01 --csv

    Example: recruitwatch offers --payer-level regional --payer-region RU-TA --json

    Example: recruitwatch offers --review accepted --json
    """
    output = _format(json_, csv_)
    filters = OfferFilters(
        kind=kind,
        currency=currency,
        target=target,
        since=_day(since),
        until=_day(until),
        payer_level=payer_level,
        payer_region=payer_region.upper() if payer_region else None,
        target_country=target_country.upper() if target_country else None,
        recipient=recipient,
        review=review,
    )
    with read_database(db) as reader:
        items = list(reader.iter_offers(filters, sort=sort))
    _print_items(items, output, OFFER_COLUMNS, render.offers_table)


@app.command(cls=_PlainHelp)
@_reports_errors
def figures(
    db: DbOption = DB_DEFAULT,
    unit: Annotated[FigureUnit | None, typer.Option(help="What the figure counts.")] = None,
    category: Annotated[
        FigureCategory | None, typer.Option(help="What the figure is about.")
    ] = None,
    subject: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Text in the subject (any case).")
    ] = None,
    review: ReviewOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    sort: Annotated[
        str | None,
        typer.Option(
            metavar="KEY",
            help=f"Order, as the API's `sort`: {', '.join(FIGURE_SORTS)}; -KEY descends."
            " Default: newest first.",
        ),
    ] = None,
    json_: JsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """List stored manpower figures, filtered: the items /api/figures gives.

    Example: recruitwatch figures --unit people --subject reservists --json

    Example: recruitwatch figures --category fled --csv
    """
    output = _format(json_, csv_)
    filters = FigureFilters(
        unit=unit,
        subject=subject,
        since=_day(since),
        until=_day(until),
        category=category,
        review=review,
    )
    with read_database(db) as reader:
        items = list(reader.iter_figures(filters, sort=sort))
    _print_items(items, output, FIGURE_COLUMNS, render.figures_table)


@app.command(cls=_PlainHelp)
@_reports_errors
def show(
    doc_id: Annotated[
        str, typer.Argument(metavar="DOC_ID", help="Document id, as listed by `offers`.")
    ],
    db: DbOption = DB_DEFAULT,
    json_: JsonOption = False,
) -> None:
    """Show one document, its text, and each record with its evidence sentence.

    Example: recruitwatch show tatarstan-bonus
    """
    with open_store(db, create=False) as store:
        extraction = store.get_document(doc_id)
        locations = store.list_locations(doc_id)
    if extraction is None:
        raise RecruitwatchError(
            f"no document with id {doc_id!r}; `recruitwatch offers` lists document ids",
            source=str(db),
        )
    if json_:
        with read_database(db) as reader:  # what /api/documents/DOC_ID gives
            _echo_json(render.items_envelope([reader.document_records(doc_id)]))
        return
    console = _console()
    _print_lines(console, render.document_header(extraction.document))
    for location in locations[1:]:  # the first is the document's own source and url
        console.print(Text(f"also at: {location.url or location.source}", style="dim"))
    console.print(Text(extraction.document.text))
    records: list[Offer | Figure] = [*extraction.offers, *extraction.figures]
    for record in records:
        _print_lines(console, render.record_lines(record))


@app.command(cls=_PlainHelp)
@_reports_errors
def errors(db: DbOption = DB_DEFAULT, json_: JsonOption = False, csv_: CsvOption = False) -> None:
    """List the files that failed to ingest, and why.

    Example: recruitwatch errors --json
    """
    output = _format(json_, csv_)
    with open_store(db, create=False) as store:
        found = store.list_failures()
    _print_records(found, StoredFailure, output, render.failures_table)


@app.command(cls=_PlainHelp)
@_reports_errors
def search(
    query: Annotated[
        str, typer.Argument(metavar="WORDS", help="Words every document found must hold.")
    ],
    db: DbOption = DB_DEFAULT,
    limit: Annotated[
        int, typer.Option(min=1, max=1000, metavar="N", help="At most this many.")
    ] = 50,
    json_: JsonOption = False,
    csv_: CsvOption = False,
) -> None:
    """Find stored documents whose title or text holds every word (each as a word prefix,
    case folded), best match first: SQLite's FTS5 or PostgreSQL's tsvector index.

    Example: recruitwatch search "kazakh bonus" --db postgresql://localhost/news
    """
    output = _format(json_, csv_)
    with open_store(db, create=False) as store:
        found = store.search_documents(query, limit=limit)
    _print_records(found, SearchHit, output, render.search_table)


@app.command(cls=_PlainHelp)
@_reports_errors
def demo(db: DbOption = DB_DEFAULT) -> None:
    """Ingest the bundled sample texts into a fresh database and print its offers.

    Replaces the database at --db (a file that is not an SQLite database is never deleted;
    in PostgreSQL only recruitwatch's own tables are dropped).

    Example: recruitwatch demo && recruitwatch show tatarstan-bonus
    """
    settings = Settings.from_env()
    remove_database(db)
    with open_store(db) as store:
        report = ingest_paths(
            [samples_dir()],
            store,
            options=_read_options(settings),
            normaliser=Normaliser.from_settings(settings),
        )
        _print_report(report)
        _link(store, settings)
    with read_database(db) as reader:
        _print_table(render.offers_table(list(reader.iter_offers(OfferFilters()))))
    _exit_on_failures(report.failed)


@app.command(cls=_PlainHelp)
@_reports_errors
def watch(
    sources_file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="Feed or page URLs, one per line (# comments).", dir_okay=False
        ),
    ],
    db: DbOption = DB_DEFAULT,
    every: Annotated[
        str, typer.Option(metavar="DURATION", help="Time between rounds: 90s, 15m, 2h.")
    ] = "15m",
    rounds: Annotated[
        int | None,
        typer.Option(min=1, metavar="N", help="Stop after this many rounds (default: never)."),
    ] = None,
    follow: FollowOption = False,
    allow_private: AllowPrivateOption = False,
) -> None:
    """Poll feeds and pages and ingest what is new, one round every --every.

    Requests are conditional (ETag / Last-Modified), so unchanged sources cost little; a
    source that is down is recorded (`recruitwatch errors`) and the others go on. A round that
    stored new documents links them into claims and clusters. With --rounds, exit code 1 when a
    source or document failed in any round.

    Example: recruitwatch watch sources.txt --every 15m --follow --db news.db
    """
    interval = _duration(every)
    urls = read_sources_file(sources_file)
    settings = Settings.from_env()
    options = _read_options(settings, follow=follow, allow_private=allow_private)
    normaliser = Normaliser.from_settings(settings)
    done = 0
    failed = False
    with open_store(db) as store:
        while True:
            done += 1
            results = watch_round(
                urls,
                store,
                options=options,
                normaliser=normaliser,
                budget_seconds=settings.extract_seconds,
            )
            stamp = datetime.now().isoformat(timespec="seconds")
            typer.echo(f"{stamp} round {done}:")
            for result in results:
                typer.echo(f"  {result.url}: {result.summary}")
            failed = failed or any(
                result.error is not None or (result.report is not None and result.report.failed)
                for result in results
            )
            if any(result.report is not None and result.report.ingested for result in results):
                _link(store, settings)  # new documents may join claims and clusters
            if rounds is not None and done >= rounds:
                if failed:
                    raise typer.Exit(1)  # as ingest: something failed, see `errors`
                return
            time.sleep(interval)


@app.command(cls=_PlainHelp)
@_reports_errors
def serve(
    db: DbOption = DB_DEFAULT,
    host: Annotated[
        str,
        typer.Option(
            metavar="ADDRESS", help="Address to listen on; 0.0.0.0 opens it to the network."
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=1, max=65535, metavar="PORT", help="Port to listen on.")
    ] = 8000,
) -> None:
    """Serve the web pages and the JSON API (/api/, schema at /openapi.json) over --db.

    Reads are open (RECRUITWATCH_PRIVATE=1 closes them); POST /api/documents needs the
    RECRUITWATCH_TOKEN set when the server started, sent as `Authorization: Bearer <token>`.
    Needs the [web] extra.

    Example: recruitwatch serve --db news.db --port 8000
    """
    from recruitwatch.serve import INSTALL_LINE, missing_extra

    missing = missing_extra()
    if missing:
        raise RecruitwatchError(f"serving needs {', '.join(missing)}; install them: {INSTALL_LINE}")
    with open_store(db, create=False):
        pass  # a mistyped --db is refused here, not served as a new empty database
    # Imported here: the web packages are an optional extra and slow to import.
    from recruitwatch.serve.app import run

    run(replace(Settings.from_env(), db=db), host=host, port=port)


@app.command("eval", cls=_PlainHelp)
@_reports_errors
def eval_(
    corpus_dir: Annotated[
        Path,
        typer.Argument(
            metavar="FOLDER", help="Folder with docs/*.json and gold.jsonl.", file_okay=False
        ),
    ],
    json_: JsonOption = False,
    details: Annotated[bool, typer.Option(help="List each miss and false alarm.")] = False,
    part: Annotated[
        Literal["all", "tune", "holdout"],
        typer.Option(
            help="Which documents: all; tune (four fifths); holdout (every fifth id per language)."
        ),
    ] = "all",
    tracker: Annotated[
        bool,
        typer.Option(
            "--tracker",
            help="Score the region table instead: the share of (region, part) latest signing"
            " payments alike when built from extracted and from gold records.",
        ),
    ] = False,
) -> None:
    """Score the extractor against a gold-annotated corpus.

    Hold-out discipline: tune against --part tune; read only the scores of --part holdout,
    never its --details.

    Example: recruitwatch eval ../shared/corpus/dev --part tune --details
    """
    # Imported here so a problem in the scorer never stops the other commands.
    from recruitwatch.evaluate import evaluate_corpus, format_report

    if part == "holdout" and details:
        raise RecruitwatchError("the held-out part shows scores only; drop --details")
    if tracker:
        from recruitwatch.evaluate_tracker import evaluate_tracker, format_tracker

        table = evaluate_tracker(corpus_dir, part=part)
        if json_:
            _echo_json(render.items_envelope([table.to_dict(details=details)]))
        else:
            typer.echo(format_tracker(table, details=details))
        return
    report = evaluate_corpus(corpus_dir, part=part)
    if json_:
        _echo_json(render.items_envelope([report.to_dict()]))
    else:
        typer.echo(format_report(report, details=details))


@app.command(cls=_PlainHelp)
@_reports_errors
def claims(
    db: DbOption = DB_DEFAULT,
    record: Annotated[
        Literal["offer", "figure"] | None, typer.Option(help="Only offer or figure claims.")
    ] = None,
    min_sources: Annotated[
        int,
        typer.Option(metavar="N", help="Only claims with at least this many independent sources."),
    ] = 1,
    json_: JsonOption = False,
) -> None:
    """List claims: what one or more documents state alike, with their sources.

    Copies in one rewrite cluster count as one independent source.

    Example: recruitwatch claims --record offer --min-sources 2 --json
    """
    with open_store(db, create=False) as store:
        found = [
            claim
            for claim in store.list_claims()
            if (record is None or claim.record == record)
            and claim.independent_sources >= min_sources
        ]
    if json_:
        items = [render.claim_json(claim) for claim in found]
        _echo_json(render.items_envelope(items))
    else:
        _print_table(render.claims_table(found))


@app.command(cls=_PlainHelp)
@_reports_errors
def changes(
    since: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Only changes on or after this day."
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            metavar="CODE",
            help="Only this region's changes (ISO 3166-2: RU-SAM, UA-43) and the federal ones.",
        ),
    ] = None,
    db: DbOption = DB_DEFAULT,
    json_: JsonOption = False,
) -> None:
    """List every raise and cut of a signing payment level, newest first, with its two
    sources: the last statement of the old level and the first of the new one.

    Example: recruitwatch changes --since 2025-01-01 --region RU-SAM --json
    """
    from recruitwatch.levels import changes as find_changes
    from recruitwatch.store.browse import open_reader
    from recruitwatch.store.levels import level_statements

    with open_store(db, create=False):
        pass  # a mistyped --db is refused, not read as an empty database
    reader = open_reader(db)
    try:
        found = find_changes(level_statements(reader, region), since=_day(since))
    finally:
        reader.close()
    if json_:
        _echo_json(render.items_envelope([render.change_json(change) for change in found]))
    else:
        _print_table(render.changes_table(found))


@app.command(cls=_PlainHelp)
@_reports_errors
def conflicts(db: DbOption = DB_DEFAULT, json_: JsonOption = False) -> None:
    """List conflicts: claims about the same payer and kind in one month with different amounts.

    Example: recruitwatch conflicts --json
    """
    with open_store(db, create=False) as store:
        found = store.list_conflicts()
        by_id = {claim.id: claim for claim in store.list_claims()} if json_ else {}
    if json_:
        items = [render.conflict_json(conflict, by_id) for conflict in found]
        _echo_json(render.items_envelope(items))
    else:
        _print_table(render.conflicts_table(found))


@app.command(cls=_PlainHelp)
@_reports_errors
def clusters(db: DbOption = DB_DEFAULT, json_: JsonOption = False) -> None:
    """List rewrite clusters: copies and rewrites of one story, origin first.

    A copy crediting a different source than its origin is marked as a possible misattribution.

    Example: recruitwatch clusters --json
    """
    with open_store(db, create=False) as store:
        found = store.list_clusters()
    if json_:
        items = [render.cluster_json(cluster) for cluster in found]
        _echo_json(render.items_envelope(items))
    else:
        _print_table(render.clusters_table(found))


@app.command(cls=_PlainHelp)
@_reports_errors
def check(
    doc_id: Annotated[
        str, typer.Argument(metavar="DOC_ID", help="Document id, as listed by `offers`.")
    ],
    db: DbOption = DB_DEFAULT,
    json_: JsonOption = False,
) -> None:
    """Show the checks of one document: dates, official-rate conversions, stated conversions
    against the official rate, arithmetic, credit lines and rewrite cluster.

    Example: recruitwatch check seed-article
    """
    with open_store(db, create=False) as store:
        extraction = store.get_document(doc_id)
        found = store.list_clusters(doc_id)
        credits = store.list_attributions(doc_id)
    if extraction is None:
        raise RecruitwatchError(
            f"no document with id {doc_id!r}; `recruitwatch offers` lists document ids",
            source=str(db),
        )
    if len(extraction.offer_notes) != len(extraction.offers):
        raise RecruitwatchError(
            f"{doc_id!r} was stored before normalisation; ingest it again to check it",
            source=str(db),
        )
    if json_:
        _echo_json(render.items_envelope([render.check_json(extraction, found, credits)]))
        return
    console = _console()
    _print_lines(console, render.document_header(extraction.document))
    _print_lines(console, render.check_lines(extraction, found, credits))


rates_app = typer.Typer(
    help="Official exchange rates (Bank of Russia), offline snapshot."
    "\n\nExample: recruitwatch rates update --currency INR --since 2020-01-01"
)
app.add_typer(rates_app, name="rates")


@rates_app.command("update", cls=_PlainHelp)
@_reports_errors
def rates_update(
    since: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            metavar="YYYY-MM-DD",
            help="First day to fetch (default: after the last).",
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Last day (default: today)."),
    ] = None,
    currency: Annotated[
        list[str] | None,
        typer.Option(metavar="CODE", help="Currency to fetch (repeat; default: all known)."),
    ] = None,
    day: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            metavar="YYYY-MM-DD",
            help="Instead of a range: every currency the bank quotes on this one day.",
        ),
    ] = None,
    url: Annotated[str, typer.Option(metavar="URL", help="Base URL of the CBR XML API.")] = CBR_API,
    json_: JsonOption = False,
) -> None:
    """Fetch newer official rates from the Bank of Russia into the rates snapshot.

    Writes RECRUITWATCH_RATES_FILE (default ~/.local/share/recruitwatch/cbr_rates.csv.gz),
    which is used instead of the bundled snapshot from then on.

    Example: recruitwatch rates update --currency INR --since 2020-01-01
    """
    settings = Settings.from_env()
    path = settings.rates_file or default_rates_file(dict(os.environ))
    if day is not None:
        report = update_day(path, day.date(), currencies=currency, base_url=url)
    else:
        report = update_rates(
            path,
            since=_day(since),
            until=_day(until) or date.today(),
            currencies=currency,
            base_url=url,
        )
    span = f"{report.first} to {report.last}" if report.first else "nothing new"
    if json_:
        update = {
            "path": str(report.path),
            "added": report.added,
            "first": _iso(report.first),
            "last": _iso(report.last),
        }
        _echo_json(render.items_envelope([update]))
    else:
        typer.echo(f"rates: {report.added} new quotes ({span}) in {report.path}")


users_app = typer.Typer(
    help="Accounts that may review records and write through the API, each with a token."
    "\n\nExample: recruitwatch users add alice --role reviewer"
)
app.add_typer(users_app, name="users")
# Who the audit log names for an account change made on this machine's command line.
_CLI_ACTOR = "command line"


@users_app.command("add", cls=_PlainHelp)
@_reports_errors
def users_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The account's name.")],
    role: Annotated[
        Role, typer.Option(help="reviewer: reviews records; admin: also reads the audit log.")
    ] = "reviewer",
    db: DbOption = DB_DEFAULT,
) -> None:
    """Add an account and print its token, once: only a hash of it is kept.

    Example: recruitwatch users add alice --role reviewer --db news.db
    """
    with open_sql_store(db) as store:
        user, token = store.add_user(name, role, _CLI_ACTOR)
    typer.echo(f"added {user.name} ({user.role}); token, shown only now:")
    typer.echo(token)


@users_app.command("list", cls=_PlainHelp)
@_reports_errors
def users_list(db: DbOption = DB_DEFAULT, json_: JsonOption = False) -> None:
    """List the accounts (never their tokens).

    Example: recruitwatch users list --json
    """
    with open_sql_store(db, create=False) as store:
        found = store.list_users()
    items = [
        {"name": u.name, "role": u.role, "created_at": u.created_at, "revoked_at": u.revoked_at}
        for u in found
    ]
    if json_:
        _echo_json(render.items_envelope(items))
        return
    table = Table("name", "role", "created", "revoked")
    for item in items:
        table.add_row(item["name"], item["role"], item["created_at"], item["revoked_at"] or "")
    _print_table(table)


@users_app.command("revoke", cls=_PlainHelp)
@_reports_errors
def users_revoke(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The account's name.")],
    db: DbOption = DB_DEFAULT,
) -> None:
    """Revoke an account: its token stops working and its sessions end; its reviews stay.

    Example: recruitwatch users revoke alice
    """
    with open_sql_store(db, create=False) as store:
        user = store.revoke_user(name, _CLI_ACTOR)
    typer.echo(f"revoked {user.name} at {user.revoked_at}")


# --- output ----------------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _link(store: Store, settings: Settings, *, full: bool = False) -> None:
    """Link what was stored since the last link (or, `full`, everything again)."""
    if full:
        console = Console(stderr=True)
        if console.is_terminal:
            # A live status line: relinking a large store runs for tens of seconds.
            with console.status("linking") as status:
                link_store(
                    store,
                    window_days=settings.claim_window_days,
                    progress=lambda step: status.update(f"linking: {step}"),
                )
        else:
            link_store(store, window_days=settings.claim_window_days)
    else:
        link_new(store, window_days=settings.claim_window_days)
    clusters, claims, conflicts = store.link_index().totals()
    typer.echo(f"linked: {clusters} rewrite clusters, {claims} claims, {conflicts} conflicts")


def _echo_json(payload: Any) -> None:
    # Strict JSON: a number that is not finite (from an old database) is printed as null.
    typer.echo(json.dumps(finite(payload), ensure_ascii=False, indent=2, allow_nan=False))


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
        _print_table(table(records))


def _print_items(
    items: list[dict[str, Any]],
    output: Format,
    columns: tuple[str, ...],
    table: Callable[[Sequence[dict[str, Any]]], Table],
) -> None:
    """Items of the one read path, as the API gives them: JSON, the download's CSV, a table."""
    if output == "json":
        _echo_json(render.items_envelope(items))
    elif output == "csv":
        typer.echo("".join(csv_chunks(items, columns)), nl=False)
    else:
        _print_table(table(items))


def _print_lines(console: Console, lines: list[Text]) -> None:
    for line in lines:
        console.print(line)


def _console() -> Console:
    # A file or pipe has no width: lines are never wrapped there (a document's text, a record
    # line), tables go out as TSV (_print_table).
    console = Console()
    if not console.is_terminal:
        console.soft_wrap = True
    return console


def _print_table(table: Table) -> None:
    """A boxed table on a terminal; TSV, every column whole, in a pipe or a file (the title,
    e.g. "offers: 39", then goes to stderr, so the data stays one table)."""
    console = _console()
    if console.is_terminal:
        console.print(table)
        return
    if isinstance(table.title, str):
        typer.echo(table.title, err=True)
    typer.echo(render.table_tsv(table), nl=False)


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


class _EtaColumn(ProgressColumn):
    """Time left, from the part done so far (`fraction`: by documents, or by partitions)."""

    def render(self, task: Task) -> Text:
        fraction = float(task.fields.get("fraction") or 0.0)
        elapsed = task.elapsed
        if not elapsed or fraction <= 0.0:
            return Text("ETA -:--:--", style="progress.remaining")
        left = int(elapsed * (1.0 - fraction) / fraction)
        return Text(
            f"ETA {left // 3600}:{left // 60 % 60:02d}:{left % 60:02d}", style="progress.remaining"
        )


def _batch_bar() -> Progress:
    console = Console(stderr=True)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[documents]}"),
        _RateColumn(),
        TextColumn("{task.fields[partitions]}"),
        _EtaColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,  # a bar in a log file is noise
    )


def _show_batch_step(bar: Progress, task: TaskID, step: BatchStep) -> None:
    of = f"/{step.documents_total:,}" if step.documents_total is not None else ""
    bar.update(
        task,
        completed=step.documents,
        total=step.documents_total,
        documents=f"{step.documents:,}{of} docs",
        partitions=f"{step.partitions_done}/{step.partitions} partitions",
        fraction=step.fraction,
    )


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
