"""Generic judgements of a service, per language: the default ``evaluative`` words.

A codebook written from theory lists the phrases a criterion is expected to be named
by, and rarely the plain judgements people answer a guide question with ("lama
banget", "ramah-ramah kok", "they were lovely", "it took ages"). These words name no
criterion: like a codebook's own ``evaluative`` lists they count for the criterion the
question asked about, and for nothing when the question has no topic. A codebook asks
for them with ``default_judgements: true`` (off by default: on the validation studies
they cost precision and found almost nothing more); a word the codebook lists itself,
as a phrase of a criterion or anywhere else, is the codebook's and not a default.

The lists are curated for talk about a public service (waiting and speed, the staff's
manner, cost, cleanliness and comfort, ease, trust) rather than taken from a general
sentiment lexicon: a general lexicon's words of feeling ("like", "help", "yes",
"please", "free") are everyday words in an interview and cost precision (see
``docs/codebook.md``, "Default judgements"), and so are words that mostly say
something else in talk: *jujur* and *honest* open a sentence ("jujur aja, ..."), *oke*
acknowledges a question, *sabar* and *patient* are as often the speaker or a patient as
the staff, *membantu* as often the speaker's own help. Words are written the plainest
way: a root also matches its derived and spoken forms (``ramah`` finds ``keramahan``,
``lama`` finds ``kelamaan``), and a negator before one flips it (``nggak lama``, ``not
helpful``).
"""

from __future__ import annotations

#: Per language, the generic judgements a codebook gets with ``default_judgements: true``.
EVALUATIVE_DEFAULTS: dict[str, dict[str, tuple[str, ...]]] = {
    "id": {
        "positive": (
            # good, satisfied
            "baik",
            "bagus",
            "puas",
            "memuaskan",
            "senang",
            "mantap",
            "top",
            "hebat",
            "keren",
            "memadai",
            # quick and easy
            "lancar",
            "cepat",
            "cepet",
            "sigap",
            "tanggap",
            "gesit",
            "gampang",
            "mudah",
            "praktis",
            "beres",
            "terbantu",
            # the staff's manner
            "ramah",
            "sopan",
            "santun",
            # comfort and order
            "nyaman",
            "bersih",
            "tertib",
            "teratur",
            # cost
            "gratis",
            "murah",
            # trust
            "percaya",
            "terpercaya",
            "amanah",
            "profesional",
            "becus",  # competent: said as "nggak becus"
        ),
        "negative": (
            # bad, disappointed, annoyed
            "buruk",
            "jelek",
            "parah",
            "payah",
            "kecewa",
            "mengecewakan",
            "kesal",
            "kesel",
            "jengkel",
            "sebal",
            "sebel",
            "dongkol",
            "marah",
            "capek",
            "cape",
            # slow and hard
            "lama",
            "lambat",
            "lelet",
            "molor",
            "telat",
            "terlambat",
            "ngaret",
            "repot",
            "ribet",
            "rumit",
            "susah",
            "sulit",
            "berbelit",
            "bolak-balik",
            "dipingpong",
            # the staff's manner
            "judes",
            "jutek",
            "ketus",
            "kasar",
            "cuek",
            "galak",
            "sombong",
            # discomfort and disorder
            "kotor",
            "jorok",
            "bau",
            "pengap",
            "sempit",
            "berantakan",
            "kacau",
            "semrawut",
            "berdesakan",
            # cost
            "mahal",
            "pungli",
            # trust
            "bohong",
            "curang",
            "asal-asalan",
        ),
    },
    "en": {
        "positive": (
            # good, satisfied
            "good",
            "great",
            "excellent",
            "brilliant",
            "lovely",
            "nice",
            "fantastic",
            "superb",
            "wonderful",
            "pleased",
            "satisfied",
            "impressed",
            "spot on",
            "fine",
            # quick and easy
            "quick",
            "quickly",
            "fast",
            "prompt",
            "promptly",
            "efficient",
            "easy",
            "smooth",
            "straightforward",
            "helpful",
            # the staff's manner
            "friendly",
            "polite",
            "respectful",
            "courteous",
            # comfort and order
            "clean",
            "tidy",
            "comfortable",
            "organised",
            "organized",
            # cost
            "affordable",
            "cheap",
            # trust
            "reliable",
            "trustworthy",
            "professional",
            "competent",
        ),
        "negative": (
            # bad, disappointed, annoyed
            "bad",
            "poor",
            "terrible",
            "awful",
            "horrible",
            "dreadful",
            "rubbish",
            "useless",
            "hopeless",
            "shambles",
            "nightmare",
            "disappointed",
            "disappointing",
            "frustrated",
            "frustrating",
            "annoyed",
            "annoying",
            "angry",
            "upset",
            "fed up",
            "stressful",
            # slow and hard
            "slow",
            "late",
            "delayed",
            "ages",
            "forever",
            "long",
            "complicated",
            "confusing",
            "hassle",
            # the staff's manner
            "rude",
            "unhelpful",
            "dismissive",
            "impatient",
            "arrogant",
            # discomfort and disorder
            "dirty",
            "filthy",
            "messy",
            "crowded",
            "cramped",
            "chaotic",
            # cost
            "expensive",
            "overpriced",
            # trust
            "dishonest",
            "unreliable",
            "unprofessional",
            "complain",
            "complaint",
        ),
    },
}


def default_judgements(language: str, polarity: str, taken: frozenset[str]) -> tuple[str, ...]:
    """The language's default judgements of one polarity, less the words in ``taken``
    (compared case-insensitively): the phrases the codebook lists itself."""
    return tuple(
        w
        for w in EVALUATIVE_DEFAULTS.get(language, {}).get(polarity, ())
        if w.casefold() not in taken
    )


#: Words of degree that may stand beside a judgement in a short judging answer ("Lama
#: banget, Bu.", "Very good, yes."): they make it no less a plain answer.
DEGREE_WORDS: dict[str, tuple[str, ...]] = {
    "id": (
        "banget",
        "bener",
        "sekali",
        "sangat",
        "amat",
        "terlalu",
        "agak",
        "lumayan",
        "cukup",
        "paling",
        "makin",
        "semakin",
        "lebih",
        "masih",
        "tetap",
        "tetep",
        "aja",
        "saja",
        "semua",
        "semuanya",
        "pokoknya",
        "alhamdulillah",
    ),
    "en": (
        "very",
        "really",
        "so",
        "quite",
        "pretty",
        "too",
        "rather",
        "fairly",
        "extremely",
        "absolutely",
        "always",
        "still",
        "all",
        "just",
        "bit",
        "a",
        "little",
        "super",
    ),
}
