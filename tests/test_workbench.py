"""The browser workbench without a browser: its server's security, its decisions (the same
rows the terminal review writes), and the command that starts it."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import ektp_qual
from ektp_qual.cli import app
from ektp_qual.inputs.review_file import read_review
from ektp_qual.model.errors import InputError

from .conftest import MINI_CODEBOOK, transcript_text

pytest.importorskip("starlette", reason="the workbench needs the web extra")

from ektp_qual.workbench.server import MAX_BODY, WorkbenchServer
from ektp_qual.workbench.study import Workbench

runner = CliRunner()
HOSTILE = "<script>window.pwned=1</script>"

#: The same decisions, as terminal keys and as workbench requests, on ``write_study``'s
#: codings in transcript order: accept, reject, flip, recode to attitude (key 1), add
#: reliability + to M2's first sentence (n 3 +), then accept that sentence's coding.
TERMINAL_KEYS = "arfc1n3+aq"
WEB_DECISIONS = [
    ("accept", "M1", 0, "attitude", "positive", {}),
    ("reject", "M1", 1, "professionalism", "negative", {}),
    ("flip", "M1", 2, "professionalism", "negative", {}),
    ("recode", "M1", 3, "reliability", "positive", {"to": "attitude"}),
    ("add", "M2", 0, "reliability", "positive", {}),
    ("accept", "M2", 0, "attitude", "negative", {}),
]


def write_study(folder: Path) -> tuple[Path, Path]:
    """Two informants against the mini codebook; M2's answer and the question before it
    hold markup that would run if it were ever put into the page as HTML."""
    corpus = folder / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "M1.txt").write_text(
        transcript_text(
            "M1",
            "masyarakat",
            [
                ("P", "Bagaimana sikap petugas saat melayani?"),
                (
                    "M1",
                    "Petugasnya ramah sekali. Tapi antriannya panjang. Prosesnya lambat. "
                    "Gratis juga, Mas.",
                ),
                ("P", "Ada lagi?"),
                ("M1", "Saya datang pagi. Pulang sore."),
            ],
        ),
        encoding="utf-8",
    )
    (corpus / "M2.txt").write_text(
        transcript_text(
            "M2",
            "masyarakat",
            [
                ("P", "Bagaimana sikap petugas? <img src=x onerror=window.pwned=2>"),
                ("M2", f"Petugasnya judes. {HOSTILE} Saya kecewa sekali."),
            ],
        ),
        encoding="utf-8",
    )
    codebook = folder / "codebook.yaml"
    codebook.write_text(MINI_CODEBOOK, encoding="utf-8")
    return corpus, codebook


def sentence_ids(workbench: Workbench, informant: str) -> list[str]:
    transcript = next(t for t in workbench.study()["transcripts"] if t["informant"] == informant)
    return [s[0] for turn in transcript["turns"] for s in turn.get("sentences", [])]


def rows_without_time(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return [{k: v for k, v in row.items() if k != "decided_at"} for row in rows]


class Client:
    """Requests to a served workbench, as its page makes them unless told otherwise."""

    def __init__(self, server: WorkbenchServer) -> None:
        self.server = server
        self.base = f"http://127.0.0.1:{server.port}"

    def request(self, path: str, body: object = None, *, headers=None, token=True):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body))
        sent = {"Origin": self.base, "Content-Type": "application/json"} if data else {}
        if token:
            sent["X-Workbench-Token"] = self.server.token
        sent.update(headers or {})
        request = urllib.request.Request(
            self.base + path,
            data=data.encode() if isinstance(data, str) else data,
            headers=sent,
            method="POST" if data is not None else "GET",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def decide(self, **request):
        status, _, body = self.request("/api/decide", {"coder": "ana", **request})
        assert status == 200, body
        return json.loads(body)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbench")
    corpus, codebook = write_study(folder)
    workbench = Workbench(corpus, codebook, folder / "review.csv", coder="ana")
    server = WorkbenchServer(workbench).start()
    yield server, Client(server), folder
    server.stop()


@pytest.fixture
def client(served):
    """The served workbench with an empty review file and no undo history."""
    server, client, folder = served
    (folder / "review.csv").unlink(missing_ok=True)
    server.workbench.history.clear()
    return client


# -- security -----------------------------------------------------------------------------


def test_listens_on_the_loopback_address_only(served):
    server, *_ = served
    assert server.socket.getsockname()[0] == "127.0.0.1"
    assert server.url.startswith(f"http://127.0.0.1:{server.port}/?token={server.token}")
    assert len(server.token) >= 40


def test_a_request_without_the_token_is_refused(client):
    for path in ("/", "/api/study", "/api/state", "/static/app.js", "/static/app.css"):
        assert client.request(path, token=False)[0] == 403, path
        assert client.request(f"{path}?token=wrong", token=False)[0] == 403, path
    status, headers, page = client.request(f"/?token={client.server.token}", token=False)
    assert status == 200 and b'<script src="/static/app.js' in page
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert client.request("/api/state")[0] == 200


def test_changes_need_the_token_header_the_origin_and_json(client):
    review = client.server.workbench.review
    ids = sentence_ids(client.server.workbench, "M1")
    decision = {
        "action": "accept",
        "segment_id": ids[0],
        "criterion": "attitude",
        "polarity": "positive",
        "coder": "ana",
    }
    token_in_query = f"/api/decide?token={client.server.token}"
    refused = [
        client.request("/api/decide", decision, token=False),
        client.request(token_in_query, decision, token=False),
        client.request("/api/decide", decision, headers={"Origin": "http://evil.example"}),
        client.request("/api/decide", decision, headers={"Origin": ""}),
        client.request("/api/decide", decision, headers={"Sec-Fetch-Site": "cross-site"}),
        client.request("/api/decide", decision, headers={"Host": "evil.example"}),
        client.request("/api/decide", decision, headers={"Content-Type": "text/plain"}),
        client.request("/api/decide", b"x" * (MAX_BODY + 1)),
        client.request("/api/decide", {**decision, "segment_id": "../../etc/passwd"}),
        client.request("/api/decide", {**decision, "criterion": "<b>"}),
        client.request("/api/decide", {**decision, "coder": "a\x1bb"}),
        client.request("/api/decide", {**decision, "note": "x" * 2001}),
    ]
    assert [status for status, *_ in refused] == [403] * 6 + [415, 413] + [400] * 4
    assert b"segment_id" in refused[8][2]
    assert not review.exists()
    assert client.request("/api/decide", decision)[0] == 200
    assert len(read_review(review).decisions()) == 1


def test_a_page_reached_through_another_host_name_is_refused(client):
    """DNS rebinding: a name pointed at 127.0.0.1 reaches the port, but not the workbench."""
    url = f"/?token={client.server.token}"
    assert client.request(url, headers={"Host": "attacker.example"}, token=False)[0] == 403
    assert client.request(url, headers={"Host": f"localhost:{client.server.port}"})[0] == 200


def test_no_file_but_the_packaged_assets_is_served(client):
    for path in (
        "/static/index.html",
        "/static/study.py",
        "/static/..%2fstudy.py",
        "/static/..%2f..%2f..%2fpyproject.toml",
        "/../../pyproject.toml",
        "/api/../../codebook.yaml",
    ):
        status, _, body = client.request(path)
        assert status == 404, path
        assert b"criteria" not in body


def test_every_text_reaches_the_page_as_data_not_markup(client):
    """Transcripts go out as JSON strings, for the page to set as text."""
    status, headers, body = client.request("/api/study")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert HOSTILE in json.loads(body)["transcripts"][1]["turns"][1]["sentences"][1][1]
    page = client.request(f"/?token={client.server.token}", token=False)[2].decode()
    assert "pwned" not in page and "innerHTML" not in client.request("/static/app.js")[2].decode()


def test_a_second_workbench_on_the_same_review_file_is_refused(served, tmp_path):
    server, *_ = served
    with pytest.raises(InputError, match="already open"):
        WorkbenchServer(server.workbench)
    link = tmp_path / "review-link.csv"
    link.symlink_to(server.workbench.review)
    through_link = Workbench(
        server.workbench.transcripts, server.workbench.codebook, link, coder="budi"
    )
    with pytest.raises(InputError, match="already open"):
        WorkbenchServer(through_link)


def test_a_review_file_in_a_missing_folder_is_refused_before_serving(tmp_path):
    corpus, codebook = write_study(tmp_path)
    arguments = ["review", "--browser", "-t", str(corpus), "-c", str(codebook)]
    result = runner.invoke(app, [*arguments, "--review", str(tmp_path / "nowhere" / "r.csv")])
    assert result.exit_code == 2
    assert "cannot write beside the review file" in result.output
    assert "Traceback" not in result.output and "http://" not in result.output


# -- decisions ----------------------------------------------------------------------------


def test_the_review_file_is_what_the_terminal_review_writes(client, tmp_path):
    workbench = client.server.workbench
    ids = {who: sentence_ids(workbench, who) for who in ("M1", "M2")}
    for action, who, n, criterion, polarity, extra in WEB_DECISIONS:
        key = {"segment_ids": [ids[who][n]]} if action == "add" else {"segment_id": ids[who][n]}
        client.decide(action=action, criterion=criterion, polarity=polarity, **key, **extra)
    terminal = tmp_path / "terminal.csv"
    corpus, codebook = workbench.transcripts, workbench.codebook
    arguments = ["review", "-t", str(corpus), "-c", str(codebook), "--review", str(terminal)]
    result = runner.invoke(app, [*arguments, "--coder", "ana"], input=TERMINAL_KEYS)
    assert result.exit_code == 0, result.output
    assert rows_without_time(workbench.review) == rows_without_time(terminal)
    assert len(rows_without_time(terminal)) == 8


def test_each_decision_changes_the_verdicts_at_once(client):
    workbench = client.server.workbench
    ids = sentence_ids(workbench, "M2")
    before = json.loads(client.request("/api/state")[2])
    verdict = {c["criterion"]: c for c in before["conclusions"]["criteria"]}
    assert (verdict["attitude"]["positive"], verdict["attitude"]["with_stance"]) == (1, 2)
    assert len(before["queue"]) == 6
    for segment in ids[:2]:
        state = client.decide(
            action="flip", segment_id=segment, criterion="attitude", polarity="negative"
        )
    verdict = {c["criterion"]: c for c in state["conclusions"]["criteria"]}
    assert (verdict["attitude"]["positive"], verdict["attitude"]["with_stance"]) == (2, 2)
    assert verdict["attitude"]["verdict"] == "met"
    assert len(state["queue"]) == 4
    assert [c["status"] for c in state["codings"][ids[0]]] == ["added", "rejected"]
    undone = json.loads(client.request("/api/undo", {"coder": "ana"})[2])
    verdict = {c["criterion"]: c for c in undone["conclusions"]["criteria"]}
    assert verdict["attitude"]["positive"] == 1 and len(undone["queue"]) == 5
    assert len(read_review(workbench.review).decisions()) == 2


def test_the_queue_is_what_the_terminal_review_would_list(client):
    from ektp_qual.loop.review_session import review_items

    workbench = client.server.workbench
    first = sentence_ids(workbench, "M1")[0]
    client.decide(action="accept", segment_id=first, criterion="attitude", polarity="positive")
    queue = json.loads(client.request("/api/state")[2])["queue"]
    listed = review_items(workbench.reduction(), read_review(workbench.review).decisions())
    assert [(q["segment_id"], q["criterion"], q["polarity"]) for q in queue] == [
        (item.segment_id, item.criterion, item.polarity) for item in listed
    ]
    assert len(queue) == 5 and first not in {q["segment_id"] for q in queue}


def test_an_analysis_from_a_coding_made_before_is_the_same_analysis():
    import ektp_qual

    corpus, book, _ = ektp_qual.load()
    coding = ektp_qual.code_corpus(corpus, book)
    again = ektp_qual.analyse(corpus, book, coding=coding).tables()
    fresh = ektp_qual.analyse(corpus, book).tables()
    assert again.keys() == fresh.keys()
    for name, table in fresh.items():
        assert again[name].equals(table), name
    # the coding given is the one analysed: without codings, no evidence
    uncoded = dataclasses.replace(coding, codings=coding.codings.iloc[0:0])
    assert ektp_qual.analyse(corpus, book, coding=uncoded).reduction.codings.empty


def test_a_span_of_sentences_gets_one_coding_each_with_its_note(client):
    ids = sentence_ids(client.server.workbench, "M1")
    state = client.decide(
        action="add",
        segment_ids=ids[4:6],
        criterion="reliability",
        polarity="negative",
        note="=waited all day",
    )
    for segment in ids[4:6]:
        assert [(c["criterion"], c["status"], c["note"]) for c in state["codings"][segment]] == [
            ("reliability", "added", "=waited all day")
        ]
    text = client.server.workbench.review.read_text(encoding="utf-8")
    assert "'=waited all day" in text  # spreadsheet-safe, as every review file is


def test_decisions_from_a_terminal_meanwhile_show_at_the_next_refresh(client):
    workbench = client.server.workbench
    corpus, codebook = workbench.transcripts, workbench.codebook
    arguments = ["review", "-t", str(corpus), "-c", str(codebook)]
    arguments += ["--review", str(workbench.review), "--coder", "budi", "--informant", "M2"]
    assert runner.invoke(app, arguments, input="rr").exit_code == 0
    state = json.loads(client.request("/api/state")[2])
    assert {item["informant"] for item in state["queue"]} == {"M1"}
    statuses = {c["status"] for s in sentence_ids(workbench, "M2") for c in state["codings"][s]}
    assert statuses == {"rejected"}


def test_a_consensus_is_written_as_decisions(tmp_path):
    corpus, codebook = write_study(tmp_path)
    ana, budi = tmp_path / "review-ana.csv", tmp_path / "review-budi.csv"
    first = Workbench(corpus, codebook, ana, coder="ana")
    ids = sentence_ids(first, "M1")
    first.decide({"action": "accept", "segment_id": ids[0], "criterion": "attitude",
                  "polarity": "positive", "coder": "ana"})  # fmt: skip
    second = Workbench(corpus, codebook, budi, coder="budi")
    second.decide({"action": "reject", "segment_id": ids[0], "criterion": "attitude",
                   "polarity": "positive", "coder": "budi"})  # fmt: skip
    consensus = tmp_path / "review.csv"
    meeting = Workbench(corpus, codebook, consensus, compare=(ana, budi), coder="both")
    [row] = meeting.state()["disagreements"]
    assert (row["segment_id"], row["criterion"]) == (ids[0], "attitude")
    assert row["consensus"] == "positive"
    assert row["values"] == [["review-ana", "positive"], ["review-budi", "absent"]]
    state = meeting.resolve(
        {"segment_id": ids[0], "criterion": "attitude", "value": "mixed", "coder": "both"}
    )
    assert state["disagreements"][0]["consensus"] == "mixed"
    decided = read_review(consensus).decisions()
    assert decided[["criterion", "polarity", "decision"]].values.tolist() == [
        ["attitude", "positive", "accept"],
        ["attitude", "negative", "add"],
    ]
    state = meeting.resolve(
        {"segment_id": ids[0], "criterion": "attitude", "value": "absent", "coder": "both"}
    )
    assert state["disagreements"][0]["consensus"] == "absent"


def test_personal_data_stays_masked_unless_asked_for(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    turns = [
        ("P", "Bu Wahyuni, bagaimana sikap petugas?"),
        ("M1", "Saya Sri Wahyuni, nomor saya 0812-3456-7890. Petugasnya ramah."),
    ]
    (corpus / "M1.txt").write_text(
        transcript_text("M1", "masyarakat", turns, name="Sri Wahyuni"), encoding="utf-8"
    )
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(MINI_CODEBOOK, encoding="utf-8")
    masked = Workbench(corpus, codebook, tmp_path / "review.csv")
    shown = json.dumps([masked.study(), masked.state()], ensure_ascii=False)
    assert "Wahyuni" not in shown and "3456" not in shown
    assert "[NAME]" in shown and "[PHONE]" in shown
    asked = Workbench(corpus, codebook, tmp_path / "review.csv", personal_data=True)
    assert "Sri Wahyuni" in json.dumps(asked.study(), ensure_ascii=False)


def test_the_queue_opens_filtered_as_the_command_line_asks(tmp_path):
    corpus, codebook = write_study(tmp_path)
    review = tmp_path / "review.csv"
    study = Workbench(corpus, codebook, review, filters={"role": "masyarakat"}).study()
    assert study["filters"] == {"role": "masyarakat"}
    with pytest.raises(InputError, match="'atitude' is not in this study"):
        Workbench(corpus, codebook, review, filters={"criterion": "atitude"})
    arguments = ["review", "--browser", "-t", str(corpus), "-c", str(codebook)]
    result = runner.invoke(app, [*arguments, "--role", "a", "--role", "b"])
    assert result.exit_code == 2 and "give one" in result.output


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_highlight_keeps_text_readable():
    """Criterion and stance colours are backgrounds of text: WCAG AA asks 4.5:1."""
    import re

    from ektp_qual.workbench import server

    css = server._asset("app.css").decode()
    colours = dict(re.findall(r"--([\w-]+):(#[0-9a-f]{6})", css))
    backgrounds = [colours[f"c{n}"] for n in range(8)]
    backgrounds += re.findall(r"\.st-\w+\{background:(#[0-9a-f]{6})\}", css)
    assert len(backgrounds) == 12
    for ink in (colours["ink"], colours["muted"], colours["pos"], colours["neg"]):
        for background in backgrounds:
            light, dark = sorted((_luminance(ink), _luminance(background)), reverse=True)
            assert (light + 0.05) / (dark + 0.05) >= 4.5, (ink, background)


def test_the_interface_speaks_the_codebooks_language(tmp_path, clinic_study):
    corpus, codebook = write_study(tmp_path)
    indonesian = Workbench(corpus, codebook, tmp_path / "review.csv").study()
    english = Workbench(*clinic_study, tmp_path / "clinic-review.csv").study()
    assert (indonesian["language"], indonesian["texts"]["accept"]) == ("id", "Terima")
    assert (english["language"], english["texts"]["accept"]) == ("en", "Accept")
    assert set(indonesian["texts"]) == set(english["texts"])


def test_browser_and_terminal_writing_at_once_lose_nothing(tmp_path):
    """A terminal session accepts M1's twenty codings while the workbench rejects M2's."""
    turns = {m: [] for m in ("M1", "M2")}
    for m, sentence_turns in turns.items():
        for k in range(20):
            sentence_turns += [("P", "Bagaimana sikap petugas?"), (m, f"Petugas nomor {k} ramah.")]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for m, sentence_turns in turns.items():
        (corpus / f"{m}.txt").write_text(transcript_text(m, "masyarakat", sentence_turns))
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(MINI_CODEBOOK, encoding="utf-8")
    review = tmp_path / "review.csv"
    workbench = Workbench(corpus, codebook, review, coder="ana")
    server = WorkbenchServer(workbench).start()
    try:
        client = Client(server)
        command = [sys.executable, "-m", "ektp_qual", "review", "-t", str(corpus), "-c"]
        command += [str(codebook), "--review", str(review), "--coder", "budi", "--informant", "M1"]
        terminal = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, env={**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        shown = ""
        while "1/20" not in shown:
            line = terminal.stdout.readline()
            assert line, shown
            shown += line

        def browser():
            for segment in sentence_ids(workbench, "M2"):
                client.decide(
                    action="reject", segment_id=segment, criterion="attitude", polarity="positive"
                )

        thread = threading.Thread(target=browser)
        thread.start()
        output, _ = terminal.communicate("a" * 20, timeout=120)
        thread.join(120)
        assert terminal.returncode == 0, output
    finally:
        server.stop()
    decided = read_review(review).decisions()
    assert len(decided) == 40
    assert sorted(decided.groupby("coder")["decision"].agg(set).items()) == [
        ("ana", {"reject"}),
        ("budi", {"accept"}),
    ]
    assert decided["segment_id"].nunique() == 40


# -- the queue of suggest's proposals (review --browser --suggested) -----------------------


def suggested_study(folder: Path) -> tuple[Path, Path]:
    """``write_study``'s informants and a third who gives her name and phone number."""
    corpus, codebook = write_study(folder)
    turns = [
        ("P", "Bagaimana sikap petugas?"),
        ("M3", "Saya Sri Wahyuni, nomor saya 0812-3456-7890. Nunggunya berjam-jam, Mas."),
    ]
    (corpus / "M3.txt").write_text(
        transcript_text("M3", "masyarakat", turns, name="Sri Wahyuni"), encoding="utf-8"
    )
    return corpus, codebook


