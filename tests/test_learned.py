"""The learned coder (``code --learn``): it codes what the researcher's decisions teach it,
only where nobody decided, says why, and changes nothing when it is not asked for."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import ektp_qual
from ektp_qual.cli import app
from ektp_qual.coding import learned as learned_module
from ektp_qual.coding.learned import DEFAULT_THRESHOLD
from ektp_qual.inputs.review_file import REVIEW_COLUMNS, REVIEWED_CODING_COLUMNS

runner = CliRunner()

WAIT = "Nunggunya berjam-jam di kursi plastik, Mas."
OTHER = [
    "Saya datang naik motor sama adik saya.",
    "Rumah saya dekat pasar.",
    "Waktu itu hari Senin.",
]


@pytest.fixture
def waiting_study(corpus_dir, mini_codebook, write):
    """Six citizens tell of long waits in words no phrase lists; a researcher codes two."""
    spec = {}
    for n in range(1, 7):
        spec[f"M{n}"] = (
            "masyarakat",
            [
                ("P", "Ceritakan pengalaman Bapak waktu itu."),
                (f"M{n}", f"{WAIT} {OTHER[n % 3]}"),
                ("P", "Bagaimana sikap petugas saat melayani?"),
                (f"M{n}", "Petugasnya ramah."),
            ],
        )
    folder = corpus_dir(spec)
    reduction = ektp_qual.data_reduction(folder, mini_codebook)
    waits = reduction.segments[reduction.segments["text"] == WAIT]
    rows = [
        ",".join([sid, "professionalism", "negative", "add", "ana", "", ""])
        for sid in waits["segment_id"].iloc[:2]
    ]
    review = write("review.csv", ",".join(REVIEW_COLUMNS) + "\n" + "\n".join(rows) + "\n")
    return folder, mini_codebook, review, waits


def learned(codings: pd.DataFrame) -> pd.DataFrame:
    return codings[codings["method"] == "learned"]


def test_the_learned_coder_codes_the_paraphrase_the_researcher_taught_it(waiting_study):
    folder, book, review, waits = waiting_study
    plain = ektp_qual.data_reduction(folder, book, review=review)
    taught = ektp_qual.data_reduction(folder, book, review=review, learn=True)
    unreviewed = set(waits["segment_id"].iloc[2:])
    assert not unreviewed & set(plain.codings["segment_id"])
    found = learned(taught.codings)
    coded = found[found["segment_id"].isin(unreviewed)]
    assert set(coded["segment_id"]) == unreviewed
    assert set(zip(coded["criterion"], coded["polarity"], strict=True)) == {
        ("professionalism", "negative")
    }
    assert (coded["probability"] >= DEFAULT_THRESHOLD).all()
    assert all("berjam-jam" in f or "nunggu" in f for f in coded["features"])
    assert (coded["source"] == "auto").all()
    # The researcher's own two sentences are as the researcher decided, nothing more.
    reviewed = taught.codings[taught.codings["segment_id"].isin(waits["segment_id"].iloc[:2])]
    assert list(reviewed["method"]) == ["manual", "manual"]
    # The stances count the learned evidence.
    stances = taught.stances.set_index(["informant", "criterion"])["stance"]
    assert stances[("M6", "professionalism")] == "negative"


def test_a_higher_threshold_codes_less_and_the_run_is_deterministic(waiting_study):
    folder, book, review, _ = waiting_study
    first = ektp_qual.data_reduction(folder, book, review=review, learn=True)
    again = ektp_qual.data_reduction(folder, book, review=review, learn=True)
    pd.testing.assert_frame_equal(first.codings, again.codings)
    strict = ektp_qual.data_reduction(folder, book, review=review, learn=True, learn_threshold=0.99)
    assert len(learned(strict.codings)) < len(learned(first.codings))


def test_a_sentence_the_researcher_rejected_stays_rejected(corpus_dir, mini_codebook, write):
    turns = [("P", "Bagaimana sikap petugas saat melayani?"), ("M1", "Petugasnya ramah.")]
    folder = corpus_dir({f"M{n}": ("masyarakat", turns) for n in range(1, 5)})
    reduction = ektp_qual.data_reduction(folder, mini_codebook)
    first = reduction.segments["segment_id"].iloc[0]
    review = write(
        "review.csv",
        ",".join(REVIEW_COLUMNS) + f"\n{first},attitude,positive,reject,ana,,\n",
    )
    taught = ektp_qual.data_reduction(folder, mini_codebook, review=review, learn=True)
    assert first not in set(taught.codings["segment_id"])


def test_without_learn_the_analysis_is_exactly_the_rules_and_the_review():
    """The learned path with nothing sure enough to add leaves every table as it was, and
    without --learn it is not taken at all (scikit-learn is never loaded)."""
    today = ektp_qual.analyse()
    path = ektp_qual.analyse(learn=True, learn_threshold=0.999999)
    assert learned(path.reduction.codings).empty
    path.reduction.codings = path.reduction.codings.drop(columns=["probability", "features"])
    for name, table in today.tables().items():
        pd.testing.assert_frame_equal(table, path.tables()[name], obj=name)
    assert list(today.reduction.codings.columns[: len(REVIEWED_CODING_COLUMNS)]) == (
        REVIEWED_CODING_COLUMNS
    )
    assert "probability" not in today.reduction.codings
    code = (
        "import sys, ektp_qual; ektp_qual.analyse(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"


def test_on_the_sample_the_learned_coder_adds_explained_codings_and_keeps_the_verdicts():
    result = ektp_qual.analyse(learn=True)
    found = learned(result.reduction.codings)
    assert len(found) > 0
    assert found["features"].str.len().gt(0).all()
    assert found["probability"].between(DEFAULT_THRESHOLD, 1).all()
    others = result.reduction.codings[result.reduction.codings["method"] != "learned"]
    assert others["probability"].isna().all() and (others["features"] == "").all()
    assert result.conclusion.reproduces_findings


def test_no_feature_names_personal_data(corpus_dir, mini_codebook, write, tmp_path):
    for n in range(1, 7):
        text = f"---\ninformant: M{n}\nrole: masyarakat\nname: Sumarni Wijaya\n---\n"
        text += "P: Ceritakan pengalaman Ibu.\n"
        text += f"M{n}: Sumarni nunggu berjam-jam di sana. {OTHER[n % 3]}\n"
        write(f"corpus/M{n}.txt", text)
    folder = tmp_path / "corpus"
    reduction = ektp_qual.data_reduction(folder, mini_codebook)
    waits = reduction.segments[reduction.segments["text"].str.contains("berjam")]
    rows = [f"{sid},professionalism,negative,add,ana,," for sid in waits["segment_id"].iloc[:3]]
    review = write("review.csv", ",".join(REVIEW_COLUMNS) + "\n" + "\n".join(rows) + "\n")
    taught = ektp_qual.data_reduction(folder, mini_codebook, review=review, learn=True)
    found = learned(taught.codings)
    assert not found.empty
    for column in ("features", "text", "rule"):
        assert not found[column].str.contains("sumarni", case=False).any(), column


def test_code_learn_writes_probability_and_features(waiting_study, tmp_path):
    folder, book, review, _ = waiting_study
    out = tmp_path / "out"
    args = ["code", "-t", str(folder), "-c", str(book), "--review", str(review), "-q"]
    done = runner.invoke(app, [*args, "--learn", "-o", str(out)])
    assert done.exit_code == 0, done.output
    codings = pd.read_csv(out / "codings.csv", keep_default_na=False)
    assert list(codings.columns[-2:]) == ["probability", "features"]
    assert (codings["method"] == "learned").sum() == 4
    plain = runner.invoke(app, [*args, "-o", str(tmp_path / "plain")])
    assert plain.exit_code == 0, plain.output
    columns = pd.read_csv(tmp_path / "plain" / "codings.csv", nrows=0).columns
    assert "probability" not in columns and "features" not in columns


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--learn-threshold", "0.7"], "--learn-threshold needs --learn"),
        (["--learn", "--learn-threshold", "1.5"], "must be above 0 and below 1"),
    ],
)
def test_a_threshold_without_learn_or_out_of_range_is_refused(options, message, tmp_path):
    done = runner.invoke(app, ["reduce", *options, "-o", str(tmp_path / "out")])
    assert done.exit_code == 2
    assert message in done.output
    assert "Traceback" not in done.output
    assert not (tmp_path / "out").exists()


def test_sentences_without_a_word_teach_nothing_and_break_nothing(corpus_dir, write):
    book = write(
        "numbers.yaml",
        "codebook: numbers\ntitle: t\nlanguage: id\ncriteria:\n"
        "  - id: cost\n    label: Biaya\n    positive: [gratis]\n",
    )
    turns = [("P", "1?"), ("M1", "120.000."), ("P", "2?"), ("M1", "3.")]
    folder = corpus_dir({"M1": ("masyarakat", turns)})
    taught = ektp_qual.data_reduction(folder, book, learn=True)
    assert learned(taught.codings).empty
    table = ektp_qual.suggest(folder, book, count=5)
    assert list(table["criterion"]) == ["", ""]
    assert set(table["reason"]) == {"nothing coded, and no code learned yet"}


#: Ways of telling a long wait that no phrase of the mini codebook lists.
WAITS = [
    "Nunggunya berjam-jam di kursi plastik.",
    "Dari pagi sampai sore saya duduk nunggu dipanggil.",
    "Capek banget nunggu giliran seharian.",
    "Sampai siang belum juga dipanggil namanya.",
    "Berjam-jam duduk di situ, Mas.",
    "Saya nunggu dari subuh sampai azan zuhur.",
    "Anak saya sampai tidur di kursi.",
    "Seharian habis cuma buat duduk menunggu.",
    "Tiga jam lebih saya di sana.",
    "Giliran saya baru dipanggil menjelang magrib.",
    "Sudah pegal kaki berdiri terus.",
    "Jam dua belas baru nama saya disebut.",
    "Kami disuruh balik lagi besok pagi.",
    "Pulang-pulang sudah gelap, Mas.",
    "Setengah hari saya habiskan di kantor itu.",
    "Nomor antrean saya baru dipanggil sore.",
]
SMALL_TALK = [
    "Saya datang naik motor sama adik saya.",
    "Rumah saya dekat pasar.",
    "Waktu itu hari Senin.",
    "Saya jualan sayur di pasar.",
    "Adik saya juga ikut bikin.",
]


@pytest.fixture
def paraphrase_study(corpus_dir, mini_codebook, write):
    """24 citizens each tell of a long wait twice, in words no phrase lists, between small
    talk; a researcher decided every sentence of the first seven (28 sentences)."""
    spec = {}
    for n in range(24):
        said = [
            WAITS[2 * n % 16],
            SMALL_TALK[n % 5],
            WAITS[(2 * n + 1) % 16],
            SMALL_TALK[(n + 2) % 5],
        ]
        spec[f"M{n + 1}"] = (
            "masyarakat",
            [("P", "Ceritakan pengalaman Bapak waktu itu."), (f"M{n + 1}", " ".join(said))],
        )
    folder = corpus_dir(spec)
    segments = ektp_qual.data_reduction(folder, mini_codebook).segments
    rows = [
        f"{sid},professionalism,negative,add,ana,," if text in WAITS else f"{sid},,,none,ana,,"
        for sid, informant, text in zip(
            segments["segment_id"], segments["informant"], segments["text"], strict=True
        )
        if int(informant[1:]) <= 7
    ]
    review = write("review.csv", ",".join(REVIEW_COLUMNS) + "\n" + "\n".join(rows) + "\n")
    return folder, mini_codebook, review, segments


def test_where_the_rules_miss_the_threshold_chosen_on_the_decisions_codes_more_of_it(
    paraphrase_study,
):
    folder, book, review, segments = paraphrase_study
    chosen = ektp_qual.evaluate_learned_coder(folder, book, review=review).threshold
    assert chosen < DEFAULT_THRESHOLD
    by_default = learned(
        ektp_qual.data_reduction(
            folder, book, review=review, learn=True, learn_threshold=DEFAULT_THRESHOLD
        ).codings
    )
    by_choice = learned(ektp_qual.data_reduction(folder, book, review=review, learn=True).codings)
    assert set(by_default["segment_id"]) < set(by_choice["segment_id"])
    # what the chosen threshold adds is what the researcher taught, and only that
    text = dict(zip(segments["segment_id"], segments["text"], strict=True))
    added = by_choice[~by_choice["segment_id"].isin(by_default["segment_id"])]
    assert all(text[sid] in WAITS for sid in added["segment_id"])
    assert set(zip(added["criterion"], added["polarity"], strict=True)) == {
        ("professionalism", "negative")
    }
    assert added["probability"].between(chosen, DEFAULT_THRESHOLD).all()


def test_with_few_decisions_the_threshold_is_the_default(waiting_study):
    folder, book, review, _ = waiting_study
    result = ektp_qual.evaluate_learned_coder(folder, book, review=review)
    assert result.reviewed == 2 and result.threshold == DEFAULT_THRESHOLD
    plain = ektp_qual.data_reduction(folder, book, review=review, learn=True).codings
    fixed = ektp_qual.data_reduction(
        folder, book, review=review, learn=True, learn_threshold=DEFAULT_THRESHOLD
    ).codings
    assert plain.equals(fixed)


def test_the_probabilities_are_each_model_s_own():
    """``predict`` scores every model at once; each probability is still exactly the
    criterion's presence model's, times its polarity's share from the polarity model."""
    reduction = ektp_qual.data_reduction()
    segments, codings, book = reduction.segments, reduction.codings, reduction.codebook
    data = learned_module.training_set(segments, codings, codings, set(), book)
    coder = learned_module.train(data, book)
    described = learned_module.rule_features(segments, learned_module.rule_codes(codings))
    rules = learned_module._rules_of(segments, described)
    predicted = coder.predict(segments, rules)
    matrix = coder.vectors(segments, rules)
    assert coder.polarity is not None and set(coder.presence) == set(book.criterion_ids)
    positive = coder.polarity.predict_proba(matrix)[:, 1]
    likelier = np.maximum(positive, 1 - positive)
    for criterion, model in coder.presence.items():
        present = model.predict_proba(matrix)[:, 1]
        for polarity, share in (("positive", positive), ("negative", 1 - positive)):
            of_code = (predicted["criterion"] == criterion) & (predicted["polarity"] == polarity)
            mine = predicted[of_code]
            assert mine["segment_id"].tolist() == segments["segment_id"].tolist()
            own = (present * share / likelier).round(3)
            assert np.abs(mine["probability"].to_numpy() - own).max() <= 0.0011, criterion


