// The coding workbench's page. Every text from the study is put into the page with
// textContent (never as HTML), so a transcript that holds markup shows it as text.
"use strict";

const TOKEN = document.querySelector('meta[name="workbench-token"]').content;
const KEYS = "123456789";
let study = null;
let state = null;
let T = {};
const ui = {
  view: "transcripts",
  informant: null,
  selected: [],      // segment ids of the selected sentences (a span snaps to sentences)
  active: 0,         // which coding of the selected sentence the keys act on
  pending: "",       // "c" or "n" while a criterion (then a polarity) is being chosen
  pendingCriterion: "",
  queueIndex: 0,
  filters: {criterion: "", role: "", informant: "", method: "", source: ""},
};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, body) {
  const options = {headers: {"X-Workbench-Token": TOKEN}};
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({error: response.statusText}));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function say(message, error) {
  const status = document.getElementById("status");
  status.textContent = message;
  status.classList.toggle("error", !!error);
}

function coder() {
  return document.getElementById("coder").value.trim();
}

function criterionIndex(id) {
  return study.criteria.findIndex(c => c.id === id);
}

function criterionName(id) {
  const c = study.criteria[criterionIndex(id)];
  return c ? c.label : id;
}

function tagText(coding) {
  const c = study.criteria[criterionIndex(coding.criterion)];
  return `${c ? c.short : coding.criterion} ${coding.polarity === "positive" ? "+" : "−"}`;
}

function inForce(segmentId) {
  return (state.codings[segmentId] || []).filter(c => c.status !== "rejected");
}

// -- decisions ----------------------------------------------------------------------------

async function send(path, body) {
  if (!coder()) {
    say(T.coder_help, true);
    document.getElementById("coder").focus();
    return;
  }
  try {
    const note = document.getElementById("note");
    state = await api(path, {...body, coder: coder(), note: note ? note.value : ""});
    if (note) note.value = "";
    say(`${path === "/api/undo" ? T.undone : T.saved} ${study.review_file} · ${state.decisions} ${T.decisions}`);
    renderState();
  } catch (error) {
    say(`${T.error}: ${error.message}`, true);
  }
}

function decide(action, coding, extra) {
  const segment = ui.selected[0];
  return send("/api/decide", {
    action, segment_id: segment, criterion: coding.criterion, polarity: coding.polarity, ...extra,
  });
}

function nothingHere() {
  // The sentence holds no evidence for any criterion: one decision for all its codes.
  return ui.selected.length === 1 && send("/api/decide", {action: "none", segment_id: ui.selected[0]});
}

function addCoding(criterion, polarity) {
  return send("/api/decide", {action: "add", segment_ids: ui.selected, criterion, polarity});
}

// -- transcripts view ---------------------------------------------------------------------

function renderInformants() {
  const list = document.getElementById("informant-list");
  list.replaceChildren(...study.transcripts.map(t => {
    const undecided = state.queue.filter(q => q.informant === t.informant).length;
    return el("li", {},
      el("button", {
        type: "button", "aria-current": t.informant === ui.informant ? "true" : "false",
        onclick: () => openInformant(t.informant),
      }, `${t.informant} `, el("span", {class: "count", text: `${t.role} · ${undecided}`})));
  }));
}

function openInformant(informant, segment) {
  ui.informant = informant;
  ui.selected = segment ? [segment] : [];
  ui.active = 0;
  renderInformants();
  renderTranscript();
  renderPanel();
  if (segment) focusSegment(segment);
}

function segmentClass(segmentId) {
  const codings = inForce(segmentId);
  if (!codings.length) return "seg";
  const first = criterionIndex(codings[0].criterion) % 8;
  const negativeOnly = codings.every(c => c.polarity === "negative");
  return `seg coded c${first}${negativeOnly ? " negative-only" : ""}`;
}

