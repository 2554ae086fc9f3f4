"""REFI-QDA export: schema-valid, referentially sound, offsets exact, deterministic, private."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ektp_qual
from ektp_qual.inputs.review_file import REVIEW_COLUMNS
from ektp_qual.language.privacy import NAME_MASK, MaskedText, Masker
from ektp_qual.refi.codes import criterion_code_name, parse_code_name, polarity_code_name
from ektp_qual.refi.exporter import codebook_qdc, export_losses, project_qdpx
from ektp_qual.refi.qdaxml import (
    AUTOMATIC_CODER,
    CASES_CODE,
    CODEBOOK_NAMESPACE,
    NAME_LENGTH,
    ORIGIN,
    PROJECT_NAMESPACE,
    code_guid,
    make_guid,
)

from .conftest import MINI_CODEBOOK, transcript_text

#: The REFI-QDA schemas, kept with the tests (see tests/data/refi-qda/README.md).
REFI_DIR = Path(__file__).resolve().parent / "data" / "refi-qda"
PROJECT_XSD = REFI_DIR / "Project-mrt2019.xsd"
CODEBOOK_XSD = REFI_DIR / "Codebook-mrt2019.xsd"

FIXED = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
DATES = re.compile(rb'\s(?:creationDateTime|modifiedDateTime)="[^"]*"')
CONTAINERS = ("Users", "CodeBook", "Codes", "Variables", "Cases", "Sources")
CONTAINERS += ("Notes", "Links", "Sets", "Graphs")


def q(tag: str) -> str:
    return f"{{{PROJECT_NAMESPACE}}}{tag}"


@dataclass
class Qdpx:
    """An export, unpacked: the ZIP, the project document and the source texts."""

    data: bytes
    names: list[str]
    qde: bytes
    root: ET.Element
    texts: dict[str, str]  # TextSource guid -> its plain text

    @classmethod
    def read(cls, data: bytes) -> Qdpx:
        archive = zipfile.ZipFile(io.BytesIO(data))
        root = ET.fromstring(archive.read("project.qde"))
        texts = {}
        for source in root.iter(q("TextSource")):
            path = source.get("plainTextPath")
            raw = archive.read("sources/" + path.removeprefix("internal://"))
            texts[source.get("guid")] = raw.decode("utf-8")
        return cls(data, archive.namelist(), archive.read("project.qde"), root, texts)

    def elements(self, tag: str) -> list[ET.Element]:
        return list(self.root.iter(q(tag)))

    def guids(self, tag: str) -> dict[str, ET.Element]:
        return {e.get("guid"): e for e in self.elements(tag)}

    def case_selections(self) -> list[ET.Element]:
        """The selections that link a case to its whole text (coded with a case code)."""
        cases = self.guids("Case")
        return [
            selection
            for selection in self.elements("PlainTextSelection")
            if selection.find(q("Coding")).find(q("CodeRef")).get("targetGUID") in cases
        ]

    def coded_selections(self) -> list[ET.Element]:
        """The selections of coded sentences."""
        links = set(map(id, self.case_selections()))
        return [s for s in self.elements("PlainTextSelection") if id(s) not in links]

    def selections(self) -> dict[str, tuple[str, ET.Element]]:
        """Selection guid -> (the text it covers, the element), for coded sentences."""
        found = {}
        coded = set(map(id, self.coded_selections()))
        for source in self.elements("TextSource"):
            text = self.texts[source.get("guid")]
            for selection in source.iter(q("PlainTextSelection")):
                if id(selection) not in coded:
                    continue
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                assert 0 <= start <= end <= len(text)
                found[selection.get("guid")] = (text[start:end], selection)
        return found

    def user(self, name: str) -> str:
        (guid,) = [u.get("guid") for u in self.elements("User") if u.get("name") == name]
        return guid

    def variable_values(self, informant: str) -> dict[str, tuple[str, str]]:
        """Variable name -> (value element tag, value) for one case."""
        names = {v.get("guid"): v.get("name") for v in self.elements("Variable")}
        (case,) = [c for c in self.elements("Case") if c.get("name") == informant]
        values = {}
        for value in case.iter(q("VariableValue")):
            ref, typed = list(value)
            values[names[ref.get("targetGUID")]] = (typed.tag.split("}")[1], typed.text)
        return values


def check_integrity(export: Qdpx) -> None:
    """What the schema cannot check: references, GUID spelling, ZIP entries, no empty lists."""
    root = export.root
    guids = [e.get("guid") for e in root.iter() if e.get("guid") is not None]
    # A case shares its GUID with its case code, as QualCoder reads cases; nothing else.
    shared = sorted(
        (e.get("guid"), e.tag) for e in root.iter() if e.get("guid") in set(export.guids("Case"))
    )
    assert shared == sorted(
        (g, q(tag)) for g in export.guids("Case") for tag in ("Case", "Code")
    ), "a case without its case code"
    assert len(guids) - len(shared) // 2 == len(set(guids)), "duplicate GUIDs"
    assert all(GUID.fullmatch(g) for g in guids), "GUIDs must be lower-case, without braces"
    targets = {
        "CodeRef": export.guids("Code"),
        "SourceRef": export.guids("TextSource"),
        "VariableRef": export.guids("Variable"),
        "SelectionRef": export.guids("PlainTextSelection"),
        "NoteRef": export.guids("Note"),
    }
    users = export.guids("User")
    for element in root.iter():
        tag = element.tag.split("}")[1]
        if tag in targets:
            assert element.get("targetGUID") in targets[tag], f"dangling {tag}"
        for attribute in ("creatingUser", "modifyingUser", "creatingUserGUID", "modifyingUserGUID"):
            if element.get(attribute) is not None:
                assert element.get(attribute) in users, f"{tag}/@{attribute} is no User"
        if tag in CONTAINERS:
            assert len(element), f"empty <{tag}>"
        if tag == "Coding":
            assert [c.tag for c in element] == [q("CodeRef")]
        for attribute in ("plainTextPath", "richTextPath", "path"):
            path = element.get(attribute) or ""
            if path.startswith("internal://"):
                assert "sources/" + path.removeprefix("internal://") in export.names
    assert export.names[0] == "project.qde"
    assert not [n for n in export.names if n.endswith("/")], "no directory entries"
    assert len(export.names) == 1 + len(export.texts)
    assert all(n.startswith("sources/") and n.endswith(".txt") for n in export.names[1:])
    for text in export.texts.values():
        assert "\ufeff" not in text and "\r" not in text


def coding_keys(export: Qdpx) -> set[tuple[str, str]]:
    """(selection guid, code guid) of every Coding."""
    return {
        (selection.get("guid"), coding.find(q("CodeRef")).get("targetGUID"))
        for selection in export.coded_selections()
        for coding in selection.iter(q("Coding"))
    }


def expected_keys(analysis) -> set[tuple[str, str]]:
    codings = analysis.reduction.codings
    return {
        (make_guid("selection", s), code_guid(analysis.codebook, c, p))
        for s, c, p in zip(
            codings["segment_id"], codings["criterion"], codings["polarity"], strict=True
        )
    }


def assert_offsets_exact(export: Qdpx, analysis) -> None:
    """Every coded segment is one selection whose text is the coding's segment text
    (with the control characters XML forbids replaced by U+FFFD, one for one)."""
    selections = export.selections()
    codings = analysis.reduction.codings
    for segment_id, text in zip(codings["segment_id"], codings["text"], strict=True):
        covered, element = selections[make_guid("selection", segment_id)]
        text = CONTROL.sub("\ufffd", text)
        assert covered == text, segment_id
        flat = " ".join(text.split())
        assert element.get("name") == flat or (
            len(flat) > NAME_LENGTH and element.get("name").endswith("...")
        )
    assert len(selections) == codings["segment_id"].nunique()
    assert coding_keys(export) == expected_keys(analysis)
    codings = [c for s in export.coded_selections() for c in s.iter(q("Coding"))]
    assert len(codings) == len(expected_keys(analysis))


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schemas():
    import xmlschema

    return xmlschema.XMLSchema10(str(PROJECT_XSD)), xmlschema.XMLSchema10(str(CODEBOOK_XSD))


@pytest.fixture(scope="module")
def sample():
    return ektp_qual.analyse()


@pytest.fixture(scope="module")
def sample_export(sample) -> Qdpx:
    return Qdpx.read(project_qdpx(sample, created=FIXED))


def validate(schema, document: bytes) -> list[str]:
    return [str(error) for error in schema.iter_errors(io.BytesIO(document))]


# A transcript saved on Windows: BOM, CRLF; emoji (outside the BMP) before coded text;
# accented words; the informant's name, a NIK and a phone number in coded sentences.
SMALL = {
    "M1": (
        {"name": "Ibu Ratna Sari (pseudonym)", "age": 41, "interviewed": "2013-03-14"},
        [
            ("P", "Bagaimana sikap petugas saat melayani?"),
            ("M1", "Saya Ratna 😀, petugasnya ramah sekali."),
            ("M1", "NIK saya 3171012345678901 dan petugasnya sopan 👍🏽 kok."),
            ("P", "Bagaimana kecepatan proses perekaman, cepat atau lambat?"),
            ("M1", "Antrian panjang di kantor Désa, café depan penuh, prosesnya lambat."),
            ("M1", "Nomor HP saya 0812-3456-7890, pelayanannya gratis kok, kata Bu Ratna."),
        ],
    ),
    "M2": (
        {"name": "Pak Andi", "age": 35.5, "interviewed": "belum tahu"},
        [
            ("P", "Bagaimana sikap petugas saat melayani?"),
            ("M2", "Pelayanannya sabar\x07 sekali, petugasnya ramah 🙂 dan ceria."),
        ],
    ),
}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    corpus = folder / "corpus"
    corpus.mkdir()
    for informant, (attributes, turns) in SMALL.items():
        text = transcript_text(informant, "masyarakat", turns, **attributes)
        data = "\ufeff" + text.replace("\n", "\r\n")
        (corpus / f"{informant}.txt").write_bytes(data.encode("utf-8"))
    book = folder / "codebook.yaml"
    book.write_text(MINI_CODEBOOK, encoding="utf-8")
    return corpus, book


# --- the sample -------------------------------------------------------------------------


def test_the_sample_is_valid_against_both_schemas(schemas, sample, sample_export):
    project_schema, codebook_schema = schemas
    assert validate(project_schema, sample_export.qde) == []
    assert validate(codebook_schema, codebook_qdc(sample.codebook)) == []


def test_references_resolve_and_guids_are_unique(sample_export):
    check_integrity(sample_export)
    assert sample_export.root.get("origin") == ORIGIN
    assert len(sample_export.texts) == 19


def test_every_coding_slices_its_segment_text(sample, sample_export):
    assert_offsets_exact(sample_export, sample)
    # Masks in M02, M06 and PK01 shift the offsets after them; the coded text still matches.
    assert any(NAME_MASK in text for text in sample_export.texts.values())


def test_codes_follow_the_naming_scheme(sample, sample_export):
    book = sample.codebook
    codes = sample_export.root.find(q("CodeBook")).find(q("Codes"))[: len(book.criteria)]
    assert len(codes) == len(book.criteria)
    for element, criterion in zip(codes, book.criteria, strict=True):
        assert element.get("name") == f"{criterion.id}: {criterion.label}"
        assert element.get("name") == criterion_code_name(criterion)
        assert element.get("isCodable") == "false"
        assert element.get("guid") == code_guid(book, criterion.id)
        assert parse_code_name(element.get("name")) == (criterion.id, None)
        description = element.find(q("Description")).text
        assert criterion.label_en in description
        assert " ".join(criterion.definition.split()) in description
        children = element.findall(q("Code"))
        assert [c.get("name") for c in children] == [f"{criterion.id} +", f"{criterion.id} -"]
        for child, polarity in zip(children, ("positive", "negative"), strict=True):
            assert child.get("isCodable") == "true"
            assert child.get("guid") == code_guid(book, criterion.id, polarity)
            assert child.get("name") == polarity_code_name(criterion.id, polarity)
            assert parse_code_name(child.get("name")) == (criterion.id, polarity)
    assert parse_code_name("Some other tool's code") is None


def test_the_codebook_file_has_the_projects_codes(sample, sample_export):
    qdc = ET.fromstring(codebook_qdc(sample.codebook))
    assert qdc.tag == f"{{{CODEBOOK_NAMESPACE}}}CodeBook"
    assert qdc.get("origin") == f"ektp-qual {ektp_qual.__version__}"

    def codes(root: ET.Element, ns: str) -> list[tuple]:
        return [
            (c.get("guid"), c.get("name"), c.get("isCodable"), c.findtext(f"{{{ns}}}Description"))
            for c in root.iter(f"{{{ns}}}Code")
        ]

    cases = set(sample_export.guids("Case")) | {code_guid(sample.codebook, CASES_CODE)}
    project = [c for c in codes(sample_export.root, PROJECT_NAMESPACE) if c[0] not in cases]
    assert codes(qdc, CODEBOOK_NAMESPACE) == project


def test_informants_are_cases_with_typed_variables(sample, sample_export):
    variables = {v.get("name"): v.get("typeOfVariable") for v in sample_export.elements("Variable")}
    assert variables["role"] == "Text"
    assert variables["age"] == "Integer"
    assert variables["interviewed"] == "Date"
    assert variables["gender"] == "Text"
    assert "name" not in variables
    m01 = sample_export.variable_values("M01")
    assert m01["role"] == ("TextValue", "masyarakat")
    assert m01["age"] == ("IntegerValue", "45")
    assert m01["interviewed"] == ("DateValue", "2013-03-14")
    assert "position" not in m01  # M01 has none: no VariableValue, never an empty one
    assert sample_export.variable_values("PK02")["position"][1] == "Operator Perekaman e-KTP"
    sources = sample_export.guids("TextSource")
    for case in sample_export.elements("Case"):
        (ref,) = case.findall(q("SourceRef"))
        assert sources[ref.get("targetGUID")].get("name") == f"{case.get('name')}.txt"
    assert sorted(c.get("name") for c in sample_export.elements("Case")) == sorted(
        sample.corpus.informants
    )


def test_the_automatic_coder_is_a_user(sample_export):
    auto = sample_export.user(AUTOMATIC_CODER)
    assert [u.get("name") for u in sample_export.elements("User")] == [AUTOMATIC_CODER]
    assert {c.get("creatingUser") for c in sample_export.elements("Coding")} == {auto}
    description = sample_export.elements("PlainTextSelection")[0].findtext(q("Description"))
    assert "[automatic]" in description and "rule " in description


def test_exports_are_deterministic(sample):
    first, second = project_qdpx(sample), project_qdpx(sample)
    a, b = zipfile.ZipFile(io.BytesIO(first)), zipfile.ZipFile(io.BytesIO(second))
    assert a.namelist() == b.namelist()
    for name in a.namelist():
        assert DATES.sub(b"", a.read(name)) == DATES.sub(b"", b.read(name)), name
    stamp = ET.fromstring(a.read("project.qde")).get("creationDateTime")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
    assert project_qdpx(sample, created=FIXED) == project_qdpx(sample, created=FIXED)
    for info in a.infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.compress_type == zipfile.ZIP_DEFLATED
    assert codebook_qdc(sample.codebook) == codebook_qdc(sample.codebook)


def test_losses_name_what_is_not_carried(sample):
    losses = " ".join(export_losses(sample))
    for lost in ("threshold 0.75", "verdict", "Stances", "negators", "rejected", "masked"):
        assert lost in losses
    description = ET.fromstring(
        zipfile.ZipFile(io.BytesIO(project_qdpx(sample))).read("project.qde")
    ).findtext(q("Description"))
    assert "'<criterion id> +'" in description and "threshold 0.75" in description


# --- a small corpus: BOM, CRLF, emoji, accents, personal data ---------------------------


def test_offsets_survive_bom_crlf_emoji_and_masks(schemas, small):
    corpus, book = small
    analysis = ektp_qual.analyse(corpus, book)
    export = Qdpx.read(project_qdpx(analysis))
    assert validate(schemas[0], export.qde) == []
    check_integrity(export)
    codings = analysis.reduction.codings
    assert {"attitude", "professionalism", "reliability"} <= set(codings["criterion"])
    assert_offsets_exact(export, analysis)
    covered = " ".join(text for text, _ in export.selections().values())
    for token in ("[NAME] 😀", "[NIK]", "[PHONE]", "Désa", "🙂"):
        assert token in covered
    everything = export.data + b"".join(t.encode() for t in export.texts.values())
    for personal in (b"Ratna", b"Andi", b"3171012345678901", b"0812-3456-7890"):
        assert personal not in everything
    assert "name" not in {v.get("name") for v in export.elements("Variable")}
    masker = Masker(t.name for t in analysis.corpus.transcripts)
    for transcript in analysis.corpus.transcripts:
        text = export.texts[make_guid("source", transcript.informant)]
        assert text == masker(transcript.body).replace("\x07", "\ufffd")
    losses = " ".join(export_losses(analysis))
    assert "outside Unicode's basic plane" in losses and "U+FFFD" in losses
    assert "interviewed" in losses  # a date for M1, words for M2: exported as Text
    m2 = export.variable_values("M2")
    assert m2["age"] == ("FloatValue", "35.5")
    assert m2["interviewed"] == ("TextValue", "belum tahu")
    assert export.variable_values("M1")["age"] == ("FloatValue", "41")


def test_personal_data_only_when_asked(schemas, small):
    corpus, book = small
    analysis = ektp_qual.analyse(corpus, book, personal_data=True)
    export = Qdpx.read(project_qdpx(analysis))
    assert validate(schemas[0], export.qde) == []
    check_integrity(export)
    for transcript in analysis.corpus.transcripts:
        text = export.texts[make_guid("source", transcript.informant)]
        assert text == transcript.body.replace("\x07", "\ufffd")
    codings = analysis.reduction.codings
    bodies = {t.informant: t.body for t in analysis.corpus.transcripts}
    for informant, start, end, text in zip(
        codings["informant"], codings["start"], codings["end"], codings["text"], strict=True
    ):
        assert bodies[informant][start:end] == text
    assert_offsets_exact(export, analysis)
    covered = " ".join(text for text, _ in export.selections().values())
    for personal in ("Ratna", "3171012345678901", "0812-3456-7890"):
        assert personal in covered
    assert export.variable_values("M1")["name"] == ("TextValue", "Ibu Ratna Sari (pseudonym)")


# --- a review: reviewers are users, their codings are theirs ----------------------------


def test_reviewers_are_users_and_own_their_codings(schemas, small, tmp_path):
    corpus, book = small
    segments = ektp_qual.analyse(corpus, book, personal_data=True).reduction.segments

    def segment(starts: str) -> str:
        return segments.loc[segments["text"].str.startswith(starts), "segment_id"].iloc[0]

    ramah, sopan, andi = segment("Saya Ratna"), segment("NIK saya"), segment("Pelayanannya sabar")
    rows = [
        (ramah, "attitude", "positive", "reject", "ana", "irony", ""),
        (sopan, "reliability", "negative", "add", "ana", 'says "<pungli>" & more\x01', ""),
        (andi, "attitude", "positive", "accept", "bo", "", ""),
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([REVIEW_COLUMNS, *rows])
    review = tmp_path / "review.csv"
    review.write_text(buffer.getvalue(), encoding="utf-8")
    analysis = ektp_qual.analyse(corpus, book, review=review)
    assert analysis.reduction.review.added == 1

    export = Qdpx.read(project_qdpx(analysis))
    assert validate(schemas[0], export.qde) == []
    check_integrity(export)
    assert_offsets_exact(export, analysis)
    assert [u.get("name") for u in export.elements("User")] == [AUTOMATIC_CODER, "ana", "bo"]

    def coding(segment_id: str, criterion: str, polarity: str) -> ET.Element | None:
        target = code_guid(analysis.codebook, criterion, polarity)
        selection = export.guids("PlainTextSelection").get(make_guid("selection", segment_id))
        if selection is None:
            return None
        for element in selection.iter(q("Coding")):
            if element.find(q("CodeRef")).get("targetGUID") == target:
                return element
        return None

    assert coding(ramah, "attitude", "positive") is None  # rejected: absent
    added = coding(sopan, "reliability", "negative")
    assert added.get("creatingUser") == export.user("ana")
    assert coding(sopan, "attitude", "positive").get("creatingUser") == export.user(AUTOMATIC_CODER)
    assert coding(andi, "attitude", "positive").get("creatingUser") == export.user("bo")
    description = export.guids("PlainTextSelection")[make_guid("selection", sopan)].findtext(
        q("Description")
    )
    assert 'reliability -: manual [added by ana] note: says "<pungli>" & more' in description
    assert "accepted by bo" in export.guids("PlainTextSelection")[
        make_guid("selection", andi)
    ].findtext(q("Description"))
    assert "1 coding(s) rejected" in " ".join(export_losses(analysis))


# --- masking with offsets ---------------------------------------------------------------


def test_mask_with_offsets_reports_where_masks_are():
    masker = Masker(["Ibu Sri Wahyuni", "Nik Ahmad"])
    text = "Bu Sri 😀 NIK 1871 0215 0646 0003, HP 0812-7345-9921. Nik datang."
    masked = masker.mask_with_offsets(text)
    assert masked.text == masker(text)
    assert masked.text == "Bu [NAME] 😀 [NAME] [[NAME]], HP [PHONE]. [NAME] datang."
    assert [text[s:e] for s, e, _ in masked.spans] == [
        "Sri",
        "NIK",
        "1871 0215 0646 0003",
        "0812-7345-9921",
        "Nik",
    ]
    start, end = text.index("HP"), text.index(".") + 1
    assert masked.text[masked.position(start) : masked.position(end, end=True)] == "HP [PHONE]."
    inside = text.index("0215")  # a selection starting inside a mask takes all of it
    assert masked.text[masked.position(inside) :].startswith("[[NAME]]")
    assert masked.position(len(text), end=True) == len(masked.text)
    assert masker.mask_with_offsets("") == MaskedText("")


PIECES = ["Sri", "sri", "Nik", "NIK", "0812", "-", " ", ".", "+62", "1871", "0", "9", "😀", "é"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_masking_with_offsets_is_masking(text):
    masker = Masker(["Ibu Sri Wahyuni", "Nik"])
    masked = masker.mask_with_offsets(text)
    assert masked.text == masker(text)
    rebuilt, last = [], 0
    for start, end, replacement in masked.spans:
        assert last <= start < end
        rebuilt += [text[last:start], replacement]
        last = end
    assert "".join([*rebuilt, text[last:]]) == masked.text
    inside = {i for s, e, _ in masked.spans for i in range(s, e)}
    for i, char in enumerate(text):
        if i not in inside:
            assert masked.text[masked.position(i)] == char
            assert masked.position(i + 1, end=True) == masked.position(i) + 1


def test_cases_are_linked_the_way_qualcoder_and_nvivo_read_them(schemas, sample, sample_export):
    """QualCoder ignores a named Case's SourceRef; it links a case to the text coded with a
    code of the Case's GUID. Each case has such a code and one selection over its text."""
    assert validate(schemas[0], sample_export.qde) == []
    codes = sample_export.guids("Code")
    folder = codes[code_guid(sample.codebook, CASES_CODE)]
    assert folder.get("isCodable") == "false"
    links = {}
    for selection in sample_export.case_selections():
        (coding,) = selection.findall(q("Coding"))
        links[coding.find(q("CodeRef")).get("targetGUID")] = selection
    sources = sample_export.guids("TextSource")
    for case in sample_export.elements("Case"):
        code = codes[case.get("guid")]
        assert code.get("name") == case.get("name") and code.get("isCodable") == "true"
        assert code in list(folder)
        selection = links[case.get("guid")]
        (ref,) = case.findall(q("SourceRef"))
        source = sources[ref.get("targetGUID")]
        assert selection in list(source)
        assert selection.get("startPosition") == "0"
        assert int(selection.get("endPosition")) == len(sample_export.texts[source.get("guid")])
    assert len(links) == len(sample_export.elements("Case")) == 19
    assert "QualCoder links cases to text only that way" in " ".join(export_losses(sample))


