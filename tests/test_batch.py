"""`batch` on a local Dask cluster of two worker processes, against the single-process ingest of
the same generated corpus; and `export --parquet`."""

from __future__ import annotations

import functools
import gzip
import io
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import cloudpickle
import pyarrow.dataset as ds
import pytest
from distributed import Client
from typer.testing import CliRunner

import recruitwatch.batch
from _factories import fake_extract, offer
from _postgres import fresh_database
from recruitwatch.batch import BatchReport, BatchStep, dask_client, run_batch
from recruitwatch.cli import app
from recruitwatch.errors import BatchError, StoreError
from recruitwatch.model import Document, Extraction
from recruitwatch.pipeline import ingest_paths
from recruitwatch.store import Store, open_store
from recruitwatch.store.parquet import export_parquet

# Functions this module sends to the workers travel by value: the workers cannot import tests/.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

_TEXTS = (
    "The regional government of {region} will pay a one-off bonus of {n},000 roubles to"
    " volunteers who sign a contract with the Ministry of Defence.",
    "Contract soldiers from {region} receive a monthly salary of {n},000 roubles, officials said.",
    "Officials in {region} said {n},000 reservists had been called up last month.",
)
_REGIONS = ("Tatarstan", "Bashkortostan", "Buryatia", "Sakhalin")


def _corpus(folder: Path) -> Path:
    """Three JSON Lines shards, a folder of text files (two partitions at chunk=3) and a text
    found in two shards, so the order of storing matters."""
    folder.mkdir(parents=True)
    for shard in range(3):
        lines = []
        for i in range(8):
            n = 100 + 37 * shard + 11 * i
            text = _TEXTS[(shard + i) % 3].format(region=_REGIONS[i % 4], n=n)
            lines.append(
                {
                    "url": f"https://example.org/{shard}/{i}",
                    "title": f"Story {shard}-{i}",
                    "published": f"2024-0{1 + shard}-{10 + i}",
                    "text": text,
                }
            )
        if shard == 2:  # shard 0's first text, found again at a mirror
            copy = _TEXTS[0].format(region=_REGIONS[0], n=100)
            lines.append({"url": "https://mirror.example.net/copy", "text": copy})
        (folder / f"shard-{shard}.jsonl").write_text(
            "\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8"
        )
    pages = folder / "pages"
    pages.mkdir()
    for i in range(5):
        (pages / f"page-{i}.txt").write_text(
            f"Page {i}\nPublished: 2023-11-0{1 + i}\n\n"
            + _TEXTS[i % 3].format(region=_REGIONS[i % 4], n=400 + i)
            + "\n",
            encoding="utf-8",
        )
    return folder


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with dask_client(workers=2) as found:
        yield found


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return _corpus(tmp_path / "corpus")


def _batch(corpus: Path, db: str | Path, client: Client) -> BatchReport:
    with open_store(db) as store:
        return run_batch([corpus], store, client, chunk=3, retries=1)


def _snapshot(db: str | Path) -> dict[str, Any]:
    """Everything a user can read back, ids included."""
    with open_store(db) as store:
        return {
            "documents": [(d.id, d.content_hash, d.source, d.url) for d in store.list_documents()],
            "locations": {
                d.id: [(p.location_id, p.source, p.url) for p in store.list_locations(d.id)]
                for d in store.list_documents()
            },
            "offers": store.query_noted_offers(),
            "figures": store.query_noted_figures(),
            "failures": [(f.source, f.stage, f.reason) for f in store.list_failures()],
        }


def test_the_dask_path_stores_exactly_what_the_single_process_path_stores(
    corpus: Path, tmp_path: Path, client: Client, db: str | Path
) -> None:
    # The single process writes SQLite; the Dask path writes each backend in turn.
    with open_store(tmp_path / "single.db") as store:
        single = ingest_paths([corpus], store)
    report = _batch(corpus, db, client)

    assert report.ok and report.partitions == 5 and report.skipped == 0
    assert (report.ingest.ingested, report.ingest.duplicates) == (29, 1)
    assert (single.ingested, single.duplicates) == (29, 1)
    expected = _snapshot(tmp_path / "single.db")
    assert expected["offers"] and expected["figures"]
    assert _snapshot(db) == expected


def test_a_rerun_skips_done_partitions_and_redoes_a_changed_one(
    corpus: Path, client: Client, db: str | Path
) -> None:
    _batch(corpus, db, client)
    again = _batch(corpus, db, client)
    assert (again.partitions, again.skipped, again.ingest.ingested) == (5, 5, 0)

    with (corpus / "shard-1.jsonl").open("a", encoding="utf-8") as shard:
        shard.write(json.dumps({"url": "https://example.org/new", "text": _TEXTS[1]}) + "\n")
    changed = _batch(corpus, db, client)
    assert (changed.skipped, changed.ingest.ingested, changed.ingest.unchanged) == (4, 1, 8)


