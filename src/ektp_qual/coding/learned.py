"""A coder that learns from the researcher: a linear model of each criterion's presence,
and one of the polarity shared by every criterion.

Rules find only what the codebook names; a researcher's decisions say what else counts.
This coder is trained on three things, most trusted first:

1. the sentences a researcher reviewed (any decision in force about the sentence): the
   codings the sentence ends with are its labels, every other code is a "no";
2. the codebook's ``examples`` (``positive``, ``negative``, and ``none`` as a "no" for
   both polarities of their criterion);
3. the rules' own codings of the sentences nobody reviewed, with a small weight
   (``RULE_WEIGHT``), so that the model starts where the rules are and a few decisions
   move it.

Features are the sentence's words by word key (clitics and spelling variants resolved,
``language.words``), as single words and pairs, the words of the question it answers,
the question's topic and the codes the rules gave it. The models are scikit-learn's
logistic regression (liblinear, seeded): fast on a corpus of this size, with a
probability, and weights that say why it proposes a code (``features``: the features that
weighed most for the criterion, and the one that weighed most for the polarity). A
code's probability is its criterion's times its polarity's share (``LearnedCoder``): a
few decisions are too few examples for a model of each code. See docs/learning.md for
how it was chosen.

scikit-learn and SciPy are imported only inside the functions that train and predict,
so the CLI and the rule coder never load them.
"""

from __future__ import annotations

import itertools
import re
import sys
from dataclasses import dataclass

import pandas as pd

from ..inputs.review_file import latest_decisions
from ..language.words import WordKeys
from ..model import PHRASE_SEPARATOR, POLARITIES, Codebook
from .meaning import ThemedVectorizer

#: Columns a learned analysis adds to ``codings`` (after ``note``).
LEARNED_COLUMNS = ["probability", "features"]
#: How sure the model must be before it codes a sentence, by default.
DEFAULT_THRESHOLD = 0.4
#: The weight of a sentence nobody reviewed, labelled by the rules (a reviewed one weighs 1).
RULE_WEIGHT = 0.1
#: How many features explain a prediction.
EXPLAINING_FEATURES = 3
#: The regularisation of the logistic regressions (scikit-learn's ``C``).
REGULARISATION = 4.0
SEED = 0
#: Whether each code's rare "yes" weighs as much in all as its many "no"s.
CLASS_WEIGHT: str | None = "balanced"

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_METHODS_TRUSTED = ("phrase", "negated phrase", "answer", "structural")
_KEYS = ("segment_id", "criterion", "polarity")


def models_loaded() -> bool:
    """Whether scikit-learn's models are imported already (``load_models``)."""
    return "sklearn.linear_model" in sys.modules


def load_models() -> None:
    """Import what training and predicting use: scikit-learn and SciPy's parts, about
    0.7 s on a fresh process, most of it SciPy's statistics (which scikit-learn imports
    with any of its modules). ``suggest`` imports them while a worker codes the corpus
    (``coding.parallel.code_aside``). The cycle collector is paused meanwhile: the
    modules' objects live as long as the process, and collections that walked them all
    again as they were made took a tenth of the import."""
    from .coder import no_cycle_collection

    with no_cycle_collection():
        import scipy.special  # noqa: F401
        import sklearn.decomposition
        import sklearn.feature_extraction.text
        import sklearn.linear_model
        import sklearn.preprocessing  # noqa: F401


def labels_of(codebook: Codebook) -> list[tuple[str, str]]:
    """Every code the study can give: (criterion, polarity), in codebook order."""
    return [(c.id, p) for c in codebook.criteria for p in POLARITIES]


def reviewed_segments(decisions: pd.DataFrame, segments: pd.DataFrame) -> set[str]:
    """The sentences a researcher has decided something about (and the corpus still has)."""
    if decisions is None or decisions.empty:
        return set()
    latest = latest_decisions(decisions)
    return set(latest["segment_id"]) & set(segments["segment_id"])


@dataclass
class TrainingSet:
    """Texts with their features' inputs, one 0/1 column per code, and a weight each."""

    text: list[str]
    question: list[str]
    topic: list[str]
    rules: list[str]
    labels: pd.DataFrame  # one column per "criterion:polarity", 0 or 1
    weight: list[float]


def _code(criterion: str, polarity: str) -> str:
    return f"{criterion}:{polarity}"


