"""The documentation is part of the contract: what it cites exists, every command is
documented, and every table has exactly the columns docs/tables.md promises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.main import get_command

import ektp_qual
from ektp_qual.cli import app

ROOT = Path(__file__).resolve().parents[1]
CITED = re.compile(
    r"\b((?:docs|benchmarks|validation|tests)/[\w./-]+\.(?:md|py|csv|yaml))"  # a project file
    r"|(?<![\w/.])([A-Z][A-Z_]+\.md)\b"  # a top-level document such as README.md
)


def _cited_paths() -> list[tuple[Path, str]]:
    sources = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    sources += sorted((ROOT / "src").rglob("*.py"))
    return [(path, "".join(cited)) for path in sources for cited in CITED.findall(path.read_text())]


@pytest.mark.parametrize(("path", "cited"), _cited_paths(), ids=lambda v: str(v))
def test_every_cited_file_exists(path: Path, cited: str):
    assert (ROOT / cited).exists(), f"{path.relative_to(ROOT)} cites {cited}, which is missing"


def _commands() -> list[tuple[str, object]]:
    root = get_command(app)
    found = []
    for name, command in root.commands.items():
        if hasattr(command, "commands"):
            found += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
        else:
            found.append((name, command))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: str(v))
def test_every_command_has_help_and_is_in_the_readme(name: str, command):
    assert (command.help or "").strip(), f"'ektp-qual {name}' has no help"
    for parameter in command.params:
        if parameter.param_type_name == "option":
            assert (parameter.help or "").strip(), f"'{name}' option {parameter.name} has no help"
    assert f"ektp-qual {name}" in (ROOT / "README.md").read_text(), name


def _documented_tables() -> dict[str, list[str]]:
    tables = {}
    for line in (ROOT / "docs" / "tables.md").read_text().splitlines():
        row = re.match(r"\| `(\w+)` \| [^|]+ \| (.+) \|$", line)
        if row:
            tables[row[1]] = [item.strip() for item in row[2].split(", ")]
    return tables


def _expected_columns(items: list[str], analysis) -> list[str]:
    """The documented columns spelled out for one study."""
    criteria = analysis.codebook.criterion_ids
    roles = list(dict.fromkeys(t.role for t in analysis.corpus.transcripts))
    attributes = list(dict.fromkeys(k for t in analysis.corpus.transcripts for k in t.attributes))
    columns: list[str] = []
    for item in items:
        tokens = re.findall(r"`([^`]+)`", item)
        if item == "case attributes":
            columns += attributes
        elif any("<criterion>" in t for t in tokens):
            columns += [t.replace("<criterion>", c) for c in criteria for t in tokens]
        elif any("<role>" in t for t in tokens):
            columns += [t.replace("<role>", r) for r in roles for t in tokens]
        else:
            assert len(tokens) == 1, item
            columns += tokens
    return columns


@pytest.fixture(scope="module")
def sample_analysis():
    return ektp_qual.analyse(verify=True)  # with the tables verification adds


def test_every_table_is_documented(sample_analysis):
    assert set(sample_analysis.tables()) == set(_documented_tables())


@pytest.mark.parametrize("table", sorted(_documented_tables()))
def test_table_columns_are_as_documented(sample_analysis, table: str):
    expected = _expected_columns(_documented_tables()[table], sample_analysis)
    assert list(sample_analysis.tables()[table].columns) == expected
