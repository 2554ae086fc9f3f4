"""Reading and checking codebooks (docs/formats.md section 2).

Values are read with ``yaml.safe_load``; ``YamlDocument`` knows the line of every key,
so that each error points at the input, and keeps phrases such as ``no`` or ``on`` as
the text the researcher wrote rather than YAML booleans.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from ..language.discourse import DISCOURSE_KEYS, defaults, discourse_for, merged
from ..language.morphology import LANGUAGE_MORPHOLOGY
from ..model import (
    EXAMPLE_EXPECTATIONS,
    Codebook,
    Criterion,
    DecisionRule,
    Example,
    Morphology,
)
from ..model.errors import InputError
from .textfile import read_text
from .yamldoc import YamlDocument

TOP_KEYS = {
    "codebook": "the codebook's id",
    "title": "a title",
    "description": "a description",
    "version": "a version",
    "source": "where the framework comes from",
    "language": "spaCy language code",
    "negators": "words that flip a phrase's polarity",
    "negation_window": "how many words before a phrase a negator may stand",
    "phrase_gap": "how many other words may stand between the words of a phrase",
    "clause_breaks": "words that end a negator's reach (for example 'tapi')",
    "irrealis": "words that make what follows a wish or suggestion, not evidence",
    "evaluative": "generic judgements (positive, negative)",
    "ignore": "phrases that are never evidence (for example place names)",
    "contrast": "words of contrast (following) and concession (conceding)",
    "hearsay": "words that tell what others say (katanya): before a contrast, no evidence",
    "remedy": "words that tell a problem was fixed",
    "self": "subjects that are not the service (the speaker's health, the interviewer's study)",
    "others": "other citizens who, as a judgement's subject, make it not about the service",
    "quantity": "words that make a facility a shortage (before, after)",
    "follow_ups": "words of interviewer prompts that only ask to go on",
    "fillers": "particles and forms of address that short answers may carry",
    "question_words": "words that make a question open rather than yes-or-no",
    "answers": "short answers that say yes (affirm) or no (deny)",
    "degree": "words of degree a short judging answer may hold (banget, very)",
    "events": "words that ask whether something happened (pernah, ever)",
    "small_talk": "words that make a question a remark about the interview's own day",
    "candour": "words that, opening their clause (Jujur, ...), frame it and are no evidence",
    "change_questions": "words that make a question ask what should change (Ada saran?)",
    "keep_questions": "words that make a question ask what is good or should stay (And keep?)",
    "greetings": "words that, opening the interview's first turn, make it a greeting (Hai)",
    "prohibitives": "words that forbid (jangan, don't): a problem asked against stays one",
    "lost": "words that tell a past that has ended (used to): a good thing after them is lost",
    "background_questions": "words that make a question ask about the informant, not the service",
    "language_defaults": "whether the language's default word lists apply (true)",
    "default_judgements": "whether the language's generic judgements count as evaluative (false)",
    "morphology": "word normalisation settings",
    "decision": "the decision rule",
    "criteria": "the list of criteria",
    "private_attributes": "case attributes that are never exported (for example nik)",
}
CRITERION_KEYS = (
    "id",
    "label",
    "label_en",
    "short",
    "definition",
    "questions",
    "positive",
    "negative",
    "examples",
)
EXAMPLE_KEYS = ("text", "question")
DECISION_KEYS = ("rule", "threshold", "roles", "labels")
DECISION_RULES = ("share_positive",)
MORPHOLOGY_KEYS = ("stemmer", "clitics", "variants", "no_derivation_prefixes", "stems")
STEMMERS = ("none", "sastrawi")
VERDICT_KEYS = ("met", "not met", "partly met", "undetermined")

#: The longest phrase, in characters: a phrase is a few words, an example a sentence.
MAX_PHRASE = 10_000
_CRITERION_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def read_codebook(path: str | Path) -> Codebook:
    """Read and check a codebook file."""
    return parse_codebook(read_text(path, "codebook"), path)


def parse_codebook(text: str, path: str | Path | None = None) -> Codebook:
    """Parse and check codebook text; every problem names the key and its line."""
    source = path if path is not None else "<codebook>"
    doc = YamlDocument(text, source)
    data = doc.data
    if not isinstance(data, dict):
        raise InputError(source, "a codebook is a YAML mapping with a 'criteria' list", 1)
    _known_keys(doc, data, TOP_KEYS, (), "the codebook")
    if "criteria" not in data:
        raise InputError(source, "missing key 'criteria' (the list of criteria)", 1)
    language = _text(doc, data.get("language", "en"), "language")
    criteria = _criteria(doc, data["criteria"])
    evaluative = data.get("evaluative") or {}
    if not isinstance(evaluative, dict):
        raise doc.error("'evaluative' must have 'positive' and/or 'negative' lists", "evaluative")
    _known_keys(doc, evaluative, ("positive", "negative"), ("evaluative",), "'evaluative'")
    use_defaults = data.get("language_defaults", True)
    if not isinstance(use_defaults, bool):
        raise doc.error("'language_defaults' must be true or false", "language_defaults")
    judgements = data.get("default_judgements", False)
    if not isinstance(judgements, bool):
        raise doc.error("'default_judgements' must be true or false", "default_judgements")
    window = data.get("negation_window", 5)
    if isinstance(window, bool) or not isinstance(window, int) or not 0 <= window <= 10:
        raise doc.error("'negation_window' must be a whole number from 0 to 10", "negation_window")
    gap = data.get("phrase_gap", 2)
    if isinstance(gap, bool) or not isinstance(gap, int) or not 0 <= gap <= 5:
        raise doc.error("'phrase_gap' must be a whole number from 0 to 5", "phrase_gap")
    own_evaluative = {
        polarity: _phrases(doc, evaluative.get(polarity), ("evaluative", polarity))
        for polarity in ("positive", "negative")
    }
    ignore = _with_defaults(doc, data, "ignore", language, use_defaults)
    # Words the codebook lists itself mean what it says, never a default judgement.
    taken = frozenset(
        p.casefold()
        for p in (
            *(p for c in criteria for p in (*c.positive, *c.negative)),
            *own_evaluative["positive"],
            *own_evaluative["negative"],
            *ignore,
        )
    )
    codebook_id = data.get("codebook") or (Path(path).stem if path is not None else "codebook")
    fields = {
        "id": _text(doc, codebook_id, "codebook"),
        "title": _text(doc, data.get("title") or codebook_id, "title"),
        "language": language,
        "criteria": criteria,
        "negators": _with_defaults(doc, data, "negators", language, use_defaults),
        "evaluative_positive": own_evaluative["positive"],
        "evaluative_negative": own_evaluative["negative"],
        "decision": _decision(doc, data.get("decision")),
        "morphology": _morphology(doc, data.get("morphology"), language),
        "negation_window": window,
        "phrase_gap": gap,
        "clause_breaks": _with_defaults(doc, data, "clause_breaks", language, use_defaults),
        "irrealis": _with_defaults(doc, data, "irrealis", language, use_defaults),
        "ignore": ignore,
        "discourse": discourse_for(
            language, _discourse_lists(doc, data), use_defaults, taken if judgements else None
        ),
    }
    digest = hashlib.sha256(
        json.dumps(_canonical(fields), sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    return Codebook(
        **fields,
        private_attributes=_attribute_names(doc, data.get("private_attributes")),
        sha256=digest,
        path=Path(path) if path is not None else None,
    )


def _attribute_names(doc: YamlDocument, value: object) -> tuple[str, ...]:
    """``private_attributes``: front-matter keys, kept out of the checksum since they
    change what is exported, never how anything is coded."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(
        isinstance(item, str) and item.strip() for item in items
    ):
        raise doc.error(
            "'private_attributes' must be a list of front-matter keys (for example "
            "[nik, telepon, alamat])",
            "private_attributes",
        )
    return tuple(item.strip() for item in items)