def proposals(queue: list[dict]) -> list[tuple[str, str, str]]:
    return [(item["segment_id"], item["criterion"], item["polarity"]) for item in queue]


def suggested_rows(table) -> list[tuple[str, str, str]]:
    return list(zip(table["segment_id"], table["criterion"], table["polarity"], strict=True))


def test_the_suggested_queue_is_what_suggest_proposes_in_its_order(tmp_path):
    corpus, codebook = suggested_study(tmp_path)
    review = tmp_path / "review.csv"
    workbench = Workbench(corpus, codebook, review, coder="ana", suggested=True, count=4)
    state = workbench.state()
    table = ektp_qual.suggest(corpus, codebook, review=review, count=4)
    assert proposals(state["queue"]) == suggested_rows(table)
    assert len({item["segment_id"] for item in state["queue"]}) == 4
    for item, row in zip(state["queue"], table.itertuples(), strict=True):
        assert item["reason"] == row.reason != ""
        probability = None if pd.isna(row.probability) else round(row.probability, 2)
        assert item["probability"] == probability
        assert (item["method"] == "learned") != row.reason.startswith("the rules code it")
        # each proposal is in its sentence's margin, with its probability and reason
        margin = state["codings"][item["segment_id"]]
        held = [c for c in margin if (c["criterion"], c["polarity"]) == proposals([item])[0][1:]]
        assert [(c["probability"], c["reason"]) for c in held] == [(probability, row.reason)]
    assert workbench.study()["suggested"] is True
    undecided = Workbench(corpus, codebook, review).state()["queue"]
    assert undecided and all("reason" not in item for item in undecided)