def test_codings_and_selections_carry_their_creator_and_date(small, tmp_path):
    corpus, book = small
    segments = ektp_qual.analyse(corpus, book).reduction.segments
    sopan = segments.loc[segments["text"].str.startswith("NIK saya"), "segment_id"].iloc[0]
    review = tmp_path / "review.csv"
    review.write_text(
        ",".join(REVIEW_COLUMNS)
        + f"\n{sopan},reliability,negative,add,ana,,2024-02-03T04:05:06+07:00\n",
        encoding="utf-8",
    )
    analysis = ektp_qual.analyse(corpus, book, review=review)
    export = Qdpx.read(project_qdpx(analysis, created=FIXED))
    added = code_guid(analysis.codebook, "reliability", "negative")
    for selection in export.elements("PlainTextSelection"):
        assert selection.get("creatingUser") in export.guids("User")
        for coding in selection.findall(q("Coding")):
            assert coding.get("creatingUser") in export.guids("User")
            if coding.find(q("CodeRef")).get("targetGUID") == added:
                assert coding.get("creationDateTime") == "2024-02-02T21:05:06Z"
                assert selection.get("creationDateTime") == "2024-02-02T21:05:06Z"
            else:
                assert coding.get("creationDateTime") == "2024-05-01T12:30:00Z"


def test_utf16_offsets_count_emoji_as_nvivo_does(schemas, small):
    corpus, book = small
    analysis = ektp_qual.analyse(corpus, book)
    export = Qdpx.read(project_qdpx(analysis, offsets="utf16"))
    assert validate(schemas[0], export.qde) == []
    assert export.root.get("origin") == f"{ORIGIN} (offsets in UTF-16 units)"
    by_name = {s.get("name"): s for s in export.elements("TextSource")}
    texts = {export.texts[s.get("guid")] for s in by_name.values()}
    assert any(ch > "\uffff" for text in texts for ch in text)
    for source in by_name.values():
        units = export.texts[source.get("guid")].encode("utf-16-le")
        for selection in source.findall(q("PlainTextSelection")):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            quoted = units[2 * start : 2 * end].decode("utf-16-le")
            name = selection.get("name")
            assert " ".join(quoted.split()) == name or name.startswith("Case ")
        assert int(selection.get("endPosition")) == len(units) // 2  # the case: whole text
    with pytest.raises(ValueError, match="utf16"):
        project_qdpx(analysis, offsets="utf-8")