def _canonical(value: object) -> object:
    """The codebook as plain data for its hash; examples test the rules and are left out."""
    if hasattr(value, "__dataclass_fields__"):
        return {
            k: _canonical(getattr(value, k)) for k in value.__dataclass_fields__ if k != "examples"
        }
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    return value


def _with_defaults(
    doc: YamlDocument, data: dict, key: str, language: str, use_defaults: bool
) -> tuple[str, ...]:
    """A list of the codebook's own words, after the language's defaults for it."""
    own = _phrases(doc, data.get(key), (key,))
    return merged(defaults(language, key) if use_defaults else (), own)


def _discourse_lists(doc: YamlDocument, data: dict) -> dict[str, tuple[str, ...]]:
    """The codebook's own discourse words, by list name (see ``discourse.DISCOURSE_KEYS``)."""
    lists: dict[str, tuple[str, ...]] = {}
    for key in dict.fromkeys(key for key, _ in DISCOURSE_KEYS.values()):
        subkeys = [sub for k, sub in DISCOURSE_KEYS.values() if k == key and sub]
        value = data.get(key)
        if value is None:
            continue
        if subkeys:
            if not isinstance(value, dict):
                raise doc.error(
                    f"'{key}' must be a mapping with {' and/or '.join(subkeys)} lists", key
                )
            _known_keys(doc, value, subkeys, (key,), f"'{key}'")
    for name, (key, sub) in DISCOURSE_KEYS.items():
        value = data.get(key)
        if value is None:
            continue
        if sub is None:
            lists[name] = _phrases(doc, value, (key,))
        else:
            lists[name] = _phrases(doc, value.get(sub), (key, sub))
    return lists


