"""Properties every extraction keeps, whatever the text: evidence points at the text."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from recruitwatch.extract import extract_document
from recruitwatch.model import Document

PIECES = [
    "The army pays ",
    "a sign-on bonus of ",
    "a monthly salary of ",
    "495,000 rubles",
    "($5,200)",
    " to Kazakh citizens",
    ". ",
    "\n",
    "300,000 reservists",
    " 42% of firms",
    " report a shortage",
    "from 200,000 to 500,000 roubles",
    " in Tatarstan",
    "Rs 60,000",
    " according to the Levada Center",
    "half a million rubles",
    "(about $4,300)",
    ", and ",
    "€3,000",
    "Eleven Nepalis",
    " killed",
    "1 205 000 рублей",
    "—",
    "…",
    "«",
    "»",
]


# Any text a document can hold: no NUL, no lone surrogate (refused by Document.from_text).
DOCUMENT_TEXT = st.text(
    st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=12
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | DOCUMENT_TEXT, max_size=30))
def test_evidence_spans_point_at_the_document_text(pieces: list[str]) -> None:
    text = "Soldiers are recruited for the war. " + "".join(pieces)
    document = Document.from_text(text, id="p")
    extraction = extract_document(document)
    for record in [*extraction.offers, *extraction.figures]:
        evidence = record.evidence
        assert text[evidence.start : evidence.end] == evidence.text
        assert evidence.start <= evidence.value_start < evidence.value_end <= evidence.end
        assert evidence.doc_id == "p"
    for offer in extraction.offers:
        assert offer.amount > 0
        assert offer.amount_max is None or offer.amount_max >= 0


def test_long_digit_and_space_runs_stay_fast() -> None:
    hostile = [
        "1 " * 20_000 + "rubles",
        "9," * 20_000 + "000 dollars",
        "$" + "1" * 50_000,
        "army " + "(" * 5_000 + "400,000 rubles" + ")" * 5_000,
        ("one two three " * 5_000) + "million rubles",
    ]
    for text in hostile:
        started = time.process_time()
        document = Document.from_text("The army recruits soldiers. " + text)
        extract_document(document, budget_seconds=None)  # timed here, not cut by the budget
        # A generous bound: linear work here takes milliseconds; backtracking takes minutes.
        assert time.process_time() - started < 5.0
