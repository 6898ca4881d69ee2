"""Telegram Desktop exports (`result.json` of "Export chat history", JSON format).

One document per message with text: the message's plain text (bold, links and hashtags
flattened), the channel name as title, the post date, and a `t.me/<channel>/<id>` link. Service
messages (pins, joins) and media without a caption are skipped. An export holds only a message's
last text; if it lists a message twice (merged exports) the later copy wins.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from recruitwatch.errors import InputError
from recruitwatch.ingest.corpus_json import TOO_DEEP
from recruitwatch.ingest.items import Failure
from recruitwatch.language import detect_language
from recruitwatch.model import Document, unusable_character
from recruitwatch.settings import DEFAULT_MAX_BYTES


def read_telegram(
    data: bytes, *, source: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | Failure]:
    """Documents for the messages of one export; InputError when it is not an export. A
    message that cannot be read (or is longer than `max_bytes`) is that message's failure."""
    try:
        export: Any = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"is not valid JSON: {exc}", source=source) from exc
    except RecursionError as exc:
        raise InputError(TOO_DEEP, source=source) from exc
    if not isinstance(export, dict) or not isinstance(export.get("messages"), list):
        raise InputError(
            "is not a Telegram export: expected an object with a 'messages' list"
            ' (Telegram Desktop, "Export chat history", format JSON)',
            source=source,
        )
    channel = export.get("name") if isinstance(export.get("name"), str) else None
    slug = _channel_slug(export)
    latest: dict[object, Any] = {}
    for index, message in enumerate(export["messages"]):
        if not isinstance(message, dict) or not _valid_id(message.get("id")):
            yield Failure(
                f"{source}#message-{index + 1}",
                "message is not an object with an 'id' (a number or a string)",
            )
            continue
        latest.pop(message["id"], None)  # re-inserted at the end: the later copy wins
        latest[message["id"]] = message
    for message_id, message in latest.items():
        item_source = f"{source}#{message_id}"
        if message.get("type", "message") != "message":
            continue  # service message: a pin, a join, a title change
        try:
            text = flatten(message.get("text", ""))
        except InputError as exc:
            yield Failure(item_source, exc.args[0])
            continue
        if not text.strip():
            continue  # a photo, video or sticker without a caption
        if len(text) > max_bytes:
            yield Failure(item_source, f"message is longer than the {max_bytes} byte limit")
            continue
        problem = unusable_character(text)
        if problem is not None:  # before the language detector meets it
            yield Failure(item_source, f"the text {problem}; it cannot be stored")
            continue
        url = f"https://t.me/{slug}/{message_id}" if slug else None
        try:
            yield Document.from_text(
                text,
                id=f"t.me/{slug}/{message_id}" if slug else item_source,
                source=item_source,
                url=url,
                title=channel,
                published=_date(message.get("date")),
                language=detect_language(text),
                site_name=channel,
                # Channels that sign posts export the signature as "author".
                author=message["author"] if isinstance(message.get("author"), str) else None,
            )
        except InputError as exc:
            yield Failure(item_source, exc.args[0])


def _valid_id(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def flatten(value: Any) -> str:
    """Plain text of a message's `text`: a string, or a list of strings and entity objects
    (`{"type": "bold", "text": "..."}`, `{"type": "text_link", "text": ..., "href": ...}`)."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise InputError(f"'text' must be a string or a list, not {type(value).__name__}")
    parts: list[str] = []
    for part in value:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            parts.append(part["text"])
        else:
            raise InputError(f"'text' has a part that is neither a string nor an entity: {part!r}")
    return "".join(parts)


def _channel_slug(export: dict[str, Any]) -> str | None:
    # Exports carry no @username; a public channel's id still opens as t.me/c/<id>/<message>.
    username = export.get("username")
    if isinstance(username, str) and username.strip("@"):
        return username.strip("@")
    ident = export.get("id")
    return f"c/{ident}" if isinstance(ident, int) else None


def _date(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"'date' must be a string like 2024-03-05T10:00:00, not {value!r}")
    try:
        return datetime.fromisoformat(value).date()
    except ValueError as exc:
        raise InputError(f"'date' {value!r} is not an ISO date and time") from exc