function renderTranscript() {
  const article = document.getElementById("transcript");
  const transcript = study.transcripts.find(t => t.informant === ui.informant);
  if (!transcript) { article.replaceChildren(); return; }
  const heading = el("h2", {id: "transcript-heading"},
    `${transcript.informant} (${transcript.role})`,
    transcript.source ? el("span", {class: "count", text: ` · ${transcript.source}`}) : null);
  const turns = transcript.turns.map(turn => {
    if (turn.interviewer) {
      return el("p", {class: "turn interviewer"}, el("span", {class: "speaker", text: `${turn.speaker}:`}), turn.text);
    }
    const parts = [el("span", {class: "speaker", text: `${turn.speaker}:`})];
    for (const [id, text] of turn.sentences) {
      const tags = inForce(id).map(c => el("span", {class: `tag c${criterionIndex(c.criterion) % 8}`, text: tagText(c)}));
      parts.push(el("span", {
        class: segmentClass(id) + (ui.selected.includes(id) ? " selected" : ""),
        id: `seg-${id}`, dataset: {id}, tabindex: "-1",
        onclick: event => selectSegment(id, event.shiftKey),
      }, text), tags.length ? el("span", {class: "tags"}, tags) : null, " ");
    }
    return el("p", {class: "turn"}, parts);
  });
  article.replaceChildren(heading, ...turns);
}

function selectSegment(id, extend) {
  if (extend && ui.selected.length) {
    const order = orderedSegments();
    const from = order.indexOf(ui.selected[0]);
    const to = order.indexOf(id);
    ui.selected = order.slice(Math.min(from, to), Math.max(from, to) + 1);
  } else {
    ui.selected = [id];
  }
  ui.active = firstUndecided(id);
  refreshSelection();
}

function firstUndecided(id) {
  const index = (state.codings[id] || []).findIndex(c => c.status === "auto" || c.status === "suggested");
  return Math.max(index, 0);
}

function refreshSelection() {
  document.querySelectorAll(".seg.selected").forEach(n => n.classList.remove("selected"));
  ui.selected.forEach(id => {
    const node = document.getElementById(`seg-${id}`);
    if (node) node.classList.add("selected");
  });
  renderPanel();
  if (ui.selected.length) focusSegment(ui.selected[ui.selected.length - 1]);
}

function focusSegment(id) {
  const node = document.getElementById(`seg-${id}`);
  if (node) { node.focus({preventScroll: true}); node.scrollIntoView({block: "nearest"}); }
}

function orderedSegments() {
  const transcript = study.transcripts.find(t => t.informant === ui.informant);
  return transcript ? transcript.turns.flatMap(t => (t.sentences || []).map(s => s[0])) : [];
}

function moveSegment(step, extend) {
  const order = orderedSegments();
  if (!order.length) return;
  const current = ui.selected.length ? order.indexOf(ui.selected[ui.selected.length - 1]) : -1;
  const next = Math.min(Math.max(current + step, 0), order.length - 1);
  if (extend && ui.selected.length) {
    if (!ui.selected.includes(order[next])) ui.selected.push(order[next]);
    refreshSelection();
  } else {
    selectSegment(order[next], false);
  }
}

function snapSelection() {
  // A span of text selected with the mouse becomes the sentences it touches.
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return;
  const range = selection.getRangeAt(0);
  const ids = [...document.querySelectorAll("#transcript .seg")]
    .filter(node => range.intersectsNode(node)).map(node => node.dataset.id);
  if (ids.length) {
    ui.selected = ids;
    ui.active = 0;
    selection.removeAllRanges();
    refreshSelection();
  }
}

function chance(item) {
  // A suggestion's probability, as the terminal's review --suggested shows it.
  return item.probability === null || item.probability === undefined ? "" : `p = ${item.probability.toFixed(2)}`;
}

function why(item) {
  return el("div", {class: "why", text: `${T.why}: ${[chance(item), item.reason].filter(Boolean).join("; ")}`});
}

function queueTag(item) {
  if (!item.criterion) return el("span", {class: "tag add-only", text: T.suggested_add});
  return el("span", {class: `tag c${criterionIndex(item.criterion) % 8}`, text: tagText(item)});
}

function polarityWord(polarity) {
  return el("span", {class: polarity, text: `${polarity === "positive" ? "+" : "−"} ${T[polarity]}`});
}

function criterionSelect(id, label, exclude) {
  return [
    el("label", {for: id, class: "sr-only", text: label}),
    el("select", {id}, study.criteria.filter(c => c.id !== exclude).map(c =>
      el("option", {value: c.id, text: `${KEYS[criterionIndex(c.id)] || ""} ${c.label}`}))),
  ];
}

