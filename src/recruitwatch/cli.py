"""The `recruitwatch` command: each command parses options, calls one library function, prints.

Only this module prints. A RecruitwatchError becomes one line on stderr and exit code 1; usage
errors exit with 2 (Typer's default).
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from recruitwatch.errors import RecruitwatchError
from recruitwatch.ingest import Failure, samples_dir
from recruitwatch.model import (
    Document,
    Evidence,
    Extraction,
    Figure,
    FigureUnit,
    Offer,
    OfferKind,
    to_jsonable,
)
from recruitwatch.pipeline import IngestReport, extract_paths, ingest_paths
from recruitwatch.settings import DEFAULT_DB, ENV_PREFIX, Settings
from recruitwatch.store import StoredFailure, open_store, remove_database

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

Format = Literal["table", "json", "csv"]
_PIPE_WIDTH = 140
_WRAPPING_COLUMNS = frozenset({"offered by", "target", "subject", "source", "reason"})
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


# --- commands --------------------------------------------------------------------------------


@app.command()
@_reports_errors
def extract(
    files: Annotated[list[Path], typer.Argument(help="Text, markdown or corpus JSON files.")],
    json_: JsonOption = False,
) -> None:
    """Print the offers and figures found in files, without storing anything.

    Example: recruitwatch extract article.txt --json
    """
    settings = Settings.from_env()
    results = list(extract_paths(files, max_bytes=settings.max_document_bytes))
    extractions = [item for item in results if isinstance(item, Extraction)]
    failed = [item for item in results if isinstance(item, Failure)]
    if json_:
        envelope = {
            "documents": [_extraction_json(item) for item in extractions],
            "failed": [_jsonable_any(item) for item in failed],
        }
        _echo_json(envelope)
    else:
        console = _console()
        for extraction in extractions:
            _print_document_header(console, extraction.document)
            console.print(_offers_table(extraction.offers))
            console.print(_figures_table(extraction.figures))
    _exit_on_failures(failed)


@app.command()
@_reports_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (*.txt, *.md, *.json).")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Read, extract and store documents; failures are recorded and the batch goes on.

    Exit code 0 when every file was stored, 1 when some failed (see `recruitwatch errors`).

    Example: recruitwatch ingest articles/ --db news.db
    """
    settings = Settings.from_env()
    with open_store(db) as store, _progress_bar() as bar:
        task = bar.add_task("ingest", total=None)
        report = ingest_paths(
            paths,
            store,
            max_bytes=settings.max_document_bytes,
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
    _print_records(found, Offer, output, _offers_table)


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
    _print_records(found, Figure, output, _figures_table)


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
    if extraction is None:
        raise RecruitwatchError(
            f"no document with id {doc_id!r}; `recruitwatch offers` lists document ids",
            source=str(db),
        )
    if json_:
        _echo_json({"ok": True, **_extraction_json(extraction, with_text=True)})
        return
    console = _console()
    _print_document_header(console, extraction.document)
    console.print(Text(extraction.document.text))
    for offer in extraction.offers:
        _print_record(console, _offer_summary(offer), offer.evidence)
    for figure in extraction.figures:
        _print_record(console, _figure_summary(figure), figure.evidence)


@app.command()
@_reports_errors
def errors(db: DbOption = DEFAULT_DB, json_: JsonOption = False, csv_: CsvOption = False) -> None:
    """List the files that failed to ingest, and why.

    Example: recruitwatch errors --json
    """
    output = _format(json_, csv_)
    with open_store(db) as store:
        found = store.list_failures()
    _print_records(found, StoredFailure, output, _failures_table)


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
        report = ingest_paths([samples_dir()], store, max_bytes=settings.max_document_bytes)
        found = store.query_offers()
    _print_report(report)
    _console().print(_offers_table(found))
    _exit_on_failures(report.failed)


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


def _jsonable_any(record: Any) -> dict[str, Any]:
    if isinstance(record, Offer | Figure | Document | Evidence):
        return to_jsonable(record)
    return {field.name: getattr(record, field.name) for field in fields(record)}


def _extraction_json(extraction: Extraction, *, with_text: bool = False) -> dict[str, Any]:
    document = to_jsonable(extraction.document)
    if not with_text:
        del document["text"]
    return {
        "document": document,
        "offers": [to_jsonable(item) for item in extraction.offers],
        "figures": [to_jsonable(item) for item in extraction.figures],
    }


def _columns(record_type: type) -> list[str]:
    """CSV header for a record type; the nested evidence becomes evidence_* columns."""
    names: list[str] = []
    for field in fields(record_type):
        if field.name == "evidence":
            names.extend(f"evidence_{inner.name}" for inner in fields(Evidence))
        else:
            names.append(field.name)
    return names


def _flat(item: dict[str, Any]) -> dict[str, Any]:
    nested = item.pop("evidence", None) or {}
    return {**item, **{f"evidence_{key}": value for key, value in nested.items()}}


def _print_records(
    records: Sequence[Any],
    record_type: type,
    output: Format,
    table: Callable[[Sequence[Any]], Table],
) -> None:
    items = [_jsonable_any(record) for record in records]
    if output == "json":
        _echo_json({"ok": True, "items": items, "count": len(items)})
    elif output == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=_columns(record_type), lineterminator="\n")
        writer.writeheader()
        writer.writerows(_flat(item) for item in items)
        typer.echo(buffer.getvalue(), nl=False)
    else:
        _console().print(table(records))