def test_a_decided_sentence_leaves_the_suggested_queue_and_the_next_comes_in(tmp_path):
    corpus, codebook = suggested_study(tmp_path)
    review = tmp_path / "review.csv"
    workbench = Workbench(corpus, codebook, review, coder="ana", suggested=True, count=2)
    server = WorkbenchServer(workbench).start()
    client = Client(server)
    try:
        status, _, body = client.request("/api/state")
        before = json.loads(body)["queue"]
        first = before[0]
        after = client.decide(
            action="accept",
            segment_id=first["segment_id"],
            criterion=first["criterion"],
            polarity=first["polarity"],
        )["queue"]
    finally:
        server.stop()
    assert status == 200
    sentences = {item["segment_id"] for item in after}
    assert first["segment_id"] not in sentences and len(sentences) == 2
    assert sentences - {item["segment_id"] for item in before}  # the next one came in
    assert all(item["reason"] for item in after)
    assert proposals(after) == suggested_rows(
        ektp_qual.suggest(corpus, codebook, review=review, count=2)
    )
    # the row the terminal's review --suggested writes when 'a' accepts the same proposal
    terminal = tmp_path / "terminal.csv"
    arguments = ["review", "-t", str(corpus), "-c", str(codebook), "--review", str(terminal)]
    done = runner.invoke(app, [*arguments, "--suggested", "-n", "2", "--coder", "ana"], input="aq")
    assert done.exit_code == 0, done.output
    assert rows_without_time(review) == rows_without_time(terminal)


