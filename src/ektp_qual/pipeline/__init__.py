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
``exchange`` (``agree``, ``import_project``) and ``survey`` (``analyse_survey``).
"""

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