def rule_codes(rule_codings: pd.DataFrame) -> dict[str, list[str]]:
    """The codes the rules gave each sentence, by segment id."""
    found: dict[str, list[str]] = {}
    trusted = rule_codings[rule_codings["method"].isin(_METHODS_TRUSTED)]
    for sid, c, p in code_keys(trusted):
        found.setdefault(sid, []).append(_code(c, p))
    return found


def rule_features(segments: pd.DataFrame, by_rules: dict[str, list[str]]) -> dict[str, str]:
    """Each sentence's rule features, by segment id: the codes the rules gave it, and
    (``turn:``) those they gave the other sentences of its turn. An answer keeps to its
    topic: where the rules find one sentence of it, the next, in words no codebook lists,
    is often about the same (and this reaches it before any decision does)."""
    ids = segments["segment_id"].tolist()
    turns: dict[tuple, list[str]] = {}
    if "turn" in segments:
        for sid, informant, turn in zip(
            ids, segments["informant"].tolist(), segments["turn"].tolist(), strict=True
        ):
            turns.setdefault((informant, turn), []).append(sid)
    described = {}
    for members in turns.values() or [[sid] for sid in ids]:
        coded = {sid: by_rules.get(sid, ()) for sid in members}
        for sid in members:
            mates = sorted({c for m in members if m != sid for c in coded[m]})
            described[sid] = " ".join([*coded[sid], *(f"turn:{c}" for c in mates)])
    return described