def test_the_terminal_and_the_workbench_suggest_the_same_after_decisions(tmp_path):
    """Both learn from the decisions already in the review file, as ``suggest`` does."""
    corpus, codebook = suggested_study(tmp_path)
    review = tmp_path / "review.csv"
    workbench = Workbench(corpus, codebook, review, coder="ana", suggested=True, count=100)
    first, second, *_ = sentence_ids(workbench, "M1")
    request = {"coder": "ana", "criterion": "reliability", "polarity": "negative"}
    workbench.decide({**request, "action": "add", "segment_ids": [first, second]})
    queue = workbench.state()["queue"]
    arguments = ["review", "-t", str(corpus), "-c", str(codebook), "--review", str(review)]
    done = runner.invoke(
        app, [*arguments, "--suggested", "-n", "100", "--coder", "ana"], input="s" * 100 + "q"
    )
    assert done.exit_code == 0, done.output
    shown = re.findall(r"why: p = (\d\.\d\d)", done.output)
    assert shown == [f"{i['probability']:.2f}" for i in queue if i["probability"] is not None]
    assert len(shown) > 10


def test_a_suggested_sentence_with_nothing_to_propose_can_only_get_a_code_added(
    corpus_dir, mini_codebook, tmp_path
):
    turns = [("P", "Apakah ada biaya atau pungutan dalam pembuatan e-KTP?"), ("M1", "Hmm.")]
    folder = corpus_dir({"M1": ("masyarakat", turns)})
    workbench = Workbench(folder, mini_codebook, tmp_path / "review.csv", suggested=True)
    state = workbench.state()
    [item] = state["queue"]
    assert (item["criterion"], item["polarity"], item["method"]) == ("", "", "")
    assert item["reason"] == "answers a question about reliability, nothing coded"
    assert state["codings"].get(item["segment_id"], []) == []
    request = {"coder": "ana", "segment_ids": [item["segment_id"]], "polarity": "negative"}
    after = workbench.decide({**request, "action": "add", "criterion": "reliability"})
    assert after["queue"] == []
    assert [c["status"] for c in after["codings"][item["segment_id"]]] == ["added"]


