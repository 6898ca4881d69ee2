"""Telegram Desktop exports: one document per message, entities flattened, service skipped."""

from __future__ import annotations

import json
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from recruitwatch.ingest import Failure, ReadOptions, find_sources, iter_documents
from recruitwatch.model import Document
from recruitwatch.pipeline import ingest_paths
from recruitwatch.store import open_store


def message(ident: int, text: Any, **extra: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "type": "message",
        "date": "2024-03-05T10:15:00",
        "date_unixtime": "1709633700",
        "from": "Служба по контракту",
        "from_id": "channel1234567890",
        "text": text,
        **extra,
    }


EXPORT: dict[str, Any] = {
    "name": "Служба по контракту",
    "type": "public_channel",
    "id": 1234567890,
    "messages": [
        {
            "id": 1,
            "type": "service",
            "date": "2024-03-01T09:00:00",
            "actor": "Служба по контракту",
            "action": "create_channel",
            "title": "Служба по контракту",
            "text": "",
        },
        message(
            2,
            [
                {"type": "bold", "text": "Единовременная выплата 600 000 рублей!"},
                "\nЗвоните: ",
                {"type": "phone", "text": "+7 900 000-00-00"},
                "\nПодробнее ",
                {"type": "text_link", "text": "на сайте", "href": "https://example.org"},
                " ",
                {"type": "hashtag", "text": "#контракт"},
            ],
        ),
        message(3, "", photo="photos/photo_3.jpg", width=800, height=600),
        message(
            4,
            "Monthly pay from 210,000 roubles for contract soldiers.",
            edited="2024-03-06T08:00:00",
            edited_unixtime="1709712000",
            author="Sergeant Ivanov",
        ),
        {"id": 5, "type": "service", "action": "pin_message", "message_id": 4, "text": ""},
    ],
}


