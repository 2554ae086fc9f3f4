"""Where the embedded sample (19 transcripts, the Gronroos codebook, the thesis's
findings) lives: inside the installed package, or at the top of a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _root() -> Path:
    packaged = Path(str(resources.files("ektp_qual"))) / "sample"
    if (packaged / "codebooks").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / "codebooks").is_dir() and (checkout / "transcripts_sample").is_dir():
        return checkout
    raise FileNotFoundError(
        "the sample corpus is missing from this installation; reinstall ektp-qual"
    )


def sample_transcripts() -> Path:
    """The folder of the 19 reconstructed e-KTP interviews."""
    return _root() / "transcripts_sample"


def sample_codebook() -> Path:
    """The Gronroos (1988) codebook, in Indonesian with English labels."""
    return _root() / "codebooks" / "gronroos.yaml"


def sample_findings() -> Path:
    """The thesis's verdicts, to compare the reproduction with."""
    return sample_transcripts() / "thesis_findings.yaml"


def shown_path(path: str | Path) -> str:
    """A path as a researcher should read it on screen: inside the embedded sample as
    ``<sample>/...``, inside the working folder relative to it, elsewhere as given.

    The sample lives in site-packages; its full path says nothing and fills the line.
    """
    text = str(path)
    if not text or text.startswith("<"):
        return text
    resolved = Path(text).resolve()
    try:
        inside = resolved.relative_to(_root().resolve())
    except (ValueError, FileNotFoundError):
        inside = None
    if inside is not None and inside.parts[:1] in (("transcripts_sample",), ("codebooks",)):
        return "<sample>/" + inside.as_posix()
    try:
        return str(resolved.relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return text
