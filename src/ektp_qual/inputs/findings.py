"""Reading expected findings, so that a reproduction can be checked against them."""

from __future__ import annotations

from pathlib import Path

from ..model import OVERALL_VERDICTS, VERDICTS, Findings
from ..model.errors import InputError
from .textfile import read_text
from .yamldoc import YamlDocument

FINDINGS_KEYS = ("study", "source", "note", "overall", "criteria")
# Indonesian theses word their verdicts like this; they mean the tool's verdicts.
SYNONYMS = {
    "berkualitas": "met",
    "belum berkualitas": "not met",
    "tidak berkualitas": "not met",
    "sebagian berkualitas": "partly met",
    "partly": "partly met",
    "not_met": "not met",
}


def read_findings(path: str | Path) -> Findings:
    """Read a findings file (criterion -> expected verdict, and the overall verdict)."""
    return parse_findings(read_text(path, "findings"), path)


def parse_findings(text: str, path: str | Path | None = None) -> Findings:
    source = path if path is not None else "<findings>"
    doc = YamlDocument(text, source)
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), dict):
        raise InputError(source, "findings need a 'criteria' mapping: criterion id -> verdict", 1)
    for key in data:
        if key not in FINDINGS_KEYS:
            raise doc.error(f"unknown key {key!r} (allowed: {', '.join(FINDINGS_KEYS)})", key)
    criteria = []
    for cid, value in data["criteria"].items():
        criteria.append((str(cid), _verdict(doc, value, VERDICTS, "criteria", cid)))
    overall = data.get("overall")
    return Findings(
        criteria=tuple(criteria),
        overall=None if overall is None else _verdict(doc, overall, OVERALL_VERDICTS, "overall"),
        source=" ".join(str(data.get("source") or "").split()),
        note=" ".join(str(data.get("note") or "").split()),
        path=Path(path) if path is not None else None,
    )


def _verdict(doc: YamlDocument, value: object, allowed: tuple[str, ...], *path: object) -> str:
    if isinstance(value, dict):
        value = value.get("verdict")
    text = " ".join(str(value).split()).lower()
    text = SYNONYMS.get(text, text)
    if text not in allowed:
        raise doc.error(f"unknown verdict {value!r} (use one of: {', '.join(allowed)})", *path)
    return text
