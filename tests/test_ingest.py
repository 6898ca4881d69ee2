"""Ingest adapters and the pipeline: good files become documents, bad ones clear failures."""

from __future__ import annotations

import json
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from _factories import fake_extract
from recruitwatch import pipeline
from recruitwatch.errors import InputError
from recruitwatch.ingest import Failure, Source, find_sources, iter_documents, read_document
from recruitwatch.model import Document, Extraction
from recruitwatch.settings import DEFAULT_MAX_BYTES
from recruitwatch.store import open_store

ARTICLE = "Kazan raises bonus\nPublished: 2024-03-05\n\nVolunteers get 500,000 roubles.\n"


def _read(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    return read_document(Source(path, path.stem), max_bytes=max_bytes)


def _refused(path: Path, match: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    with pytest.raises(InputError, match=match) as caught:
        _read(path, max_bytes)
    message = str(caught.value)
    assert message.startswith(str(path)), "the message names the file"
    assert "\n" not in message
    return message


def test_text_file_metadata(tmp_path: Path) -> None:
    path = tmp_path / "kazan.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    doc = _read(path)
    assert (doc.id, doc.title, doc.published, doc.language) == (
        "kazan",
        "Kazan raises bonus",
        date(2024, 3, 5),
        "en",
    )
    assert doc.text == ARTICLE  # verbatim, so evidence offsets match the file
    assert doc.source == str(path)
    assert doc.content_hash


def test_markdown_heading_and_decorated_published_line(tmp_path: Path) -> None:
    path = tmp_path / "ad.md"
    path.write_text("# Join the regiment\n\n*Published: 2023-11-30*\n\nText.\n", encoding="utf-8")
    doc = _read(path)
    assert (doc.title, doc.published) == ("Join the regiment", date(2023, 11, 30))


def test_text_without_metadata(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    long_line = "A first paragraph that runs on and on " * 10
    path.write_text(long_line + "\nMore.", encoding="utf-8")
    doc = _read(path)
    assert (doc.title, doc.published) == (None, None)


def test_byte_order_mark_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffTitle\nBody.".encode())
    assert _read(path).text == "Title\nBody."


def test_impossible_published_date_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad-date.txt"
    path.write_text("Title\nPublished: 2024-02-30\nBody.", encoding="utf-8")
    _refused(path, "not a real date")


def test_empty_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.md"
    blank.write_text(" \n\t\n", encoding="utf-8")
    _refused(empty, "is empty")
    _refused(blank, "is empty")


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    _refused(path, "binary")


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r", "cp866"])
def test_legacy_cyrillic_encodings_are_recognised(tmp_path: Path, encoding: str) -> None:
    text = "Единовременная выплата добровольцам составит 500 000 рублей."
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    [source] = find_sources([path])
    assert isinstance(source, Source)
    assert read_document(source).text == text


def test_bytes_in_no_known_encoding_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(128, 256)) * 4)
    _refused(path, "not valid UTF-8")


def test_folder_named_like_a_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "looks-like.txt"
    folder.mkdir()
    _refused(folder, "is a folder")


def test_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Secret", encoding="utf-8")

    def denied(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    # Tests run as root, where chmod 000 does not stop a read.
    monkeypatch.setattr(Path, "open", denied)
    _refused(path, "permission denied")


def test_fifty_megabyte_file_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    chunk = b"Volunteers get 500,000 roubles. " * 32768  # 1 MiB
    with path.open("wb") as handle:
        for _ in range(50):
            handle.write(chunk)
    message = _refused(path, "larger than the 10 MB limit")
    assert "RECRUITWATCH_MAX_DOCUMENT_BYTES" in message

    cap = 1024 * 1024
    tracemalloc.start()
    try:
        _refused(path, "larger than the 1 MB limit", max_bytes=cap)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * cap, f"reading a refused file peaked at {peak} bytes"


def test_corpus_json_document(tmp_path: Path) -> None:
    path = tmp_path / "en-001.json"
    raw = {
        "id": "en-001",
        "url": "https://example.org/a",
        "title": "A title",
        "published": "2024-11-25",
        "language": "ru",
        "text": "Контракт: 400 000 рублей.",
    }
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    doc = _read(path)
    assert (doc.id, doc.url, doc.title, doc.published, doc.language, doc.text) == (
        "en-001",
        "https://example.org/a",
        "A title",
        date(2024, 11, 25),
        "ru",
        "Контракт: 400 000 рублей.",
    )


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ('{"id": "x", "text": ', "not valid JSON"),
        ('["id", "text"]', "one JSON object"),
        ('{"id": "x"}', "non-empty 'id' and 'text'"),
        ('{"id": "x", "text": 5}', "'text' must be a string"),
        ('{"id": "x", "text": "t", "published": "March"}', "not a YYYY-MM-DD date"),
    ],
)
def test_malformed_corpus_json_is_refused(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "doc.json"
    path.write_text(content, encoding="utf-8")
    _refused(path, match)


def test_find_sources_walks_folders(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for name in ("a/one.txt", "a/b/one.md", "a/b/doc.json", "a/skip.csv", ".git/HEAD.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = find_sources([tmp_path, tmp_path / "missing.txt", tmp_path / "a" / "skip.csv"])
    assert found == [
        Source(tmp_path / "a/b/doc.json", "a/b/doc"),
        Source(tmp_path / "a/b/one.md", "a/b/one"),
        Source(tmp_path / "a/one.txt", "a/one"),
        Failure(str(tmp_path / "missing.txt"), "does not exist"),
        Source(tmp_path / "a/skip.csv", "skip"),  # named explicitly, so read as text
    ]


def _folder_with_one_bad_file(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for index in range(3):
        (folder / f"good-{index}.txt").write_text(
            f"Story {index}\nThe region pays {index + 1}00,000 roubles.\n", encoding="utf-8"
        )
    (folder / "bad.txt").write_bytes(b"\x00\x01binary")
    return folder


def test_iter_documents_goes_on_after_a_bad_file(tmp_path: Path) -> None:
    folder = _folder_with_one_bad_file(tmp_path)
    items = list(iter_documents(find_sources([folder])))
    kinds = [type(item).__name__ for item in items]
    assert kinds == ["Failure", "Document", "Document", "Document"]
    failure = items[0]
    assert isinstance(failure, Failure)
    assert failure.source == str(folder / "bad.txt")
    assert "binary" in failure.reason


def test_ingest_paths_records_failures_and_is_idempotent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "extract_document", fake_extract)
    folder = _folder_with_one_bad_file(tmp_path)
    calls: list[tuple[int, int, str]] = []
    with open_store(tmp_path / "rw.db") as store:
        first = pipeline.ingest_paths(
            [folder], store, progress=lambda done, total, name: calls.append((done, total, name))
        )
        second = pipeline.ingest_paths([folder], store)
        assert len(store.query_offers()) == 3
        # Listed once, seen twice.
        assert [(f.source, f.times) for f in store.list_failures()] == [
            (str(folder / "bad.txt"), 2)
        ]
    assert (first.ingested, first.unchanged, len(first.failed), first.ok) == (3, 0, 1, False)
    assert (second.ingested, second.unchanged, len(second.failed)) == (0, 3, 1)
    assert [(done, total) for done, total, _ in calls] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert calls[0][2] == str(folder / "bad.txt")


def test_extractor_crash_is_one_documents_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fragile(doc: Document, *, budget_seconds: float | None = None) -> Extraction:
        if "crash" in doc.text:
            raise ValueError("rule blew up")
        return fake_extract(doc)

    monkeypatch.setattr(pipeline, "extract_document", fragile)
    (tmp_path / "ok.txt").write_text("Pays 100 roubles.", encoding="utf-8")
    (tmp_path / "crash.txt").write_text("This will crash.", encoding="utf-8")
    items = list(pipeline.extract_paths([tmp_path]))
    assert isinstance(items[1], Extraction)
    assert items[0] == Failure(str(tmp_path / "crash.txt"), "ValueError: rule blew up", "extract")