function renderPanel() {
  const panel = document.getElementById("panel");
  if (!ui.selected.length) {
    panel.replaceChildren(el("h2", {text: T.codings}), el("p", {text: T.choose_sentence}));
    return;
  }
  const id = ui.selected[0];
  const segment = document.getElementById(`seg-${id}`);
  const parts = [el("h2", {id: "margin-heading", text: T.sentence})];
  if (ui.selected.length > 1) {
    parts.push(el("p", {text: `${ui.selected.length} ${T.selected}`}));
  } else {
    const question = study.questions[id];
    if (question) parts.push(el("p", {class: "asked"}, el("strong", {text: `${T.asked}: `}), question));
    parts.push(el("p", {class: "quote", text: segment ? segment.textContent : ""}));
    const codings = state.codings[id] || [];
    ui.active = Math.min(ui.active, Math.max(codings.length - 1, 0));
    parts.push(el("h3", {class: "sr-only", text: T.codings}));
    if (!codings.length) parts.push(el("p", {text: T.no_coding}));
    // A suggested sentence with nothing to propose: why it is worth a look.
    state.queue.filter(q => q.segment_id === id && !q.criterion && q.reason)
      .forEach(q => parts.push(why(q)));
    parts.push(el("ul", {class: "codings"}, codings.map((coding, n) => {
      const selectId = `recode-${n}`;
      const who = coding.coder ? ` ${T.by} ${coding.coder}` : "";
      return el("li", {class: `${coding.status}${n === ui.active ? " active" : ""}`, dataset: {index: n}},
        el("div", {class: "what"},
          el("span", {class: `tag c${criterionIndex(coding.criterion) % 8}`, text: tagText(coding)}), " ",
          el("strong", {text: criterionName(coding.criterion)}), " ", polarityWord(coding.polarity)),
        el("div", {class: "meta"},
          `${T[`status_${coding.status}`] || coding.status}${who} · ${T.method}: ${coding.method}`,
          coding.phrases ? ` · ${T.phrases} “${coding.phrases}”` : "",
          coding.rule ? ` (${coding.rule})` : "",
          coding.note ? el("div", {text: `“${coding.note}”`}) : null,
          coding.reason ? why(coding) : null),
        el("div", {class: "actions"},
          el("button", {type: "button", onclick: () => decide("accept", coding)}, T.accept),
          el("button", {type: "button", onclick: () => decide("reject", coding)}, T.reject),
          el("button", {type: "button", onclick: () => decide("flip", coding)}, T.flip),
          ...criterionSelect(selectId, T.recode, coding.criterion),
          el("button", {type: "button", onclick: () =>
            decide("recode", coding, {to: document.getElementById(selectId).value})}, T.recode)));
    })));
  }
  parts.push(el("div", {class: "add"},
    ...criterionSelect("add-criterion", T.criterion, ""),
    el("label", {for: "add-polarity", class: "sr-only", text: T.polarity}),
    el("select", {id: "add-polarity"},
      el("option", {value: "positive", text: `+ ${T.positive}`}),
      el("option", {value: "negative", text: `− ${T.negative}`})),
    el("button", {type: "button", id: "add-button", onclick: () =>
      addCoding(document.getElementById("add-criterion").value, document.getElementById("add-polarity").value)}, T.add)));
  if (ui.selected.length === 1) {
    parts.push(el("button", {type: "button", id: "nothing-button", onclick: nothingHere}, T.nothing_here));
  }
  parts.push(el("div", {class: "notebox"},
    el("label", {for: "note", text: T.note}), el("textarea", {id: "note", maxlength: "2000"})));
  parts.push(el("button", {type: "button", id: "undo-button", onclick: () => send("/api/undo", {})}, T.undo));
  panel.replaceChildren(...parts);
}

// -- conclusions --------------------------------------------------------------------------

