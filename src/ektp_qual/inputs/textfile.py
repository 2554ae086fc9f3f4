"""Reading the text files a researcher writes: UTF-8, any line ends, BOM or not."""

from __future__ import annotations

from pathlib import Path

from ..model.errors import InputError


def normalise(text: str) -> str:
    """BOM removed and line ends normalised to ``\\n``, so offsets mean one thing."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: str | Path, what: str) -> str:
    """The file's text, normalised (see ``normalise``)."""
    return normalise(read_utf8(path, what))


def read_utf8(path: str | Path, what: str) -> str:
    """The file's text as written; unreadable or non-UTF-8 files are an InputError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read {what}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            path,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8",
            line,
        ) from None
    return text
