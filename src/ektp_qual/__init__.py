"""ektp-qual: code interview transcripts against a YAML codebook, then run Miles and
Huberman's data reduction, data display and conclusion drawing.

The names below are loaded on first use, so that ``ektp-qual --help`` stays fast.

>>> import ektp_qual
>>> result = ektp_qual.analyse()          # the embedded e-KTP sample
>>> result.conclusion.conclusions         # verdicts with the numbers behind them
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model.lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "analyse": "pipeline",
    "analyse_survey": "pipeline",
    "reduce": "pipeline",
    "display": "pipeline",
    "conclude": "pipeline",
    "load": "pipeline",
    "data_reduction": "pipeline",
    "data_display": "pipeline",
    "conclusion_drawing": "pipeline",
    "agree": "pipeline",
    "suggest": "pipeline",
    "suggest_phrases": "pipeline",
    "evaluate_learned_coder": "pipeline",
    "import_project": "pipeline",
    "verify": "pipeline",
    "Analysis": "model.results",
    "Reduction": "model.results",
    "Display": "model.results",
    "Conclusion": "model.results",
    "Verification": "model.results",
    "VerificationSettings": "model.results",
    "read_corpus": "inputs.transcripts",
    "read_transcript": "inputs.transcripts",
    "parse_transcript": "inputs.text",
    "read_survey": "inputs.survey",
    "read_codebook": "inputs.codebook",
    "parse_codebook": "inputs.codebook",
    "read_findings": "inputs.findings",
    "code_corpus": "coding.coder",
    "Coder": "coding.coder",
    "validate": "pipeline",
    "check_examples": "loop.examples",
    "write_tables": "outputs.export",
    "sample_transcripts": "inputs.sample",
    "sample_codebook": "inputs.sample",
    "sample_findings": "inputs.sample",
    "InputError": "model.errors",
}

__all__ = [
    "Analysis",
    "Coder",
    "Conclusion",
    "Display",
    "InputError",
    "Reduction",
    "Verification",
    "VerificationSettings",
    "__version__",
    "agree",
    "analyse",
    "analyse_survey",
    "check_examples",
    "code_corpus",
    "conclude",
    "conclusion_drawing",
    "data_display",
    "data_reduction",
    "display",
    "evaluate_learned_coder",
    "import_project",
    "load",
    "parse_codebook",
    "parse_transcript",
    "read_codebook",
    "read_corpus",
    "read_findings",
    "read_survey",
    "read_transcript",
    "reduce",
    "sample_codebook",
    "sample_findings",
    "sample_transcripts",
    "suggest",
    "suggest_phrases",
    "validate",
    "verify",
    "write_tables",
]

if TYPE_CHECKING:  # what editors and type checkers see; loaded lazily at run time
    from .coding.coder import Coder, code_corpus
    from .inputs.codebook import parse_codebook, read_codebook
    from .inputs.findings import read_findings
    from .inputs.sample import sample_codebook, sample_findings, sample_transcripts
    from .inputs.survey import read_survey
    from .inputs.text import parse_transcript
    from .inputs.transcripts import read_corpus, read_transcript
    from .loop.examples import check_examples
    from .model.errors import InputError
    from .model.results import (
        Analysis,
        Conclusion,
        Display,
        Reduction,
        Verification,
        VerificationSettings,
    )
    from .outputs.export import write_tables
    from .pipeline import (
        agree,
        analyse,
        analyse_survey,
        conclude,
        conclusion_drawing,
        data_display,
        data_reduction,
        display,
        evaluate_learned_coder,
        import_project,
        load,
        reduce,
        suggest,
        suggest_phrases,
        validate,
        verify,
    )


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