def _known_keys(doc: YamlDocument, data: dict, allowed, path: tuple, where: str) -> None:
    for key in data:
        if key not in allowed:
            raise doc.error(
                f"unknown key {key!r} in {where} (allowed: {', '.join(allowed)})", *path, key
            )


def _text(doc: YamlDocument, value: object, *path: object) -> str:
    raw = doc.raw(*path)
    if isinstance(value, str):
        return value.strip()
    if raw is not None and not isinstance(value, dict | list):
        return raw.strip()
    raise doc.error(f"{_where(path, doc)} must be text", *path)


def _where(path: tuple, doc: YamlDocument | None = None) -> str:
    """A key's place as the researcher knows it: a criterion by its id (``'attitude'``,
    ``'attitude.positive[3]'``), not by its index in the list, when it has one."""
    if doc is not None and path[:1] == ("criteria",) and len(path) > 1:
        items = doc.data.get("criteria") if isinstance(doc.data, dict) else None
        item = items[path[1]] if isinstance(items, list) and path[1] < len(items) else None
        cid = item.get("id") if isinstance(item, dict) else None
        if isinstance(cid, str) and _CRITERION_ID.fullmatch(cid.strip()):
            path = (cid.strip(), *path[2:])
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return f"'{out}'"


def _phrases(doc: YamlDocument, value: object, path: tuple) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise doc.error(f"{_where(path, doc)} must be a list of phrases", *path)
    phrases = []
    for index, item in enumerate(value):
        if isinstance(item, dict | list):
            raise doc.error(
                f"{_where((*path, index), doc)} must be a phrase, not a list or mapping",
                *path,
                index,
            )
        raw = doc.raw(*path, index)
        phrase = item if isinstance(item, str) else (raw if raw is not None else str(item))
        phrase = " ".join(str(phrase).split())
        if not phrase:
            raise doc.error(f"empty phrase at {_where((*path, index), doc)}", *path, index)
        if len(phrase) > MAX_PHRASE:
            raise doc.error(
                f"phrase at {_where((*path, index), doc)} has {len(phrase):,} characters "
                f"(at most {MAX_PHRASE:,}): a phrase is a few words",
                *path,
                index,
            )
        if not any(ch.isalnum() for ch in phrase):
            raise doc.error(
                f"phrase {phrase!r} at {_where((*path, index), doc)} has no words: a phrase of "
                "punctuation alone would match every sentence that has it",
                *path,
                index,
            )
        phrases.append(phrase)
    return tuple(phrases)


def _criteria(doc: YamlDocument, value: object) -> tuple[Criterion, ...]:
    if not isinstance(value, list) or not value:
        raise doc.error("'criteria' must be a non-empty list of criteria", "criteria")
    criteria = []
    seen: dict[str, int] = {}
    for index, item in enumerate(value):
        path = ("criteria", index)
        if not isinstance(item, dict):
            raise doc.error(f"{_where(path, doc)} must be a mapping with 'id' and 'label'", *path)
        _known_keys(doc, item, CRITERION_KEYS, path, f"criterion {_where(path, doc)}")
        for required in ("id", "label"):
            if item.get(required) in (None, ""):
                raise doc.error(f"criterion {_where(path, doc)} has no {required!r}", *path)
        cid = _text(doc, item["id"], *path, "id")
        if not _CRITERION_ID.fullmatch(cid):
            raise doc.error(
                f"criterion id {cid!r} must start with a letter and use only letters, digits, "
                "'-' and '_'",
                *path,
                "id",
            )
        if cid in seen:
            raise doc.error(
                f"duplicate criterion id {cid!r} (first used at criteria[{seen[cid]}])",
                *path,
                "id",
            )
        seen[cid] = index
        positive = _phrases(doc, item.get("positive"), (*path, "positive"))
        negative = _phrases(doc, item.get("negative"), (*path, "negative"))
        if not positive and not negative:
            raise doc.error(
                f"criterion {cid!r} has no phrases: give at least one in 'positive' or 'negative'",
                *path,
            )
        criteria.append(
            Criterion(
                id=cid,
                label=_text(doc, item["label"], *path, "label"),
                label_en=_text(doc, item.get("label_en") or "", *path, "label_en"),
                short=_text(doc, item.get("short") or "", *path, "short"),
                definition=" ".join(
                    _text(doc, item.get("definition") or "", *path, "definition").split()
                ),
                questions=_phrases(doc, item.get("questions"), (*path, "questions")),
                positive=positive,
                negative=negative,
                examples=_examples(doc, item.get("examples"), (*path, "examples")),
            )
        )
    return tuple(criteria)


