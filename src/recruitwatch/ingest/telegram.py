"""Telegram Desktop exports (`result.json` of "Export chat history", JSON format).

One document per message with text: the message's plain text (bold, links and hashtags
flattened), the channel name as title, the post date, and a `t.me/<channel>/<id>` link. Service
messages (pins, joins) and media without a caption are skipped.

The export is streamed (ijson), twice: a first pass checks that the file is JSON and finds the
channel's name and id wherever they stand; the second reads the messages, one in memory at a
time whatever the file's size. A message listed twice (merged exports) is read twice, in file
order: the store keeps the later copy, as it keeps the newer text of any document id. Telegram
caps a message at 4,096 characters, so a message whose JSON runs past the document cap is no
message: it is that message's failure and the export is not read past it (a streaming parser
cannot skip it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

import ijson

from recruitwatch.errors import InputError
from recruitwatch.ingest.corpus_json import TOO_DEEP
from recruitwatch.ingest.items import Failure
from recruitwatch.ingest.read import size_text
from recruitwatch.language import detect_language
from recruitwatch.model import Document, unusable_character
from recruitwatch.settings import DEFAULT_MAX_BYTES

NOT_AN_EXPORT = (
    "is not a Telegram export: expected an object with a 'messages' list"
    ' (Telegram Desktop, "Export chat history", format JSON)'
)
# A message's text entities nest three deep; far deeper is a hostile or broken file.
MAX_MESSAGE_DEPTH = 32
CHUNK = 64 * 1024  # bytes read at a time
# ijson's C parser where it is built (its wheels carry it), its pure-Python one elsewhere. The
# C parser reads a lone surrogate escape ("\\ud800") as "?"; the Python one keeps it, and the
# message is then a recorded failure. Neither stops the run.
_CHANNEL_KEYS = ("name", "username", "id")
_OPENERS = ("start_map", "start_array")


class _Metered:
    """The export's bytes, counted, so that the message being built can be bounded: the
    parser holds a whole string before it yields it, so the check must sit in `read`. Past
    the cap it reads as the end of the file: the parser stops on an incomplete document."""

    def __init__(self, stream: IO[bytes], max_bytes: int):
        self.stream = stream
        self.limit = max_bytes + CHUNK  # a message may start anywhere in the last chunk read
        self.count = 0
        self.message = 0  # the number of the message being read, named if it runs too long
        self.message_from: int | None = None  # bytes read when that message began
        self.too_long = False
        self.events: Iterator[tuple[str, Any]] = ijson.basic_parse(
            self, buf_size=min(CHUNK, max(max_bytes, 1024)), use_float=True
        )

    def read(self, size: int = -1) -> bytes:
        if self.message_from is not None and self.count - self.message_from > self.limit:
            self.too_long = True
            return b""
        chunk = self.stream.read(size)
        if self.count == 0 and chunk.startswith(b"\xef\xbb\xbf"):
            chunk = chunk[3:]  # a byte-order mark, written by some Windows tools
        self.count += len(chunk)
        return chunk

    def begin_message(self) -> None:
        self.message += 1
        self.message_from = self.count

    def end_message(self) -> None:
        self.message_from = None


def read_telegram(
    stream: IO[bytes], *, source: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | Failure]:
    """Documents for the messages of one export, read from `stream` a message at a time;
    InputError when it is not an export or not valid JSON. A message that cannot be read (or
    is longer than `max_bytes`) is that message's failure.

    Two passes over the stream: the first checks the whole file and finds the channel's name
    and id wherever they stand, skipping the messages; the second reads the messages."""
    channel = _channel(stream, source, max_bytes)
    stream.seek(0)
    metered = _Metered(stream, max_bytes)
    try:
        for key, event, _ in _entries(metered.events, source):
            if key == "messages":
                yield from _messages(metered, channel, source, max_bytes)
            elif event in _OPENERS:
                _skip(metered.events)
    except ijson.JSONError as exc:
        if not metered.too_long:  # the file changed since the first pass
            raise InputError(f"is not valid JSON: {exc}", source=source) from exc
        yield Failure(
            f"{source}#message-{metered.message}",
            f"message is larger than the {size_text(max_bytes)} limit of one document"
            " (Telegram allows 4,096 characters); the export is not read past it",
        )


def _entries(events: Iterator[tuple[str, Any]], source: str) -> Iterator[tuple[str, str, Any]]:
    """(key, first event, scalar value) of each entry of the top-level object; the caller
    reads or skips the container an entry opens before asking for the next."""
    if next(events, ("", None))[0] != "start_map":
        raise InputError(NOT_AN_EXPORT, source=source)
    for event, key in events:
        if event == "end_map":
            return
        event, value = next(events)
        if key == "messages" and event != "start_array":
            raise InputError(NOT_AN_EXPORT, source=source)
        yield key, event, value


def _channel(stream: IO[bytes], source: str, max_bytes: int) -> dict[str, Any]:
    """The channel's name, username and id: the first pass, which builds no message."""
    metered = _Metered(stream, max_bytes)
    channel: dict[str, Any] = {}
    found = False
    try:
        for key, event, value in _entries(metered.events, source):
            if key == "messages":
                found = True
                for message_event, _ in metered.events:
                    if message_event == "end_array":
                        break
                    metered.begin_message()
                    if message_event in _OPENERS:
                        _skip(metered.events)
                    metered.end_message()
            elif event in _OPENERS:
                _skip(metered.events)
            elif key in _CHANNEL_KEYS:
                channel[key] = value
    except ijson.JSONError as exc:
        if metered.too_long:
            return channel  # the second pass records that message's failure
        raise InputError(f"is not valid JSON: {exc}", source=source) from exc
    if not found:
        raise InputError(NOT_AN_EXPORT, source=source)
    return channel