function verdictTable(compact) {
  const rows = state.conclusions.criteria;
  const expected = rows.some(r => r.expected);
  const head = compact ? [T.criterion, T.positive_of, T.verdict, ...(expected ? [T.expected] : [])]
    : [T.criterion, T.positive_of, T.share, T.verdict, ...(expected ? [T.expected, ""] : [])];
  const table = el("table", {id: compact ? "live-table" : "verdict-table"},
    el("caption", {text: T.verdicts}),
    el("thead", {}, el("tr", {}, head.map(h => el("th", {scope: "col", text: h})))),
    el("tbody", {}, rows.map(r => el("tr", {},
      el("th", {scope: "row", text: compact ? r.criterion : `${r.criterion}: ${criterionName(r.criterion)}`}),
      el("td", {text: `${r.positive}/${r.with_stance}`}),
      compact ? null : el("td", {text: r.share === null ? "" : r.share.toFixed(2)}),
      el("td", {class: `v-${r.verdict.replace(" ", "-")}`, dataset: {criterion: r.criterion, verdict: r.verdict}, text: r.label || r.verdict}),
      ...(expected && compact ? [el("td", {text: `${r.expected} ${r.matches ? "✓" : "✗"}`})] : []),
      ...(expected && !compact ? [el("td", {text: r.expected}),
        el("td", {text: r.matches === null ? "" : (r.matches ? `✓ ${T.matches}` : `✗ ${T.differs}`)})] : [])))));
  const o = state.conclusions.overall;
  const overall = el("p", {id: compact ? "live-overall" : "overall"},
    el("strong", {text: `${T.overall}: `}), `${o.label || o.verdict} · ${o.met}/${o.criteria}`,
    o.expected ? ` · ${T.expected} ${o.expected} ${o.matches ? "✓" : "✗"}` : "");
  return [table, overall];
}

function renderConclusions() {
  document.getElementById("live-verdicts").replaceChildren(...verdictTable(true));
  const matrix = el("div", {class: "scroll"}, el("table", {id: "matrix"},
    el("caption", {text: T.matrix}),
    el("thead", {}, el("tr", {}, el("th", {scope: "col", text: T.informant}), el("th", {scope: "col", text: T.role}),
      study.criteria.map(c => el("th", {scope: "col", text: c.label})))),
    el("tbody", {}, state.matrix.map(row => el("tr", {},
      el("th", {scope: "row", text: row.informant}), el("td", {text: row.role}),
      row.cells.map(cell => el("td", {class: `st-${cell.stance}`, title: cell.stance, text: `${cell.symbol} ${cell.counts}`})))))));
  document.getElementById("conclusions").replaceChildren(el("h2", {text: T.tab_conclusions}), ...verdictTable(false), matrix);
}

// -- the queue ----------------------------------------------------------------------------

function filteredQueue() {
  return state.queue.filter(item => Object.entries(ui.filters).every(([key, value]) => !value || item[key] === value));
}

function renderFilters() {
  const box = document.getElementById("filters");
  box.replaceChildren(...Object.keys(ui.filters).map(key => {
    const values = [...new Set(state.queue.map(item => item[key]).filter(Boolean))].sort();
    if (ui.filters[key] && !values.includes(ui.filters[key])) values.push(ui.filters[key]);
    const id = `filter-${key}`;
    return el("span", {},
      el("label", {for: id, text: `${T[`filter_${key}`]} `}),
      el("select", {id, onchange: event => { ui.filters[key] = event.target.value; ui.queueIndex = 0; renderQueue(); }},
        el("option", {value: "", text: T.all}),
        values.map(v => el("option", {value: v, selected: v === ui.filters[key], text: key === "criterion" ? criterionName(v) : v}))));
  }));
}

function renderQueue() {
  const items = filteredQueue();
  ui.queueIndex = Math.min(ui.queueIndex, Math.max(items.length - 1, 0));
  const list = document.getElementById("queue-list");
  if (!items.length) { list.replaceChildren(el("li", {text: T.queue_empty})); return; }
  list.replaceChildren(...items.map((item, n) => el("li", {
    role: "option", id: `queue-${n}`, "aria-selected": n === ui.queueIndex ? "true" : "false",
    dataset: {segment: item.segment_id, criterion: item.criterion, polarity: item.polarity},
    onclick: () => openQueueItem(item),
  }, queueTag(item), " ", item.text,
  el("div", {class: "meta", text: [`${item.informant} (${item.role})`, item.method ? `${T.method}: ${item.method}` : "",
    item.source].filter(Boolean).join(" · ")}),
  item.reason ? why(item) : null)));
  list.setAttribute("aria-activedescendant", `queue-${ui.queueIndex}`);
  if (ui.view === "queue") document.getElementById(`queue-${ui.queueIndex}`)?.scrollIntoView({block: "nearest"});
}

