"""Importing REFI-QDA projects (.qdpx): real samples, synthetic projects of each tool,
the mapping onto a corpus and codebook, and hostile files."""

from __future__ import annotations

import io
import re
import struct
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import ektp_qual
from ektp_qual.inputs import limits
from ektp_qual.inputs.review_file import REVIEW_COLUMNS, parse_review
from ektp_qual.model.errors import InputError
from ektp_qual.refi import archive
from ektp_qual.refi.codes import code_meaning
from ektp_qual.refi.mapping import review_text, to_review
from ektp_qual.refi.qde import SELECTION_COLUMNS, read_qdpx

from .conftest import MINI_CODEBOOK

SAMPLES = Path(__file__).resolve().parent / "data" / "refi-qda" / "samples"
NS = "urn:QDA-XML:project:1.0"
BOM = "\ufeff"


# -- building projects in the test -----------------------------------------------------


def new_guid() -> str:
    return str(uuid.uuid4())


@dataclass
class Sel:
    start: int
    end: int
    codes: Sequence[str]
    name: str | None = None
    user: str | None = None
    created: str | None = "2024-05-01T10:00:00Z"
    description: str | None = None
    guid: str = field(default_factory=new_guid)


@dataclass
class Src:
    name: str
    selections: Sequence[Sel] = ()
    path: str | None = None  # plainTextPath; None with inline
    inline: str | None = None
    whole: Sequence[str] = ()  # codes applied to the whole source
    guid: str = field(default_factory=new_guid)


@dataclass
class Code:
    name: str
    children: Sequence[Code] = ()
    guid: str = field(default_factory=new_guid)


def project_xml(
    *,
    origin: str | None,
    codes: Sequence[Code] = (),
    sources: Sequence[Src] = (),
    users: dict[str, str] | None = None,
    namespace: str | None = NS,
    fmt: Callable[[str], str] = str,
    base_path: str | None = None,
    cases: Sequence[tuple[str, Sequence[str]]] = (),
) -> bytes:
    """A project.qde built with lxml; ``fmt`` spells every GUID (ATLAS.ti: "{UPPER}")."""

    def tag(name: str) -> str:
        return f"{{{namespace}}}{name}" if namespace else name

    def sub(parent, element: str, **attributes: str | None):
        return etree.SubElement(
            parent, tag(element), {k: v for k, v in attributes.items() if v is not None}
        )

    root = etree.Element(
        tag("Project"),
        {"name": "test project", **({"origin": origin} if origin else {})},
        nsmap={None: namespace} if namespace else None,
    )
    if base_path is not None:
        root.set("basePath", base_path)
    if users:
        element = sub(root, "Users")
        for guid, name in users.items():
            sub(element, "User", guid=fmt(guid), name=name)

    def add_codes(parent, items: Sequence[Code]) -> None:
        for code in items:
            add_codes(
                sub(parent, "Code", guid=fmt(code.guid), name=code.name, isCodable="true"),
                code.children,
            )

    if codes:
        add_codes(sub(sub(root, "CodeBook"), "Codes"), codes)
    if cases:
        element = sub(root, "Cases")
        for name, source_guids in cases:
            case = sub(element, "Case", guid=fmt(new_guid()), name=name)
            for guid in source_guids:
                sub(case, "SourceRef", targetGUID=fmt(guid))
    if sources:
        element = sub(root, "Sources")
        for source in sources:
            text_source = sub(
                element,
                "TextSource",
                guid=fmt(source.guid),
                name=source.name,
                plainTextPath=source.path,
            )
            if source.inline is not None:
                sub(text_source, "PlainTextContent").text = source.inline
            for s in source.selections:
                selection = sub(
                    text_source,
                    "PlainTextSelection",
                    guid=fmt(s.guid),
                    name=s.name,
                    startPosition=str(s.start),
                    endPosition=str(s.end),
                    creatingUser=fmt(s.user) if s.user else None,
                    creationDateTime=s.created,
                )
                if s.description:
                    sub(selection, "Description").text = s.description
                for code in s.codes:
                    coding = sub(
                        selection,
                        "Coding",
                        guid=fmt(new_guid()),
                        creatingUser=fmt(s.user) if s.user else None,
                    )
                    sub(coding, "CodeRef", targetGUID=fmt(code))
            for code in source.whole:
                coding = sub(text_source, "Coding", guid=fmt(new_guid()))
                sub(coding, "CodeRef", targetGUID=fmt(code))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def write_qdpx(path: Path, entries: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data)
    return path


def units(tokens: Sequence[str], kind: str) -> list[int]:
    """The unit offset of every boundary of the normalised text, by a tool's counting.

    Each token is one character of the text as returned (a line break token may be
    "\\r\\n", "\\r" or "\\n" as stored). Independent of the importer's arithmetic.
    """

    def width(token: str) -> int:
        utf16 = len(token.encode("utf-16-le")) // 2
        if kind == "nvivo":  # UTF-16 units, CRLF = 2
            return utf16
        if kind == "atlas":  # code points, a line break = 1
            return 1
        if kind == "atlas16":
            return 1 if token == "\r\n" else utf16
        return len(token)  # code points of the text as stored

    offsets = [0]
    for token in tokens:
        offsets.append(offsets[-1] + width(token))
    return offsets


def tokens_of(text: str, line_end: str) -> list[str]:
    return [line_end if c == "\n" else c for c in text]


