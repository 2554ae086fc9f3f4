"""The public API as a notebook and an editor see it: every name listed, loadable, and
typed; and importing the package stays cheap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ektp_qual


def test_every_public_name_loads_and_is_listed():
    assert set(ektp_qual.__all__) == {"__version__", *ektp_qual._EXPORTS}
    for name in ektp_qual.__all__:
        assert getattr(ektp_qual, name) is not None, name
    assert set(ektp_qual.__all__) <= set(dir(ektp_qual))


def test_every_public_call_says_what_it_is_for():
    for name in ektp_qual.__all__:
        value = getattr(ektp_qual, name)
        if callable(value):
            assert (value.__doc__ or "").strip(), name


def test_the_package_declares_its_types():
    assert (Path(ektp_qual.__file__).parent / "py.typed").is_file()


def test_importing_the_package_loads_nothing_heavy():
    heavy = "{'pandas', 'spacy', 'rich', 'matplotlib'}"
    loaded_roots = "{m.split('.')[0] for m in sys.modules}"
    code = f"import sys, ektp_qual; print(sorted({loaded_roots} & {heavy}))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_the_steps_have_names_a_notebook_does_not_shadow():
    assert ektp_qual.data_reduction is ektp_qual.reduce
    assert ektp_qual.data_display is ektp_qual.display
    assert ektp_qual.conclusion_drawing is ektp_qual.conclude


def test_the_coder_takes_files_as_the_other_calls_do(tmp_path: Path):
    """``Coder("codebook.yaml")`` in a notebook gave an AttributeError from deep inside."""
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "A1.txt").write_text(
        "---\ninformant: A1\nrole: masyarakat\n---\n"
        "P: Bagaimana sikap petugas?\nR: Petugasnya ramah sekali.\n",
        encoding="utf-8",
    )
    book = tmp_path / "codebook.yaml"
    book.write_text(ektp_qual.sample_codebook().read_text(encoding="utf-8"), encoding="utf-8")
    from_files = ektp_qual.Coder(book).code(folder)
    from_objects = ektp_qual.Coder(ektp_qual.read_codebook(book)).code(
        ektp_qual.read_corpus(folder)
    )
    assert len(from_files.codings) > 0
    assert from_files.codings.equals(from_objects.codings)
    assert ektp_qual.code_corpus(str(folder), str(book)).codings.equals(from_files.codings)