def code_keys(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Each row's (segment_id, criterion, polarity), read column by column: iterating a
    column of Arrow strings value by value is many times slower."""
    return list(zip(*(frame[c].tolist() for c in _KEYS), strict=True))


def training_set(
    segments: pd.DataFrame,
    rule_codings: pd.DataFrame,
    codings: pd.DataFrame,
    reviewed: set[str],
    codebook: Codebook,
    *,
    rule_weight: float | None = None,
) -> TrainingSet:
    """What the learned coder learns from: reviewed sentences, examples, and the rules.

    ``rule_codings`` are the rules' codings before review (a feature of every sentence);
    ``codings`` the codings after review, whose codes on a reviewed sentence are its labels.
    """
    import numpy as np

    rule_weight = RULE_WEIGHT if rule_weight is None else rule_weight
    codes = [_code(c, p) for c, p in labels_of(codebook)]
    column = {code: k for k, code in enumerate(codes)}
    by_rules = rule_codes(rule_codings)
    described = rule_features(segments, by_rules)
    final: dict[str, set[str]] = {}
    for sid, c, p in code_keys(codings):
        if sid in reviewed:
            final.setdefault(sid, set()).add(_code(c, p))
    positives: list[set[str]] = []
    data = TrainingSet([], [], [], [], pd.DataFrame(), [])
    for sid, text, question, topic in zip(
        segments["segment_id"].tolist(),
        segments["text"].tolist(),
        segments["question"].tolist(),
        segments["topic"].tolist(),
        strict=True,
    ):
        if sid in reviewed:
            positive, weight = final.get(sid, set()), 1.0
        elif rule_weight > 0:
            positive, weight = set(by_rules.get(sid, ())), rule_weight
        else:
            continue
        data.text.append(str(text))
        data.question.append(str(question or ""))
        data.topic.append(str(topic or ""))
        data.rules.append(described[sid])
        data.weight.append(weight)
        positives.append(positive)
    for criterion in codebook.criteria:
        for example in criterion.examples:
            data.text.append(example.text)
            data.question.append(example.question)
            data.topic.append("")
            data.rules.append("")
            data.weight.append(1.0)
            positives.append(
                {_code(criterion.id, example.expected)} if example.expected != "none" else set()
            )
    labels = np.zeros((len(positives), len(codes)), dtype=int)
    for row, positive in enumerate(positives):
        for code in positive:
            if code in column:  # a code of a criterion the codebook no longer has: no label
                labels[row, column[code]] = 1
    data.labels = pd.DataFrame(labels, columns=codes)
    return data


class Features:
    """Turns sentences into the model's features, and names each feature for a reader."""

    def __init__(self, codebook: Codebook) -> None:
        self.keys = WordKeys(codebook.morphology)
        self._bases: dict[str, str] = {}
        # A sentence is trained on and then predicted: its features are made once.
        self._documents: dict[tuple, list[str]] = {}

    def words(self, text: str) -> list[str]:
        bases = self._bases
        out = []
        for word in _WORD.findall(text.lower()):
            base = bases.get(word)
            if base is None:
                base = bases[word] = self.keys.base(word)
            out.append(base)
        return out

    def documents(self, data: TrainingSet | pd.DataFrame, rules: list[str]) -> list[list[str]]:
        """Each sentence as a list of named features (a bag: repeats count)."""
        texts, questions, topics = (
            (data.text, data.question, data.topic)
            if isinstance(data, TrainingSet)
            else (list(data["text"]), list(data["question"]), list(data["topic"]))
        )
        docs = []
        made = self._documents
        for key in zip(texts, questions, topics, rules, strict=True):
            doc = made.get(key)
            if doc is None:
                doc = made[key] = self._document(*key)
            docs.append(doc)
        return docs

    def _document(self, text, question, topic, rule) -> list[str]:
        words = self.words(str(text))
        doc = [f"word {w}" for w in words]
        doc += [f"words {a} {b}" for a, b in itertools.pairwise(words)]
        doc += [f"asked {w}" for w in dict.fromkeys(self.words(str(question or "")))]
        if topic and isinstance(topic, str):
            doc.append(f"topic {topic}")
        doc += [
            f"turn {r[5:]}" if r.startswith("turn:") else f"rules {r}" for r in str(rule).split()
        ]
        return doc


@dataclass
class LearnedCoder:
    """A model of each criterion's presence (either polarity) and one of a coding's
    polarity, shared by every criterion. A few decisions give each of a dozen codes a
    handful of examples; pooled, a criterion has both polarities' and the polarity every
    criterion's, and "slow" or "rude" says negative whatever the criterion. A criterion
    with no example has no model."""

    codebook: Codebook
    features: Features
    vectorizer: object
    presence: dict[str, object]  # by criterion id
    polarity: object | None  # None when every coding so far had one polarity
    positive_share: float = 0.5  # the share of positive codings, used without a model

    @property
    def trained(self) -> bool:
        return bool(self.presence)

    def vectors(self, segments: pd.DataFrame, rules: list[str]):
        """The sentences' TF-IDF rows (unit length: their products are cosine similarities)."""
        return self.vectorizer.transform(self.features.documents(segments, rules))

    def predict(
        self, segments: pd.DataFrame, rules: list[str], explain: float = 0.0, *, matrix=None
    ) -> pd.DataFrame:
        """Each sentence's probability for each code, with the features that weighed most
        where the probability is at least ``explain`` (explaining is the slow part).
        ``matrix``: the sentences' ``vectors``, when already computed.

        A code's probability is its criterion's presence times its polarity's probability
        over the likelier polarity's: the likelier polarity gets the criterion's whole
        probability, so a threshold reads as "how sure that the criterion is here".

        Columns: ``segment_id, criterion, polarity, probability, features``; one row per
        sentence and code of a criterion that has a model.
        """
        import numpy as np

        columns = ["segment_id", "criterion", "polarity", "probability", "features"]
        if segments.empty or not self.trained:
            return pd.DataFrame(columns=columns)
        if matrix is None:
            matrix = self.vectors(segments, rules)
        names = np.asarray(self.vectorizer.get_feature_names_out())
        ids = segments["segment_id"].to_numpy()
        present = _probabilities(list(self.presence.values()), matrix)
        if self.polarity is None:
            positive = np.full(len(ids), self.positive_share)
        else:
            positive = _probabilities([self.polarity], matrix)[:, 0]
        likelier = np.maximum(positive, 1 - positive)
        share = {"positive": positive / likelier, "negative": (1 - positive) / likelier}
        tone: dict[str, object] = {}
        if self.polarity is not None and explain <= 1:
            weights = self.polarity.coef_[0]
            for polarity, sign in (("positive", 1), ("negative", -1)):
                tone[polarity] = matrix.multiply(sign * weights).tocsr()
        codes, probabilities, explained = [], [], []
        for k, (criterion, model) in enumerate(self.presence.items()):
            contributions = None
            for polarity in POLARITIES:
                probability = (present[:, k] * share[polarity]).round(3)
                codes.append((criterion, polarity))
                probabilities.append(probability)
                if not (probability >= explain).any():
                    explained += [""] * len(probability)
                    continue
                if contributions is None:
                    contributions = matrix.multiply(model.coef_[0]).tocsr()
                explained += [
                    _top_features(contributions, row, names, tone.get(polarity), polarity)
                    if p >= explain
                    else ""
                    for row, p in enumerate(probability)
                ]
        criteria, polarities = zip(*codes, strict=True)
        return pd.DataFrame(
            {
                "segment_id": np.tile(ids, len(codes)),
                "criterion": np.repeat(criteria, len(ids)),
                "polarity": np.repeat(polarities, len(ids)),
                "probability": np.concatenate(probabilities),
                "features": explained,
            },
            columns=columns,
        )


def _probabilities(models: list, matrix):
    """Every model's probability in one product: each column is one model's decision
    function, summed as its own ``predict_proba`` sums it (the same probabilities)."""
    import numpy as np
    from scipy.special import expit

    weights = np.column_stack([model.coef_[0] for model in models])
    bias = np.array([model.intercept_[0] for model in models])
    return expit(np.asarray(matrix @ weights) + bias)


def _top_features(weights, row: int, names, tone=None, polarity: str = "") -> str:
    """The named features that pushed a sentence most towards a criterion, strongest
    first, then the theme that pushed it most (``coding.meaning``), if one did, then the
    named feature that pushed it most towards the polarity (``negative: word lambat``)."""
    start, end = weights.indptr[row], weights.indptr[row + 1]
    values, index = weights.data[start:end], weights.indices[start:end]
    named: list[str] = []
    themes: list[str] = []
    for i in values.argsort(kind="stable")[::-1]:
        if values[i] <= 0 or (len(named) == EXPLAINING_FEATURES and themes):
            break
        name = str(names[index[i]])
        kind = themes if name.startswith("theme ") else named
        if len(kind) < (1 if kind is themes else EXPLAINING_FEATURES):
            kind.append(name)
    toned: list[str] = []
    if tone is not None:
        start, end = tone.indptr[row], tone.indptr[row + 1]
        values, index = tone.data[start:end], tone.indices[start:end]
        for i in values.argsort(kind="stable")[::-1]:
            name = str(names[index[i]])
            if values[i] <= 0:
                break
            if not name.startswith("theme "):
                toned.append(f"{polarity}: {name}")
                break
    return PHRASE_SEPARATOR.join([*named, *themes, *toned])


@dataclass
class Vectorised:
    """Training sentences as TF-IDF rows, made once for every model trained on them (the
    folds that choose a threshold differ in labels and weights, never in sentences)."""

    features: Features
    vectorizer: object
    matrix: object
    documents: list[list[str]]


def vectorise(data: TrainingSet, codebook: Codebook, features: Features | None = None):
    """The features of ``data``'s sentences, weighted by TF-IDF, with their themes
    (``coding.meaning``)."""
    features = features or Features(codebook)
    docs = features.documents(data, data.rules)
    if not any(docs):  # nothing with a word in it (sentences of numbers): nothing to learn
        return Vectorised(features, None, None, docs)
    vectorizer = ThemedVectorizer()
    return Vectorised(features, vectorizer, vectorizer.fit_transform(docs), docs)


def train(
    data: TrainingSet, codebook: Codebook, vectorised: Vectorised | None = None
) -> LearnedCoder:
    """Fit a logistic regression of each criterion's presence (where it has a positive
    sentence) and one of the codings' polarity (``LearnedCoder``).
    ``vectorised``: ``data``'s sentences already vectorised (made again if they differ)."""
    import numpy as np
    from sklearn import config_context
    from sklearn.linear_model import LogisticRegression

    if vectorised is None or vectorised.features.documents(data, data.rules) != (
        vectorised.documents
    ):
        vectorised = vectorise(data, codebook, vectorised.features if vectorised else None)
    if vectorised.vectorizer is None:
        return LearnedCoder(codebook, vectorised.features, None, {}, None)

    def fit(matrix, y, weight):
        # Fewer sentences than features (a study's usual shape): liblinear's dual problem
        # is the faster way to the same model (probabilities within 1e-5 on the sample).
        rows, columns = matrix.shape
        model = LogisticRegression(
            C=REGULARISATION,
            solver="liblinear",
            dual=rows < columns,
            random_state=SEED,
            max_iter=1000,
            class_weight=CLASS_WEIGHT,
        )
        # The settings are ours and the features finite: checking them again for each of
        # the dozens of models a suggestion trains was a tenth of its time.
        with config_context(assume_finite=True, skip_parameter_validation=True):
            model.fit(matrix, y, sample_weight=weight)
        return model

    labels = data.labels
    weight = np.asarray(data.weight, dtype=float)
    presence: dict[str, object] = {}
    for criterion in codebook.criterion_ids:
        y = labels[[_code(criterion, p) for p in POLARITIES]].to_numpy().max(axis=1)
        if 0 < y.sum() < len(y):
            presence[criterion] = fit(vectorised.matrix, y, weight)
    # A coded sentence is one example: positive when any of its codings is (one example
    # per coding, a mixed sentence being one of each, did worse on the tuning studies).
    coded = np.flatnonzero(labels.to_numpy().max(axis=1))
    y = labels[[c for c in labels.columns if c.endswith(":positive")]].to_numpy()
    y = y.max(axis=1)[coded]
    polarity = None
    if 0 < y.sum() < len(y):
        polarity = fit(vectorised.matrix[coded], y, weight[coded])
    share = float(y.mean()) if len(y) else 0.5
    return LearnedCoder(
        codebook, vectorised.features, vectorised.vectorizer, presence, polarity, share
    )


def learned_coder(
    segments: pd.DataFrame,
    rule_codings: pd.DataFrame,
    codings: pd.DataFrame,
    reviewed: set[str],
    codebook: Codebook,
    *,
    threshold: float | None = DEFAULT_THRESHOLD,
) -> tuple[LearnedCoder, float]:
    """The learned coder trained on a study's decisions, examples and rules, and how sure
    it must be to code: ``threshold``, or if None the one ``chosen_threshold`` finds."""
    data = training_set(segments, rule_codings, codings, reviewed, codebook)
    vectorised = vectorise(data, codebook)
    coder = train(data, codebook, vectorised)
    if threshold is None:
        threshold = chosen_threshold(
            segments, rule_codings, codings, reviewed, codebook, vectorised=vectorised
        )
    return coder, threshold


def learned_codings(
    segments: pd.DataFrame,
    rule_codings: pd.DataFrame,
    codings: pd.DataFrame,
    decisions: pd.DataFrame | None,
    codebook: Codebook,
    *,
    threshold: float | None = None,
) -> pd.DataFrame:
    """The codings the learned coder adds: sentences nobody reviewed, codes the rules did
    not give them (nor the other polarity of), with at least ``threshold`` probability
    (None: the one ``chosen_threshold`` finds on the decisions).

    Columns: ``segment_id, criterion, polarity, probability, features``.
    """
    reviewed = reviewed_segments(decisions, segments)
    coder, threshold = learned_coder(
        segments, rule_codings, codings, reviewed, codebook, threshold=threshold
    )
    described = rule_features(segments, rule_codes(rule_codings))
    open_segments = segments[~segments["segment_id"].isin(reviewed)]
    predicted = coder.predict(
        open_segments,
        _rules_of(open_segments, described),
        explain=threshold,
    )
    coded = set(code_keys(codings))
    return sure_codes(predicted, coded, threshold).sort_index().reset_index(drop=True)


#: The columns of the cross-validated evaluation, one row per criterion and overall.
EVALUATION_COLUMNS = [
    "criterion",
    "reviewed",
    "reference",
    "rules_precision",
    "rules_recall",
    "rules_f1",
    "learned_precision",
    "learned_recall",
    "learned_f1",
]
#: The columns of the learning curve: quality against reviewed sentences trained on.
CURVE_COLUMNS = ["trained_on", "rules_f1", "learned_f1"]
FOLDS = 5


@dataclass
class Evaluation:
    """How well the learned coder predicts the researcher's decisions it was not shown."""

    scores: pd.DataFrame  # EVALUATION_COLUMNS
    curve: pd.DataFrame  # CURVE_COLUMNS
    reviewed: int = 0
    folds: int = 0
    threshold: float = DEFAULT_THRESHOLD  # how sure the learned coder had to be


def _folds(reviewed: list[str], informant_of: dict[str, str], folds: int) -> list[set[str]]:
    """Test sets: by informant when enough informants were reviewed (a model must not
    learn an informant's way of talking from the test set), else by sentence."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    people = sorted({informant_of[s] for s in reviewed})
    if len(people) >= folds:
        order = list(rng.permutation(people))
        groups = [set(order[k::folds]) for k in range(folds)]
        return [{s for s in reviewed if informant_of[s] in g} for g in groups]
    order = list(rng.permutation(sorted(reviewed)))
    return [set(order[k::folds]) for k in range(folds) if order[k::folds]]


def _scores(found: set[tuple[str, str, str]], truth: set[tuple[str, str, str]], criterion: str):
    if criterion != "overall":
        found = {f for f in found if f[1] == criterion}
        truth = {t for t in truth if t[1] == criterion}
    hits = len(found & truth)
    precision = hits / len(found) if found else float("nan")
    recall = hits / len(truth) if truth else float("nan")
    f1 = 2 * hits / (len(found) + len(truth)) if found or truth else float("nan")
    return len(truth), precision, recall, f1


def evaluate(
    segments: pd.DataFrame,
    rule_codings: pd.DataFrame,
    codings: pd.DataFrame,
    decisions: pd.DataFrame | None,
    codebook: Codebook,
    *,
    threshold: float | None = None,
    folds: int = FOLDS,
    curve_points: int = 6,
) -> Evaluation:
    """Cross-validated precision, recall and F1 of the rules, and of the rules with the
    learned coder, against the researcher's decided sentences; and a learning curve.

    Each fold hides some reviewed sentences (whole informants when enough were
    reviewed), trains on the rest, and codes the hidden ones as ``code --learn`` would.
    """
    reviewed = sorted(reviewed_segments(decisions, segments))
    empty = Evaluation(
        pd.DataFrame(columns=EVALUATION_COLUMNS), pd.DataFrame(columns=CURVE_COLUMNS)
    )
    if len(reviewed) < 2:
        return empty
    # Every fold learns from the same sentences (labelled by review or by the rules):
    # their features are made once.
    vectorised = vectorise(
        training_set(segments, rule_codings, codings, set(reviewed), codebook), codebook
    )
    if threshold is None:
        threshold = chosen_threshold(
            segments, rule_codings, codings, set(reviewed), codebook, vectorised=vectorised
        )
    informant_of = _informants(segments)
    truth_all = {k for k in code_keys(codings) if k[0] in set(reviewed)}
    rules_all = set(code_keys(rule_codings))
    tests = _folds(reviewed, informant_of, min(folds, len(reviewed)))
    described = rule_features(segments, rule_codes(rule_codings))
    fractions = [(k + 1) / curve_points for k in range(curve_points)]
    found_rules: set = set()
    found_learned: set = set()
    curve: dict[float, tuple[set, set, int]] = {f: (set(), set(), 0) for f in fractions}
    import numpy as np

    rng = np.random.default_rng(SEED)
    for test in tests:
        train_on = [s for s in reviewed if s not in test]
        hidden = segments[segments["segment_id"].isin(test)]
        rules_here = {k for k in rules_all if k[0] in test}
        found_rules |= rules_here
        order = list(rng.permutation(train_on))
        for fraction in fractions:
            shown = set(order[: round(fraction * len(order))])
            data = training_set(segments, rule_codings, codings, shown, codebook)
            # The hidden sentences are labelled by the rules alone, as if nobody reviewed them.
            coder = train(data, codebook, vectorised)
            predicted = coder.predict(hidden, _rules_of(hidden, described), explain=2.0)
            learned = _kept(predicted, rules_here, threshold)
            truth = {t for t in truth_all if t[0] in test}
            f_truth, f_found, n = curve[fraction]
            curve[fraction] = (f_truth | truth, f_found | rules_here | learned, n + len(shown))
            if fraction == fractions[-1]:
                found_learned |= rules_here | learned
    criteria = [*codebook.criterion_ids, "overall"]
    rows = []
    for criterion in criteria:
        reference, rp, rr, rf = _scores(found_rules, truth_all, criterion)
        _, lp, lr, lf = _scores(found_learned, truth_all, criterion)
        rows.append((criterion, len(reviewed), reference, rp, rr, rf, lp, lr, lf))
    scores = pd.DataFrame(rows, columns=EVALUATION_COLUMNS).round(3)
    curve_rows = [
        (
            round(n / len(tests)),
            _scores(found_rules, truth_all, "overall")[3],
            _scores(found, truth, "overall")[3],
        )
        for truth, found, n in curve.values()
    ]
    return Evaluation(
        scores,
        pd.DataFrame(curve_rows, columns=CURVE_COLUMNS).round(3),
        len(reviewed),
        len(tests),
        threshold,
    )


#: The thresholds ``chosen_threshold`` weighs.
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
#: The fewest reviewed sentences a threshold is chosen on; below, ``DEFAULT_THRESHOLD``.
CHOOSE_FROM = 25
#: How many decisions the default threshold weighs as, against the ones that chose.
SHRINK = 50
#: The folds that choose a threshold (each trains every code's model once more).
THRESHOLD_FOLDS = 5


def chosen_threshold(
    segments: pd.DataFrame,
    rule_codings: pd.DataFrame,
    codings: pd.DataFrame,
    reviewed: set[str],
    codebook: Codebook,
    *,
    folds: int | None = None,
    vectorised: Vectorised | None = None,
) -> float:
    """How sure the learned coder must be to code, chosen on the researcher's decisions.

    Where the rules find little, a lower threshold lets the model code the paraphrases it
    has learned; where they find much, a higher one keeps it from adding noise; which
    case a study is, its decisions tell. The threshold of ``THRESHOLDS`` whose coding of
    the reviewed sentences, each hidden in turn (``_folds``) and learned from the rest,
    is nearest the researcher's (F1; among equals the nearest the default) is then drawn
    towards ``DEFAULT_THRESHOLD`` as if ``SHRINK`` more decisions had chosen it: the
    reviewed sentences are the ones ``suggest`` found hardest, where the rules miss most,
    so they alone choose too low. Fewer than ``CHOOSE_FROM`` decisions: the default."""
    ordered = sorted(reviewed)
    if len(ordered) < CHOOSE_FROM:
        return DEFAULT_THRESHOLD
    informant_of = _informants(segments)
    truth = {k for k in code_keys(codings) if k[0] in reviewed}
    rules_all = set(code_keys(rule_codings))
    described = rule_features(segments, rule_codes(rule_codings))
    hits = {t: 0 for t in THRESHOLDS}
    found = {t: 0 for t in THRESHOLDS}
    for test in _folds(ordered, informant_of, folds or THRESHOLD_FOLDS):
        shown = reviewed - test
        data = training_set(segments, rule_codings, codings, shown, codebook)
        coder = train(data, codebook, vectorised)
        hidden = segments[segments["segment_id"].isin(test)]
        predicted = coder.predict(hidden, _rules_of(hidden, described), explain=2.0)
        rules_here = {k for k in rules_all if k[0] in test}
        sure = sure_codes(predicted, rules_here, min(THRESHOLDS))
        for t in THRESHOLDS:  # the likelier polarity stays the likelier at every threshold
            kept = sure[sure["probability"] >= t]
            coded = rules_here | set(code_keys(kept))
            hits[t] += len(coded & truth)
            found[t] += len(coded)
    f1 = {
        t: 2 * hits[t] / (found[t] + len(truth)) if found[t] + len(truth) else 0.0
        for t in THRESHOLDS
    }
    best = max(THRESHOLDS, key=lambda t: (round(f1[t], 9), -abs(t - DEFAULT_THRESHOLD)))
    n = len(ordered)
    return round((n * best + SHRINK * DEFAULT_THRESHOLD) / (n + SHRINK), 3)


def _rules_of(segments: pd.DataFrame, described: dict[str, str]) -> list[str]:
    """The rule features (``rule_features``) of some of the sentences, in their order."""
    return [described[s] for s in segments["segment_id"].tolist()]


def _informants(segments: pd.DataFrame) -> dict[str, str]:
    return dict(zip(segments["segment_id"].tolist(), segments["informant"].tolist(), strict=True))


def sure_codes(predicted: pd.DataFrame, coded: set[tuple[str, str, str]], threshold: float):
    """The learned codes ``code --learn`` keeps: sure enough, on a criterion the sentence's
    other codings left alone, and of the two polarities the likelier."""
    taken = {(s, c) for s, c, _ in coded}
    sure = predicted[predicted["probability"] >= threshold].sort_values(
        "probability", ascending=False, kind="stable"
    )
    open_ = [
        (s, c) not in taken
        for s, c in zip(sure["segment_id"].tolist(), sure["criterion"].tolist(), strict=True)
    ]
    sure = sure[pd.Series(open_, index=sure.index, dtype=bool)]
    return sure.drop_duplicates(["segment_id", "criterion"])


def _kept(predicted: pd.DataFrame, rules: set[tuple[str, str, str]], threshold: float) -> set:
    return set(code_keys(sure_codes(predicted, rules, threshold)))
