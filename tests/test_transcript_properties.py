"""Property tests of the transcript parser (docs/formats.md section 1).

* Any text at all either parses or raises InputError: never another exception.
* A generated well-formed transcript gives back exactly the turns it was made of:
  speakers, interviewer or not, texts, timestamps, lines, and offsets into the body
  (``body[turn.start:turn.end] == turn.text``).
* The same transcript with Windows line endings and/or a byte-order mark gives the
  same turns.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ektp_qual import InputError, parse_transcript, read_transcript
from ektp_qual.model import Transcript

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DEFAULT_INTERVIEWER = ("P", "Peneliti", "Pewawancara", "Interviewer", "Q")
ID_ALPHABET = string.ascii_letters + string.digits + "-_"

# What docs/formats.md calls a turn start: "LABEL:" then whitespace or the end of the line.
LOOKS_LIKE_LABEL = re.compile(r"[^\s:]+:(?:\s|$)")
LOOKS_LIKE_TIMESTAMP = re.compile(r"\[(?:\d{1,2}:)?\d{1,2}:\d{2}")


# --- any text: a Transcript or an InputError --------------------------------------------


def parses_or_input_error(text: str) -> None:
    try:
        result = parse_transcript(text, "fuzz.txt")
    except InputError as error:
        assert error.source == "fuzz.txt"
        assert error.problem
        assert error.line is None or error.line >= 1
        assert str(error).startswith("fuzz.txt")
    else:
        assert isinstance(result, Transcript)
        assert any(not turn.is_interviewer for turn in result.turns)
        for turn in result.turns:
            assert result.body[turn.start : turn.end] == turn.text


@SETTINGS
@given(st.text())
@example("")
@example("\r")
@example("---")
@example("---\r---\r")
@example("\ufeff---\r\ninformant: M07\r\nrole: x\r\n---\r\nM07: ya\r\n")
@example("---\ninformant: M07\nrole: x\n---\nM07: \x00\x1c\x85\u2028\x0b\n")
def test_any_text_parses_or_raises_input_error(text: str):
    parses_or_input_error(text)


# Text shaped like a transcript (front matter fences, YAML punctuation, labels, line ends of
# every kind, control characters) so the fuzzing reaches the YAML and the turn parsers.
YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(list(":-[]{},#&*!|>'\"%@`?~ \t\n\r\x00\x0b\x0c\x1c\x85\u2028\ufeff")),
        st.sampled_from(["informant", "role", "interviewer", "name", "P", "M07", "---", "2013"]),
        st.characters(codec="utf-8"),
        st.text(max_size=8),
    ),
    max_size=12,
).map("".join)
LINE = st.one_of(
    YAMLISH,
    st.sampled_from(["---", "...", "informant: M07", "role: masyarakat", "P: Tanya?"]),
    st.builds(lambda label, text: f"{label}: {text}", st.sampled_from(["P", "M07", "Q"]), YAMLISH),
)
NEWLINE = st.sampled_from(["\n", "\r\n", "\r"])


FRONT_LINE = st.one_of(
    LINE,
    st.builds(
        lambda key, value: f"{key}: {value}",
        st.sampled_from(["kelurahan", "age", "interviewer", "name", "interviewed", "role"]),
        st.one_of(YAMLISH, st.sampled_from(["P", "[P, Q]", "2013-04-18", "45", "Tim Peneliti"])),
    ),
)


@st.composite
def transcript_like(draw) -> str:
    front = draw(st.lists(FRONT_LINE, max_size=4))
    # mostly keep the two required keys, so that the fuzzing reaches the body
    for required in ("role: masyarakat", "informant: M07"):
        if draw(st.sampled_from([True, True, True, False])):
            front.insert(draw(st.integers(0, len(front))), required)
    body = draw(st.lists(LINE, max_size=6))
    newline = draw(NEWLINE)
    opener = draw(st.sampled_from(["---", "---", "--- ", "\ufeff---", ""]))
    closer = draw(st.sampled_from(["---", "---", "...", "", "----"]))
    return newline.join([opener, *front, closer, *body])


@SETTINGS
@given(transcript_like())
@example("---\ninformant: M07\nrole: masyarakat\ninterviewed: 2013-02-30\n---\nM07: Ya.\n")
@example("---\ninformant: M07\nrole: [a, b]\n---\nM07: Ya.\n")
@example("---\ninformant: M07\nrole: x\nkelurahan: {a: b}\n---\nM07: Ya.\n")
@example("---\ninformant: M07\nrole: x\ninterviewer: {a: b}\n---\nM07: Ya.\n")
@example("---\ninformant: M07\nrole: x\n? [a]\n: b\n---\nM07: Ya.\n")
@example("---\ninformant: M07\nrole: x\nx: !!python/object:os.system y\n---\nM07: Ya.\n")
@example("---\ninformant: M07\nrole: x\nx: !!int dua\n---\nM07: Ya.\n")
@example("---\ninformant: [M07]\nrole: x\n---\nM07: Ya.\n")
@example("---\ninformant: M07\nrole: x\n---\nM07:\n")
@example("---\ninformant: M07\nrole: x\n---\nM07:   \n  \n")
@example("---\ninformant: M07\nrole: masyarakat\n\x1f\n---")  # a control character
def test_transcript_like_text_parses_or_raises_input_error(text: str):
    parses_or_input_error(text)


# --- well-formed transcripts: the turns come back as written -----------------------------


@dataclass(frozen=True)
class GenTurn:
    label: str
    is_interviewer: bool
    lines: tuple[str, ...]  # first line (after "LABEL: ") then continuation lines
    timestamp: str | None

    @property
    def text(self) -> str:
        return "\n".join(self.lines).rstrip()


@dataclass(frozen=True)
class GenTranscript:
    informant: str
    interviewer: tuple[str, ...]
    interviewer_meta: str  # the front-matter line(s), "" for the default labels
    turns: tuple[GenTurn, ...]

    def text(self) -> str:
        meta = f"informant: {self.informant}\nrole: masyarakat\n{self.interviewer_meta}"
        body = []
        for turn in self.turns:
            stamp = f"[{turn.timestamp}] " if turn.timestamp else ""
            body.append(f"{turn.label}: {stamp}{turn.lines[0]}")
            body.extend(turn.lines[1:])
        return f"---\n{meta}---\n" + "\n".join(body) + "\n"

    def lines_of_turns(self) -> list[int]:
        line = 3 + self.interviewer_meta.count("\n") + 2  # '---', 2 keys, extra, '---'
        numbers = []
        for turn in self.turns:
            numbers.append(line)
            line += len(turn.lines)
        return numbers


# Characters for turn text: anything but the two line ends the parser splits on.
TEXT_CHAR = st.characters(codec="utf-8", exclude_characters="\n\r")


def not_a_label(line: str, interviewer: tuple[str, ...]) -> bool:
    if LOOKS_LIKE_LABEL.match(line):
        return False
    folded = line.casefold()
    return not any(folded.startswith(label.casefold() + ":") for label in interviewer)


@st.composite
def first_line(draw, interviewer: tuple[str, ...]) -> str:
    """Text after 'LABEL: ': starts and ends with a non-space, no timestamp look-alike."""
    text = draw(st.text(TEXT_CHAR, min_size=1, max_size=40)).strip()
    if not text or LOOKS_LIKE_TIMESTAMP.match(text):
        text = "Ya" + text
    return text


@st.composite
def continuation_line(draw, interviewer: tuple[str, ...]) -> str:
    line = draw(st.one_of(st.just(""), st.text(TEXT_CHAR, max_size=40)))
    if not line.strip():
        return ""  # a blank line: a paragraph break inside the turn
    if not not_a_label(line, interviewer):
        line = "- " + line
    return line


INFORMANT_LIKE_LABELS = st.one_of(
    st.sampled_from(["I", "Informan", "R", "Narasumber", "Bu_Sri", "M07"]),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters=":\n\r"),
        min_size=1,
        max_size=10,
    ).filter(lambda s: not any(c.isspace() for c in s)),
)
TIMESTAMPS = st.one_of(
    st.none(),
    st.builds(
        lambda h, m, s: f"{h:02d}:{m:02d}:{s:02d}",
        st.integers(0, 23),
        st.integers(0, 59),
        st.integers(0, 59),
    ),
    st.builds(lambda m, s: f"{m:02d}:{s:02d}", st.integers(0, 59), st.integers(0, 59)),
)


@st.composite
def interviewer_choice(draw) -> tuple[tuple[str, ...], str]:
    kind = draw(st.sampled_from(["default", "string", "list", "spaced"]))
    if kind == "default":
        return DEFAULT_INTERVIEWER, ""
    if kind == "string":
        label = draw(st.sampled_from(["T", "Peneliti", "Mas_Andi"]))
        return (label,), f"interviewer: {label}\n"
    if kind == "list":
        labels = tuple(
            draw(st.lists(st.sampled_from(["T", "A1", "Asisten", "P"]), min_size=1, unique=True))
        )
        return labels, f"interviewer: [{', '.join(labels)}]\n"
    labels = tuple(
        draw(
            st.lists(
                st.sampled_from(["Tim Peneliti", "Bu Ani", "P"]),
                min_size=1,
                max_size=2,
                unique=True,
            )
        )
    )
    return labels, "interviewer:\n" + "".join(f"  - {label}\n" for label in labels)


@st.composite
def well_formed(draw) -> GenTranscript:
    informant = "M" + draw(st.text(ID_ALPHABET, max_size=8))
    interviewer, interviewer_meta = draw(interviewer_choice())
    folded = {label.casefold() for label in interviewer}
    informant_labels = st.one_of(st.just(informant), INFORMANT_LIKE_LABELS).filter(
        lambda label: (
            label.casefold() not in folded
            and not any(label.casefold().startswith(s.casefold()) for s in interviewer if " " in s)
        )
    )
    n_turns = draw(st.integers(1, 8))
    informant_at = draw(st.integers(0, n_turns - 1))  # at least one informant turn
    turns = []
    for index in range(n_turns):
        asks = index != informant_at and draw(st.booleans())
        label = draw(st.sampled_from(interviewer)) if asks else draw(informant_labels)
        if asks and draw(st.booleans()):
            label = label.upper() if draw(st.booleans()) else label.lower()  # any case
        lines = [draw(first_line(interviewer))]
        lines += draw(st.lists(continuation_line(interviewer), max_size=3))
        turns.append(GenTurn(label, asks, tuple(lines), draw(TIMESTAMPS)))
    return GenTranscript(informant, interviewer, interviewer_meta, tuple(turns))


def check_turns(parsed: Transcript, generated: GenTranscript) -> None:
    assert parsed.informant == generated.informant
    assert parsed.preamble == ""
    assert len(parsed.turns) == len(generated.turns)
    for turn, expected in zip(parsed.turns, generated.turns, strict=True):
        assert parsed.body[turn.start : turn.end] == turn.text
        assert turn.speaker == expected.label
        assert turn.is_interviewer == expected.is_interviewer
        assert turn.text == expected.text
        assert turn.timestamp == expected.timestamp
    assert [turn.line for turn in parsed.turns] == generated.lines_of_turns()


@SETTINGS
@given(well_formed())
def test_well_formed_transcript_gives_back_its_turns(generated: GenTranscript):
    parsed = parse_transcript(generated.text(), "gen.txt")
    check_turns(parsed, generated)


def turn_view(t: Transcript) -> list[tuple]:
    return [(u.speaker, u.is_interviewer, u.text, u.timestamp, u.line) for u in t.turns]


@SETTINGS
@given(
    well_formed(),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
)
def test_crlf_and_bom_give_the_same_turns(generated: GenTranscript, newline: str, bom: bool):
    text = generated.text()
    variant = ("\ufeff" if bom else "") + text.replace("\n", newline)
    plain = parse_transcript(text, "gen.txt")
    parsed = parse_transcript(variant, "gen.txt")
    assert turn_view(parsed) == turn_view(plain)
    assert parsed.body == plain.body
    for turn in parsed.turns:
        assert parsed.body[turn.start : turn.end] == turn.text


@SETTINGS
@given(well_formed(), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_files_read_from_disk_give_the_same_turns(
    tmp_path_factory, generated: GenTranscript, newline: str, bom: bool
):
    path = tmp_path_factory.mktemp("gen") / "gen.txt"
    data = generated.text().replace("\n", newline).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    parsed = read_transcript(path)
    check_turns(parsed, generated)


# --- informant ids from the whole allowed alphabet --------------------------------------


IDS = st.text(ID_ALPHABET, min_size=1, max_size=8)


@SETTINGS
@given(IDS)
@example("007")
@example("1_2")
def test_quoted_informant_id_from_the_allowed_alphabet_is_kept(informant: str):
    text = f'---\ninformant: "{informant}"\nrole: masyarakat\n---\nI: Ya, ramah.\n'
    assert parse_transcript(text, "gen.txt").informant == informant


@SETTINGS
@given(IDS.filter(lambda s: s[0] != "-"))  # unquoted, '- x' would be a YAML list item
@example("007")
def test_unquoted_informant_id_from_the_allowed_alphabet_is_kept(informant: str):
    """An id of letters, digits, '-' and '_' (docs/formats.md) is the id, as written."""
    text = f"---\ninformant: {informant}\nrole: masyarakat\n---\nI: Ya, ramah.\n"
    assert parse_transcript(text, "gen.txt").informant == informant


@pytest.mark.parametrize(
    "informant", ["007", "01", "00", "1_2", "0x1F", "0b11", "yes", "NO", "on", "null"]
)
def test_zero_padded_or_word_like_id_is_kept_as_written(informant: str):
    text = f"---\ninformant: {informant}\nrole: masyarakat\n---\nI: Ya, ramah.\n"
    assert parse_transcript(text, "gen.txt").informant == informant


@pytest.mark.parametrize(
    ("line", "key", "accepted"),
    [
        pytest.param("role: no", "role", ("no",), id="role-no"),
        pytest.param("age: 010", "age", ("010", 10), id="age-octal"),
        pytest.param("durasi: 1:20:00", "durasi", ("1:20:00",), id="duration-base-60"),
    ],
)
def test_role_and_attributes_are_kept_as_written(line: str, key: str, accepted: tuple):
    meta = line if key == "role" else f"role: masyarakat\n{line}"
    parsed = parse_transcript(f"---\ninformant: M07\n{meta}\n---\nM07: Ya, ramah.\n", "gen.txt")
    value = parsed.role if key == "role" else parsed.attributes[key]
    assert value in accepted