# -- real samples ------------------------------------------------------------------------


def sample(name: str) -> Path:
    return SAMPLES / name


def test_atlas_sample_users_and_nested_codes():
    project = read_qdpx(sample("atlasti-23.2.3_target-atlas-project.qdpx"))
    assert project.origin.startswith("ATLAS.ti")
    assert project.users == {
        "088b08ac-d5cd-4adb-8b71-b4f3459c177f": "Enric Llagostera",
        "c32a2bd5-537f-4838-8b17-df9efbafdf4b": "ATLAS.ti",
    }
    assert len(project.codes) == 3
    paths = sorted(code.path for code in project.codes.values())
    assert paths == [
        "Commits",
        "Commits/2022-02-11T10:39:25Z cdbfd92",
        "Commits/2022-05-10T02:05:59Z 19e4dce",
    ]
    child = project.codes["2d2466f0-d77f-4f8c-bdf9-628966b6b74d"]
    assert child.parent == "a182cd3a-d83c-4d8c-bc80-26d9103ec6d6"
    assert project.sources == {}
    assert project.selections.empty
    assert list(project.selections.columns) == SELECTION_COLUMNS


def test_nvivo_mac_sample_deep_code_tree_and_sources():
    project = read_qdpx(sample("nvivo-mac-15.0.0_nvivo_project.qdpx"))
    assert project.origin == "NVivo for Mac 15.0.0"
    assert sorted(project.users.values()) == ["chrisp", "cp"]
    assert len(project.codes) == 262
    assert max(code.depth for code in project.codes.values()) == 7
    assert [c.name for c in project.codes.values() if c.parent is None] == [
        "rq1_definition",
        "rq2_curriculum_and_instruction",
        "rq3_process",
    ]
    deepest = max(project.codes.values(), key=lambda c: c.depth)
    lineage = project.lineage(deepest.guid)
    assert len(lineage) == 7
    assert "/".join(c.name for c in lineage) == deepest.path
    assert len(project.sources) == 2
    assert all(s.text == "\n" for s in project.sources.values())
    assert project.selections.empty
    assert project.notices == []


# -- synthetic projects of each tool -----------------------------------------------------

NVIVO_TEXT = (
    "Interviewer: How was it? 🙂\n"
    "Ana: The staff were kind 😀😀 and quick.\n"
    "\n"
    "Ana: 𝄞 Music played; the wait was long.\n"
)
NVIVO_QUOTES = ["The staff were kind 😀😀 and quick.", "the wait was long", "😀 and", "🙂\nAna"]


def quotes_as(text: str, quotes: Sequence[str], kind: str, line_end: str) -> list[tuple[int, int]]:
    offsets = units(tokens_of(text, line_end), kind)
    spans = []
    for quote in quotes:
        start = text.index(quote)
        spans.append((offsets[start], offsets[start + len(quote)]))
    return spans


def test_nvivo_utf16_offsets_with_bom_crlf_and_emoji(tmp_path):
    code = Code("theme")
    user = new_guid()
    spans = quotes_as(NVIVO_TEXT, NVIVO_QUOTES, "nvivo", "\r\n")
    source = Src(
        "Ana",
        [Sel(s, e, [code.guid], name="", user=user) for s, e in spans],
        path="internal://ana.txt",
    )
    qde = project_xml(
        origin="NVivo for Windows 12.6", codes=[code], sources=[source], users={user: "Budi"}
    )
    stored = BOM + NVIVO_TEXT.replace("\n", "\r\n")
    path = write_qdpx(
        tmp_path / "nvivo.qdpx",
        {"project.qde": qde, "Sources/ana.txt": stored.encode("utf-8")},
    )
    project = read_qdpx(path)
    table = project.selections
    assert list(table["text"]) == NVIVO_QUOTES
    text = project.sources[source.guid].text
    assert text == NVIVO_TEXT
    assert [text[s:e] for s, e in zip(table["start"], table["end"], strict=True)] == NVIVO_QUOTES
    assert list(table["raw_start"]) == [s for s, _ in spans]
    assert set(table["coder"]) == {"Budi"}
    assert set(table["code_path"]) == {"theme"}
    assert project.convention == "UTF-16 units"
    # the offsets really differ from code points here, so the test means something
    assert [s for s, _ in spans] != [NVIVO_TEXT.index(q) for q in NVIVO_QUOTES]


ATLAS_TEXT = "Q: Was the office friendly?\nM07: Yes, very friendly.\nM07: But the queue was long.\n"
ATLAS_QUOTES = ["Yes, very friendly.", "But the queue was long.", "friendly?\nM07: Yes"]