def test_the_suggested_queue_is_masked_unless_personal_data_is_asked_for(tmp_path):
    corpus, codebook = suggested_study(tmp_path)
    review = tmp_path / "review.csv"
    masked = Workbench(corpus, codebook, review, suggested=True, count=100).state()
    shown = json.dumps(masked["queue"], ensure_ascii=False)
    assert "[NAME]" in shown and "[PHONE]" in shown
    assert "Wahyuni" not in shown and "3456" not in shown
    asked = Workbench(corpus, codebook, review, suggested=True, count=100, personal_data=True)
    assert "Sri Wahyuni" in json.dumps(asked.state()["queue"], ensure_ascii=False)


def test_scipy_is_imported_only_for_the_suggested_queue(tmp_path):
    corpus, codebook = write_study(tmp_path)
    script = (
        "import sys\n"
        "from ektp_qual.workbench.study import Workbench\n"
        f"Workbench({str(corpus)!r}, {str(codebook)!r}, {str(tmp_path / 'r.csv')!r},"
        " suggested=sys.argv[1] == 'yes').state()\n"
        "print('scipy' in sys.modules)\n"
    )
    for suggested, imported in (("no", "False"), ("yes", "True")):
        done = subprocess.run(
            [sys.executable, "-c", script, suggested], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == imported


# -- the command --------------------------------------------------------------------------


def test_browser_without_the_web_extra_says_what_to_install(tmp_path, monkeypatch):
    corpus, codebook = write_study(tmp_path)
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    monkeypatch.delitem(sys.modules, "ektp_qual.workbench.server", raising=False)
    arguments = ["review", "--browser", "-t", str(corpus), "-c", str(codebook)]
    result = runner.invoke(app, [*arguments, "--review", str(tmp_path / "review.csv")])
    assert result.exit_code == 2
    assert "pip install 'ektp-qual[web]'" in result.output
    assert not (tmp_path / "review.csv").exists()


def test_the_command_prints_the_address_first_and_stops_cleanly_on_ctrl_c(tmp_path):
    corpus, codebook = write_study(tmp_path)
    command = [sys.executable, "-m", "ektp_qual", "review", "--browser", "-t", str(corpus)]
    command += ["-c", str(codebook), "--review", str(tmp_path / "review.csv"), "--coder", "ana"]
    environment = {**os.environ, "BROWSER": "true", "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
    )
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and "/?token=" in url
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
        second = subprocess.run(command, capture_output=True, text=True, env=environment)
        assert second.returncode == 2 and "already open" in second.stderr
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert "every decision is saved" in out


def test_the_command_serves_suggests_queue_filtered_as_asked(tmp_path):
    corpus, codebook = suggested_study(tmp_path)
    command = [sys.executable, "-m", "ektp_qual", "review", "--browser", "--suggested", "-n", "3"]
    command += ["-t", str(corpus), "-c", str(codebook), "--review", str(tmp_path / "review.csv")]
    command += ["--criterion", "attitude", "--coder", "ana"]
    environment = {**os.environ, "BROWSER": "true", "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
    )
    try:
        url = process.stdout.readline().strip()
        base, token = url.split("/?token=")
        answers = []
        for path in ("/api/study", "/api/state"):
            request = urllib.request.Request(base + path, headers={"X-Workbench-Token": token})
            with urllib.request.urlopen(request, timeout=60) as response:
                answers.append(json.loads(response.read()))
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    study, state = answers
    assert process.returncode == 0, err
    assert study["suggested"] is True and study["filters"] == {"criterion": "attitude"}
    assert len({item["segment_id"] for item in state["queue"]}) == 3
    assert all(item["reason"] for item in state["queue"])