def test_one_decided_polarity_teaches_every_criterion():
    """The polarity is learned from every criterion's codings at once: a criterion whose
    sentences the researcher has only ever coded negative still gets a positive coding
    where the sentence speaks as the positive ones of other criteria do."""
    reduction = ektp_qual.data_reduction()
    segments, codings, book = reduction.segments, reduction.codings, reduction.codebook
    data = learned_module.training_set(segments, codings, codings, set(), book)
    only_negative = data.labels.copy()
    only_negative[f"{book.criterion_ids[0]}:positive"] = 0
    data.labels = only_negative
    coder = learned_module.train(data, book)
    described = learned_module.rule_features(segments, learned_module.rule_codes(codings))
    predicted = coder.predict(segments, learned_module._rules_of(segments, described))
    first = predicted[predicted["criterion"] == book.criterion_ids[0]]
    assert (first[first["polarity"] == "positive"]["probability"] >= 0.4).any()


FILLERS = [
    "Dari pagi sampai sore di sana.",
    "Sampai maghrib baru pulang.",
    "Anak saya sampai rewel.",
    "Bawa bekal nasi dari rumah.",
    "Kaki saya pegal semua.",
    "Hampir pingsan saya.",
]
ASKED = [
    "Ceritakan pengalaman Bapak waktu itu.",
    "Gimana kemarin di kecamatan?",
    "Terus bagaimana, Bu?",
    "Lalu apa yang terjadi?",
    "Kapan Ibu ke sana?",
    "Ada cerita lain?",
]