def test_atlas_braced_upper_case_guids_and_crlf_as_one(tmp_path):
    code, parent = Code("friendly"), None
    parent = Code("Attitude", [code])
    user = new_guid()
    spans = quotes_as(ATLAS_TEXT, ATLAS_QUOTES, "atlas", "\r\n")
    names = [q if len(q) < 20 else q[:15] + "..." for q in ATLAS_QUOTES]
    source = Src(
        "M07.txt",
        [Sel(s, e, [code.guid], name=n, user=user) for (s, e), n in zip(spans, names, strict=True)],
        path=None,
    )
    source.path = f"internal://{source.guid.upper()}.txt"
    qde = project_xml(
        origin="ATLAS.ti for Windows 23.2.3.27778",
        codes=[parent],
        sources=[source],
        users={user: "Citra"},
        namespace="urn:QDA-XML:project:1:0",
        fmt=lambda g: "{" + g.upper() + "}",
    )
    stored = ATLAS_TEXT.replace("\n", "\r\n").encode("utf-8")
    path = write_qdpx(
        tmp_path / "atlas.qdpx",
        {"MyProject.qde": qde, f"sources/{source.guid.upper()}.txt": stored},
    )
    project = read_qdpx(path)
    assert project.namespace == "urn:QDA-XML:project:1:0"
    assert project.qde == "MyProject.qde"
    table = project.selections
    assert list(table["text"]) == ATLAS_QUOTES
    assert list(table["code_path"]) == ["Attitude/friendly"] * 3
    assert list(table["coder"]) == ["Citra"] * 3
    assert list(table["verified"]) == [True] * 3
    assert project.convention == "code points, CRLF counted as 1"
    assert project.convention_check == "3 of 3 selection names quote the selected text"
    assert not project.notices


QUALCODER_TEXT = "Line one é.\nLine two 😀 ends.\n中文 third line\n"
QUALCODER_QUOTES = ["one é", "😀 ends.\n中文", "third line\n"]


def test_qualcoder_code_points_bom_excluded(tmp_path):
    code = Code("c")
    spans = quotes_as(QUALCODER_TEXT, QUALCODER_QUOTES, "qualcoder", "\n")
    source = Src(
        "doc",
        [Sel(s, e, [code.guid], name=q) for (s, e), q in zip(spans, QUALCODER_QUOTES, strict=True)],
        path="internal://doc.txt",
    )
    qde = project_xml(origin="QualCoder 3.6", codes=[code], sources=[source])
    path = write_qdpx(
        tmp_path / "qc.qdpx",
        {"project.qde": qde, "sources/doc.txt": (BOM + QUALCODER_TEXT).encode("utf-8")},
    )
    project = read_qdpx(path)
    assert list(project.selections["text"]) == QUALCODER_QUOTES
    assert list(project.selections["start"]) == [QUALCODER_TEXT.index(q) for q in QUALCODER_QUOTES]
    assert project.convention == "code points"


@pytest.mark.parametrize(
    ("origin", "kind", "expected"),
    [
        ("NVivo 14", "qualcoder", "code points"),  # the origin lies: the names decide
        ("FooQDA 2.1", "nvivo", "UTF-16 units"),  # unknown tool
        (None, "atlas", "code points, CRLF counted as 1"),  # no origin at all
    ],
)
def test_names_decide_the_convention(tmp_path, origin, kind, expected):
    code = Code("c")
    spans = quotes_as(NVIVO_TEXT, NVIVO_QUOTES, kind, "\r\n")
    source = Src(
        "Ana",
        [Sel(s, e, [code.guid], name=q) for (s, e), q in zip(spans, NVIVO_QUOTES, strict=True)],
        path="internal://ana.txt",
    )
    qde = project_xml(origin=origin, codes=[code], sources=[source])
    path = write_qdpx(
        tmp_path / "p.qdpx",
        {"project.qde": qde, "sources/ana.txt": NVIVO_TEXT.replace("\n", "\r\n").encode()},
    )
    project = read_qdpx(path)
    assert list(project.selections["text"]) == NVIVO_QUOTES
    assert project.convention == expected
    assert any(expected in n.message for n in project.notices)


@pytest.mark.parametrize(
    "namespace", [NS, "urn:QDA-XML:project:1:0", "urn:QDA-XML:project:0:10", None]
)
def test_namespace_variants(tmp_path, namespace):
    code = Code("c")
    source = Src("s", [Sel(0, 5, [code.guid])], inline="Hello world")
    qde = project_xml(origin="MAXQDA 24", codes=[code], sources=[source], namespace=namespace)
    project = read_qdpx(write_qdpx(tmp_path / "p.qdpx", {"project.qde": qde}))
    assert list(project.selections["text"]) == ["Hello"]
    assert project.namespace == (namespace or "")


def test_source_locations_and_missing_texts(tmp_path):
    code = Code("c")
    sources = [
        Src("inline", [Sel(0, 5, [code.guid])], inline="Hello inline"),
        Src("relative", [Sel(0, 3, [code.guid])], path="relative:///texts/rel.txt"),
        Src("absolute", [Sel(0, 3, [code.guid])], path="absolute:///etc/passwd"),
        Src("gone", [Sel(0, 3, [code.guid])], path="internal://gone.txt"),
        Src("memo", [Sel(0, 3, [])], path="internal://memo.txt"),  # no Coding: a memo
        Src("long", [Sel(2, 999, [code.guid]), Sel(-4, 2, [code.guid])], inline="short"),
        Src("whole", whole=[code.guid], inline="All of it"),
    ]
    qde = project_xml(origin="MAXQDA 24", codes=[code], sources=sources, base_path="")
    path = write_qdpx(
        tmp_path / "p.qdpx",
        {
            "project.qde": qde,
            "texts/rel.txt": b"Relative text",
            "sources/memo.txt": b"memo text",
            "sources/.root": b"",
        },
    )
    project = read_qdpx(path)
    by_source = project.selections.groupby("source")["text"].apply(list).to_dict()
    assert by_source["inline"] == ["Hello"]
    assert by_source["relative"] == ["Rel"]
    assert by_source["absolute"] == [""]  # kept, without text
    assert by_source["long"] == ["ort", "sh"]
    assert by_source["whole"] == ["All of it"]
    assert "memo" not in by_source
    assert project.sources[sources[2].guid].text is None
    messages = " | ".join(n.message for n in project.notices)
    assert "'absolute'" in messages and "not read" in messages
    assert "'gone'" in messages and "not in the archive" in messages
    assert "1 selection(s) carry no code" in messages
    assert "2 selection(s) have offsets outside their source's text and were clamped" in messages


