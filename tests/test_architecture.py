"""The package's layers, read from its imports: each module imports only its own layer
and the layers below it, and no two modules import each other in a cycle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import ektp_qual

SRC = Path(ektp_qual.__file__).parent
#: Bottom to top; a module may import from its own layer and any layer before it.
LAYERS = [
    "model",
    "language",
    "inputs",
    "coding",
    "analysis",
    "refi",
    "outputs",
    "loop",
    "pipeline",
    "workbench",
    "cli",
]
#: The package's own entry points, above everything.
TOP = {"ektp_qual", "ektp_qual.__main__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every ektp_qual module the file imports, at top level or inside functions."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if not target.startswith("ektp_qual"):
                continue
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _exists(candidate) else target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("ektp_qual")}
    return found


def _exists(module: str) -> bool:
    relative = Path(*module.split(".")[1:])
    return (SRC / relative).with_suffix(".py").exists() or (SRC / relative / "__init__.py").exists()


def layer(module: str) -> int:
    parts = module.split(".")
    if module in TOP:
        return len(LAYERS)
    return LAYERS.index(parts[1])


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(SRC.rglob("*.py"))}


def test_every_module_belongs_to_a_layer():
    for module in graph():
        assert module in TOP or module.split(".")[1] in LAYERS, module


def test_no_module_imports_a_layer_above_its_own():
    upward = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets
        if target not in TOP and layer(target) > layer(module)
    ]
    assert not upward, "\n".join(upward)


def test_no_import_cycles():
    edges = graph()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = [*path[path.index(module) :], module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for target in sorted(edges.get(module, ())):
            if target != module and target not in TOP:
                visit(target, [*path, module])
        done.add(module)

    for module in edges:
        visit(module, [])


def test_every_import_of_the_package_names_a_module_that_exists():
    """A relative import one dot short (``from .coding`` inside a subpackage) would only
    fail when its function runs: find it from the source instead."""
    missing = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets
        if target not in TOP and not _exists(target)
    ]
    assert not missing, "\n".join(missing)


#: What ``code`` on text transcripts never uses: the learned coder and scikit-learn, the
#: verification, the Word and subtitle readers, and the pipeline's other calls.
UNUSED_BY_CODE = {
    "sklearn",
    "scipy",
    "docx",
    "ektp_qual.coding.learned",
    "ektp_qual.analysis.verification",
    "ektp_qual.inputs.docx",
    "ektp_qual.inputs.subtitles",
    "ektp_qual.pipeline.exchange",
    "ektp_qual.pipeline.learning",
    "ektp_qual.pipeline.survey",
    "spacy.cli",
}


def test_code_on_text_transcripts_imports_only_what_it_uses(corpus_dir, mini_codebook, tmp_path):
    """Each import costs start-up time on every run of ``code``: what it does not call
    stays unloaded."""
    folder = corpus_dir(
        {"M1": ("masyarakat", [("P", "Bagaimana sikap petugas?"), ("M1", "Petugasnya ramah.")])}
    )
    argv = ["ektp-qual", "code", "-q", "-t", str(folder), "-c", str(mini_codebook)]
    argv += ["--out", str(tmp_path / "out"), "--jobs", "1"]
    code = (
        "import sys\n"
        "from ektp_qual.cli import main\n"
        f"sys.argv = {argv!r}\n"
        "try:\n    main()\nexcept SystemExit as end:\n    assert not end.code, end.code\n"
        f"print(sorted(m for m in {sorted(UNUSED_BY_CODE)!r} if m in sys.modules))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert (tmp_path / "out" / "codings.csv").exists()
    assert loaded.stdout.strip().splitlines()[-1] == "[]"


def test_spacy_without_its_command_line_still_has_all_of_it():
    """The coder imports spaCy without ``spacy.cli``; what spaCy offers stays whole:
    ``spacy.info()`` and ``import spacy.cli`` load the real modules when asked."""
    code = (
        "import sys, ektp_qual\n"
        "ektp_qual.Coder(ektp_qual.read_codebook(ektp_qual.sample_codebook()))\n"
        "import spacy\n"
        "print('spacy.cli' in sys.modules)\n"
        "print(spacy.info()['spacy_version'] == spacy.__version__)\n"
        "import spacy.cli\n"
        "print(callable(spacy.cli.download), callable(spacy.cli.info))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == ["False", "True", "True", "True"]
