"""Every amount and count in a document, as candidates for the learned scorer.

The candidates come from the grammar's own readers (`find_quantities`, `find_money` via the
document context), so a candidate's value, currency and span are the ones the rules see:
each money amount is an offer candidate, each number no amount covers a figure candidate.
Nothing is dropped here (but in a sentence of more numbers than any prose has); deciding is
the scorer's and the rules' job.
"""

from __future__ import annotations

from dataclasses import dataclass

from recruitwatch.extract.context import DocumentContext
from recruitwatch.extract.money import Money, Quantity


@dataclass(frozen=True, slots=True)
class Candidate:
    sentence: int  # index into DocumentContext.sentences
    start: int
    end: int
    value: float
    money: Money | None = None  # set for an amount (an offer candidate)
    quantity: Quantity | None = None  # set for a count or percentage (a figure candidate)

    @property
    def is_money(self) -> bool:
        return self.money is not None


MAX_PER_SENTENCE = 60  # more numbers than this in one sentence is a table or a digit run


def find_candidates(context: DocumentContext) -> list[Candidate]:
    """Amounts and free numbers of every sentence, in document order. A sentence with more
    than MAX_PER_SENTENCE numbers is left to the rules: it is no prose a window of words
    could judge, and scoring it would make a hostile input cost more than reading it."""
    found: list[Candidate] = []
    for index, sentence in enumerate(context.sentences):
        if len(sentence.quantities) > MAX_PER_SENTENCE:
            continue
        covered = [span for money in sentence.money for span in money.covered]
        for money in sentence.money:
            found.append(Candidate(index, money.start, money.end, money.amount, money=money))
        for quantity in sentence.quantities:
            if any(start <= quantity.start < stop for start, stop in covered):
                continue
            found.append(
                Candidate(index, quantity.start, quantity.end, quantity.value, quantity=quantity)
            )
    found.sort(key=lambda candidate: (candidate.start, candidate.end))
    return found