def _die_once(marker: str) -> None:
    """Installed on each worker: the first partition anywhere kills its worker process after
    reading one document; the worker that replaces it runs the real code."""
    import recruitwatch.batch as batch

    real = batch.extract_sources

    def dying(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for number, item in enumerate(real(*args, **kwargs)):
            if number == 1:
                try:
                    descriptor = os.open(marker, os.O_CREAT | os.O_EXCL)
                except FileExistsError:
                    pass
                else:
                    os.close(descriptor)
                    os._exit(1)  # as if killed: no cleanup, no exception to the scheduler
            yield item

    batch.extract_sources = dying  # type: ignore[assignment]


def test_a_worker_killed_mid_partition_is_retried_without_duplicates(
    corpus: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "killed"
    # A cluster of its own: this test kills and replaces one of its workers.
    with dask_client(workers=2) as own:
        own.run(_die_once, str(marker))
        report = _batch(corpus, tmp_path / "dask.db", own)
    with open_store(tmp_path / "single.db") as store:
        ingest_paths([corpus], store)

    assert marker.exists()
    assert report.ok and report.ingest.ingested == 29
    assert _snapshot(tmp_path / "dask.db") == _snapshot(tmp_path / "single.db")


def _fail_shard(name: str) -> None:
    import recruitwatch.batch as batch

    real = batch.extract_sources

    def failing(sources: Any, **kwargs: Any) -> Iterator[Any]:
        if any(source.path.name == name for source in sources):
            raise RuntimeError("disk on fire")
        return real(sources, **kwargs)

    batch.extract_sources = failing  # type: ignore[assignment]


def _restore() -> None:
    import recruitwatch.batch as batch
    import recruitwatch.pipeline as pipeline

    batch.extract_sources = pipeline.extract_sources


def test_a_partition_failing_after_its_retries_is_listed_and_tried_again_next_run(
    corpus: Path, tmp_path: Path, client: Client
) -> None:
    db = tmp_path / "rw.db"
    client.run(_fail_shard, "shard-1.jsonl")
    try:
        report = _batch(corpus, db, client)
    finally:
        client.run(_restore)
    assert report.failed_partitions == [str(corpus / "shard-1.jsonl")]
    assert report.ingest.ingested == 21
    with open_store(db) as store:
        (failure,) = store.list_failures()
    assert (failure.source, failure.stage) == (str(corpus / "shard-1.jsonl"), "batch")
    assert "RuntimeError: disk on fire" in failure.reason

    again = _batch(corpus, db, client)
    assert (again.skipped, again.ingest.ingested) == (4, 8) and again.ok


def test_a_corrupt_shard_fails_its_partition_only(
    corpus: Path, tmp_path: Path, client: Client
) -> None:
    # A cut crawl whose one record warcio cannot parse, and a shard of binary bytes: each fails
    # inside its partition, and every other partition is stored.
    crawl = gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 9999\r\n\r\n<html>")
    (corpus / "crawl.warc.gz").write_bytes(crawl[: len(crawl) // 2])
    (corpus / "shard-9.jsonl").write_bytes(b'{"url": "x", "text": \xff\xfe\x00 not json')
    report = _batch(corpus, tmp_path / "rw.db", client)

    assert report.ingest.ingested == 29
    assert report.failed_partitions == []
    failed = {Path(failure.source).name for failure in report.ingest.failed}
    # JSON Lines are read a line at a time: the binary line is the failure.
    assert failed == {"crawl.warc.gz@0", "shard-9.jsonl:1"}
    with open_store(tmp_path / "rw.db") as store:
        assert len(store.list_failures()) == 2


def test_an_unreachable_scheduler_fails_fast_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, corpus: Path
) -> None:
    monkeypatch.setattr(recruitwatch.batch, "CONNECT_TIMEOUT", 1.0)
    started = time.monotonic()
    with (
        pytest.raises(BatchError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"),
        dask_client("tcp://127.0.0.1:9"),
    ):
        pass
    assert time.monotonic() - started < 10

    result = CliRunner().invoke(
        app,
        ["batch", str(corpus), "--scheduler", "tcp://127.0.0.1:9", "--db", str(tmp_path / "x.db")],
    )
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler" in result.output and "--workers N" in result.output


def test_batch_refuses_urls_and_both_cluster_options(tmp_path: Path, corpus: Path) -> None:
    db = str(tmp_path / "rw.db")
    result = CliRunner().invoke(
        app, ["batch", str(corpus), "--workers", "2", "--scheduler", "tcp://h:1", "--db", db]
    )
    assert result.exit_code == 2 and "choose one of --workers and --scheduler" in result.output


def test_parquet_export_round_trips_counts(
    corpus: Path, tmp_path: Path, client: Client, db: str | Path
) -> None:
    _batch(corpus, db, client)
    with open_store(db) as store:
        _link(store)
        expected = {
            "documents": len(store.list_documents()),
            "offers": len(store.query_offers()),
            "figures": len(store.query_figures()),
            "claims": len(store.list_claims()),
        }
    out = tmp_path / "parquet"
    result = CliRunner().invoke(app, ["export", "--parquet", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert export_parquet(db, out) == expected  # again: months are replaced, not appended

    for table, count in expected.items():
        dataset = ds.dataset(out / table, format="parquet", partitioning="hive")
        assert dataset.count_rows() == count
    offers = ds.dataset(out / "offers", format="parquet", partitioning="hive").to_table()
    assert set(offers.column("month").to_pylist()) >= {"2024-01", "2023-11"}
    assert offers.schema.field("amount").type == "double"
    assert offers.schema.field("id").type == "int64"
    derived = ["record_date", "usd", "rub", "record_month"]
    assert [name for name in offers.schema.names if name in derived] == derived
    assert {"recipient", "payer_level", "target_country", "previous"} <= set(offers.schema.names)
    assert offers.schema.names[-1] == "month"


def test_export_of_a_missing_database_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["export", "--parquet", str(tmp_path / "out"), "--db", str(tmp_path / "none.db")]
    )
    assert result.exit_code == 1 and "no database at" in result.output


def _link(store: Store) -> None:
    from recruitwatch.link import link_store

    link_store(store)


def test_a_store_batch_commits_once_and_a_bad_document_fails_alone(tmp_path: Path) -> None:
    good = [Document.from_text(f"Volunteers get {n} roubles.", id=f"d{n}") for n in (100, 200)]
    bad = Document.from_text("Volunteers get 300 roubles.", id="bad")
    broken = Extraction(bad, offers=[replace(offer(bad, "300 roubles"), kind="bogus")])  # type: ignore[arg-type]
    with open_store(tmp_path / "rw.db") as store:
        with store.batch():
            store.save_extraction(Extraction(good[0]))
            with pytest.raises(StoreError, match="CHECK constraint"):
                store.save_extraction(broken)
            store.save_extraction(fake_extract(good[1]))
        assert [d.id for d in store.list_documents()] == ["d100", "d200"]
        assert len(store.query_offers()) == 1
        with pytest.raises(RuntimeError), store.batch():
            store.save_extraction(Extraction(bad))
            raise RuntimeError("writer stopped")
        assert store.get_document("bad") is None


def test_the_batch_command_stores_links_and_says_what_it_did(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "rw.db"
    args = ["batch", str(corpus), "--workers", "1", "--chunk", "3", "--db", str(db)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "partitions: 5, skipped 0 (done before), 0 failed" in result.output
    assert "ingested 29, unchanged 0, 1 duplicates, 0 failed" in result.output
    assert "linked: " in result.output


def test_a_missing_dask_extra_prints_the_install_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(BatchError, match=r"pip install 'recruitwatch\[dask\]'"), dask_client():
        pass


def test_a_file_named_twice_is_read_once(corpus: Path, tmp_path: Path, client: Client) -> None:
    shard = corpus / "shard-0.jsonl"
    with open_store(tmp_path / "rw.db") as store:
        report = run_batch([shard, shard], store, client)
    assert (report.partitions, report.skipped, report.ingest.ingested) == (2, 1, 8)


def test_progress_counts_documents(corpus: Path, tmp_path: Path, client: Client) -> None:
    steps: list[BatchStep] = []
    with open_store(tmp_path / "rw.db") as store:
        run_batch([corpus], store, client, chunk=3, retries=1, progress=steps.append)
    # Shards hide their count: the part done goes by partitions, the documents still add up.
    assert [step.partitions_done for step in steps] == [1, 2, 3, 4, 5]
    assert {step.documents_total for step in steps} == {None}
    assert steps[-1].documents == 3 * 8 + 1 + 5
    assert [step.fraction for step in steps] == [0.2, 0.4, 0.6, 0.8, 1.0]
    pages_only: list[BatchStep] = []
    with open_store(tmp_path / "pages.db") as store:
        run_batch([corpus / "pages"], store, client, chunk=2, progress=pages_only.append)
    counts = [step.documents for step in pages_only]  # partitions of 2, 2 and 1 pages
    assert len(counts) == 3 and counts == sorted(counts) and counts[-1] == 5
    assert {step.documents_total for step in pages_only} == {5}
    assert pages_only[-1].fraction == 1.0


def test_a_batch_step_is_shown_in_documents_with_rate_and_eta() -> None:
    from rich.console import Console
    from rich.progress import Progress

    from recruitwatch import cli

    out = io.StringIO()
    bar = cli._batch_bar()
    assert isinstance(bar, Progress)
    bar.live.console = Console(file=out, force_terminal=True, width=200)
    bar.disable = False
    task = bar.add_task("batch", total=None, documents="", partitions="", fraction=0.0)
    cli._show_batch_step(bar, task, BatchStep(1200, 4800, 2, 8, "part"))
    line = " ".join(str(column.render(bar.tasks[0])) for column in bar.columns[2:6])
    assert line.startswith("1,200/4,800 docs")
    assert "2/8 partitions" in line
    assert "ETA " in line


def test_the_local_cluster_listens_on_loopback_only(client: Client) -> None:
    info = client.scheduler_info()
    http = client.cluster.scheduler.http_server  # the dashboard's server, in this process
    assert {sock.getsockname()[0] for sock in http._sockets.values()} == {"127.0.0.1"}
    assert info["address"].startswith("tcp://127.0.0.1:")
    assert all(address.startswith("tcp://127.0.0.1:") for address in info["workers"])


def _copies(name: str, text: str) -> Extraction:
    return fake_extract(Document.from_text(text, id=name, source=f"{name}.jsonl", title=name))


def test_partitions_written_out_of_order_store_each_text_under_its_first_copy(
    postgres_server: str,
) -> None:
    # One text read in partitions 0, 1 and 2, which finish last to first: the copy read first
    # takes the text over, and its places keep their reading order, as in one process.
    from recruitwatch.batch import Target
    from recruitwatch.pipeline import IngestReport, save_extractions

    text = "Volunteers get 500 roubles."
    partitions = [
        [_copies("first", text), _copies("other", "Volunteers get 900 roubles.")],
        [_copies("second", text)],
        [_copies("third", text)],
    ]
    target = Target(postgres_server, None, "00000000000000000001")
    orders = ([0, 1, 2], [2, 1, 0], [1, 2, 0], [0, 2, 1])
    databases = [fresh_database(postgres_server) for _ in orders]
    for db, numbers in zip(databases, orders, strict=True):
        report = IngestReport()
        with open_store(db) as store:
            for number in numbers:
                with store.batch():
                    order = functools.partial(target.order_key, number)
                    save_extractions(partitions[number], store, report, order=order)
        assert (report.ingested, report.duplicates) == (2, 2), numbers

    with open_store(databases[1]) as store:
        assert [d.id for d in store.list_documents()] == ["first", "other"]
        places = [place.location_id for place in store.list_locations("first")]
        assert places == ["first", "second", "third"]
        assert len(store.query_offers()) == 2
    expected = _snapshot(databases[0])
    assert all(_snapshot(db) == expected for db in databases[1:])


def test_a_document_past_its_time_budget_fails_alone_on_the_workers(
    corpus: Path, tmp_path: Path, client: Client
) -> None:
    pages = corpus / "pages"
    # Thousands of amounts in a row: seconds of work, far past a fifth of a second.
    (pages / "page-2.txt").write_text("$1 " * 60_000, encoding="utf-8")
    db = tmp_path / "rw.db"
    with open_store(db) as store:
        report = run_batch([pages], store, client, chunk=5, budget_seconds=0.2)
    assert report.ingest.ingested == 4 and report.failed_partitions == []
    (failure,) = report.ingest.failed
    assert failure.source == str(pages / "page-2.txt") and failure.stage == "extract"
    assert "time budget" in failure.reason
    with open_store(db) as store:
        assert [row.source for row in store.list_failures()] == [str(pages / "page-2.txt")]
        assert len(store.list_documents()) == 4


def test_the_batch_command_gives_the_workers_the_budget_setting(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contextlib import nullcontext

    from recruitwatch import cli

    given: dict[str, Any] = {}

    def fake_run_batch(*args: Any, **kwargs: Any) -> BatchReport:
        given.update(kwargs)
        return BatchReport()

    monkeypatch.setattr(cli, "dask_client", lambda *_: nullcontext(None))
    monkeypatch.setattr(cli, "run_batch", fake_run_batch)
    args = ["batch", str(corpus), "--workers", "1", "--no-link", "--db", str(tmp_path / "rw.db")]
    result = CliRunner().invoke(app, args, env={"RECRUITWATCH_EXTRACT_SECONDS": "0.75"})
    assert result.exit_code == 0, result.output
    assert given["budget_seconds"] == 0.75