def _table(title: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> Table:
    """A table whose short columns (ids, kinds, numbers) never wrap; long text columns wrap."""
    cells = [list(row) for row in rows]
    table = Table(title=title, title_justify="left")
    for index, header in enumerate(headers):
        longest = max((len(row[index]) for row in cells), default=0)
        if header in _WRAPPING_COLUMNS:
            table.add_column(header, overflow="fold", min_width=min(longest, 12))
        else:
            table.add_column(header, no_wrap=True, min_width=max(longest, len(header)))
    for row in cells:
        # Text cells: a "[...]" in a source must print as itself, not as rich markup.
        table.add_row(*(Text(cell) for cell in row))
    return table


def _number(value: float | None, high: float | None = None) -> str:
    if value is None:
        return ""
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    return f"{text}–{_number(high)}" if high is not None else text


def _offers_table(records: Sequence[Offer]) -> Table:
    headers = ("doc", "kind", "amount", "currency", "usd", "offered by", "target", "date")
    rows = (
        (
            o.evidence.doc_id,
            o.kind,
            _number(o.amount, o.amount_max),
            o.currency,
            _number(o.usd_stated),
            o.offered_by or "",
            o.target or "",
            o.date.isoformat() if o.date else "",
        )
        for o in records
    )
    return _table(f"offers: {len(records)}", headers, rows)


def _figures_table(records: Sequence[Figure]) -> Table:
    headers = ("doc", "quantity", "unit", "subject", "source", "date")
    rows = (
        (
            f.evidence.doc_id,
            _number(f.quantity, f.quantity_max),
            f.unit,
            f.subject or "",
            f.source or "",
            f.date.isoformat() if f.date else "",
        )
        for f in records
    )
    return _table(f"figures: {len(records)}", headers, rows)


def _failures_table(records: Sequence[StoredFailure]) -> Table:
    headers = ("id", "when", "stage", "source", "reason")
    rows = ((str(f.id), f.occurred_at, f.stage, f.source, f.reason) for f in records)
    return _table(f"failures: {len(records)}", headers, rows)


def _offer_summary(offer: Offer) -> str:
    usd = f" (${_number(offer.usd_stated)})" if offer.usd_stated is not None else ""
    parts = [f"{offer.kind}: {_number(offer.amount, offer.amount_max)} {offer.currency}{usd}"]
    parts += [f"{name} {value}" for name, value in _attributes(offer) if value]
    return "; ".join(parts)


def _figure_summary(figure: Figure) -> str:
    parts = [f"figure: {_number(figure.quantity, figure.quantity_max)} {figure.unit}"]
    parts += [f"{name} {value}" for name, value in _attributes(figure) if value]
    return "; ".join(parts)


def _attributes(record: Offer | Figure) -> list[tuple[str, str | None]]:
    if isinstance(record, Offer):
        named = [("by", record.offered_by), ("for", record.target), ("in", record.region)]
    else:
        named = [("of", record.subject), ("per", record.source)]
    return [*named, ("on", record.date.isoformat() if record.date else None)]


def _print_record(console: Console, summary: str, evidence: Evidence) -> None:
    console.print(Text(f"\n• {summary}", style="bold"))
    quote = Text(f'  "{evidence.text}"  [{evidence.rule}]')
    offset = 3 - evidence.start  # the quote starts 3 characters into the line
    quote.stylize("bold underline", evidence.value_start + offset, evidence.value_end + offset)
    console.print(quote)


def _print_document_header(console: Console, document: Document) -> None:
    console.print(Text(document.title or document.id, style="bold"))
    meta = (
        ("id", document.id),
        ("source", document.source),
        ("url", document.url),
        ("published", document.published.isoformat() if document.published else None),
        ("language", document.language),
    )
    for name, value in meta:
        if value:
            console.print(Text(f"{name}: {value}", style="dim"))


def _console() -> Console:
    console = Console()
    if not console.is_terminal:
        # A file or pipe has no width; rich's fallback of 80 would crush the tables.
        console.width = _PIPE_WIDTH
    return console


def _progress_bar() -> Progress:
    console = Console(stderr=True)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,  # a bar in a log file is noise
    )


def _print_report(report: IngestReport) -> None:
    typer.echo(
        f"ingested {report.ingested}, unchanged {report.unchanged}, {len(report.failed)} failed"
    )


def _exit_on_failures(failed: Sequence[Failure]) -> None:
    if failed:
        for failure in failed:
            typer.echo(f"  {failure.source}: {failure.reason}", err=True)
        raise typer.Exit(1)
