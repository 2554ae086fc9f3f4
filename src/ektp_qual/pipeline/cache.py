"""The rules' coding of an unchanged corpus and codebook, kept between runs of ``suggest``.

A researcher runs ``suggest`` again after every batch of decisions. The decisions change
between runs; the rules' coding of the corpus does not, unless the transcripts, the
codebook or the coder change. Coding it again is about a third of what ``suggest`` costs
on a corpus of the sample's size, so its result is kept, keyed by a SHA-256 of all three,
in the user's cache directory (``$EKTP_QUAL_CACHE``, else ``$XDG_CACHE_HOME/ektp-qual``,
else ``~/.cache/ektp-qual``; ``%LOCALAPPDATA%`` on Windows): never beside the
researcher's files. Only masked text is kept (with ``--personal-data`` nothing is), as
pandas JSON tables, readable by the user alone; the newest ``KEEP`` entries stay. A file
that cannot be read as an entry is ignored and coded again: the cache can only save
time, never change a result.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import sys
import tempfile
from functools import cache
from pathlib import Path

import pandas as pd

from ..model import Codebook, Corpus

#: The environment variable that names the cache folder (tests, shared machines).
CACHE_ENV = "EKTP_QUAL_CACHE"
#: How many corpora's codings are kept (the oldest go first).
KEEP = 8
#: A coding larger than this is not kept: reading it back would cost more than coding.
MAX_BYTES = 64 * 1024 * 1024
#: What the rules' coding depends on in the package itself.
_CODER_PACKAGES = ("model", "language", "inputs", "coding")
_SUFFIX = ".coding.json"


def cache_folder() -> Path:
    """Where the cache lives: the user's cache directory, never the researcher's folder."""
    named = os.environ.get(CACHE_ENV)
    if named:
        return Path(named)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "ektp-qual" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "ektp-qual"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ektp-qual"


@cache
def _coder_fingerprint() -> str:
    """The source of every module the rules' coding runs: a changed coder codes anew,
    even in a development install whose version number did not change."""
    from .. import __version__

    root = Path(__file__).resolve().parent.parent
    # pandas reads the tables back: another pandas may read them otherwise.
    digest = hashlib.sha256(f"{__version__} pandas {pd.__version__}".encode())
    for package in _CODER_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def coding_key(corpus: Corpus, codebook: Codebook) -> str:
    """The key of a corpus's coding: its transcripts as read (text, turns, names and
    attributes: what the masker reads too), the codebook's content, and the coder."""
    digest = hashlib.sha256(_coder_fingerprint().encode())
    digest.update(codebook.sha256.encode())
    digest.update(repr(codebook.private_attributes).encode())
    digest.update(repr(corpus.transcripts).encode())
    return digest.hexdigest()


def load_coding(key: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The sentences and the rules' codings kept under ``key``, or None."""
    path = cache_folder() / f"{key}{_SUFFIX}"
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        text = path.read_text(encoding="utf-8")
        segments_json, codings_json = text.split("\n", 1)
        segments = pd.read_json(io.StringIO(segments_json), orient="table")
        codings = pd.read_json(io.StringIO(codings_json), orient="table")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # the newest used is the last to go
    return segments, codings


def save_coding(key: str, segments: pd.DataFrame, codings: pd.DataFrame) -> None:
    """Keep a coding under ``key`` (atomically; failing quietly: a cache is optional)."""
    text = (
        segments.to_json(orient="table", index=False)
        + "\n"
        + codings.to_json(orient="table", index=False)
    )
    data = text.encode("utf-8")
    if len(data) > MAX_BYTES:
        return
    folder = cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, name = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:  # mkstemp: readable by the user alone
                out.write(data)
            os.replace(name, folder / f"{key}{_SUFFIX}")
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)
        _prune(folder)
    except OSError:
        return


def _prune(folder: Path) -> None:
    """Keep the ``KEEP`` entries used last."""
    entries = sorted(folder.glob(f"*{_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
