"""Ingest stage: adapters that turn files into Documents, or into failures so a batch goes on.

`find_sources(paths)` expands folders (recursive, *.txt, *.md, *.json); `iter_documents(sources)`
yields exactly one Document or Failure per source. Files named on the command line are read
whatever their suffix: `.json` as a corpus document, anything else as plain text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from recruitwatch.errors import InputError
from recruitwatch.ingest.corpus_json import read_corpus_document
from recruitwatch.ingest.text import read_text_document
from recruitwatch.model import Document
from recruitwatch.settings import DEFAULT_MAX_BYTES

FOLDER_SUFFIXES = frozenset({".txt", ".md", ".json"})


@dataclass(frozen=True, slots=True)
class Failure:
    """A source that did not become a record, and why; `stage` is ingest, extract or store."""

    source: str
    reason: str
    stage: str = "ingest"


@dataclass(frozen=True, slots=True)
class Source:
    """A file to read; `doc_id` names text documents (corpus JSON carries its own id)."""

    path: Path
    doc_id: str


def find_sources(paths: Iterable[Path]) -> list[Source | Failure]:
    """Files to read, in a stable order; a path that does not exist becomes a Failure."""
    found: list[Source | Failure] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                relative = file.relative_to(path)
                # Hidden folders (.git, .venv) hold tool files, not documents.
                hidden = any(part.startswith(".") for part in relative.parts)
                if file.suffix.lower() in FOLDER_SUFFIXES and file.is_file() and not hidden:
                    # The path below the folder, so equal names in sibling folders stay apart.
                    found.append(Source(file, relative.with_suffix("").as_posix()))
        elif path.exists():
            found.append(Source(path, path.stem))
        else:
            found.append(Failure(str(path), "does not exist"))
    return found


def read_document(source: Source, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """The document in one file; InputError naming the file when it cannot be one."""
    if source.path.suffix.lower() == ".json":
        return read_corpus_document(source.path, max_bytes=max_bytes)
    return read_text_document(source.path, doc_id=source.doc_id, max_bytes=max_bytes)


def iter_documents(
    sources: Iterable[Source | Failure], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | Failure]:
    """One Document or Failure per source, in order; a bad file never stops the batch."""
    for source in sources:
        if isinstance(source, Failure):
            yield source
            continue
        try:
            yield read_document(source, max_bytes=max_bytes)
        except InputError as exc:
            yield Failure(str(source.path), exc.args[0])


def samples_dir() -> Path:
    """The folder of bundled sample texts that `recruitwatch demo` ingests."""
    folder = resources.files("recruitwatch") / "samples"
    if not isinstance(folder, Path):
        raise InputError("the bundled samples are not on the file system (zipped install?)")
    return folder


__all__ = [
    "FOLDER_SUFFIXES",
    "Failure",
    "Source",
    "find_sources",
    "iter_documents",
    "read_document",
    "samples_dir",
]