def test_relative_path_on_a_disk_is_not_read(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret on disk", encoding="utf-8")
    code = Code("c")
    source = Src("rel", [Sel(0, 6, [code.guid])], path="relative:///outside.txt")
    qde = project_xml(origin="QualCoder", codes=[code], sources=[source], base_path=str(tmp_path))
    project = read_qdpx(write_qdpx(tmp_path / "p.qdpx", {"project.qde": qde}))
    assert project.sources[source.guid].text is None
    assert "outside the archive" in project.notices[0].message


def test_pdf_representation_is_text_and_pictures_are_reported(tmp_path):
    code = Code("c")
    qde = etree.fromstring(project_xml(origin="MAXQDA 24", codes=[code]))
    sources = etree.SubElement(qde, f"{{{NS}}}Sources")
    pdf = etree.SubElement(sources, f"{{{NS}}}PDFSource", guid=new_guid(), name="paper.pdf")
    representation = etree.SubElement(pdf, f"{{{NS}}}Representation", guid=new_guid())
    etree.SubElement(representation, f"{{{NS}}}PlainTextContent").text = "PDF words here"
    selection = etree.SubElement(
        representation,
        f"{{{NS}}}PlainTextSelection",
        guid=new_guid(),
        startPosition="4",
        endPosition="9",
    )
    coding = etree.SubElement(selection, f"{{{NS}}}Coding", guid=new_guid())
    etree.SubElement(coding, f"{{{NS}}}CodeRef", targetGUID=code.guid)
    picture = etree.SubElement(sources, f"{{{NS}}}PictureSource", guid=new_guid(), name="p.png")
    region = etree.SubElement(picture, f"{{{NS}}}PictureSelection", guid=new_guid())
    coding = etree.SubElement(region, f"{{{NS}}}Coding", guid=new_guid())
    etree.SubElement(coding, f"{{{NS}}}CodeRef", targetGUID=code.guid)
    path = write_qdpx(tmp_path / "p.qdpx", {"project.qde": etree.tostring(qde)})
    project = read_qdpx(path)
    assert list(project.selections["text"]) == ["words"]
    assert list(project.selections["source"]) == ["paper.pdf"]
    assert any("1 coding(s) of pictures" in n.message for n in project.notices)


def _nested_codes(depth: int, name: str = "c") -> bytes:
    codes = "".join(
        f'<Code guid="{uuid.UUID(int=i)}" name="{name}{i}" isCodable="true">' for i in range(depth)
    )
    qde = f'<Project xmlns="{NS}" name="deep"><CodeBook><Codes>{codes}{"</Code>" * depth}'
    return (qde + "</Codes></CodeBook></Project>").encode()


def test_deeply_nested_codes_within_the_limit_are_read(tmp_path):
    depth = limits.MAX_XML_DEPTH - 3  # Project, CodeBook and Codes hold the tree
    project = read_qdpx(write_qdpx(tmp_path / "p.qdpx", {"project.qde": _nested_codes(depth)}))
    assert len(project.codes) == depth
    assert max(c.depth for c in project.codes.values()) == depth
    assert len(project.lineage(str(uuid.UUID(int=depth - 1)))) == depth


def test_codes_nested_beyond_the_limit_are_refused_while_parsing(tmp_path):
    """Nested codes make the code paths quadratic: refused as the XML is read."""
    qde = _nested_codes(1000)
    path = write_qdpx(tmp_path / "p.qdpx", {"project.qde": qde})
    with pytest.raises(InputError, match=r"project.qde nests elements more than 256 deep"):
        read_qdpx(path)


def test_long_code_names_nested_cannot_multiply_into_the_paths(tmp_path, monkeypatch):
    """Each code's path repeats its ancestors' names: their total is bounded too."""
    monkeypatch.setattr(limits, "MAX_XML_PART_SIZE", 4_000_000)
    qde = _nested_codes(200, name="n" * 10_000)  # 2 MB of names, 200 MB of paths
    path = write_qdpx(tmp_path / "p.qdpx", {"project.qde": qde})
    with pytest.raises(InputError, match=r"code paths .* more than 4,000,000 characters"):
        read_qdpx(path)


# -- mapping onto a corpus and codebook --------------------------------------------------

X1_TURNS = [
    ("P", "Bagaimana sikap petugas saat melayani? 🙂"),
    ("X1", "Saya datang jam delapan pagi. Lalu saya menunggu di kursi."),
    ("P", "Apakah ada biaya?"),
    ("X1", "Saya membayar di loket samping."),
]
X2_TURNS = [
    ("P", "Bagaimana kecepatan proses perekaman?"),
    ("X2", "Prosesnya sekitar satu jam. Setelah itu saya pulang."),
]


@pytest.fixture
def study(corpus_dir, mini_codebook):
    folder = corpus_dir({"X1": ("masyarakat", X1_TURNS), "X2": ("masyarakat", X2_TURNS)})
    reduction = ektp_qual.reduce(folder, mini_codebook)
    bodies = {t.informant: t.body for t in reduction.corpus.transcripts}
    return folder, mini_codebook, reduction, bodies


def segment_of(reduction, informant: str, text: str) -> str:
    segments = reduction.segments
    found = segments[(segments["informant"] == informant) & (segments["text"] == text)]
    assert len(found) == 1, text
    return found["segment_id"].iloc[0]


def test_mapping_onto_segments_and_analysis_counts_them(study, tmp_path):
    folder, codebook_path, reduction, bodies = study
    positive, negative = Code("positive"), Code("negative")
    attitude = Code("Sikap dan Perilaku", [positive, negative])
    speed = Code("Profesionalisme dan Keterampilan (professionalism)", [Code("+")])
    reliability_negative = Code("reliability -")
    other = Code("Other theme")
    bare = Code("attitude")
    user = new_guid()
    x1 = bodies["X1"]

    def span(body: str, quote: str, line_end: str = "\r\n") -> tuple[int, int]:
        ((s, e),) = quotes_as(body, [quote], "nvivo", line_end)
        return s, e

    s1 = Src(
        "x1",  # by name, any case
        [
            Sel(*span(x1, "Saya datang jam delapan pagi."), [positive.guid], user=user),
            Sel(*span(x1, "pagi. Lalu saya"), [negative.guid], user=user),  # two sentences
            Sel(
                *span(x1, "Saya membayar di loket samping."), [reliability_negative.guid], user=user
            ),
            Sel(*span(x1, "Apakah ada biaya?"), [positive.guid], user=user),  # interviewer
            Sel(*span(x1, "Lalu saya menunggu"), [other.guid], user=user),
            Sel(*span(x1, "menunggu di kursi"), [other.guid, bare.guid], user=user),
        ],
        path="internal://x1.txt",
    )
    x2 = bodies["X2"]
    s2 = Src(  # matched by its text; stored exactly as the body (no BOM, LF)
        "Interview B",
        [Sel(*span(x2, "Prosesnya sekitar satu jam.", "\n"), [speed.children[0].guid])],
        path="internal://b.txt",
    )
    s3 = Src("Z9", [Sel(0, 4, [positive.guid], user=user)], inline="Unrelated interview text.")
    qde = project_xml(
        origin="NVivo for Windows 12.6",
        codes=[attitude, speed, reliability_negative, other, bare],
        sources=[s1, s2, s3],
        users={user: "Dewi"},
    )
    path = write_qdpx(
        tmp_path / "nvivo.qdpx",
        {
            "project.qde": qde,
            "Sources/x1.txt": (BOM + x1.replace("\n", "\r\n")).encode("utf-8"),
            "Sources/b.txt": x2.encode("utf-8"),
        },
    )
    project = read_qdpx(path)
    result = to_review(project, reduction)

    assert result.transcripts == {s1.guid: "X1", s2.guid: "X2"}
    seg = {
        "pagi": segment_of(reduction, "X1", "Saya datang jam delapan pagi."),
        "lalu": segment_of(reduction, "X1", "Lalu saya menunggu di kursi."),
        "bayar": segment_of(reduction, "X1", "Saya membayar di loket samping."),
        "proses": segment_of(reduction, "X2", "Prosesnya sekitar satu jam."),
    }
    rows = {tuple(r) for r in result.review[["segment_id", "criterion", "polarity"]].values}
    assert rows == {
        (seg["pagi"], "attitude", "positive"),
        (seg["pagi"], "attitude", "negative"),
        (seg["lalu"], "attitude", "negative"),
        (seg["bayar"], "reliability", "negative"),
        (seg["proses"], "professionalism", "positive"),
    }
    assert list(result.review.columns) == REVIEW_COLUMNS
    assert set(result.review["decision"]) == {"add"}
    attitude_rows = result.review[result.review["criterion"] == "attitude"]
    assert set(attitude_rows["coder"]) == {"Dewi"}
    assert set(result.review["decided_at"]) == {"2024-05-01T10:00:00Z"}
    assert set(attitude_rows["note"]) == {
        "imported from NVivo for Windows 12.6: Sikap dan Perilaku/positive",
        "imported from NVivo for Windows 12.6: Sikap dan Perilaku/negative",
    }

    codings = result.codings
    assert list(codings["text"]) == [
        "Saya datang jam delapan pagi.",
        "pagi. Lalu saya",
        "Saya membayar di loket samping.",
        "Apakah ada biaya?",
        "Lalu saya menunggu",
        "menunggu di kursi",
        "menunggu di kursi",
        "Prosesnya sekitar satu jam.",
        "Unre",
    ]
    placed = codings.dropna(subset=["body_start"])
    for row in placed.itertuples():
        assert bodies[row.informant][row.body_start : row.body_end] == row.text
    status = dict(zip(codings["text"] + "|" + codings["code"], codings["status"], strict=True))
    assert status["Apakah ada biaya?|positive"] == "no segment"
    assert status["Lalu saya menunggu|Other theme"] == "code not mapped"
    assert status["menunggu di kursi|attitude"] == "no polarity"
    assert status["Unre|positive"] == "no transcript"
    assert len(codings) == 9  # every coding kept, imported or not
    messages = " | ".join(n.message for n in result.notices)
    assert "code 'Other theme' (2 coding(s)) means no criterion" in messages
    assert "code 'attitude' (1 coding(s)) means criterion 'attitude' but no polarity" in messages
    assert "source 'Z9' (1 coding(s)) matches no transcript" in messages
    assert "1 coding(s) cover no informant sentence" in messages

    text = review_text(result)
    assert text.splitlines()[0] == ",".join(REVIEW_COLUMNS)
    assert len(parse_review(text).decisions()) == 5
    review_path = tmp_path / "review.csv"
    review_path.write_text(text, encoding="utf-8")
    analysis = ektp_qual.analyse(folder, codebook_path, review=review_path)
    assert analysis.reduction.review.added == 5
    assert analysis.reduction.review.coders == ("Dewi",)
    added = analysis.reduction.codings
    assert set(added[added["source"] == "added"]["segment_id"]) == set(seg.values())


def test_coder_argument_and_review_per_coder(study, tmp_path):
    _, _, reduction, bodies = study
    positive = Code("positive")
    attitude = Code("attitude", [positive])
    ana, budi = new_guid(), new_guid()
    body = bodies["X2"]
    start = body.index("Prosesnya")
    source = Src(
        "X2.txt",
        [
            Sel(start, start + 9, [positive.guid], user=ana),
            Sel(start, start + 9, [positive.guid], user=budi),
            Sel(start, start + 9, [positive.guid], user=new_guid()),  # unknown user
        ],
        inline=body,
    )
    qde = project_xml(
        origin="ektp-qual 0.1", codes=[attitude], sources=[source], users={ana: "Ana", budi: "Budi"}
    )
    project = read_qdpx(write_qdpx(tmp_path / "p.qdpx", {"project.qde": qde}))
    result = to_review(project, reduction)
    assert sorted(result.review["coder"]) == ["", "Ana", "Budi"]
    assert result.coders == ("Ana", "Budi")
    assert any("no coder" in n.message for n in result.notices)
    only_ana = parse_review(review_text(result, coder="Ana")).decisions()
    assert list(only_ana["coder"]) == ["Ana"]
    forced = to_review(project, reduction, coder="Eka")
    assert list(forced.review["coder"]) == ["Eka"]  # one row: duplicates collapse


def test_source_text_with_front_matter_and_edited_copy(study, tmp_path):
    folder, _, reduction, bodies = study
    positive = Code("+")
    attitude = Code("Attitudes and Behaviour", [positive])
    x1_file = (folder / "X1.txt").read_text(encoding="utf-8")  # front matter + body
    quote = "Lalu saya menunggu di kursi."
    at = x1_file.index(quote)
    edited = bodies["X2"].replace("Bagaimana", "Bagaimanakah")  # an edited copy of X2
    q2 = "Setelah itu saya pulang."
    at2 = edited.index(q2)
    sources = [
        Src("first", [Sel(at, at + len(quote), [positive.guid])], inline=x1_file),
        Src("X2", [Sel(at2, at2 + len(q2), [positive.guid])], inline=edited),
    ]
    qde = project_xml(origin="QualCoder 3.6", codes=[attitude], sources=sources)
    result = to_review(read_qdpx(write_qdpx(tmp_path / "p.qdpx", {"project.qde": qde})), reduction)
    assert set(result.review["segment_id"]) == {
        segment_of(reduction, "X1", quote),
        segment_of(reduction, "X2", q2),
    }
    assert any("looked up by their text" in n.message for n in result.notices)


CRITERIA = ektp_qual.parse_codebook(MINI_CODEBOOK).criteria


@pytest.mark.parametrize(
    ("path", "meaning"),
    [
        (["Sikap dan Perilaku"], ("attitude", None)),
        (["attitude"], ("attitude", None)),
        (["Sikap dan Perilaku", "positive"], ("attitude", "positive")),
        (["Sikap dan Perilaku (attitude)", "Negative"], ("attitude", "negative")),
        (["[attitude] Sikap dan Perilaku", "-"], ("attitude", "negative")),
        (["Attitudes and Behaviour", "pos"], ("attitude", "positive")),
        (["Sikap dan Perilaku", "Sikap dan Perilaku +"], ("attitude", "positive")),
        (["Sikap dan Perilaku", "Sikap dan Perilaku negative"], ("attitude", "negative")),
        (["folder", "  SIKAP   dan perilaku ", "negatif"], ("attitude", "negative")),
        (["attitude positive"], ("attitude", "positive")),
        (["attitude +"], ("attitude", "positive")),
        (["attitude+"], ("attitude", "positive")),
        (["attitude/positive"], ("attitude", "positive")),
        (["attitude: neg"], ("attitude", "negative")),
        (["Keandalan dan Kepercayaan - negative"], ("reliability", "negative")),
        (["Sikap dan Perilaku (attitude) - positif"], ("attitude", "positive")),
        (["professionalism", "\u2212"], ("professionalism", "negative")),
        (["attitude: Sikap dan Perilaku"], ("attitude", None)),  # ektp-qual's export
        (["attitude: Sikap dan Perilaku", "attitude +"], ("attitude", "positive")),
        (["attitude: Sikap dan Perilaku", "attitude -"], ("attitude", "negative")),
        (["reliability: Keandalan dan Kepercayaan", "positive"], ("reliability", "positive")),
        (["attitude", "positive", "friendly"], (None, None)),  # not inherited
        (["positive"], (None, None)),
        (["Other", "positive"], (None, None)),
        (["attitudepositive"], (None, None)),
        (["attitude (reliability)"], (None, None)),  # two criteria: none
        (["Sikap"], (None, None)),
        ([], (None, None)),
    ],
)
def test_code_meaning(path, meaning):
    assert code_meaning(path, CRITERIA) == meaning


# -- hostile and broken files ------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>
"""

MINIMAL = project_xml(origin="test", codes=[Code("c")])


def patched_sizes(data: bytes, size: int) -> bytes:
    """The archive with its (stored) entry's sizes rewritten in both headers: a lying ZIP."""
    data = bytearray(data)
    local = data.index(b"PK\x03\x04")
    struct.pack_into("<II", data, local + 18, size, size)
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<II", data, central + 20, size, size)
    return bytes(data)


def stored_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


HOSTILE = {
    "zip-slip": ({"project.qde": MINIMAL, "../evil.txt": b"x"}, "zip-slip"),
    "absolute name": ({"project.qde": MINIMAL, "/tmp/evil.txt": b"x"}, "absolute path"),
    "windows absolute": ({"project.qde": MINIMAL, "C:/evil.txt": b"x"}, "absolute path"),
    "billion laughs": ({"project.qde": BILLION_LAUGHS}, "billion laughs"),
    "xxe": ({"project.qde": XXE}, "XXE"),
    "no qde": ({"sources/a.txt": b"x"}, "no .qde project file"),
    "nested qde": ({"folder/project.qde": MINIMAL}, "found folder/project.qde in a subfolder"),
    "two qde": ({"a.qde": MINIMAL, "b.qde": MINIMAL}, "several project files (a.qde, b.qde)"),
    "codebook": (
        {"project.qde": b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>'},
        "a REFI-QDA codebook, not a project",
    ),
    "other xml": ({"project.qde": b"<html/>"}, "root element <html>, not <Project>"),
    "broken xml": ({"project.qde": b"<Project><Users></Project>"}, "not well-formed XML"),
}


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_and_broken_archives_are_refused(tmp_path, monkeypatch, case):
    entries, expected = HOSTILE[case]
    (tmp_path / "in").mkdir()
    path = write_qdpx(tmp_path / "in" / "bad.qdpx", entries)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = files_under(tmp_path)
    with pytest.raises(InputError) as caught:
        read_qdpx(path)
    assert caught.value.source == str(path)
    assert expected in caught.value.problem
    assert str(caught.value).startswith(f"{path}: ")
    assert files_under(tmp_path) == before  # nothing extracted or written
    assert not (tmp_path / "evil.txt").exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"this is not a zip at all", "not a ZIP archive"),
        (b'<?xml version="1.0"?><Project name="x"/>', "looks like bare XML"),
        (b"PK\x03\x04 truncated", "not a ZIP archive"),
    ],
)
def test_not_a_zip(tmp_path, data, expected):
    path = tmp_path / "p.qdpx"
    path.write_bytes(data)
    with pytest.raises(InputError, match=expected):
        read_qdpx(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_qdpx(tmp_path / "nope.qdpx")
    with pytest.raises(InputError, match="is a folder"):
        read_qdpx(tmp_path)


def test_oversize_is_refused_before_and_while_reading(tmp_path, monkeypatch):
    code = Code("c")
    source = Src("big", [Sel(0, 1, [code.guid])], path="internal://big.txt")
    qde = project_xml(origin="test", codes=[code], sources=[source])
    path = write_qdpx(tmp_path / "p.qdpx", {"project.qde": qde, "sources/big.txt": b"a" * 5000})
    monkeypatch.setattr(archive, "MAX_TOTAL_SIZE", len(qde) + 100)
    with pytest.raises(InputError, match=r"refused: 'sources/big.txt' .* MiB uncompressed"):
        read_qdpx(path)
    monkeypatch.setattr(archive, "MAX_TOTAL_SIZE", 100)
    with pytest.raises(InputError, match=r"refused: 'project.qde'"):
        read_qdpx(path)


def test_lying_size_header_is_refused(tmp_path):
    data = stored_zip({"project.qde": MINIMAL})
    path = tmp_path / "lies.qdpx"
    path.write_bytes(patched_sizes(data, 10))  # says 10 bytes, holds more
    with pytest.raises(InputError, match="corrupt"):
        read_qdpx(path)


def test_too_many_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_ENTRIES", 3)
    entries = {"project.qde": MINIMAL, **{f"sources/{i}.txt": b"x" for i in range(3)}}
    with pytest.raises(InputError, match="4 entries, more than the 3"):
        read_qdpx(write_qdpx(tmp_path / "p.qdpx", entries))


def _offset_project(tmp_path: Path, start: str) -> Path:
    """One coded selection of "Halo dunia." whose startPosition is written as ``start``."""
    code = Code("c")
    source = Src("s", [Sel(0, 4, [code.guid], guid=str(uuid.UUID(int=7)))], inline="Halo dunia.")
    qde = project_xml(origin="QualCoder 3.6", codes=[code], sources=[source])
    qde = qde.replace(b'startPosition="0"', f"startPosition={quoteattr(start)}".encode())
    return write_qdpx(tmp_path / "offsets.qdpx", {"project.qde": qde})


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("999999999999999999999999", "startPosition=999999999999999999999999, beyond any text"),
        ("-9223372036854775809", "startPosition=-9223372036854775809, beyond any text"),
        ("9" * 5000, "startPosition=999999999999...999999 (5000 digits), beyond any text"),
        ("\u0661\u0662", "startPosition='\u0661\u0662', not written in the digits 0-9"),
        ("1_0", "startPosition='1_0', not written in the digits 0-9"),
        ("\uff10", "startPosition='\uff10', not written in the digits 0-9"),
    ],
)
def test_offsets_no_tool_writes_are_refused(tmp_path, written, problem):
    """An OverflowError once escaped; other digits and '_' were read as numbers."""
    with pytest.raises(InputError) as caught:
        read_qdpx(_offset_project(tmp_path, written))
    path = tmp_path / "offsets.qdpx"
    assert str(caught.value).startswith(
        f"{path}: refused: selection {uuid.UUID(int=7)} has {problem}"
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.integers(-(2**70), 2**70).map(str),
        st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=8),
    )
)
def test_an_offset_is_read_as_its_ascii_decimal_value_or_not_at_all(tmp_path, written):
    """Whatever is written, no offset is read as a number other than its 0-9 meaning."""
    try:
        project = read_qdpx(_offset_project(tmp_path, written))
    except InputError as error:
        assert "refused: selection" in str(error)
        return
    raw = list(project.selections["raw_start"])
    if raw:
        assert re.fullmatch(r"\s*[-+]?[0-9]+\s*", written, re.ASCII)
        assert raw == [int(written)]