def _examples(doc: YamlDocument, value: object, path: tuple) -> tuple[Example, ...]:
    """Sentences the criterion must code positive, negative or not at all."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise doc.error(
            f"{_where(path, doc)} must map {', '.join(EXAMPLE_EXPECTATIONS)} to lists of sentences",
            *path,
        )
    _known_keys(doc, value, EXAMPLE_EXPECTATIONS, path, _where(path, doc))
    examples = []
    for expected in EXAMPLE_EXPECTATIONS:
        items = value.get(expected)
        if items is None:
            continue
        where = (*path, expected)
        if not isinstance(items, list):
            raise doc.error(f"{_where(where, doc)} must be a list of sentences", *where)
        for index, item in enumerate(items):
            at = (*where, index)
            question = ""
            if isinstance(item, dict):
                _known_keys(doc, item, EXAMPLE_KEYS, at, _where(at, doc))
                if "text" not in item:
                    raise doc.error(f"example {_where(at, doc)} has no 'text'", *at)
                text = _text(doc, item["text"], *at, "text")
                question = _text(doc, item.get("question") or "", *at, "question")
            else:
                text = _text(doc, item, *at)
            if not text:
                raise doc.error(f"empty example at {_where(at, doc)}", *at)
            examples.append(Example(text, expected, question, doc.line(*at)))
    return tuple(examples)


def _decision(doc: YamlDocument, value: object) -> DecisionRule:
    if value is None:
        return DecisionRule()
    if not isinstance(value, dict):
        raise doc.error("'decision' must be a mapping (threshold, roles)", "decision")
    _known_keys(doc, value, DECISION_KEYS, ("decision",), "'decision'")
    rule = _text(doc, value.get("rule", "share_positive"), "decision", "rule")
    if rule not in DECISION_RULES:
        raise doc.error(
            f"unknown decision rule {rule!r} (known: {', '.join(DECISION_RULES)})",
            "decision",
            "rule",
        )
    threshold = value.get("threshold", 0.75)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise doc.error(
            "'decision.threshold' must be a number such as 0.75", "decision", "threshold"
        )
    if not 0 < threshold <= 1:
        raise doc.error(
            "'decision.threshold' must be above 0 and at most 1", "decision", "threshold"
        )
    roles = value.get("roles")
    if roles is not None:
        roles = _phrases(doc, roles if isinstance(roles, list) else [roles], ("decision", "roles"))
    labels = value.get("labels") or {}
    if not isinstance(labels, dict):
        raise doc.error("'decision.labels' must map verdicts to words", "decision", "labels")
    _known_keys(doc, labels, VERDICT_KEYS, ("decision", "labels"), "'decision.labels'")
    return DecisionRule(
        rule=rule,
        threshold=float(threshold),
        roles=tuple(roles) if roles else None,
        roles_line=doc.line("decision", "roles") if roles else None,
        labels=tuple((k, _text(doc, v, "decision", "labels", k)) for k, v in labels.items()),
    )


def _morphology(doc: YamlDocument, value: object, language: str) -> Morphology:
    base = LANGUAGE_MORPHOLOGY.get(language, Morphology())
    if value is None:
        return base
    if not isinstance(value, dict):
        raise doc.error("'morphology' must be a mapping", "morphology")
    _known_keys(doc, value, MORPHOLOGY_KEYS, ("morphology",), "'morphology'")
    stemmer = _text(doc, value.get("stemmer", base.stemmer), "morphology", "stemmer")
    if stemmer not in STEMMERS:
        raise doc.error(
            f"unknown stemmer {stemmer!r} (known: {', '.join(STEMMERS)})", "morphology", "stemmer"
        )
    variants = dict(base.variants)
    extra = value.get("variants") or {}
    if not isinstance(extra, dict):
        raise doc.error(
            "'morphology.variants' must map a spelling to its standard form",
            "morphology",
            "variants",
        )
    for variant, standard in extra.items():
        variants[str(variant).lower()] = _text(
            doc, standard, "morphology", "variants", variant
        ).lower()
    stems = dict(base.stems)
    extra = value.get("stems") or {}
    if not isinstance(extra, dict):
        raise doc.error("'morphology.stems' must map a word to its root", "morphology", "stems")
    for word, root in extra.items():
        stems[str(word).lower()] = _text(doc, root, "morphology", "stems", word).lower()
    clitics = value.get("clitics")
    prefixes = value.get("no_derivation_prefixes")
    return Morphology(
        clitics=base.clitics
        if clitics is None
        else _phrases(doc, clitics, ("morphology", "clitics")),
        variants=tuple(variants.items()),
        stemmer=stemmer,
        no_derivation_prefixes=base.no_derivation_prefixes
        if prefixes is None
        else _phrases(doc, prefixes, ("morphology", "no_derivation_prefixes")),
        stems=tuple(stems.items()),
    )
