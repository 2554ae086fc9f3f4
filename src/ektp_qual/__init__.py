"""ektp-qual: code interview transcripts against a YAML codebook, then run Miles and
Huberman's data reduction, data display and conclusion drawing.

The names below are loaded on first use, so that ``ektp-qual --help`` stays fast.

>>> import ektp_qual
>>> result = ektp_qual.analyse()          # the embedded e-KTP sample
>>> result.conclusion.conclusions         # verdicts with the numbers behind them
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "analyse": "pipeline",
    "reduce": "pipeline",
    "display": "pipeline",
    "conclude": "pipeline",
    "load": "pipeline",
    "Analysis": "pipeline",
    "Reduction": "pipeline",
    "Display": "pipeline",
    "Conclusion": "pipeline",
    "read_corpus": "corpus",
    "read_transcript": "corpus",
    "parse_transcript": "corpus",
    "read_survey": "readers",
    "read_codebook": "codebook",
    "parse_codebook": "codebook",
    "read_findings": "findings",
    "code_corpus": "coding",
    "Coder": "coding",
    "validate": "validation",
    "check_examples": "examples",
    "write_tables": "export",
    "sample_transcripts": "sample",
    "sample_codebook": "sample",
    "sample_findings": "sample",
    "InputError": "errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