def test_xxe_discloses_nothing(tmp_path):
    path = write_qdpx(tmp_path / "p.qdpx", {"project.qde": XXE})
    with pytest.raises(InputError) as caught:
        read_qdpx(path)
    assert "root:" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


# -- property: every convention round-trips ------------------------------------------------

ALPHABET = ["a", "b", "Z", " ", "é", "中", "😀", "𝄞", "\n", "\r\n", "\r", ".", "\t"]
TOOLS = {
    "nvivo": "NVivo for Windows 12.6",
    "atlas": "ATLAS.ti 23.2",
    "qualcoder": "QualCoder 3.6",
}


def build_and_read(
    tokens: list[str],
    spans: list[tuple[int, int]],
    kind: str,
    origin: str | None,
    bom: bool,
    named: bool,
) -> tuple[str, object]:
    text = "".join("\n" if t in ("\r\n", "\r") else t for t in tokens)
    offsets = units(tokens, kind)
    code = Code("c")
    selections = [
        Sel(offsets[i], offsets[j], [code.guid], name=text[i:j] if named else "") for i, j in spans
    ]
    source = Src("s", selections, path="internal://s.txt")
    qde = project_xml(origin=origin, codes=[code], sources=[source])
    stored = (BOM if bom else "") + "".join(tokens)
    with tempfile.TemporaryDirectory() as folder:
        path = write_qdpx(
            Path(folder) / "p.qdpx", {"project.qde": qde, "sources/s.txt": stored.encode()}
        )
        return text, read_qdpx(path)


