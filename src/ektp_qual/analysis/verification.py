"""Verification: how sure each verdict is, from what the analysis already holds.

Miles and Huberman's third step is conclusion drawing *and verification*: weighing the
evidence, looking for outliers, testing rival explanations. Every figure here applies
the study's own rule (stances by ``reduction.stances``/``stance_of``, verdicts by
``conclusion.verdicts``/``verdict_for``) to the reduction's stances or codings, changed
in one way at a time; nothing is re-read or re-coded.

* **margin**: how many deciding informants would have to change stance (to positive, or
  away from it) to flip the verdict, and that number as a share of those with a stance;
* **leave one out**: the informants whose removal alone flips it;
* **bootstrap**: the share of resamples of the deciding informants (with replacement,
  within each deciding role) in which it holds;
* **codebook sensitivity**: the share of runs, each dropping a random share of the
  codebook's phrases, in which it holds; a coding survives when one of the phrases that
  fired for it survives, and codings made without a phrase (structural, a short answer,
  a researcher's review) always do. **Pivotal phrases**: those whose removal alone
  flips it;
* **threshold sweep**: the verdict at thresholds from 0.50 to 0.95, and the one nearest
  the codebook's at which it changes;
* **subgroups**: the verdict within each value of each case attribute, and each role
  alone: a rival explanation ("only one kelurahan is unhappy").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from ..model import Codebook
from ..model.results import Reduction, Verification, VerificationSettings
from . import conclusion as concl
from . import reduction as red

#: A verdict is robust when it survives every change of one thing (at least
#: ROBUST_MARGIN informants must change stance; no one informant's and no one phrase's
#: removal flips it) and at least ROBUST_SHARE of the random ones.
ROBUST_MARGIN = 2
ROBUST_SHARE = 0.9
#: A subgroup is compared with the whole when at least this many of its informants hold
#: a stance: a group of one is an informant, which leave-one-out already weighs.
MIN_SUBGROUP = 2
#: The thresholds of the sweep.
SWEEP = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))
#: Bounds on the settings, so that no option can make a run take hours.
MAX_BOOTSTRAP = 100_000
MAX_ABLATION = 10_000
#: The row of ``verification`` about every criterion at once.
ALL = "(all)"
#: Codings whose evidence is a codebook phrase, which an ablation may drop.
PHRASE_METHODS = ("phrase", "negated phrase")

VERIFICATION_COLUMNS = [
    "criterion",
    "verdict",
    "positive",
    "with_stance",
    "share",
    "margin",
    "margin_share",
    "loo_flips",
    "bootstrap_share",
    "ablation_share",
    "pivotal_phrases",
    "threshold_flip",
    "label",
]
SUBGROUP_COLUMNS = [
    "attribute",
    "value",
    "criterion",
    "informants",
    "positive",
    "with_stance",
    "share",
    "verdict",
    "whole_verdict",
    "differs",
]
SWEEP_COLUMNS = ["criterion", "threshold", "verdict", "changed"]
_SEPARATOR = "; "


def robustness_rule(settings: VerificationSettings) -> str:
    """The rule that labels a verdict robust or fragile, in words, as every output states it."""
    shaken = []
    if settings.bootstrap:
        shaken.append(f"{settings.bootstrap} bootstrap resamples")
    if settings.ablation:
        shaken.append(
            f"{settings.ablation} runs dropping {settings.drop:.0%} of the codebook's phrases"
        )
    held = f", and it holds in at least {ROBUST_SHARE:.0%} of the {' and of the '.join(shaken)}"
    return (
        f"robust: at least {ROBUST_MARGIN} deciding informants would have to change stance "
        "to flip the verdict, no single informant's removal and no single phrase's removal "
        f"flips it{held if shaken else ''}; fragile: otherwise."
    )


def verify(reduction: Reduction, settings: VerificationSettings | None = None) -> Verification:
    """Every verification figure of every criterion, reproducible from ``settings.seed``."""
    settings = settings or VerificationSettings()
    check_settings(settings)
    book = reduction.codebook
    stances = reduction.stances[["informant", "role", "criterion", "stance"]]
    base = concl.verdicts(stances, book)
    verdict = dict(zip(base["criterion"], base["verdict"], strict=True))
    # One stream each, so that more resamples never change the ablation's runs.
    boot_seed, ablation_seed = np.random.SeedSequence(settings.seed).spawn(2)
    boot, boot_all = _bootstrap(
        stances, book, verdict, settings.bootstrap, np.random.default_rng(boot_seed)
    )
    codebook_runs = _CodebookRuns(reduction, verdict)
    ablation, ablation_all = codebook_runs.ablation(
        settings.ablation, settings.drop, np.random.default_rng(ablation_seed)
    )
    pivotal = codebook_runs.pivotal_phrases()
    loo = _leave_one_out(stances, book, verdict, _labeller(reduction))
    sweep = threshold_sweep(stances, book)
    flips = _threshold_flips(sweep, book)
    rows = []
    for r in base.itertuples(index=False):
        cid = r.criterion
        margin = verdict_margin(int(r.positive), int(r.with_stance), book)
        row = {
            "criterion": cid,
            "verdict": r.verdict,
            "positive": int(r.positive),
            "with_stance": int(r.with_stance),
            "share": r.share,
            "margin": margin,
            "margin_share": round(margin / r.with_stance, 3) if margin else None,
            "loo_flips": _SEPARATOR.join(loo[cid]),
            "bootstrap_share": boot.get(cid),
            "ablation_share": ablation.get(cid),
            "pivotal_phrases": _SEPARATOR.join(pivotal[cid]),
            "threshold_flip": flips.get(cid),
        }
        row["label"] = _label(row)
        rows.append(row)
    decided = [row for row in rows if row["verdict"] != "undetermined"]
    margins = [row["margin"] for row in decided if row["margin"]]
    rows.append(
        {
            "criterion": ALL,
            "verdict": "",
            "margin": min(margins) if margins else None,
            "loo_flips": _SEPARATOR.join(dict.fromkeys(n for c in loo.values() for n in c)),
            "bootstrap_share": boot_all,
            "ablation_share": ablation_all,
            "pivotal_phrases": _SEPARATOR.join(
                dict.fromkeys(p for c in pivotal.values() for p in c)
            ),
            "label": (
                "robust"
                if decided and all(row["label"] == "robust" for row in decided)
                else "fragile"
                if decided
                else "undetermined"
            ),
        }
    )
    table = pd.DataFrame(rows, columns=VERIFICATION_COLUMNS)
    for column in ("share", "margin_share", "bootstrap_share", "ablation_share", "threshold_flip"):
        table[column] = table[column].astype(float)
    table[["positive", "with_stance", "margin"]] = table[
        ["positive", "with_stance", "margin"]
    ].astype("Int64")
    return Verification(
        verification=table,
        subgroups=subgroups(reduction, verdict),
        threshold_sweep=sweep,
        settings=settings,
        rule=robustness_rule(settings),
    )


def check_settings(settings: VerificationSettings) -> None:
    """Refuse settings that mean nothing or would run for hours."""
    if not 0 <= settings.bootstrap <= MAX_BOOTSTRAP:
        raise ValueError(f"bootstrap: between 0 and {MAX_BOOTSTRAP} resamples")
    if not 0 <= settings.ablation <= MAX_ABLATION:
        raise ValueError(f"ablation: between 0 and {MAX_ABLATION} runs")
    if not 0 < settings.drop < 1:
        raise ValueError("drop: a share of the codebook's phrases above 0 and below 1")


def verdict_margin(positive: int, with_stance: int, codebook: Codebook) -> int | None:
    """How many informants with a stance would have to change it (to positive for a verdict
    not met, away from positive for one met) to flip the verdict; None when undetermined."""
    rule = codebook.decision
    verdict = concl.verdict_for(positive, with_stance, rule)
    if verdict == "undetermined":
        return None
    step = -1 if verdict == "met" else 1
    for k in range(1, with_stance + 1):
        if concl.verdict_for(positive + step * k, with_stance, rule) != verdict:
            return k
    return None


def _label(row: dict) -> str:
    """``robust`` or ``fragile`` by ``robustness_rule``; a share not computed is no test."""
    if row["verdict"] == "undetermined":
        return "undetermined"
    shares = [row[k] for k in ("bootstrap_share", "ablation_share") if row[k] is not None]
    robust = (
        (row["margin"] or 0) >= ROBUST_MARGIN
        and not row["loo_flips"]
        and not row["pivotal_phrases"]
        and all(share >= ROBUST_SHARE for share in shares)
    )
    return "robust" if robust else "fragile"


def _labeller(reduction: Reduction) -> Callable[[str], str]:
    """How an informant is named: their id as every table shows it (an id that holds a name
    is refused when the study is read), with their name when personal data was asked for."""
    if reduction.personal_data or reduction.masker is None:
        names = {t.informant: t.name for t in reduction.corpus.transcripts}
        return lambda informant: (
            f"{informant} ({names[informant]})" if names.get(informant) else informant
        )
    return str


def _leave_one_out(
    stances: pd.DataFrame, book: Codebook, verdict: dict[str, str], label: Callable[[str], str]
) -> dict[str, list[str]]:
    """Per criterion, the deciding informants whose removal alone flips its verdict.

    Removing an informant takes their stance out of the counts the rule decides on
    (``verdict_for``); a recount per informant would make a large corpus quadratic.
    """
    rule = book.decision
    flips: dict[str, list[str]] = {cid: [] for cid in book.criterion_ids}
    deciding = concl._deciding(stances, rule)
    counted = concl._counts(deciding, ["criterion"])
    holding = deciding[deciding["stance"] != "none"]
    for informant, cid, stance in zip(
        holding["informant"], holding["criterion"], holding["stance"], strict=True
    ):
        positive, with_stance = counted[cid]
        without = concl.verdict_for(positive - (stance == "positive"), with_stance - 1, rule)
        if without != verdict[cid]:
            flips[cid].append(label(informant))
    return flips


def _bootstrap(
    stances: pd.DataFrame,
    book: Codebook,
    verdict: dict[str, str],
    resamples: int,
    rng: np.random.Generator,
) -> tuple[dict[str, float], float | None]:
    """The share of resamples in which each verdict holds, and in which all of them do.

    Each resample draws, within each deciding role, as many informants as the role has,
    with replacement; the verdict is the rule's (``verdict_for``) on their stances.
    """
    if not resamples:
        return {}, None
    rule = book.decision
    ids = book.criterion_ids
    deciding = concl._deciding(stances, rule)
    wide = deciding.pivot(index="informant", columns="criterion", values="stance")
    wide = wide.reindex(columns=ids, fill_value="none")
    roles = deciding.drop_duplicates("informant").set_index("informant")["role"]
    positive = (wide == "positive").to_numpy(dtype=np.int64)
    holding = (wide != "none").to_numpy(dtype=np.int64)
    groups = [np.flatnonzero(roles.reindex(wide.index).to_numpy() == r) for r in roles.unique()]
    held = np.zeros((resamples, len(ids)), dtype=bool)
    # Resamples in blocks, so that memory stays bounded however many are asked for.
    block = max(1, 2_000_000 // max(1, len(wide) * len(ids)))
    for start in range(0, resamples, block):
        size = min(block, resamples - start)
        pos = np.zeros((size, len(ids)), dtype=np.int64)
        with_stance = np.zeros((size, len(ids)), dtype=np.int64)
        for members in groups:
            drawn = members[rng.integers(0, len(members), size=(size, len(members)))]
            pos += positive[drawn].sum(axis=1)
            with_stance += holding[drawn].sum(axis=1)
        for j, cid in enumerate(ids):
            held[start : start + size, j] = [
                concl.verdict_for(int(p), int(w), rule) == verdict[cid]
                for p, w in zip(pos[:, j], with_stance[:, j], strict=True)
            ]
    shares = {cid: round(float(held[:, j].mean()), 3) for j, cid in enumerate(ids)}
    return shares, round(float(held.all(axis=1).mean()), 3)


class _CodebookRuns:
    """The codings recounted with some of the codebook's phrases dropped.

    Each coding is either always kept (made without a phrase, or decided by a researcher)
    or kept while one of the phrases behind it is; only the counting is repeated.
    """

    def __init__(self, reduction: Reduction, verdict: dict[str, str]) -> None:
        self.reduction = reduction
        self.verdict = verdict
        book = reduction.codebook
        keys = dict.fromkeys(_key(p) for c in book.criteria for p in (*c.positive, *c.negative))
        self.phrases = list(keys)
        index = {p: i for i, p in enumerate(self.phrases)}
        codings = reduction.codings
        self.codings = codings[["segment_id", "informant", "role", "criterion", "polarity"]].assign(
            source=codings.get("source", "auto")
        )
        self.always = np.ones(len(codings), dtype=bool)
        coding_of, phrase_of = [], []
        sources = self.codings["source"].to_numpy().tolist()
        methods = codings["method"].to_numpy().tolist()
        for i, behind in enumerate(red._phrases_behind(codings)):
            found = [index.get(_key(p)) for p in behind]
            # Evidence beside a phrase (a short answer, a generic judgement) keeps it too.
            if methods[i] not in PHRASE_METHODS or sources[i] != "auto" or None in found:
                continue
            if not found:
                continue
            self.always[i] = False
            for p in dict.fromkeys(found):
                coding_of.append(i)
                phrase_of.append(p)
        self.coding_of = np.array(coding_of, dtype=np.int64)
        self.phrase_of = np.array(phrase_of, dtype=np.int64)

    def kept(self, dropped: np.ndarray) -> np.ndarray:
        """Which codings survive when the phrases marked in ``dropped`` are gone."""
        alive = np.bincount(
            self.coding_of,
            weights=~dropped[self.phrase_of],
            minlength=len(self.always),
        )
        return self.always | (alive > 0)

    def verdicts(self, kept: np.ndarray) -> dict[str, str]:
        """The verdicts recounted from the codings kept, by the study's own steps."""
        reduction = self.reduction
        stances = red.stances(self.codings[kept], reduction.corpus, reduction.codebook)
        table = concl.verdicts(stances, reduction.codebook)
        return dict(zip(table["criterion"], table["verdict"], strict=True))

    def ablation(
        self, runs: int, drop: float, rng: np.random.Generator
    ) -> tuple[dict[str, float], float | None]:
        """The share of runs, each dropping ``drop`` of the phrases, in which each verdict
        holds, and in which all of them do."""
        if not runs or not self.phrases:
            return {}, None
        count = round(drop * len(self.phrases))
        held = np.zeros((runs, len(self.verdict)), dtype=bool)
        for run in range(runs):
            dropped = np.zeros(len(self.phrases), dtype=bool)
            dropped[rng.choice(len(self.phrases), size=count, replace=False)] = True
            new = self.verdicts(self.kept(dropped))
            held[run] = [new[cid] == v for cid, v in self.verdict.items()]
        shares = {cid: round(float(held[:, j].mean()), 3) for j, cid in enumerate(self.verdict)}
        return shares, round(float(held.all(axis=1).mean()), 3)

    def pivotal_phrases(self) -> dict[str, list[str]]:
        """Per criterion, the phrases whose removal alone flips its verdict.

        Recounting once per phrase would take a second per hundred phrases, so the rule
        (``stance_of``, ``verdict_for``) is first applied to the counts each phrase's
        removal changes; each phrase found that way is confirmed by a whole recount.
        """
        pivotal: dict[str, list[str]] = {cid: [] for cid in self.verdict}
        book = self.reduction.codebook
        rule = book.decision
        stances = self.reduction.stances
        deciding = concl._deciding(stances, rule)
        counted = concl._counts(deciding, ["criterion"])
        # The one phrase each coding rests on (-1: none, or more than one).
        sole = np.full(len(self.always), -1, dtype=np.int64)
        single = (np.bincount(self.coding_of, minlength=len(self.always)) == 1)[self.coding_of]
        sole[self.coding_of[single]] = self.phrase_of[single]
        units = (
            self.codings.assign(sole=sole)
            .groupby(["segment_id", "criterion", "polarity"], sort=False)
            .agg(informant=("informant", "first"), low=("sole", "min"), high=("sole", "max"))
            .reset_index()
        )
        # A unit of evidence is gone when every coding of it rests on the same one phrase.
        gone = units[
            (units["low"] == units["high"])
            & (units["low"] >= 0)
            & units["informant"].isin(set(deciding["informant"]))
        ]
        if gone.empty:
            return pivotal
        lost = (
            gone.groupby(["low", "informant", "criterion", "polarity"])
            .size()
            .unstack("polarity", fill_value=0)
            .reindex(columns=["positive", "negative"], fill_value=0)
            .reset_index()
        )
        # Every phrase's changed stances at once, by the rule's own ``stance_of``.
        old = lost.merge(
            stances[["informant", "criterion", "stance", "n_positive", "n_negative"]],
            on=["informant", "criterion"],
            how="left",
        )
        new = red.stance_of(
            old["n_positive"] - old["positive"], old["n_negative"] - old["negative"]
        )
        change = (
            pd.DataFrame(
                {
                    "phrase": old["low"],
                    "criterion": old["criterion"],
                    "positive": (new == "positive").astype(int)
                    - (old["stance"] == "positive").astype(int),
                    "with_stance": (new != "none").astype(int)
                    - (old["stance"] != "none").astype(int),
                }
            )
            .groupby(["phrase", "criterion"], sort=True)
            .sum()
        )
        candidates: list[int] = []
        for (phrase, cid), d_positive, d_with in zip(
            change.index, change["positive"], change["with_stance"], strict=True
        ):
            positive, with_stance = counted.get(cid, (0, 0))
            changed = concl.verdict_for(positive + d_positive, with_stance + d_with, rule)
            if changed != self.verdict[cid] and phrase not in candidates:
                candidates.append(int(phrase))
        for p in candidates:
            dropped = np.zeros(len(self.phrases), dtype=bool)
            dropped[p] = True
            new_verdicts = self.verdicts(self.kept(dropped))
            for cid, v in self.verdict.items():
                if new_verdicts[cid] != v:
                    pivotal[cid].append(self.phrases[p])
        return pivotal


