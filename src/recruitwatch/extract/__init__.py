"""Extract stage: pure functions, document in, offers and figures with evidence out.

It never fetches and never touches the store. Languages without a vocabulary file yield no
records rather than English rules misreading them.
"""

from __future__ import annotations

from dataclasses import replace

from recruitwatch.extract.context import analyse
from recruitwatch.extract.figures import read_figures
from recruitwatch.extract.offers import read_offers
from recruitwatch.extract.vocabulary import vocabulary
from recruitwatch.lang import available_languages
from recruitwatch.model import Document, Extraction


def extract_document(document: Document) -> Extraction:
    """Every offer and figure in the document, each with its evidence span."""
    if document.language not in available_languages() or not document.text.strip():
        return Extraction(document=document)
    context = analyse(document.text, vocabulary(document.language))
    # A record refers to its document's date until the normalise stage reads dates in the text.
    dated = document.published
    return Extraction(
        document=document,
        offers=[replace(offer, date=dated) for offer in read_offers(context, document.id)],
        figures=[replace(figure, date=dated) for figure in read_figures(context, document.id)],
    )


__all__ = ["extract_document"]