@st.composite
def texts_and_spans(draw):
    tokens = draw(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=40))
    for k in range(1, len(tokens)):  # "\r" then "\n" would be stored as one CRLF
        if tokens[k - 1] == "\r" and tokens[k] == "\n":
            tokens[k] = "\r\n"
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, len(tokens)), st.integers(0, len(tokens))),
            min_size=1,
            max_size=6,
        )
    )
    return tokens, [(min(a, b), max(a, b)) for a, b in pairs]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts_and_spans(), st.sampled_from(sorted(TOOLS)), st.booleans(), st.booleans())
def test_property_known_tools_round_trip(sample_, kind, bom, named):
    tokens, spans = sample_
    text, project = build_and_read(tokens, spans, kind, TOOLS[kind], bom, named)
    table = project.selections
    assert list(table["text"]) == [text[i:j] for i, j in spans]
    assert list(zip(table["start"], table["end"], strict=True)) == spans


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts_and_spans(),
    st.sampled_from(["nvivo", "atlas", "qualcoder", "atlas16"]),
    st.sampled_from([None, "FooQDA 1.0", "NVivo 14", "ATLAS.ti 9"]),
    st.booleans(),
)
def test_property_names_recover_the_convention(sample_, kind, origin, bom):
    tokens, spans = sample_
    spans = [(i, j) for i, j in spans if i < j] or [(0, len(tokens))]
    text, project = build_and_read(tokens, spans, kind, origin, bom, named=True)
    assert list(project.selections["text"]) == [text[i:j] for i, j in spans]


def test_a_creation_date_that_is_not_a_date_is_left_out(study, tmp_path):
    _, _, reduction, bodies = study
    positive = Code("positive")
    attitude = Code("Sikap dan Perilaku", [positive])
    quote = "Lalu saya menunggu di kursi."
    at = bodies["X1"].index(quote)
    source = Src(
        "X1",
        [Sel(at, at + len(quote), [positive.guid], created="20261130_1TZ")],
        inline=bodies["X1"],
    )
    qde = project_xml(origin="QualCoder 3.6", codes=[attitude], sources=[source])
    result = to_review(read_qdpx(write_qdpx(tmp_path / "p.qdpx", {"project.qde": qde})), reduction)
    assert list(result.review["decided_at"]) == [""]
    assert any("'20261130_1TZ' is not a date" in n.message for n in result.notices)
