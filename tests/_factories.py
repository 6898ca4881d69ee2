"""Records and a stand-in extractor for tests, so store and CLI tests do not depend on the rules."""

from __future__ import annotations

import re
from datetime import date

from recruitwatch.model import Document, Evidence, Extraction, Figure, Offer, OfferKind

_AMOUNT = re.compile(r"(\d[\d,]*) roubles")
_PEOPLE = re.compile(r"(\d[\d,]*) reservists")
_SENTENCE = re.compile(r"[^\s.][^.\n]*\.?")

Span = tuple[int, int]


def span_of(doc: Document, value: str) -> Span:
    start = doc.text.index(value)
    return start, start + len(value)


def evidence(doc: Document, value: Span, rule: str = "test") -> Evidence:
    sentence = next(m for m in _SENTENCE.finditer(doc.text) if m.end() > value[0])
    return Evidence(
        doc_id=doc.id,
        start=sentence.start(),
        end=sentence.end(),
        text=sentence.group(),
        value_start=value[0],
        value_end=value[1],
        rule=rule,
        language=doc.language,
    )


def offer(
    doc: Document,
    value: str | Span,
    *,
    kind: OfferKind = "signing_bonus",
    amount: float = 1000.0,
    currency: str = "RUB",
    target: str | None = None,
    on: date | None = None,
) -> Offer:
    span = span_of(doc, value) if isinstance(value, str) else value
    return Offer(
        kind=kind,
        amount=amount,
        currency=currency,
        target=target,
        date=on,
        evidence=evidence(doc, span),
    )


def figure(
    doc: Document, value: str | Span, *, quantity: float = 1.0, subject: str | None = None
) -> Figure:
    span = span_of(doc, value) if isinstance(value, str) else value
    return Figure(quantity=quantity, unit="people", subject=subject, evidence=evidence(doc, span))


def _number(match: re.Match[str]) -> float:
    return float(match.group(1).replace(",", ""))


def fake_extract(doc: Document, *, budget_seconds: float | None = None) -> Extraction:
    """Every "N roubles" is a signing bonus for volunteers and every "N reservists" a figure."""
    offers = [
        offer(doc, m.span(), amount=_number(m), target="volunteers")
        for m in _AMOUNT.finditer(doc.text)
    ]
    figures = [
        figure(doc, m.span(), quantity=_number(m), subject="reservists")
        for m in _PEOPLE.finditer(doc.text)
    ]
    return Extraction(document=doc, offers=offers, figures=figures)