def _messages(
    metered: _Metered, channel: dict[str, Any], source: str, max_bytes: int
) -> Iterator[Document | Failure]:
    name = channel.get("name") if isinstance(channel.get("name"), str) else None
    slug = _channel_slug(channel)
    for event, value in metered.events:
        if event == "end_array":
            return
        metered.begin_message()
        message = _build(event, value, metered.events)
        metered.end_message()
        if not isinstance(message, dict) or not _valid_id(message.get("id")):
            reason = (
                TOO_DEEP
                if message is _TOO_DEEP
                else "message is not an object with an 'id' (a number or a string)"
            )
            yield Failure(f"{source}#message-{metered.message}", reason)
            continue
        item = _document(message, source=source, channel=name, slug=slug, max_bytes=max_bytes)
        if item is not None:
            yield item


_TOO_DEEP = object()


def _build(event: str, value: Any, events: Iterator[tuple[str, Any]]) -> Any:
    """The JSON value that starts with (`event`, `value`), built without recursion; one
    nested deeper than MAX_MESSAGE_DEPTH is skipped and read as `_TOO_DEEP`."""
    if event not in _OPENERS:
        return value
    root: Any = {} if event == "start_map" else []
    stack: list[Any] = [root]
    key: str | None = None
    for event, value in events:
        top = stack[-1]
        if event in ("end_map", "end_array"):
            stack.pop()
            if not stack:
                return root
            continue
        if event == "map_key":
            key = value
            continue
        if event in _OPENERS:
            if len(stack) == MAX_MESSAGE_DEPTH:
                _skip(events)
                _skip_rest(events, len(stack))
                return _TOO_DEEP
            value = {} if event == "start_map" else []
        if isinstance(top, dict):
            top[key] = value
        else:
            top.append(value)
        if event in _OPENERS:
            stack.append(value)
    raise ijson.IncompleteJSONError("the export ends inside a message")


def _skip(events: Iterator[tuple[str, Any]]) -> None:
    """Past the end of the container just opened, counting its depth only."""
    _skip_rest(events, 1)


def _skip_rest(events: Iterator[tuple[str, Any]], depth: int) -> None:
    for event, _ in events:
        if event in _OPENERS:
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                return


def _document(
    message: dict[str, Any], *, source: str, channel: str | None, slug: str | None, max_bytes: int
) -> Document | Failure | None:
    """The message's document, its failure, or None for a service message or bare media."""
    message_id = message["id"]
    item_source = f"{source}#{message_id}"
    if message.get("type", "message") != "message":
        return None  # service message: a pin, a join, a title change
    try:
        text = flatten(message.get("text", ""))
    except InputError as exc:
        return Failure(item_source, exc.args[0])
    if not text.strip():
        return None  # a photo, video or sticker without a caption
    if len(text) > max_bytes:
        return Failure(item_source, f"message is longer than the {max_bytes} byte limit")
    problem = unusable_character(text)
    if problem is not None:  # before the language detector meets it
        return Failure(item_source, f"the text {problem}; it cannot be stored")
    try:
        return Document.from_text(
            text,
            id=f"t.me/{slug}/{message_id}" if slug else item_source,
            source=item_source,
            url=f"https://t.me/{slug}/{message_id}" if slug else None,
            title=channel,
            published=_date(message.get("date")),
            language=detect_language(text),
            site_name=channel,
            # Channels that sign posts export the signature as "author".
            author=message["author"] if isinstance(message.get("author"), str) else None,
        )
    except InputError as exc:
        return Failure(item_source, exc.args[0])


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


def _channel_slug(channel: dict[str, Any]) -> str | None:
    # Exports carry no @username; a public channel's id still opens as t.me/c/<id>/<message>.
    username = channel.get("username")
    if isinstance(username, str) and username.strip("@"):
        return username.strip("@")
    ident = channel.get("id")
    return f"c/{ident}" if isinstance(ident, int) and not isinstance(ident, bool) else None


def _date(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"'date' must be a string like 2024-03-05T10:00:00, not {value!r}")
    try:
        return datetime.fromisoformat(value).date()
    except ValueError as exc:
        raise InputError(f"'date' {value!r} is not an ISO date and time") from exc
