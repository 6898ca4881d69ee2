"""Reading one file as text, refusing what cannot be a document before it costs memory."""

from __future__ import annotations

import logging
from pathlib import Path

from recruitwatch.errors import InputError

logger = logging.getLogger(__name__)


def read_bytes(path: Path, *, max_bytes: int) -> bytes:
    """The file's bytes, or InputError naming the file when it cannot be read or is too big."""
    # One byte past the cap is enough to know the file is too big: memory stays bounded.
    return check_size(read_head(path, max_bytes + 1), max_bytes=max_bytes, source=str(path))


def read_head(path: Path, count: int) -> bytes:
    """The first `count` bytes of the file (fewer if it is shorter)."""
    source = str(path)
    try:
        with path.open("rb") as handle:
            return handle.read(count)
    except IsADirectoryError as exc:
        raise InputError("is a folder, not a file", source=source) from exc
    except FileNotFoundError as exc:
        raise InputError("does not exist", source=source) from exc
    except PermissionError as exc:
        raise InputError("cannot be read: permission denied", source=source) from exc
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}", source=source) from exc


def check_size_on_disk(path: Path, *, max_bytes: int) -> None:
    """InputError when the file is larger than `max_bytes` (read from its size, not its bytes)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}", source=str(path)) from exc
    if size > max_bytes:
        raise _too_big(max_bytes, str(path))


def check_size(data: bytes, *, max_bytes: int, source: str) -> bytes:
    """`data` itself, or InputError when it is longer than `max_bytes`."""
    if len(data) > max_bytes:
        raise _too_big(max_bytes, source)
    return data


def _too_big(max_bytes: int, source: str) -> InputError:
    return InputError(
        f"is larger than the {size_text(max_bytes)} limit;"
        " raise RECRUITWATCH_MAX_DOCUMENT_BYTES to read it",
        source=source,
    )


def read_text(path: Path, *, max_bytes: int) -> str:
    """The file's text (UTF-8, or a legacy encoding recognised), or InputError naming the
    file and saying what is wrong."""
    return decode_text(read_bytes(path, max_bytes=max_bytes), source=str(path))


def decode_text(data: bytes, *, source: str) -> str:
    """Text of UTF-8 bytes, or of a Cyrillic or Western legacy encoding (cp1251, KOI8-R ...)
    that charset-normalizer recognises; InputError for binary, unrecognisable or blank data."""
    if b"\x00" in data:
        raise InputError("looks binary (contains NUL bytes); give a UTF-8 text file", source=source)
    try:
        text = data.decode("utf-8-sig")  # -sig: a byte-order mark is not part of the text
    except UnicodeDecodeError as exc:
        text = _legacy(data, source=source, error=exc)
    if not text.strip():
        raise InputError("is empty", source=source)
    return text


# Where non-UTF-8 texts in this domain come from: Russian and Central Asian sites and old
# Windows or Unix exports. Left open, the detector reads short KOI8-R text as Shift JIS.
LEGACY_ENCODINGS = [
    "cp1251",
    "koi8_r",
    "koi8_u",
    "cp866",
    "iso8859_5",
    "mac_cyrillic",
    "kz1048",
    "cp1252",
]


def _legacy(data: bytes, *, source: str, error: UnicodeDecodeError) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise InputError(
            f"is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})"
            " nor a recognisable Cyrillic or Western encoding; re-save it as UTF-8",
            source=source,
        ) from error
    logger.info("%s: read as %s", source, best.encoding)
    return str(best)


def size_text(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    if count >= 1024:
        return f"{count / 1024:g} KB"
    return f"{count} bytes"