def _key(phrase: str) -> str:
    """A phrase as the codings list it and the codebook writes it, compared alike."""
    return " ".join(str(phrase).lower().split())


def threshold_sweep(stances: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The verdict of every criterion at each threshold of ``SWEEP``, the rule otherwise
    unchanged; ``changed`` marks a verdict other than at the codebook's threshold."""
    base = concl.verdicts(stances, codebook)
    verdict = dict(zip(base["criterion"], base["verdict"], strict=True))
    rows = []
    for threshold in SWEEP:
        book = replace(codebook, decision=replace(codebook.decision, threshold=threshold))
        table = concl.verdicts(stances, book)
        rows += [
            (cid, threshold, new, new != verdict[cid])
            for cid, new in zip(table["criterion"], table["verdict"], strict=True)
        ]
    order = {cid: i for i, cid in enumerate(codebook.criterion_ids)}
    table = pd.DataFrame(rows, columns=SWEEP_COLUMNS)
    return table.sort_values(
        ["criterion", "threshold"], key=lambda s: s.map(order) if s.name == "criterion" else s
    ).reset_index(drop=True)


def _threshold_flips(sweep: pd.DataFrame, codebook: Codebook) -> dict[str, float]:
    """Per criterion, the swept threshold nearest the codebook's at which the verdict changes."""
    threshold = codebook.decision.threshold
    changed = sweep[sweep["changed"]]
    flips = {}
    for cid, group in changed.groupby("criterion", sort=False):
        distance = (group["threshold"] - threshold).abs()
        flips[cid] = float(group["threshold"].loc[distance.idxmin()])
    return flips


def subgroups(reduction: Reduction, verdict: dict[str, str] | None = None) -> pd.DataFrame:
    """The verdict within every value of each case attribute (among the deciding roles)
    and within each role alone, next to the whole's verdict.

    ``differs`` flags a subgroup of at least ``MIN_SUBGROUP`` informants with a stance
    whose verdict is another than the whole's. An attribute whose every deciding informant
    has a value of their own (an age, a date) makes groups of one and is left out.
    """
    book = reduction.codebook
    stances = reduction.stances[["informant", "role", "criterion", "stance"]]
    if verdict is None:
        base = concl.verdicts(stances, book)
        verdict = dict(zip(base["criterion"], base["verdict"], strict=True))
    deciding = set(concl._deciding(stances, book.decision)["informant"])
    informants = reduction.informants
    rows: list[dict] = []

    def add(attribute: str, groups: pd.Series, members: pd.DataFrame) -> None:
        """One row per group and criterion: the rule on the group's counts, as
        triangulation applies it to each role."""
        members = members.assign(group=members["informant"].map(groups)).dropna(subset="group")
        counted = concl._counts(members, ["group", "criterion"])
        sizes = members.groupby("group")["informant"].nunique()
        for value in sorted(sizes.index, key=str):
            for cid in book.criterion_ids:
                positive, with_stance = counted.get((value, cid), (0, 0))
                new = concl.verdict_for(positive, with_stance, rule)
                rows.append(
                    {
                        "attribute": attribute,
                        "value": value,
                        "criterion": cid,
                        "informants": int(sizes[value]),
                        "positive": positive,
                        "with_stance": with_stance,
                        "share": round(positive / with_stance, 3) if with_stance else None,
                        "verdict": new,
                        "whole_verdict": verdict[cid],
                        "differs": new not in ("undetermined", verdict[cid])
                        and with_stance >= MIN_SUBGROUP,
                    }
                )

    rule = book.decision
    skip = {"informant", "role", "source", "name"}
    chosen = informants[informants["informant"].isin(deciding)].set_index("informant")
    in_deciding = stances[stances["informant"].isin(deciding)]
    for attribute in [c for c in informants.columns if c not in skip]:
        values = chosen[attribute].map(_value).dropna()
        if values.empty or values.is_unique:
            continue
        add(attribute, values, in_deciding)
    roles = stances.drop_duplicates("informant").set_index("informant")["role"].astype(str)
    add("role", roles, stances)
    table = pd.DataFrame(rows, columns=SUBGROUP_COLUMNS)
    table["share"] = table["share"].astype(float)
    table["differs"] = table["differs"].astype(bool)
    return table


def _value(value: object) -> str | None:
    """An attribute's value as a group name; None for a value not given."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None