def _write(tmp_path: Path, export: Any, name: str = "result.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(export, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_one_document_per_message_with_text(tmp_path: Path) -> None:
    path = _write(tmp_path, EXPORT)
    docs = list(iter_documents(find_sources([path])))
    assert all(isinstance(doc, Document) for doc in docs)
    assert [doc.id for doc in docs if isinstance(doc, Document)] == [
        "t.me/c/1234567890/2",
        "t.me/c/1234567890/4",
    ]
    first = docs[0]
    assert isinstance(first, Document)
    assert first.text == (
        "Единовременная выплата 600 000 рублей!\nЗвоните: +7 900 000-00-00"
        "\nПодробнее на сайте #контракт"
    )
    assert (first.title, first.url, first.published, first.language, first.source) == (
        "Служба по контракту",
        "https://t.me/c/1234567890/2",
        date(2024, 3, 5),
        "ru",
        f"{path}#2",
    )
    second = docs[1]
    assert isinstance(second, Document)
    assert (second.language, second.site_name, second.author) == (
        "en",
        "Служба по контракту",
        "Sergeant Ivanov",
    )
    assert first.author is None


def test_username_gives_the_public_link_and_later_copy_wins(tmp_path: Path) -> None:
    export = {
        **EXPORT,  # the username after the messages: the first pass still finds it
        "username": "@contract_service",
        "messages": [
            message(7, "First text of the post, before the edit was made."),
            message(8, "Another post about 100,000 roubles paid to each recruit."),
            message(7, "Edited text: 700,000 roubles on signing.", edited="2024-03-07T00:00:00"),
        ],
    }
    path = _write(tmp_path, export)
    docs = list(iter_documents(find_sources([path])))
    assert [doc.id for doc in docs if isinstance(doc, Document)] == [
        "t.me/contract_service/7",
        "t.me/contract_service/8",
        "t.me/contract_service/7",
    ], "read in file order, one message at a time"
    assert docs[1].url == "https://t.me/contract_service/8"  # type: ignore[union-attr]
    with open_store(tmp_path / "rw.db") as store:
        ingest_paths([path], store)
        stored = {document.id: document.text for document in store.list_documents()}
    assert stored == {
        "t.me/contract_service/8": "Another post about 100,000 roubles paid to each recruit.",
        "t.me/contract_service/7": "Edited text: 700,000 roubles on signing.",
    }


def test_export_is_recognised_by_content(tmp_path: Path) -> None:
    path = _write(tmp_path, EXPORT, name="channel-dump.txt")
    assert len(list(iter_documents(find_sources([path])))) == 2


@pytest.mark.parametrize(
    "export",
    [
        {"name": "x", "messages": {"1": "not a list"}},
        {"name": "x", "messages": "nope"},
    ],
    ids=["messages-object", "messages-string"],
)
def test_wrong_shape_is_a_clear_failure(tmp_path: Path, export: dict[str, Any]) -> None:
    path = _write(tmp_path, export)
    (failure,) = list(iter_documents(find_sources([path])))
    assert isinstance(failure, Failure)
    assert failure.source == str(path)
    assert "is not a Telegram export: expected an object with a 'messages' list" in failure.reason


def test_bad_messages_fail_alone(tmp_path: Path) -> None:
    export = {
        **EXPORT,
        "messages": [
            "just a string",
            message(2, 42),
            message(3, ["ok ", {"type": "bold"}]),
            message(4, "Good message about 300,000 roubles.", date="yesterday"),
            message(5, "Good message about 300,000 roubles."),
        ],
    }
    path = _write(tmp_path, export)
    items = list(iter_documents(find_sources([path])))
    failures = [item for item in items if isinstance(item, Failure)]
    assert [failure.source for failure in failures] == [
        f"{path}#message-1",
        f"{path}#2",
        f"{path}#3",
        f"{path}#4",
    ]
    assert "'text' must be a string or a list, not int" in failures[1].reason
    assert "neither a string nor an entity" in failures[2].reason
    assert "'date' 'yesterday' is not an ISO date" in failures[3].reason
    assert isinstance(items[-1], Document)


def test_truncated_export_is_a_clear_failure(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(json.dumps(EXPORT)[:200], encoding="utf-8")
    (failure,) = list(iter_documents(find_sources([path])))
    assert isinstance(failure, Failure)
    assert failure.reason.startswith("is not valid JSON")


def test_a_message_over_the_document_cap_is_its_failure_and_those_before_it_are_read(
    tmp_path: Path,
) -> None:
    export = {
        **EXPORT,
        "messages": [
            message(1, "Kursk pays volunteers 400,000 roubles on signing."),
            message(2, "Far too long. " * 20_000),
            message(3, "Never read: the parser cannot skip a message it did not finish."),
        ],
    }
    path = _write(tmp_path, export)
    items = list(iter_documents(find_sources([path]), options=ReadOptions(max_bytes=100_000)))
    assert isinstance(items[0], Document)
    assert len(items) == 2 and isinstance(items[1], Failure)
    assert items[1].source == f"{path}#message-2"
    assert "larger than the" in items[1].reason and "not read past it" in items[1].reason


def test_a_message_nested_too_deeply_fails_alone(tmp_path: Path) -> None:
    deep = '{"id": 2, "type": "message", "text": ' + "[" * 50_000 + "]" * 50_000 + "}"
    good = json.dumps(message(3, "Tver pays volunteers 250,000 roubles on signing."))
    path = tmp_path / "result.json"
    path.write_text('{"name": "C", "id": 1, "messages": [' + deep + "," + good + "]}")
    items = list(iter_documents(find_sources([path])))
    assert isinstance(items[0], Failure) and "too deeply" in items[0].reason
    assert isinstance(items[1], Document) and items[1].id == "t.me/c/1/3"


def test_a_large_export_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    count = 4_000
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"name": "Channel", "id": 1, "messages": [')
        for ident in range(1, count + 1):
            # Digits only: the language detector passes over a text without letters at once.
            text = f"{ident}: " + "300 000 " * 300
            handle.write(("," if ident > 1 else "") + json.dumps(message(ident, text)))
        handle.write("]}")
    assert path.stat().st_size > 9_000_000
    first = next(iter(iter_documents(find_sources([path]))))  # warm the language detector
    assert isinstance(first, Document)
    tracemalloc.start()
    try:
        read = sum(1 for item in iter_documents(find_sources([path])) if isinstance(item, Document))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read == count
    assert peak < 8 << 20, f"peak {peak >> 20} MB for a {path.stat().st_size >> 20} MB export"
