"""Hostile inputs: each one becomes its own recorded failure (or is read in bounded time and
memory), the run completes and the good inputs beside it are stored.

Time is never asserted in seconds: only that ten times the input costs at most a generous
multiple of ten times the time (a quadratic step gives a hundred).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recruitwatch import pipeline
from recruitwatch.errors import BudgetError
from recruitwatch.extract import extract_document
from recruitwatch.extract.sentences import MAX_SENTENCE_CHARS, split_sentences
from recruitwatch.model import Document
from recruitwatch.store import open_store

GOOD = "Volunteers in Kazan are promised a bonus of 500,000 roubles for signing a contract.\n"
# Ten times the input may cost this many times the time: linear work gives about 10, noise on
# a shared machine a few times more, quadratic work 100.
LINEAR_RATIO = 40


def _seconds(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):  # the least of three, in CPU time: other processes do not count
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return max(best, 1e-4)


def _grows_linearly(make: Callable[[int], str], read: Callable[[str], object]) -> None:
    small, large = make(10_000), make(100_000)
    read(small)  # warm: vocabularies load once
    ratio = _seconds(lambda: read(large)) / _seconds(lambda: read(small))
    assert ratio < LINEAR_RATIO, f"10x the input took {ratio:.0f}x the time"


def _extract(text: str) -> object:
    return extract_document(Document.from_text(text, id="hostile"), budget_seconds=None)


@pytest.mark.parametrize("run", [".", "…", "!?", ". .", "a."])
def test_sentence_splitter_is_linear_on_runs_of_punctuation(run: str) -> None:
    _grows_linearly(lambda size: run * (size // len(run)), split_sentences)


@pytest.mark.parametrize("unit", ["$1 ", "1 million ", "from 1 to 2 million rubles ", "1% "])
def test_amount_grouping_in_one_sentence_is_linear(unit: str) -> None:
    _grows_linearly(lambda size: unit * (size // len(unit)), _extract)


@given(st.text(alphabet=st.sampled_from("ab .!?…\n\"'«»()$1"), max_size=6000))
@settings(max_examples=60, deadline=None)
def test_sentences_cover_the_text_in_order_and_are_bounded(text: str) -> None:
    spans = split_sentences(text)
    position = 0
    for span in spans:
        assert position <= span.start < span.end <= len(text)
        assert span.end - span.start <= MAX_SENTENCE_CHARS
        assert not text[position : span.start].strip(), "nothing but spaces between sentences"
        position = span.end
    assert not text[position:].strip()


def test_a_long_sentence_is_cut_at_a_space() -> None:
    text = "word " * 1000
    spans = split_sentences(text)
    assert len(spans) > 1
    assert all(text[span.end - 1] != " " and text[span.start] != " " for span in spans)


def test_extraction_past_its_budget_is_that_documents_failure(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b.txt").write_text(GOOD.replace("Kazan", "Ufa"), encoding="utf-8")
    with pytest.raises(BudgetError, match="time budget"):
        extract_document(Document.from_text(GOOD, id="x"), budget_seconds=0)
    with open_store(tmp_path / "rw.db") as store:
        report = pipeline.ingest_paths([folder], store, budget_seconds=0)
        assert report.ingested == 0
        assert [failure.stage for failure in report.failed] == ["extract", "extract"]
        assert all("time budget" in failure.reason for failure in report.failed)
        report = pipeline.ingest_paths([folder], store)
        assert report.ingested == 2, "a generous budget reads them"


@pytest.mark.parametrize("digits", [400, 30])
def test_numbers_beyond_any_plausible_value_are_refused(digits: int) -> None:
    run = "9" * digits
    text = f"{run} people were mobilised. The bonus is {run} roubles."
    extraction = extract_document(Document.from_text(text, id="x"))
    assert extraction.figures == [] and extraction.offers == []
    kept = extract_document(Document.from_text("300,000 people were mobilised.", id="y"))
    assert [figure.quantity for figure in kept.figures] == [300_000]
