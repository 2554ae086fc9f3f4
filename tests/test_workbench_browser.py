"""The workbench in a real headless Chromium: decisions with keys and clicks give the
review file the terminal review writes, a hostile transcript stays text, the views work
and are readable; and the README's screenshots are made here."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ektp_qual.cli import app
from ektp_qual.inputs.review_file import read_review

from .test_report import browser  # noqa: F401 - the report's Chromium, found the same way
from .test_workbench import (
    TERMINAL_KEYS,
    rows_without_time,
    sentence_ids,
    suggested_study,
    write_study,
)

pytest.importorskip("starlette", reason="the workbench needs the web extra")

from ektp_qual.workbench.server import WorkbenchServer
from ektp_qual.workbench.study import Workbench

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbench-browser")
    corpus, codebook = write_study(folder)
    workbench = Workbench(corpus, codebook, folder / "review.csv", coder="ana")
    server = WorkbenchServer(workbench).start()
    yield server, folder
    server.stop()


@pytest.fixture
def page(browser, served):  # noqa: F811
    """A fresh page on the workbench, with an empty review file; what it logged."""
    server, folder = served
    (folder / "review.csv").unlink(missing_ok=True)
    server.workbench.history.clear()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.errors = []
    page.requests = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto(server.url)
    page.wait_for_selector("body[data-ready=true]")
    yield page
    page.close()


def saved(page, decisions: int) -> None:
    """Wait until the page says the review file holds this many decisions."""
    page.wait_for_function(
        "n => document.getElementById('status').textContent.includes(`· ${n} `)", arg=decisions
    )


def open_informant(page, informant: str) -> None:
    page.click(f"#informant-list button:text-is('{informant}')")


def terminal_file(served, tmp_path) -> Path:
    """What the terminal review writes for the same decisions."""
    server, _ = served
    terminal = tmp_path / "terminal.csv"
    workbench = server.workbench
    arguments = ["review", "-t", str(workbench.transcripts), "-c", str(workbench.codebook)]
    arguments += ["--review", str(terminal), "--coder", "ana"]
    assert runner.invoke(app, arguments, input=TERMINAL_KEYS).exit_code == 0
    return terminal


def test_loads_offline_in_the_codebooks_language(page, served):
    server, _ = served
    assert page.errors == []
    origin = f"http://127.0.0.1:{server.port}/"
    assert page.requests and all(url.startswith(origin) for url in page.requests)
    assert page.evaluate("document.documentElement.lang") == "id"
    assert page.inner_text("#tab-transcripts") == "Transkrip"
    assert page.locator("#transcript .seg").count() == 6  # M1's sentences


def test_a_hostile_transcript_shows_its_markup_as_text(page):
    open_informant(page, "M2")
    assert page.evaluate("window.pwned") is None
    assert page.locator("#transcript script, #transcript img").count() == 0
    text = page.inner_text("#transcript")
    assert "<script>window.pwned=1</script>" in text
    assert "<img src=x onerror=window.pwned=2>" in text
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert "<script>" in page.inner_text("#panel .quote")
    assert page.evaluate("window.pwned") is None and page.errors == []


def test_keyboard_decisions_write_what_the_terminal_writes(page, served, tmp_path):
    server, folder = served
    keys = [("j", 0), ("a", 1), ("j", 1), ("r", 2), ("j", 2), ("f", 4), ("j", 4)]
    for key, decisions in keys:
        page.keyboard.press(key)
        saved(page, decisions)
    page.keyboard.press("c")
    assert page.inner_text("#status").startswith("Kriteria? [1] attitude")
    page.keyboard.press("1")
    saved(page, 6)
    open_informant(page, "M2")
    for key in ("j", "n", "3"):
        page.keyboard.press(key)
    page.keyboard.press("+")
    saved(page, 7)
    page.keyboard.press("a")
    saved(page, 8)
    assert rows_without_time(folder / "review.csv") == rows_without_time(
        terminal_file(served, tmp_path)
    )
    # after a reload the decisions are there
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    first, _, third, *_ = sentence_ids(server.workbench, "M1")
    assert page.inner_text(f"#seg-{first} + .tags") == "atti +"
    assert page.inner_text(f"#seg-{third} + .tags") == "prof +"
    page.click(f"#seg-{first}")
    assert "diterima oleh ana" in page.inner_text("#panel .codings")
    page.keyboard.press("u")
    saved(page, 7)
    assert page.errors == []


def test_clicked_decisions_write_what_the_terminal_writes(page, served, tmp_path):
    server, folder = served
    ids = sentence_ids(server.workbench, "M1")
    steps = [
        (ids[0], "Terima", 1),
        (ids[1], "Tolak", 2),
        (ids[2], "Balik polaritas", 4),
    ]
    for segment, button, decisions in steps:
        page.click(f"#seg-{segment}")
        page.click(f"#panel button:text-is('{button}')")
        saved(page, decisions)
    page.click(f"#seg-{ids[3]}")
    page.select_option("#recode-0", "attitude")
    page.click("#panel button:text-is('Ganti kode ke')")
    saved(page, 6)
    open_informant(page, "M2")
    page.click(f"#seg-{sentence_ids(server.workbench, 'M2')[0]}")
    page.select_option("#add-criterion", "reliability")
    page.select_option("#add-polarity", "positive")
    page.click("#add-button")
    saved(page, 7)
    page.click("#panel li.auto button:text-is('Terima')")
    saved(page, 8)
    assert rows_without_time(folder / "review.csv") == rows_without_time(
        terminal_file(served, tmp_path)
    )


def test_nothing_here_clicked_or_keyed_drops_every_code_of_the_sentence(page, served):
    server, folder = served
    first, second, *_ = sentence_ids(server.workbench, "M1")
    assert page.inner_text(f"#seg-{first} + .tags") == "atti +"  # the rules code it
    page.click(f"#seg-{first}")
    page.click("#nothing-button")
    saved(page, 1)
    assert page.locator(f"#seg-{first} + .tags").count() == 0  # no code left on it
    page.click(f"#seg-{second}")
    page.keyboard.press("0")
    saved(page, 2)
    columns = ["segment_id", "criterion", "polarity", "decision", "coder"]
    decided = read_review(folder / "review.csv").decisions()[columns]
    assert decided.fillna("").values.tolist() == [
        [first, "", "", "none", "ana"],
        [second, "", "", "none", "ana"],
    ]
    page.reload()  # what the page shows is what the review file says
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator(f"#seg-{first} + .tags").count() == 0
    assert page.errors == []


def test_a_selected_span_snaps_to_its_sentences_and_keeps_the_note(page, served):
    server, folder = served
    ids = sentence_ids(server.workbench, "M1")
    page.evaluate(
        """([a, b]) => {
            const range = document.createRange();
            range.setStart(document.getElementById('seg-' + a).firstChild, 5);
            range.setEnd(document.getElementById('seg-' + b).firstChild, 3);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
            document.getElementById('transcript').dispatchEvent(new MouseEvent('mouseup'));
        }""",
        [ids[4], ids[5]],
    )
    assert page.inner_text("#panel p") == "2 kalimat dipilih"
    page.fill("#coder", "budi")  # two coders take turns at one screen
    page.fill("#note", "menunggu seharian")
    page.select_option("#add-criterion", "reliability")
    page.select_option("#add-polarity", "negative")
    page.click("#add-button")
    saved(page, 2)
    decided = read_review(folder / "review.csv").decisions()
    columns = ["segment_id", "criterion", "polarity", "decision", "coder", "note"]
    assert decided[columns].values.tolist() == [
        [ids[4], "reliability", "negative", "add", "budi", "menunggu seharian"],
        [ids[5], "reliability", "negative", "add", "budi", "menunggu seharian"],
    ]
    page.fill("#coder", "ana")


def test_the_queue_filters_and_the_verdicts_follow_each_decision(page):
    live = "#live-table td[data-criterion=attitude]"
    assert page.get_attribute(live, "data-verdict") == "not met"
    page.keyboard.press("g")
    assert page.is_visible("#view-queue") and not page.is_visible("#view-transcripts")
    assert page.locator("#queue-list li").count() == 6
    page.select_option("#filter-criterion", "attitude")
    page.select_option("#filter-informant", "M2")
    items = page.locator("#queue-list li")
    assert items.count() == 2
    assert set(items.evaluate_all("l => l.map(i => i.dataset.criterion)")) == {"attitude"}
    page.select_option("#filter-method", "structural")
    assert items.count() == 1
    page.focus("#queue-list")
    page.keyboard.press("Enter")
    assert page.is_visible("#view-transcripts")
    page.keyboard.press("f")
    saved(page, 2)
    page.keyboard.press("g")
    page.select_option("#filter-method", "")
    assert items.count() == 1
    page.keyboard.press("Enter")
    page.keyboard.press("f")
    saved(page, 4)
    assert page.get_attribute(live, "data-verdict") == "met"
    page.keyboard.press("v")
    assert page.get_attribute("#verdict-table td[data-criterion=attitude]", "data-verdict") == "met"
    cells = page.locator("#matrix tbody tr").nth(1).locator("td")
    assert cells.nth(1).inner_text() == "+ +2/-0"
    assert page.errors == []


def test_suggests_queue_shows_reasons_and_a_key_accepts_as_the_terminal_does(
    browser,  # noqa: F811
    tmp_path,
):
    corpus, codebook = suggested_study(tmp_path)
    review = tmp_path / "review.csv"
    workbench = Workbench(corpus, codebook, review, coder="ana", suggested=True, count=3)
    queue = workbench.state()["queue"]
    first = queue[0]
    server = WorkbenchServer(workbench).start()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(server.url)
        page.wait_for_selector("body[data-ready=true]")
        page.keyboard.press("g")
        shown = page.locator("#queue-0")
        assert shown.get_attribute("data-segment") == first["segment_id"]
        assert first["reason"] in shown.inner_text()
        assert f"p = {first['probability']:.2f}" in shown.inner_text()
        page.select_option("#filter-informant", first["informant"])
        mine = [item for item in queue if item["informant"] == first["informant"]]
        assert page.locator("#queue-list li").count() == len(mine)
        page.focus("#queue-list")
        page.keyboard.press("Enter")
        assert first["reason"] in page.inner_text("#panel .codings li.active")
        page.keyboard.press("a")
        saved(page, 1)
        page.keyboard.press("g")
        page.select_option("#filter-informant", "")
        left = page.locator(f"#queue-list li[data-segment='{first['segment_id']}']")
        assert left.count() == 0
        assert page.locator("#queue-list li .why").count() >= 3
    finally:
        page.close()
        server.stop()
    assert errors == []
    terminal = tmp_path / "terminal.csv"
    arguments = ["review", "-t", str(corpus), "-c", str(codebook), "--review", str(terminal)]
    done = runner.invoke(app, [*arguments, "--suggested", "-n", "3", "--coder", "ana"], input="aq")
    assert done.exit_code == 0, done.output
    assert rows_without_time(review) == rows_without_time(terminal)


def test_disagreements_are_settled_in_the_page(browser, tmp_path):  # noqa: F811
    corpus, codebook = write_study(tmp_path)
    files = {coder: tmp_path / f"review-{coder}.csv" for coder in ("ana", "budi")}
    for coder, action in (("ana", "accept"), ("budi", "reject")):
        bench = Workbench(corpus, codebook, files[coder], coder=coder)
        first = sentence_ids(bench, "M1")[0]
        bench.decide(
            {"action": action, "segment_id": first, "criterion": "attitude",
             "polarity": "positive", "coder": coder}
        )  # fmt: skip
    consensus = tmp_path / "review.csv"
    meeting = Workbench(
        corpus,
        codebook,
        consensus,
        compare=tuple(files.values()),
        coder="ana",
        filters={"criterion": "professionalism"},
    )
    server = WorkbenchServer(meeting).start()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(server.url)
        page.wait_for_selector("body[data-ready=true]")
        page.keyboard.press("g")  # the queue opens filtered as the command line asked
        assert page.input_value("#filter-criterion") == "professionalism"
        assert page.locator("#queue-list li").count() == 2
        page.keyboard.press("d")
        row = page.locator("#disagreement-table tbody tr")
        assert row.count() == 1
        assert row.locator("td").nth(2).inner_text() == "positif"
        assert row.locator("td").nth(3).inner_text() == "tidak ada"
        row.locator("button[data-value=absent]").click()
        page.wait_for_function(
            "() => document.querySelector('#disagreement-table .consensus').textContent"
            " === 'tidak ada'"
        )
    finally:
        page.close()
        server.stop()
    decided = read_review(consensus).decisions()
    assert decided[["criterion", "polarity", "decision"]].values.tolist() == [
        ["attitude", "positive", "reject"]
    ]


def test_every_control_has_a_name_and_keys_reach_it(page):
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "skip"
    assert page.locator("#skip").bounding_box()["y"] >= 0  # shown when it has the focus
    page.keyboard.press("Enter")
    page.keyboard.press("j")
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea, button')]
            .filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')
                         && !c.textContent.trim())
            .map(c => c.outerHTML)"""
    )
    assert unnamed == []
    assert page.evaluate("document.activeElement.classList.contains('selected')")
    page.click("#help-button")
    assert page.is_visible("#help") and "j/k" in page.inner_text("#help")
    assert page.get_attribute("#help-button", "aria-expanded") == "true"


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1366, 768), (1024, 700)])
def test_readable_on_a_laptop_screen(page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.keyboard.press("j")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for selector in ("#transcript", "#panel", "#live-table"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, selector
        assert box["width"] > 150, selector


def test_screenshots_of_the_main_views(browser, tmp_path):  # noqa: F811
    """The README's screenshots, of the sample: written to docs/ when
    EKTP_QUAL_SCREENSHOTS=docs, else to a temporary folder and only checked."""
    folder = ROOT / "docs" if os.environ.get("EKTP_QUAL_SCREENSHOTS") == "docs" else tmp_path
    workbench = Workbench(None, None, tmp_path / "review.csv", coder="ana")
    server = WorkbenchServer(workbench).start()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(server.url)
        page.wait_for_selector("body[data-ready=true]")
        open_informant(page, "M03")
        for key in "jjjjjj":
            page.keyboard.press(key)
        page.keyboard.press("a")
        saved(page, 1)
        page.screenshot(path=str(folder / "workbench-transcripts.png"))
        page.keyboard.press("g")
        page.select_option("#filter-criterion", "attitude")
        page.screenshot(path=str(folder / "workbench-queue.png"))
        page.keyboard.press("v")
        page.screenshot(path=str(folder / "workbench-conclusions.png"))
        shots = ["workbench-transcripts.png", "workbench-queue.png", "workbench-conclusions.png"]
    finally:
        page.close()
        server.stop()
    for name in shots:
        data = (folder / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
        assert struct.unpack(">II", data[16:24]) == (1280, 800)
