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
    "agree": "pipeline",
    "import_project": "pipeline",
    "Analysis": "model.results",
    "Reduction": "model.results",
    "Display": "model.results",
    "Conclusion": "model.results",
    "read_corpus": "inputs.transcripts",
    "read_transcript": "inputs.transcripts",
    "parse_transcript": "inputs.transcripts",
    "read_survey": "inputs.readers",
    "read_codebook": "inputs.codebook",
    "parse_codebook": "inputs.codebook",
    "read_findings": "inputs.findings",
    "code_corpus": "coding.coder",
    "Coder": "coding.coder",
    "validate": "loop.validation",
    "check_examples": "loop.examples",
    "write_tables": "outputs.export",
    "sample_transcripts": "inputs.sample",
    "sample_codebook": "inputs.sample",
    "sample_findings": "inputs.sample",
    "InputError": "model.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
