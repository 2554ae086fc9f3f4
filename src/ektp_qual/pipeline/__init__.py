"""The whole analysis as Python calls: what each CLI command does, for notebooks.

>>> from ektp_qual import analyse
>>> result = analyse()                       # the embedded sample
>>> result.conclusion.conclusions            # a pandas DataFrame
>>> result = analyse("my_interviews/", "my_codebook.yaml")

Each argument takes a path or an object already read (``Corpus``, ``Codebook``,
``Findings``). Without transcripts and codebook, the embedded sample is used, and with
it the thesis's findings.

The calls live by kind: ``steps`` (reduction, display, conclusion, ``analyse``,
``validate``, ``verify``), ``learning`` (``suggest`` and what goes with it),
``exchange`` (``agree``, ``import_project``) and ``survey`` (``analyse_survey``). Each
is imported when one of its names is first used, so that ``code`` does not pay for the
REFI-QDA reader, the learned coder or the survey stream it never calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.lazy import lazy_exports

_EXPORTS = {
    "agree": "exchange",
    "import_project": "exchange",
    "evaluate_learned_coder": "learning",
    "suggest": "learning",
    "suggest_phrases": "learning",
    "analyse": "steps",
    "conclude": "steps",
    "conclusion_drawing": "steps",
    "data_display": "steps",
    "data_reduction": "steps",
    "display": "steps",
    "informants_table": "steps",
    "load": "steps",
    "reduce": "steps",
    "validate": "steps",
    "verify": "steps",
    "analyse_survey": "survey",
}

__all__ = [
    "agree",
    "analyse",
    "analyse_survey",
    "conclude",
    "conclusion_drawing",
    "data_display",
    "data_reduction",
    "display",
    "evaluate_learned_coder",
    "import_project",
    "informants_table",
    "load",
    "reduce",
    "suggest",
    "suggest_phrases",
    "validate",
    "verify",
]

if TYPE_CHECKING:  # what editors and type checkers see; loaded lazily at run time
    from .exchange import agree, import_project
    from .learning import evaluate_learned_coder, suggest, suggest_phrases
    from .steps import (
        analyse,
        conclude,
        conclusion_drawing,
        data_display,
        data_reduction,
        display,
        informants_table,
        load,
        reduce,
        validate,
        verify,
    )
    from .survey import analyse_survey

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
