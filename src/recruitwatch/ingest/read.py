"""Reading one file as text, refusing what cannot be a document before it costs memory."""

from __future__ import annotations

from pathlib import Path

from recruitwatch.errors import InputError


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


def check_size(data: bytes, *, max_bytes: int, source: str) -> bytes:
    """`data` itself, or InputError when it is longer than `max_bytes`."""
    if len(data) > max_bytes:
        raise InputError(
            f"is larger than the {size_text(max_bytes)} limit;"
            " raise RECRUITWATCH_MAX_DOCUMENT_BYTES to read it",
            source=source,
        )
    return data


def read_text(path: Path, *, max_bytes: int) -> str:
    """The file's UTF-8 text, or InputError naming the file and saying what is wrong."""
    return decode_utf8(read_bytes(path, max_bytes=max_bytes), source=str(path))


def decode_utf8(data: bytes, *, source: str) -> str:
    """Text of UTF-8 bytes; InputError for binary, non-UTF-8 or blank data."""
    if b"\x00" in data:
        raise InputError("looks binary (contains NUL bytes); give a UTF-8 text file", source=source)
    try:
        text = data.decode("utf-8-sig")  # -sig: a byte-order mark is not part of the text
    except UnicodeDecodeError as exc:
        raise InputError(
            f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start});"
            " re-save it as UTF-8",
            source=source,
        ) from exc
    if not text.strip():
        raise InputError("is empty", source=source)
    return text


def size_text(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    if count >= 1024:
        return f"{count / 1024:g} KB"
    return f"{count} bytes"
