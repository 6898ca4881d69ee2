"""Reading one file as text, refusing what cannot be a document before it costs memory."""

from __future__ import annotations

from pathlib import Path

from recruitwatch.errors import InputError


def read_text(path: Path, *, max_bytes: int) -> str:
    """The file's UTF-8 text, or InputError naming the file and saying what is wrong."""
    source = str(path)
    try:
        with path.open("rb") as handle:
            # One byte past the cap is enough to know the file is too big: memory stays bounded.
            data = handle.read(max_bytes + 1)
    except IsADirectoryError as exc:
        raise InputError("is a folder, not a file", source=source) from exc
    except FileNotFoundError as exc:
        raise InputError("does not exist", source=source) from exc
    except PermissionError as exc:
        raise InputError("cannot be read: permission denied", source=source) from exc
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}", source=source) from exc
    if len(data) > max_bytes:
        raise InputError(
            f"is larger than the {_size(max_bytes)} limit;"
            " raise RECRUITWATCH_MAX_DOCUMENT_BYTES to read it",
            source=source,
        )
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


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MB"
    if count >= 1024:
        return f"{count / 1024:g} KB"
    return f"{count} bytes"