function openQueueItem(item) {
  showView("transcripts");
  openInformant(item.informant, item.segment_id);
  const codings = state.codings[item.segment_id] || [];
  ui.active = Math.max(codings.findIndex(c => c.criterion === item.criterion && c.polarity === item.polarity), 0);
  renderPanel();
}

function nextInQueue() {
  const items = filteredQueue();
  if (!items.length) { say(T.queue_empty); return; }
  const order = orderedSegments();
  const here = ui.selected.length ? order.indexOf(ui.selected[0]) : -1;
  const after = items.find(i => i.informant === ui.informant && order.indexOf(i.segment_id) > here);
  openQueueItem(after || items.find(i => i.informant !== ui.informant) || items[0]);
}

// -- two coders ---------------------------------------------------------------------------

function renderDisagreements() {
  const box = document.getElementById("disagreements");
  if (!state.disagreements) { box.replaceChildren(el("p", {text: T.no_disagreements})); return; }
  const coders = study.comparing;
  box.replaceChildren(el("h2", {text: T.tab_disagreements}), el("p", {text: T.disagreements_intro}),
    el("div", {class: "scroll"}, el("table", {id: "disagreement-table"},
      el("caption", {text: `${coders.join(" · ")}`}),
      el("thead", {}, el("tr", {}, [T.informant, T.criterion, T.sentence,
        ...state.disagreements[0]?.values.map(v => v[0]) || [], T.consensus, ""].map(h => el("th", {scope: "col", text: h})))),
      el("tbody", {}, state.disagreements.map(row => el("tr", {dataset: {segment: row.segment_id, criterion: row.criterion}},
        el("th", {scope: "row", text: row.informant}), el("td", {text: row.criterion}), el("td", {text: row.text}),
        row.values.map(v => el("td", {text: T[v[1]] || v[1]})),
        el("td", {class: "consensus", text: T[row.consensus] || row.consensus}),
        el("td", {}, ["positive", "negative", "mixed", "absent"].map(value => el("button", {
          type: "button", dataset: {value},
          onclick: () => send("/api/resolve", {segment_id: row.segment_id, criterion: row.criterion, value}),
        }, T[value])))))))));
}

// -- views, keys, start -------------------------------------------------------------------

function showView(view) {
  ui.view = view;
  for (const tab of document.querySelectorAll("[role=tab]")) {
    const on = tab.dataset.view === view;
    tab.setAttribute("aria-selected", on ? "true" : "false");
    document.getElementById(`view-${tab.dataset.view}`).hidden = !on;
  }
  window.scrollTo(0, 0);
  if (view === "queue") {
    const list = document.getElementById("queue-list");
    list.focus({preventScroll: true});
    list.querySelector('[aria-selected="true"]')?.scrollIntoView({block: "nearest"});
  }
}

function renderState() {
  renderInformants();
  renderTranscript();
  renderPanel();
  renderConclusions();
  renderFilters();
  renderQueue();
  renderDisagreements();
  if (ui.selected.length) {
    ui.selected.forEach(id => document.getElementById(`seg-${id}`)?.classList.add("selected"));
  }
}

function activeCoding() {
  const codings = ui.selected.length === 1 ? state.codings[ui.selected[0]] || [] : [];
  return codings[ui.active];
}