def test_a_sentence_learns_from_what_the_rules_found_in_its_answer(
    corpus_dir, mini_codebook, write
):
    """An answer keeps to its topic: once a researcher has coded what follows a coded
    sentence, the learned coder codes what follows it elsewhere, in words nobody decided,
    and says why (``turn professionalism:negative``); a sentence of an answer the rules
    found nothing in is left alone."""
    spec = {
        f"M{n}": (
            "masyarakat",
            [
                ("P", asked),
                (f"M{n}", f"Antriannya panjang, Mas. {filler}"),
                ("P", "Rumah Bapak di mana?"),
                (f"M{n}", "Rumah saya dekat pasar."),
            ],
        )
        for n, (filler, asked) in enumerate(zip(FILLERS, ASKED, strict=True), start=1)
    }
    folder = corpus_dir(spec)
    segments = ektp_qual.data_reduction(folder, mini_codebook).segments
    decided = segments[segments["text"].isin(FILLERS[:2])]["segment_id"]
    rows = [f"{sid},professionalism,negative,add,ana,," for sid in decided]
    review = write("review.csv", ",".join(REVIEW_COLUMNS) + "\n" + "\n".join(rows) + "\n")
    taught = learned(
        ektp_qual.data_reduction(folder, mini_codebook, review=review, learn=True).codings
    )
    assert set(taught["text"]) == set(FILLERS[2:])
    assert set(taught["criterion"]) == {"professionalism"}
    assert taught["features"].str.contains("turn professionalism:negative").all()
