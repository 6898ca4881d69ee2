"""Extract stage: pure functions, document in, offers and figures with evidence out."""

from __future__ import annotations

from recruitwatch.model import Document, Extraction


def extract_document(document: Document) -> Extraction:
    """Every offer and figure in the document, each with its evidence span."""
    return Extraction(document=document, offers=[], figures=[])


__all__ = ["extract_document"]