function onKey(event) {
  const target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) {
    if (event.key === "Escape") target.blur();
    return;
  }
  const key = event.key;
  if (ui.pending) {
    event.preventDefault();
    handlePending(key);
    return;
  }
  const coding = activeCoding();
  const actions = {
    "?": toggleHelp,
    t: () => showView("transcripts"),
    g: () => showView("queue"),
    v: () => showView("conclusions"),
    d: () => showView("disagreements"),
    u: () => send("/api/undo", {}),
    " ": () => nextInQueue(),
  };
  if (ui.view === "transcripts") {
    Object.assign(actions, {
      j: () => moveSegment(1, false), ArrowDown: () => moveSegment(1, false),
      k: () => moveSegment(-1, false), ArrowUp: () => moveSegment(-1, false),
      J: () => moveSegment(1, true), K: () => moveSegment(-1, true),
      x: () => { const n = (state.codings[ui.selected[0]] || []).length; ui.active = n ? (ui.active + 1) % n : 0; renderPanel(); },
      a: () => coding && decide("accept", coding),
      r: () => coding && decide("reject", coding),
      f: () => coding && decide("flip", coding),
      c: () => coding && startPending("c"),
      n: () => ui.selected.length && startPending("n"),
      0: () => nothingHere(),
    });
  }
  if (ui.view === "queue") {
    const items = filteredQueue();
    Object.assign(actions, {
      j: () => { ui.queueIndex = Math.min(ui.queueIndex + 1, items.length - 1); renderQueue(); },
      ArrowDown: () => { ui.queueIndex = Math.min(ui.queueIndex + 1, items.length - 1); renderQueue(); },
      k: () => { ui.queueIndex = Math.max(ui.queueIndex - 1, 0); renderQueue(); },
      ArrowUp: () => { ui.queueIndex = Math.max(ui.queueIndex - 1, 0); renderQueue(); },
      Enter: () => items[ui.queueIndex] && openQueueItem(items[ui.queueIndex]),
    });
  }
  if (actions[key]) {
    event.preventDefault();
    actions[key]();
  }
}

function toggleHelp() {
  const help = document.getElementById("help");
  help.hidden = !help.hidden;
  document.getElementById("help-button").setAttribute("aria-expanded", help.hidden ? "false" : "true");
}

function startPending(kind) {
  ui.pending = kind;
  const menu = study.criteria.map((c, n) => `[${KEYS[n] || ""}] ${c.id}`).join("  ");
  say(`${T.criterion}? ${menu}`);
}

function handlePending(key) {
  const kind = ui.pending;
  if (kind === "n+" ) {
    ui.pending = "";
    const polarity = {"+": "positive", p: "positive", "-": "negative", m: "negative"}[key];
    if (polarity) addCoding(ui.pendingCriterion, polarity); else say("");
    return;
  }
  const criterion = study.criteria[KEYS.indexOf(key)];
  ui.pending = "";
  if (KEYS.indexOf(key) < 0 || !criterion) { say(""); return; }
  if (kind === "c") {
    const coding = activeCoding();
    if (coding && criterion.id !== coding.criterion) decide("recode", coding, {to: criterion.id});
    else say("");
    return;
  }
  ui.pending = "n+";
  ui.pendingCriterion = criterion.id;
  say(`${T.polarity}? [+] ${T.positive}  [-] ${T.negative}`);
}

function label(id, text) {
  const node = document.getElementById(id);
  if (node) node.textContent = text;
}

async function start() {
  try {
    study = await api("/api/study");
    state = await api("/api/state");
  } catch (error) {
    say(`${error.message}`, true);
    return;
  }
  T = study.texts;
  document.title = `${T.title}: ${study.title}`;
  label("title", `${T.title}: ${study.title}`);
  label("skip", T.skip);
  label("coder-label", T.coder);
  label("coder-help", T.coder_help);
  label("help", `${T.keys}: ${T.help}`);
  label("informants-heading", T.informants);
  label("queue-heading", T.tab_queue);
  label("queue-intro", study.suggested ? T.queue_intro_suggested : T.queue_intro);
  for (const view of ["transcripts", "queue", "conclusions", "disagreements"]) label(`tab-${view}`, T[`tab_${view}`]);
  const coderInput = document.getElementById("coder");
  coderInput.value = sessionStorage.getItem("ektp-qual-coder") || study.coder || "";
  coderInput.addEventListener("change", () => sessionStorage.setItem("ektp-qual-coder", coder()));
  document.querySelectorAll("[role=tab]").forEach(tab => tab.addEventListener("click", () => showView(tab.dataset.view)));
  document.addEventListener("keydown", onKey);
  const helpButton = document.getElementById("help-button");
  helpButton.setAttribute("aria-label", T.keys);
  helpButton.addEventListener("click", toggleHelp);
  document.getElementById("transcript").addEventListener("mouseup", snapSelection);
  Object.assign(ui.filters, study.filters);
  ui.informant = study.filters.informant || (study.transcripts.length ? study.transcripts[0].informant : null);
  renderState();
  say(`${study.review_file} · ${state.decisions} ${T.decisions}`);
  document.body.dataset.ready = "true";
}

start();
