"""A codebook to and from other QDA tools that exchange codebooks alone.

* ``taguette_csv(codebook)``: the codes as the CSV Taguette imports (its only codebook
  import): a ``tag`` column and a ``description`` column, one row per code a researcher
  applies (``attitude +``, ``attitude -``), the same names as the REFI-QDA export's.
* ``codebook_skeleton(path)``: a REFI-QDA codebook (``.qdc``, from Taguette, NVivo,
  ATLAS.ti, MAXQDA, QualCoder or ektp-qual) as the text of a YAML codebook for
  ektp-qual: one criterion per code, with an id, the code's name as label and its
  description as definition, the code tree as comments, and empty phrase lists for the
  researcher to fill. A code whose children are all polarities (``positive``/
  ``negative``, ``+``/``-``, ``<name> +``) is one criterion; a folder (not codable) is
  only a comment. From ektp-qual's own ``.qdc`` the English label, abbreviation and
  guide questions come back as ``label_en``, ``short`` and ``questions``.
  ``write_skeleton`` writes it, never over an existing file.

A ``.qdc`` is read as hostile until proven otherwise: at most ``MAX_QDC_BYTES``, parsed
without DTDs or entities (the bounded reading of ``inputs.safexml``), codes nested at most
``MAX_DEPTH`` deep and at most ``MAX_CODES`` of them; anything else is an ``InputError``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from .. import __version__
from ..inputs import safexml
from ..model import POLARITIES, Codebook
from ..model.errors import InputError
from .codes import _POLARITY_WORDS, _key, _split_polarity, parse_code_name, polarity_code_name
from .qde import _kid_text, _kids, _local

#: The largest .qdc read (real codebooks with hundreds of codes are well under 1 MiB).
MAX_QDC_BYTES = 16 * 1024 * 1024
#: The deepest nesting of codes read (NVivo's deepest trees in the wild: about 7).
MAX_DEPTH = 64
#: The most codes read from one file.
MAX_CODES = 20_000

TAGUETTE_COLUMNS = ("tag", "description")


# -- Taguette ---------------------------------------------------------------------------


def taguette_csv(codebook: Codebook) -> bytes:
    """The codebook as Taguette's codebook CSV (UTF-8 with a BOM, which Taguette's
    character-set detection reads for certain): ``tag`` and ``description``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TAGUETTE_COLUMNS)
    for criterion in codebook.criteria:
        label = " ".join(criterion.label.split())
        if criterion.label_en:
            label += f" ({' '.join(criterion.label_en.split())})"
        for polarity in POLARITIES:
            phrases = criterion.positive if polarity == "positive" else criterion.negative
            parts = [f"{polarity.capitalize()} evidence for {label}."]
            if criterion.definition:
                parts.append(" ".join(criterion.definition.split()))
            if phrases:
                parts.append(f"Codebook phrases: {'; '.join(phrases)}.")
            writer.writerow([polarity_code_name(criterion.id, polarity), " ".join(parts)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- reading a .qdc ----------------------------------------------------------------------


@dataclass
class QdcCode:
    """A code of a REFI-QDA codebook, with its children."""

    name: str
    description: str
    codable: bool
    children: list[QdcCode] = field(default_factory=list)


@dataclass
class QdcCodebook:
    path: Path
    origin: str
    codes: list[QdcCode]  # the top-level codes, in document order


def read_qdc(path: str | Path) -> QdcCodebook:
    """A REFI-QDA codebook file; bad, oversized or hostile files are an ``InputError``."""
    path = Path(path)
    data = _read_bounded(path)
    if data.startswith(b"PK\x03\x04"):
        raise InputError(
            path,
            "is a ZIP archive (a REFI-QDA project, .qdpx?), not a codebook: export the "
            "codebook alone (.qdc) from the other tool",
        )
    root = safexml.parse_stream(io.BytesIO(data), path, path.name, producers="REFI-QDA files")
    if _local(root.tag) != "CodeBook":
        hint = " (a project: use 'ektp-qual import')" if _local(root.tag) == "Project" else ""
        raise InputError(
            path,
            f"not a REFI-QDA codebook: the root element is <{_local(root.tag)}>, not "
            f"<CodeBook>{hint}",
        )
    codes = _codes(path, next(_kids(root, "Codes"), None))
    if not codes:
        raise InputError(path, "the codebook has no codes")
    return QdcCodebook(path, (root.get("origin") or "").strip(), codes)


def _read_bounded(path: Path) -> bytes:
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder; give the .qdc file another tool exported")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_QDC_BYTES + 1)
    except OSError as exc:
        raise InputError(path, f"cannot read the codebook: {exc.strerror or exc}") from None
    if len(data) > MAX_QDC_BYTES:
        raise InputError(
            path,
            f"refused: larger than {MAX_QDC_BYTES // 1024 // 1024} MiB, far more than a "
            "codebook needs",
        )
    return data


def _codes(path: Path, parent: Element | None) -> list[QdcCode]:
    """The code tree, built without recursion, refusing absurd depth or size."""
    top: list[QdcCode] = []
    stack: list[tuple[Element, list[QdcCode], int]] = [
        (element, top, 1) for element in reversed(list(_kids(parent, "Code")))
    ]
    count = 0
    while stack:
        element, siblings, depth = stack.pop()
        count += 1
        if count > MAX_CODES:
            raise InputError(path, f"refused: more than {MAX_CODES} codes")
        if depth > MAX_DEPTH:
            raise InputError(
                path, f"refused: codes nested more than {MAX_DEPTH} deep (a hostile file?)"
            )
        code = QdcCode(
            name=" ".join((element.get("name") or "").split()),
            description=_kid_text(element, "Description").strip(),
            codable=(element.get("isCodable") or "true").strip().lower() not in ("false", "0"),
        )
        siblings.append(code)
        children = list(_kids(element, "Code"))
        stack += [(child, code.children, depth + 1) for child in reversed(children)]
    return top


# -- the YAML skeleton --------------------------------------------------------------------

_ID_OK = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _is_polarity(name: str) -> bool:
    key = _key(name)
    return key in _POLARITY_WORDS or _split_polarity(key) is not None


def _slug(text: str) -> str:
    """A criterion id from a name: ASCII letters, digits and '_', a letter first."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "_", ascii_text).strip("_").lower()
    if not slug:
        return "code"
    return slug if slug[0].isalpha() else f"c_{slug}"


@dataclass
class _Criterion:
    id: str
    label: str
    path: str
    description: str
    polarities: list[str]  # names of the polarity codes folded into it


def _criteria(codes: list[QdcCode]) -> tuple[list[_Criterion], list[str]]:
    """Criteria in document order, and the folders (non-codable codes) passed through."""
    criteria: list[_Criterion] = []
    folders: list[str] = []
    taken: set[str] = set()
    stack: list[tuple[QdcCode, str]] = [(code, "") for code in reversed(codes)]
    while stack:
        code, prefix = stack.pop()
        name = code.name or "(unnamed)"
        path = f"{prefix} > {name}" if prefix else name
        polar = bool(code.children) and all(_is_polarity(c.name) for c in code.children)
        if polar or code.codable:
            own = parse_code_name(name) if ": " in name else None
            wanted = own[0] if own else _slug(name)
            label = name.split(": ", 1)[1] if own else name
            unique, n = wanted, 2
            while unique.casefold() in taken:
                unique, n = f"{wanted}_{n}", n + 1
            taken.add(unique.casefold())
            criteria.append(
                _Criterion(
                    unique,
                    label,
                    path,
                    code.description,
                    [c.name for c in code.children] if polar else [],
                )
            )
        else:
            folders.append(path)
        if not polar:
            stack += [(child, path) for child in reversed(code.children)]
    return criteria, folders


_OWN_BOILERPLATE = re.compile(r"Criterion '[^']*' of codebook '[^']*'\. Code with .*")


def _own_description(description: str) -> dict[str, object]:
    """A criterion code's description as ektp-qual's export writes it, read back into
    the codebook keys it came from (definition, label_en, short, questions)."""
    keys: dict[str, object] = {}
    definition: list[str] = []
    questions: list[str] | None = None
    for line in description.splitlines():
        if questions is not None and line.startswith("- "):
            questions.append(line[2:].strip())
            continue
        questions = None
        if line.startswith("English: "):
            keys["label_en"] = line.removeprefix("English: ").strip()
        elif line.startswith("Abbreviation: "):
            keys["short"] = line.removeprefix("Abbreviation: ").strip()
        elif line == "Guide questions:":
            questions = []
            keys["questions"] = questions
        elif not _OWN_BOILERPLATE.fullmatch(line):
            definition.append(line)
    text = "\n".join(definition).strip()
    return {"definition": text, **keys} if text else keys


def _scalar(text: str) -> str:
    """A YAML scalar for any text (JSON strings are YAML double-quoted scalars)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split())


def codebook_skeleton(path: str | Path, *, language: str = "en") -> str:
    """The text of a YAML codebook for ektp-qual made from a ``.qdc`` (see the module)."""
    book = read_qdc(path)
    criteria, folders = _criteria(book.codes)
    own = book.origin.startswith("ektp-qual")
    if not criteria:
        raise InputError(book.path, "the codebook has only folders (non-codable codes)")
    source = book.path.name + (f", origin {book.origin}" if book.origin else "")
    lines = [
        f"# Codebook skeleton written by ektp-qual {__version__} from {_comment(source)}.",
        "# Each code of that file is a criterion below; the comment above it is its place in",
        "# the code tree (codes named positive/negative, + or - under a code are its",
        "# polarities, and folders that cannot be coded are not criteria).",
        "# To finish it: add the phrases that are evidence for each criterion under",
        "# 'positive' and 'negative', set 'language' to the interviews' spaCy language code,",
        "# then check it: ektp-qual validate -t interviews/ -c THIS_FILE",
        f"codebook: {_scalar(_slug(book.path.stem))}",
        f"title: {_scalar(_comment(f'Codebook from {source}'))}",
        f"language: {_scalar(language)}",
        "decision:",
        "  threshold: 0.75",
        "criteria:",
    ]
    if folders:
        lines.insert(-1, "# Folders of the code tree: " + _comment("; ".join(folders))[:2000])
    for criterion in criteria:
        lines.append(f"  # {_comment(criterion.path)}")
        if criterion.polarities:
            lines.append(f"  # polarities: {_comment(', '.join(criterion.polarities))}")
        lines += [
            f"  - id: {_scalar(criterion.id)}",
            f"    label: {_scalar(criterion.label)}",
        ]
        keys = (
            _own_description(criterion.description)
            if own
            else {"definition": criterion.description}
            if criterion.description
            else {}
        )
        for key, value in keys.items():
            if isinstance(value, list):
                lines.append(f"    {key}:")
                lines += [f"      - {_scalar(item)}" for item in value]
            else:
                lines.append(f"    {key}: {_scalar(str(value))}")
        lines += ["    positive: []    # add phrases", "    negative: []    # add phrases"]
    return "\n".join(lines) + "\n"


def write_skeleton(text: str, target: str | Path) -> Path:
    """Write the skeleton to ``target`` in one step, refusing any existing file."""
    target = Path(target)
    if target.exists() or target.is_symlink():
        raise InputError(target, "already exists; it was left untouched (choose another --out)")
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, prefix=".ektp-qual-", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, target)  # fails, atomically, when the target exists
        except FileExistsError:
            raise InputError(
                target, "already exists; it was left untouched (choose another --out)"
            ) from None
        except OSError:  # no hard links here: claim the name first, then fill it at once
            try:
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            except FileExistsError:
                raise InputError(
                    target, "already exists; it was left untouched (choose another --out)"
                ) from None
            os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target
