// The diff viewer's front end: paints the JSON that course/viewer.py computes and reports clicks.
//
// Safety rule: every string from the model is untrusted (code, paths, comments, the PR text) and
// goes through textContent. The one exception is a line's `h`, the highlighter's output, which
// Python escaped; it is the only value ever assigned to innerHTML.

const SIGN = { context: " ", add: "+", remove: "\u2212" };
const KIND_CLASS = { context: "cra-ctx", add: "cra-add", remove: "cra-del" };
const VERDICT_LABEL = { approve: "Approve", "request-changes": "Request changes" };
const STATUS_LABEL = { found: "found", miscategorised: "found, other category", missed: "missed" };
const REFRESH_EVERY_MS = 1500;
const PROOF_WORD = { fails: "fails", passes: "passes", error: "could not run (see the output)" };
// An unsaved finding is kept in the browser's localStorage under this prefix and the review's
// draft_key (a hash of the sidecar's path and the diff), so a cell re-run or a page reload
// brings the open form back as it was. It is removed when the finding is saved or cancelled.
const DRAFT_PREFIX = "cra-draft:";
const DESC_PREFIX = "cra-description:"; // the description folded or shown whole, per review (draft_key)
const PLACE_PREFIX = "cra-place:"; // the line being read in the diff, per review (keepPlace)
const PLACE_KEEP_MS = 400; // the place is written this long after the diff stops scrolling
const CURSOR_CONTEXT = 3; // lines kept in sight beyond the cursor's as j/k move it (showCursorLine)
const SAVED_CARD_LINE = 30; // px of a just-saved card kept in sight: its first line (showSavedHead)
const COUNTER_WARN = 0.1; // the comment counter warns when less than this share of the limit is left
const WHEEL_PAUSE_MS = 700; // a wheel event this long after the last one starts a new movement (onWheel; walk 28 read notch by notch, 300 ms apart)

/** Create an element; `props` sets properties (textContent, className, ...), never innerHTML. */
function h(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "attrs") for (const [a, v] of Object.entries(value)) node.setAttribute(a, v);
      else if (key === "innerHTML") throw new Error("innerHTML is not allowed here");
      else node[key] = value;
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** replaceChildren that skips absent parts (null would otherwise be painted as "null"). */
function fill(node, ...children) {
  node.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
}

/** A share (0 to 1) as a whole percentage: "75%". */
function percent(x) {
  return `${Math.round(100 * x)}%`;
}

/** A value from one of this file's fixed tables; never a string from the model. */
function pick(table, key) {
  return Object.hasOwn(table, key) ? table[key] : "";
}

function num(n) {
  return typeof n === "number" && Number.isFinite(n) ? String(n) : "";
}

/** Inline runs from Python's Markdown subset: [kind, text]. */
function inlineRuns(runs) {
  const frag = document.createDocumentFragment();
  for (const [kind, text] of runs || []) {
    if (kind === "code") frag.append(h("code", { textContent: text }));
    else if (kind === "strong") frag.append(h("strong", { textContent: text }));
    else if (kind === "url") frag.append(h("span", { className: "cra-url", textContent: ` <${text}>` }));
    else frag.append(document.createTextNode(String(text)));
  }
  return frag;
}

function markdownBlocks(blocks) {
  const box = h("div", { className: "cra-md" });
  for (const b of blocks || []) {
    if (b.t === "pre") box.append(h("pre", { textContent: b.text }));
    else if (b.t === "h") box.append(h("h4", null, inlineRuns(b.c)));
    else if (b.t === "ul" || b.t === "ol") box.append(h(b.t, null, ...b.items.map((it) => h("li", null, inlineRuns(it)))));
    else box.append(h("p", null, inlineRuns(b.c)));
  }
  return box;
}

/** The key line under the review: each key in a <kbd>, each group apart. In the cell it shows
 * the lead, moving and flagging (one line, so the diff keeps the height; the form says its own
 * keys); "all keys" or "?" shows the rest, and Full width, which has the room, shows them all. */
const KEYS = [
  [["j", "k", "\u2191", "\u2193"], "move"], [["J", "K"], "extend", "more"], [["]", "["], "next/previous change", "more"],
  [["}", "{"], "next/previous file", "more"], [["f", "Enter"], "flag"], [["n", "p"], "next/previous finding", "more"],
  [["e"], "edit it", "more"], [["u"], "undoes a delete", "more"], [["Esc"], "cancels, then leaves full width", "more"],
  [["Ctrl+Enter"], "saves", "more"],
];
const ALL_KEYS = "cra-keys-all"; // the legend's class, and (with ":" and the review's draft_key) the browser's memory of the choice

/** A one-line key text (a defect's title) with its `code` spans as code, the rest as text
 * (walk-through 18 read the backticks). An unpaired backtick stays a backtick. */
function inlineCode(text) {
  const parts = String(text).split("`");
  return parts.map((part, i) => {
    if (i % 2 === 0) return part;
    return i < parts.length - 1 ? h("code", { textContent: part }) : `\`${part}`;
  });
}

/** The browser's storage key for something kept per review: `prefix` and the review's draft_key
 * (null when the kernel gave none). */
function perReview(model, prefix) {
  const pr = model.get("pr") || {};
  return typeof pr.draft_key === "string" && pr.draft_key ? prefix + pr.draft_key : null;
}

/** The legend; `memory`: where this review's choice is kept in the browser (null: not kept). Per
 * review (walk-through 17: "all keys" asked for once stayed open in every review after, taking
 * the code's room in each). */
function keyHelp(memory) {
  const groups = KEYS.map(([keys, what, more]) => h("span", { className: more ? "cra-key cra-key-more" : "cra-key" },
    ...keys.flatMap((k, i) => (i ? [" / ", h("kbd", { textContent: k })] : [h("kbd", { textContent: k })])),
    ` ${what}`));
  const help = h("div", { className: "cra-help" },
    h("span", { className: "cra-key-lead", textContent: "Click a line to flag it, shift-click to extend." }),
    ...groups);
  const toggle = h("button", { type: "button", className: "cra-link cra-keys-toggle", onclick: () => showAllKeys(help) });
  help.append(toggle);
  if (memory) help.dataset.memory = memory;
  let all = false;
  try { all = !!memory && window.localStorage.getItem(memory) === "1"; } catch { /* no storage: the short line */ }
  showAllKeys(help, all, false);
  return help;
}

/** Show every key in the legend, or only the short line (on = undefined: the other of the two);
 * `remember`: keep the choice in the browser (not when the legend is first drawn from it). */
function showAllKeys(help, on, remember = true) {
  const all = help.classList.toggle(ALL_KEYS, on);
  const toggle = help.querySelector(".cra-keys-toggle");
  toggle.textContent = all ? "fewer keys" : "all keys (?)";
  toggle.setAttribute("aria-expanded", String(all));
  if (!remember || !help.dataset.memory) return;
  try { window.localStorage.setItem(help.dataset.memory, all ? "1" : "0"); } catch { /* not kept: fine */ }
}

function render({ model, el }) {
  const root = h("div", { className: "cra-root", tabIndex: 0, attrs: { role: "application", "aria-label": "Pull request review" } });
  // Lumino (JupyterLab, Notebook 7) matches a shortcut by walking up from the key event's target
  // and stops at an element marked data-lm-suppress-shortcuts. Notebook 7 listens in the capture
  // phase, before onKey could stop the event, so the mark is what keeps j, k, a, b, dd... away
  // from the notebook. Outside the form it is lifted just for Ctrl/Cmd/Alt combinations and
  // Shift+Enter, which stay the notebook's (save, run the cell). Inside the finding form it is
  // never lifted: every key there is the form's (Shift+Enter is a new line, as on GitHub; a
  // notebook shortcut would run the cell or act on the notebook while the learner types).
  // Lumino looks for the mark and for a binding's selector at each element on the way up, so a
  // focused <select> or button matches the notebook's command-mode selector (":focus:not(:read-write)")
  // before the walk reaches the root: the key's target carries the mark too. (In Notebook 7,
  // "m" typed into the severity list turned the review's cell into Markdown, its viewer gone.)
  root.dataset.lmSuppressShortcuts = "true";
  const onKeyCapture = (e) => {
    if (!(e.target instanceof Node) || !root.contains(e.target)) return;
    const inForm = e.target instanceof Element && !!e.target.closest(".cra-form");
    const combo = e.ctrlKey || e.metaKey || e.altKey || (e.shiftKey && e.key === "Enter");
    const marks = [root.dataset, e.target instanceof HTMLElement ? e.target.dataset : root.dataset];
    for (const mark of marks) {
      if (combo && !inForm) delete mark.lmSuppressShortcuts;
      else mark.lmSuppressShortcuts = "true";
    }
  };
  window.addEventListener("keydown", onKeyCapture, true);
  // In Full width the review is all there is on the page: a key that reaches the page's body (the
  // focus fell there, as when a focused button went away or was disabled) is the review's.
  // Walk-through 29 pressed Esc after "Run the proof" and stayed in Full width.
  const onStrayKey = (e) => {
    if (!st.full || e.defaultPrevented || (document.activeElement && document.activeElement !== document.body)) return;
    root.focus({ preventScroll: true });
    onKey(e);
  };
  window.addEventListener("keydown", onStrayKey);
  el.append(root);

  const ui = {
    header: h("div", { className: "cra-header" }),
    banner: h("div", { className: "cra-banner", attrs: { role: "status", "aria-live": "polite" } }),
    toolbar: h("div", { className: "cra-toolbar" }),
    practice: h("div", { className: "cra-practice" }),
    desc: h("div", { className: "cra-desc-area" }),
    aside: h("div", { className: "cra-aside" }),
    files: h("div", { className: "cra-files" }),
    // The one scroll area of the review: the description, the score, then the diff. The
    // description and score scroll away as the learner reads on, so the diff gets the height.
    main: h("div", { className: "cra-main", tabIndex: -1 }),
    help: keyHelp(perReview(model, `${ALL_KEYS}:`)),
  };
  // The description before the score: Submit brings the score to the area's top with the diff
  // right under it (walk-throughs 16, 17: the description came back between them, and no code).
  ui.main.append(ui.desc, ui.practice, ui.files);
  // The finding form's one place: the top of the side panel, beside the diff, never in among its
  // lines nor over them. A form put in above or below its line moved the lines on that side, and
  // a Shift+click aimed at a line seen before landed in the form (walk-throughs 18, 19: ":25"
  // saved for 25-27); docked under the diff's area it covered the lines a range grows into
  // (walk-through 21). Beside the diff, no line moves or hides while a form is open. The Undo
  // of a deleted finding or a discarded form shows there too, above the form.
  ui.dockUndo = h("div", { className: "cra-dock-undo", attrs: { "aria-live": "polite" } });
  ui.dockForm = h("div", { className: "cra-dock-form" });
  ui.dock = h("div", { className: "cra-dock", hidden: true, attrs: { role: "region", "aria-label": "finding form" } }, ui.dockUndo, ui.dockForm);
  ui.side = h("div", { className: "cra-side" }, ui.dock, ui.aside);
  // The side panel's width is the learner's: drag the bar between it and the diff, or focus the
  // bar and use the arrow keys (walk-through 22: at 219 px file names wrapped and the open form
  // pushed the findings out of sight). Kept in the browser, one width in the cell, one in Full width.
  ui.split = h("div", {
    className: "cra-split", tabIndex: 0, title: "Drag to resize the side panel (double-click: back to the default width)",
    attrs: { role: "separator", "aria-orientation": "vertical", "aria-label": "side panel width" },
  });
  const body = h("div", { className: "cra-body" }, ui.side, ui.split, ui.main);
  root.append(ui.header, ui.banner, ui.toolbar, body, ui.help);

  const st = {
    cursor: null, // {file, row}
    sel: null, // {file, a, b}: rows a (anchor) and b (moving end)
    form: null, // {mode: "new"|"edit", id, file, rows: [first, last], draft}
    current: null, // id of the finding focused by n/p
    override: new Map(), // file index -> collapsed, set by the chevron; cleared when "viewed" changes
    viewedHold: null, // the file whose Viewed box this viewer just changed (markViewed)
    showProof: null, // the defect whose proof was just asked to run (showProofRun)
    rowEls: [], // per file: row index -> <tr> (absent when folded)
    bodies: [], // per file: the <tbody>
    nav: [], // visible line rows in page order: [file, row]
    navPos: new Map(), // "file:row" -> index in nav
    req: 0,
    pending: new Map(),
    lastRefresh: 0,
    refreshTimer: 0, // a deferred refresh (see refresh)
    lastError: 0, // request number of the last refusal shown in the banner
    savedCopy: null, // the static copy beside this viewer, hidden while it is live (hideSavedCopy)
    copyTimer: 0,
    full: false, // the review shown over the whole window (setFullWidth)
    placeholder: null, // what stands in the cell meanwhile
    undo: null, // {id, file, rows, label} of the finding "Undo" brings back, shown where it was
    descOpen: true, // the description's <details>, kept across repaints (and reloads: keepDescription)
    descWhole: false, // the whole description shown, not only its first lines
    scoreOpen: true, // the score panel's <details>, kept across repaints
    scrollFrame: 0,
    wheel: { at: -Infinity, toNotebook: false, outerAt: -Infinity }, // the wheel's last event, where its movement goes, and its last event outside every review (onOuterWheel)
    skipped: [], // the asks the learner chose to submit without, until the review is submitted (trySubmit)
    unreadPast: new Set(), // the files a review was submitted without reading: not asked about again (trySubmit)
    stopShowing: null, // ends showWhenRun's watch
    holdRow: null, // {file, row}: the line held still while an opened fold is painted
    feedbackAt: null, // {sel, offset}: the feedback item read before a place link (rememberFeedback)
    showSaved: null, // the id of a finding just saved, whose card's head is brought into sight
    showWhole: false, // ... and the whole card, with the review in the notebook's view: saved by a key
    beforeSubmit: null, // {file, row, offset}: the line at the top of the diff when Submit was pressed
    fitTimer: 0, fitting: null, // fitToNotebook's wait for the notebook, and its ResizeObserver
    verdictSent: null, // a verdict clicked, until the kernel's answer ("" for none)
  };

  // drafts -----------------------------------------------------------------------------------

  function draftKey() {
    return perReview(model, DRAFT_PREFIX);
  }

  /** Write the open form to localStorage (or forget it when there is none). */
  function keepDraft() {
    const key = draftKey();
    if (!key) return;
    try {
      const f = st.form;
      if (!f) { localStorage.removeItem(key); return; }
      localStorage.setItem(key, JSON.stringify({
        mode: f.mode, id: f.id || null, file: f.rows ? f.file : null, rows: f.rows || null,
        category: f.draft.category || "", severity: f.draft.severity || "", comment: f.draft.comment || "",
      }));
    } catch (_err) {
      // storage disabled or full: the draft lives on in this page only
    }
  }

  /** The draft a re-run or a reload left behind, checked like any other untrusted input. */
  function restoreDraft() {
    const key = draftKey();
    if (!key) return;
    let d = null;
    try { d = JSON.parse(localStorage.getItem(key) || "null"); } catch (_err) { return; }
    if (!d || typeof d !== "object") return;
    const text = (v) => (typeof v === "string" ? v : "");
    const draft = { category: text(d.category), severity: text(d.severity), comment: [...text(d.comment)].slice(0, maxComment()).join("") };
    const range = validRange(d.file, d.rows);
    if (d.mode === "edit") {
      const f = (model.get("findings") || []).find((x) => x.id === d.id);
      if (!f) { keepDraft(); return; } // the finding was deleted since: the draft goes with it
      const at = range || (f.rows ? { file: f.file, rows: [...f.rows] } : { file: null, rows: null });
      st.form = { mode: "edit", id: f.id, file: at.file, rows: at.rows, draft: { ...draft, label: f.label } };
      if (at.rows) st.sel = { file: at.file, a: at.rows[0], b: at.rows[1] };
      st.current = f.id;
    } else if (d.mode === "new") {
      if (!range) return;
      const rows = range.rows;
      st.form = { mode: "new", file: d.file, rows: [rows[0], rows[1]], draft };
      st.sel = { file: d.file, a: rows[0], b: rows[1] };
    }
    if (st.form) {
      st.form.restored = true;
      root.dataset.draftRestored = "true";
    }
  }

  /** `file` and `rows` as a draft kept them, if they still name lines of this diff (else null). */
  function validRange(fi, rows) {
    const file = Number.isInteger(fi) ? (model.get("files") || [])[fi] : null;
    if (!file || !Array.isArray(rows) || rows.length !== 2 || !rows.every(Number.isInteger)) return null;
    if (rows[0] < 0 || rows[0] > rows[1] || rows[1] >= file.rows.length) return null;
    return { file: fi, rows: [rows[0], rows[1]] };
  }

  /** Where an open form's finding is: the range drafted or edited ("" for none); a finding on
   * lines no longer in the diff keeps its own label. */
  function formWhere(form) {
    if (!form) return "";
    return form.rows ? spanLabel(form.file, form.rows[0], form.rows[1]) : form.draft.label || "";
  }

  /** Where the draft reopened from the browser's storage is now ("" when none is open). */
  function draftNoteWhere() {
    return st.form && st.form.restored ? formWhere(st.form) : "";
  }

  /** A draft opened again: bring its form into view once the review is on the page. */
  function showRestoredDraft(tries) {
    const form = root.querySelector(".cra-form");
    if (!form || !st.form || !st.form.restored) return;
    if (!root.isConnected || !ui.main.clientHeight) {
      if (tries > 0) setTimeout(() => showRestoredDraft(tries - 1), 100);
      return;
    }
    showFormLines("center");
  }

  // messages -------------------------------------------------------------------------------

  function send(msg, done) {
    const req = ++st.req;
    if (done) st.pending.set(req, done);
    root.dataset.pending = String(st.pending.size);
    try {
      model.send({ ...msg, req });
    } catch (_err) {
      // The kernel behind this view is gone (restarted or shut down): the comm is closed.
      st.pending.delete(req);
      root.dataset.pending = String(st.pending.size);
      if (msg.type !== "refresh") {
        st.lastError = req;
        paintBanner("This viewer has lost its kernel (restarted or shut down): run the cell again to go on. Everything saved is still in the findings file.");
        // said where the learner is looking too: an unsaved finding is kept as a draft
        const formErr = root.querySelector(".cra-form .cra-error");
        if (formErr) {
          formErr.textContent = "Not saved: the kernel was restarted. Run this cell again; this finding is kept and opens again there.";
          for (const b of root.querySelectorAll(".cra-form button")) b.disabled = false;
        }
      }
      return req;
    }
    return req;
  }

  function onCustom(msg) {
    if (!msg || msg.type !== "ack") return;
    const done = st.pending.get(msg.req);
    st.pending.delete(msg.req);
    root.dataset.pending = String(st.pending.size);
    root.dataset.lastAck = String(msg.req);
    root.dataset.kernelMs = String(msg.took_ms);
    if (!msg.ok) showError(msg.error || "the change was refused");
    else if (msg.req > st.lastError && ui.banner.querySelector(".cra-transient")) paintBanner();
    if (done) done(msg);
  }

  function showError(text) {
    st.lastError = st.req;
    const formErr = root.querySelector(".cra-form .cra-error");
    if (formErr) formErr.textContent = text;
    else paintBanner(text);
  }

  function refresh() {
    // At most one ask per REFRESH_EVERY_MS. An ask inside that window is deferred to its end,
    // not dropped: a learner who comes back soon after the other tab changed the sidecar
    // would otherwise see the old findings until leaving and returning again.
    const wait = st.lastRefresh + REFRESH_EVERY_MS - Date.now();
    if (wait > 0) {
      if (!st.refreshTimer) st.refreshTimer = setTimeout(() => { st.refreshTimer = 0; refresh(); }, wait);
      return;
    }
    st.lastRefresh = Date.now();
    send({ type: "refresh" });
  }

  // header, banner, toolbar ------------------------------------------------------------------

  function paintHeader() {
    const pr = model.get("pr") || {};
    const desc = pr.description || [];
    fill(ui.header, 
      h("div", { className: "cra-title" },
        h("span", { className: "cra-title-text", textContent: pr.title || "" }),
        pr.practice ? h("span", { className: `cra-badge cra-badge-${pr.badge === "drill" ? "drill" : "practice"}`, textContent: pr.badge || "practice" }) : null),
      h("div", { className: "cra-meta" },
        pr.author ? h("span", { className: "cra-author", textContent: `opened by ${pr.author}` }) : null,
        h("span", { className: "cra-sidecar", textContent: `findings saved in ${pr.sidecar || ""}` }),
        desc.length ? h("button", {
          type: "button", className: "cra-link cra-to-desc", textContent: "Description",
          title: "Show the pull request's description", onclick: () => showSection(ui.desc, "desc"),
        }) : null),
    );
    if (!desc.length) { fill(ui.desc); return; }
    const whole = h("button", {
      type: "button", className: "cra-link cra-desc-whole", textContent: "Show the whole description",
      // the button hides itself: the keys stay the review's (walk-through 22: the focus fell to the
      // page with it, and Escape no longer left Full width)
      onclick: () => { st.descWhole = true; keepDescription(); details.classList.add("cra-desc-all"); root.focus({ preventScroll: true }); },
    });
    const body = markdownBlocks(desc);
    const details = h("details", { className: `cra-desc${st.descWhole ? " cra-desc-all" : ""}`, open: st.descOpen },
      h("summary", { textContent: "Description" }), h("div", { className: "cra-desc-body" }, body, whole));
    // A description that fits its first lines has nothing more to show (measured once it is laid
    // out: the view is put in the page after render returns, and a folded one has no height).
    const fits = (tries) => {
      if (!details.isConnected || !details.open || body.clientHeight === 0) {
        if (tries > 0) setTimeout(() => fits(tries - 1), 100);
      } else if (body.scrollHeight <= body.clientHeight + 1) details.classList.add("cra-desc-all");
    };
    details.addEventListener("toggle", () => { st.descOpen = details.open; keepDescription(); fits(0); });
    fill(ui.desc, details);
    fits(20);
  }

  /** The description shows its first lines until the learner asks for the whole (walk-through 12:
   * in the cell it filled the diff's area, one line of code in sight); folded or whole, it stays
   * so for this review in this browser, across reloads. */
  function descriptionKey() {
    return perReview(model, DESC_PREFIX);
  }

  function keepDescription() {
    const key = descriptionKey();
    try { if (key) localStorage.setItem(key, JSON.stringify({ open: st.descOpen, whole: st.descWhole })); } catch { /* this page only */ }
  }

  function restoreDescription() {
    const key = descriptionKey();
    let d = null;
    try { d = key ? JSON.parse(localStorage.getItem(key) || "null") : null; } catch { return; }
    if (!d || typeof d !== "object") return;
    if (typeof d.open === "boolean") st.descOpen = d.open;
    if (typeof d.whole === "boolean") st.descWhole = d.whole;
  }

  /** Open a collapsible part of the scroll area (the description, the score) and bring it to
   * the top of the diff's scroll area, without scrolling the notebook around the viewer. */
  function showSection(area, which) {
    const details = area.querySelector("details");
    if (details && !details.open) {
      details.open = true;
      if (which === "desc") { st.descOpen = true; keepDescription(); }
      else st.scoreOpen = true;
    }
    scrollMain(area, "start");
  }

  function paintBanner(extra) {
    const status = model.get("status") || {};
    const items = [];
    if (status.error) {
      const err = status.error;
      items.push(h("div", { className: "cra-alert cra-alert-error" },
        h("strong", { textContent: `Your findings file ${err.name} cannot be read.` }),
        h("div", { className: "cra-alert-detail", textContent: err.message }),
        h("div", { textContent: "Nothing will be written to it, so nothing in it is lost. Move it aside to start a fresh, empty review (the file is renamed, not deleted)." }),
        h("button", { type: "button", className: "cra-btn cra-quarantine", textContent: "Move it aside", onclick: () => send({ type: "quarantine" }) })));
    }
    if (status.stale) {
      items.push(h("div", { className: "cra-alert cra-alert-warn",
        textContent: "These findings were made on another version of this diff; check that each still points at the right line." }));
    }
    const notice = model.get("notice");
    if (notice) items.push(h("div", { className: "cra-alert cra-alert-info", textContent: notice }));
    st.draftNote = draftNoteWhere();
    if (st.draftNote) {
      const where = st.draftNote;
      items.push(h("div", { className: "cra-alert cra-alert-info cra-draft-note" },
        h("span", { textContent: `Your unsaved finding at ${where} is open again: save it or cancel it. ` }),
        h("button", { type: "button", className: "cra-link cra-to-draft", textContent: "Show it", onclick: () => {
          // the form in sight, and the keys in its comment (walk-through 17: they stayed on the link);
          // the whole review in the notebook's view first (walk-through 25: the line was centred in
          // the review's area, and the area ran under the notebook's edge)
          wholeInNotebook();
          showFormLines("center");
          root.querySelector(".cra-form .cra-comment-input")?.focus({ preventScroll: true });
        } })));
    }
    if (extra) items.push(h("div", { className: "cra-alert cra-alert-error cra-transient", textContent: extra }));
    const at = root.isConnected && !st.full ? ui.toolbar.getBoundingClientRect().top : null;
    fill(ui.banner, ...items);
    // A note that goes (the reopened draft saved) would pull the whole review up under the
    // learner's eyes (walk-through 8: 39 px on Save): the notebook scrolls by as much instead.
    // A note that comes is left to push the review down, so it is never hidden above the view.
    const moved = at === null ? 0 : ui.toolbar.getBoundingClientRect().top - at;
    const scroller = moved < -0.5 ? notebookScroller() : null;
    if (scroller) scroller.scrollTop += moved;
  }

  /** A key handled by the review brings the whole review into the notebook's view, scrolling the
   * notebook the least that does it (walk-through 15: with the review's bottom below the view,
   * j took the cursor, and ? the key list, out of sight). The review fits: fitToNotebook keeps
   * it shorter than the view. Keys only: a click never moves what is under the pointer. */
  function wholeInNotebook() {
    if (root.classList.contains("cra-full")) return;
    const view = notebookView();
    if (!view) return;
    const v = view.getBoundingClientRect();
    const bottom = visibleBottom();
    const r = root.getBoundingClientRect();
    if (r.bottom > bottom + 1) view.scrollTop += Math.min(r.bottom - bottom, r.top - v.top);
    else if (r.top < v.top - 1) view.scrollTop += r.top - v.top;
  }

  /** The notebook's view of its cells around the review: JupyterLab's and Notebook 7's
   * windowed panel, else the nearest ancestor that scrolls. */
  function notebookView() {
    return root.closest(".jp-WindowedPanel-outer") || notebookScroller();
  }

  /** The box the notebook scrolls in around the review (JupyterLab's and Notebook 7's view of
   * the cells): the nearest ancestor that scrolls and has something to scroll. */
  function notebookScroller() {
    for (let a = root.parentElement; a && a !== document.body; a = a.parentElement) {
      if (/auto|scroll/.test(getComputedStyle(a).overflowY) && a.scrollHeight > a.clientHeight) return a;
    }
    return null;
  }

  /** Repaint `area` with `paint` and keep the keyboard in the review: a control that had the
   * focus and was replaced hands it to its new copy (same verdict, or same classes), else to the
   * review itself. (Walk-through 10: after Request changes or Submit the focus fell to the page,
   * and n, Escape and the other keys did nothing until a click in the diff.) */
  function keepingFocus(area, paint) {
    const active = document.activeElement;
    const had = active instanceof HTMLElement && area.contains(active) ? active : null;
    paint();
    if (!had || had.isConnected) return;
    const classes = [...had.classList].filter((c) => !["cra-btn", "cra-active", "cra-primary"].includes(c));
    const sel = had.dataset.verdict ? `[data-verdict="${CSS.escape(had.dataset.verdict)}"]`
      : classes.length ? classes.map((c) => `.${CSS.escape(c)}`).join("") : null;
    const twin = sel ? area.querySelector(sel) : null;
    (twin instanceof HTMLElement ? twin : root).focus({ preventScroll: true });
  }

  function paintToolbar() {
    keepingFocus(ui.toolbar, paintToolbarNow);
  }

  function paintToolbarNow() {
    const files = model.get("files") || [];
    const viewed = new Set(model.get("viewed") || []);
    const findings = model.get("findings") || [];
    const verdict = model.get("verdict");
    if (verdict && st.ask && st.ask.kind === "verdict") st.ask = null;
    const choices = model.get("choices") || {};
    const pr = model.get("pr") || {};
    const practice = model.get("practice") || {};
    const areaTop = root.isConnected ? ui.main.getBoundingClientRect().top : null;
    const nViewed = files.filter((f) => viewed.has(f.path)).length;
    const pct = files.length ? Math.round((100 * nViewed) / files.length) : 0;
    const verdicts = h("div", { className: "cra-verdict", attrs: { role: "radiogroup", "aria-label": "Verdict" } },
      h("span", { className: "cra-label", textContent: "Verdict:" }),
      ...(choices.verdicts || []).map((v) => h("button", {
        type: "button",
        className: `cra-btn cra-verdict-${v}${verdict === v ? " cra-active" : ""}`,
        textContent: VERDICT_LABEL[v] || v,
        attrs: { role: "radio", "aria-checked": String(verdict === v) },
        dataset: { verdict: v },
        onclick: () => { st.verdictSent = verdict === v ? "" : v; send({ type: "verdict", value: verdict === v ? null : v }); },
      })));
    fill(ui.toolbar, 
      h("div", { className: "cra-progress", title: `${nViewed} of ${files.length} files ticked Viewed: tick a file's Viewed box (its header or the file list) once you have read it` },
        h("span", { textContent: `${nViewed} / ${files.length} files viewed` }),
        h("span", { className: "cra-bar" }, h("span", { className: "cra-bar-fill", style: `width:${pct}%` }))),
      h("span", { className: "cra-count", textContent: `${findings.length} finding${findings.length === 1 ? "" : "s"}` }),
      verdicts,
      // Full width before the score: "Score 75%" becoming "Score 75% (old)" moved it (walk-through 13)
      fullWidthButton(),
      practice.enabled && practice.submitted ? h("button", {
        type: "button", className: "cra-btn cra-to-score",
        textContent: `Score ${percent(practice.score || 0)}${practice.with_help ? " with help" : ""}${practice.outdated ? " (old)" : ""}`,
        title: "Show the score and the feedback on each defect",
        onclick: () => { if (!backToFeedback()) showSection(ui.practice, "score"); },
      }) : null,
      pr.practice ? h("button", {
        type: "button", className: "cra-btn cra-primary cra-submit",
        textContent: practice.submitted ? "Submit again" : "Submit review",
        onclick: () => trySubmit(st.skipped),
      }) : null,
      pr.practice && st.ask ? askBar(st.ask) : null,
    );
    // the unread files' bar keeps the tallest height it had while it shows: ticked off, names
    // leave it, and a shorter bar moved the side panel under the pointer
    const bar = ui.toolbar.querySelector(".cra-unread-ask");
    if (bar && st.ask) st.ask.minH = Math.max(st.ask.minH || 0, bar.getBoundingClientRect().height);
    holdUnderToolbar(areaTop);
  }

  /** A bar that comes or goes in the toolbar (Submit's asks) moves the diff and the side panel
   * under it: both scroll by as much, so no line moves (walk-through 25: the unread files' ask
   * pushed the diff 72 px down under the learner's eyes). The side panel at its top stays there,
   * its "Files" heading in sight (walk-through 28 saw it cut by the bar's 22 px). */
  function holdUnderToolbar(was) {
    if (was === null) return;
    const moved = ui.main.getBoundingClientRect().top - was;
    if (Math.abs(moved) < 0.5) return;
    ui.main.scrollTop += moved;
    if (ui.aside.scrollTop > 0) ui.aside.scrollTop += moved;
  }

  /** The files a review would be submitted without reading, as far as the viewer can tell: not
   * ticked Viewed, and no finding in them (walk-through 22 submitted with "0 / 4 files viewed"
   * and nothing said so; the score then gives the answers away). */
  function unreadFiles() {
    const viewed = new Set(model.get("viewed") || []);
    const flagged = new Set((model.get("findings") || []).map((f) => f.path));
    return (model.get("files") || []).filter((f) => !viewed.has(f.path) && !flagged.has(f.path));
  }

  /** Submit, unless something is worth a word first: an unsaved finding (left out of the
   * review), files neither ticked Viewed nor flagged, then no verdict. Each is asked once; its
   * button submits without it. Files a review was submitted without are not asked about at the
   * next Submit (walk-through 28: every "Submit again" asked about the same files). */
  function trySubmit(skip) {
    // what the learner chose to submit without is kept until the review is submitted: a verdict
    // chosen at the verdict's ask, the next Submit asked about the unread files again (walk 26).
    // (Not an unsaved finding: another one may be open by then.)
    st.skipped = skip.filter((k) => k !== "draft");
    const shown = st.ask?.kind;
    if (st.form && !skip.includes("draft")) {
      st.ask = { kind: "draft", skip };
    } else if (unreadFiles().some((f) => !st.unreadPast.has(f.path)) && !skip.includes("unread")) {
      st.ask = { kind: "unread", skip };
    } else if (!(st.verdictSent ?? model.get("verdict")) && !skip.includes("verdict")) {
      // (a verdict clicked a moment ago counts before the kernel's answer: Submit pressed right
      // after it used to ask, and the ask then vanished with the answer, submitting nothing)
      st.ask = { kind: "verdict", skip };
    } else {
      submitReview();
      return;
    }
    // Submit pressed again with the same ask showing (walks 31 and 32: the button only darkened,
    // and nothing said why): the ask begins "Not submitted:" in bold, is nudged, and its own
    // button takes the focus. It does not submit: a double click would pass the ask unread.
    if (st.ask.kind === shown) st.ask.again = true;
    paintToolbar();
    const bar = ui.toolbar.querySelector(".cra-submit-ask");
    if (st.ask.again && bar) {
      bar.classList.add("cra-ask-nudge");
      bar.querySelector(".cra-submit-anyway")?.focus();
      return;
    }
    if (st.ask.kind === "verdict") ui.toolbar.querySelector(".cra-verdict button")?.focus();
    if (st.ask.kind === "unread") ui.toolbar.querySelector(".cra-unread-ask .cra-link")?.focus();
  }

  function askBar(ask) {
    if (ask.kind === "unread") return unreadBar(ask);
    const where = formWhere(st.form);
    ask.where = where;
    const [text, label] = ask.kind === "draft"
      ? [`Your finding at ${where} is not saved, so it would not be part of this review: save it (Ctrl+Enter) or cancel it (Esc). `, "Submit without it"]
      : ["No verdict chosen: a review ends with one, and the score says whether yours matches the key's. Choose one above. ", "Submit without a verdict"];
    return h("div", { className: `cra-alert cra-alert-warn cra-submit-ask cra-${ask.kind}-ask${ask.again ? " cra-ask-again" : ""}`, attrs: { role: "alert" } },
      h("span", {}, notSubmitted(ask), text),
      h("button", { type: "button", className: "cra-btn cra-submit-anyway", textContent: label, onclick: () => trySubmit([...ask.skip, ask.kind]) }));
  }

  /** The unread files by name, each a link to the file; the list follows the Viewed boxes and
   * the findings while it shows. When none is left the bar stays, saying so: it vanished as the
   * last box was ticked, and the side panel under it jumped up 72 px under the pointer
   * (walk-through 24's next clicks landed in the findings). The toolbar's Submit goes on from
   * there (walk 29: a second Submit button in the bar beside it was one too many), and the
   * words are few (walk 29: 92 px of bar, its button alone on a line). */
  function unreadBar(ask) {
    const files = unreadFiles();
    if (!files.length) {
      return h("div", { className: "cra-alert cra-alert-info cra-submit-ask cra-unread-ask cra-unread-done", style: barHeight(ask), attrs: { role: "status" } },
        h("span", { textContent: "Every file is now ticked Viewed or holds a finding: submit when you are ready." }));
    }
    const all = (model.get("files") || []).length;
    const some = files.length === 1 ? "1 file is" : `${files.length} of ${all} files are`;
    const links = files.flatMap((f, i) => [i ? ", " : "", h("button", {
      type: "button", className: "cra-link", title: f.path, textContent: f.path, onclick: () => jumpToFile(f.index),
    })]);
    return h("div", { className: `cra-alert cra-alert-warn cra-submit-ask cra-unread-ask${ask.again ? " cra-ask-again" : ""}`, style: barHeight(ask), attrs: { role: "alert" } },
      h("span", {}, notSubmitted(ask), `${some} not ticked Viewed and hold no finding: `, ...links,
        ". The score shows the answers: read them first."),
      h("button", { type: "button", className: "cra-btn cra-submit-anyway", textContent: "Submit without reading them", onclick: () => trySubmit([...ask.skip, ask.kind]) }));
  }

  /** What an ask says first once Submit was pressed again while it showed. */
  function notSubmitted(ask) {
    return ask.again ? h("strong", { className: "cra-not-submitted", textContent: "Not submitted: " }) : null;
  }

  function barHeight(ask) {
    return ask.minH ? `box-sizing: border-box; min-height: ${ask.minH}px` : undefined;
  }

  /** Where the learner was reading the feedback when a place link took them into the diff
   * (walk-through 18: the toolbar's Score then went to the top of the feedback, not back to the
   * explanation being read): the item, and its distance from the area's top. */
  function rememberFeedback(e) {
    const link = e.target instanceof Element ? e.target.closest(".cra-defect-place, .cra-decoy-place, .cra-finding-place") : null;
    const item = link?.closest("li.cra-defect, .cra-decoys li");
    if (!item) return;
    const decoys = [...ui.practice.querySelectorAll(".cra-decoys li")];
    st.feedbackAt = {
      sel: item.matches("li.cra-defect") ? `li.cra-defect[data-defect="${Number(item.dataset.defect)}"]` : `.cra-decoys li:nth-of-type(${decoys.indexOf(item) + 1})`,
      offset: item.getBoundingClientRect().top - ui.main.getBoundingClientRect().top,
    };
  }

  function backToFeedback() {
    const at = st.feedbackAt;
    const panel = ui.practice.querySelector("details.cra-score-panel");
    const item = at && panel ? ui.practice.querySelector(at.sel) : null;
    if (!item) return false;
    if (!panel.open) { panel.open = true; st.scoreOpen = true; }
    ui.main.scrollTop += item.getBoundingClientRect().top - (ui.main.getBoundingClientRect().top + at.offset);
    return true;
  }

  function submitReview() {
    if (st.skipped.includes("unread")) for (const f of unreadFiles()) st.unreadPast.add(f.path);
    st.ask = null;
    st.skipped = [];
    st.feedbackAt = null; // a new score: its feedback is read from the top
    paintToolbar(); // (the ask goes first, and the diff with it: the place is measured where it then is)
    st.beforeSubmit = diffPlace();
    send({ type: "submit" }, (ack) => {
      if (!ack.ok) return;
      // the review was scored without the deleted finding: its Undo no longer applies (walk-through 12)
      if (st.undo) dropUndo();
      showSection(ui.practice, "score");
    });
  }

  // sidebar: files and findings ---------------------------------------------------------------

  function paintAside() {
    const files = model.get("files") || [];
    const viewed = new Set(model.get("viewed") || []);
    const findings = model.get("findings") || [];
    const perFile = new Map();
    for (const f of findings) if (f.file !== null) perFile.set(f.file, (perFile.get(f.file) || 0) + 1);
    const fileList = fileTree(files, viewed, perFile);
    const findingList = findings.length
      ? h("ol", { className: "cra-findinglist" }, ...findings.map((f) => h("li", { dataset: { finding: f.id } },
        h("button", {
          type: "button", className: "cra-link cra-finding-link", onclick: () => focusFinding(f.id, true),
          title: f.comment ? `${f.label}\n${f.comment}` : f.label,
        },
          // the file's name keeps its lines (whereEl); the folders are in the title
          h("span", { className: "cra-finding-line" },
            h("span", { className: `cra-sev cra-sev-${f.severity}`, textContent: f.severity }),
            h("span", { className: "cra-cat", textContent: f.category }),
            whereEl(f.label),
            outcomeBadge(f.id)),
          f.comment ? h("span", { className: "cra-snippet", textContent: f.comment }) : null))))
      : h("p", { className: "cra-empty", textContent: "No findings yet." });
    fill(ui.aside, h("h4", { textContent: "Files" }), fileList, h("h4", { textContent: "Findings" }), findingList);
    markCurrentFile();
  }

  /** A whole "path:lines" label that breaks after "/", "_" or "-" in the path, never inside its
   * line numbers (walk-through 22: "search.py:4" / "3" in the side panel's form). */
  function wherePath(label) {
    const text = String(label || "");
    const colon = text.lastIndexOf(":");
    if (colon < 0) return h("span", { className: "cra-where" }, ...breakable(text));
    return h("span", { className: "cra-where" }, ...breakable(text.slice(0, colon)),
      h("span", { className: "cra-where-lines cra-nowrap", textContent: text.slice(colon) }));
  }

  /** "a/b/c.py:43-44 (old)" as "c.py:43-44 (old)", on a line of its own: the side panel is
   * narrow. A long name wraps only after "/", "_" or "-", and " (old)" may go to the next line;
   * the name's last part keeps its lines (walk-through 18 read "reserva" / "tions.py:51-52 (old)"
   * when the name's last 8 characters were kept with them instead). */
  function whereEl(label) {
    const text = String(label || "");
    const colon = text.lastIndexOf(":");
    const name = shortName(text.slice(0, colon >= 0 ? colon : text.length));
    const pieces = breakable(name);
    const lines = colon >= 0 ? text.slice(colon) : "";
    const side = lines.indexOf(" (");
    return h("span", { className: "cra-where" },
      ...pieces.slice(0, -1),
      h("span", { className: "cra-where-lines", textContent: pieces[pieces.length - 1] + (side >= 0 ? lines.slice(0, side) : lines) }),
      side >= 0 ? lines.slice(side) : null);
  }

  /** The shortest end of `path` (its name, then with its folders one by one) that no other file
   * of the review ends with: "http.mjs", or "server/http.mjs" beside client/http.mjs
   * (walk-through 28 read "http.mjs:20" and "http.mjs:51-53" as one file). */
  function shortName(path) {
    const parts = String(path).split("/");
    const others = (model.get("files") || []).map((f) => f.path).filter((p) => p !== path);
    for (let n = 1; n < parts.length; n++) {
      const end = parts.slice(-n).join("/");
      if (!others.some((p) => p === end || p.endsWith(`/${end}`))) return end;
    }
    return String(path);
  }

  /** A finding the feedback names ("your finding: ..."): a link to it in the diff while it is
   * still in the review (walk-through 28: plain text beside the place links), else its place. */
  function findingRef(id, label) {
    const f = id ? (model.get("findings") || []).find((x) => x.id === id) : null;
    if (!f) return h("span", { className: "cra-where", textContent: label });
    return h("button", {
      type: "button", className: "cra-link cra-where cra-finding-place", textContent: label,
      title: "Show this finding in the diff", onclick: () => focusFinding(f.id, true),
    });
  }

  // the diff ---------------------------------------------------------------------------------

  /** Viewed files fold away, as on a review site; the chevron overrides that locally. */
  function fileCollapsed(f, viewed) {
    return st.override.has(f.index) ? st.override.get(f.index) : viewed.has(f.path);
  }

  /** Repaint the diff with one line held still on screen: `hold` ({file, row}: the line above an
   * opened fold), else the learner's line (steadyRow). It is measured before the old rows go,
   * with the findings' cards in place; measured after (without them), the cards put back above
   * it moved every line up by their height (walk-through 12: 108 px on "Show 13 unchanged lines"). */
  function paintDiff(hold) {
    // asked for again after the repaint, the same place gives the new row (st.rowEls is rebuilt)
    holdingStill(() => (hold ? st.rowEls[hold.file]?.[hold.row] : steadyRow()), () => paintDiffNow(), true);
  }

  function paintDiffNow() {
    const files = model.get("files") || [];
    const expanded = new Set(model.get("expanded") || []);
    const viewed = new Set(model.get("viewed") || []);
    st.rowEls = [];
    st.bodies = [];
    const sections = files.map((f) => {
      const rowEls = [];
      st.rowEls[f.index] = rowEls;
      const collapsed = fileCollapsed(f, viewed);
      const head = h("div", { className: "cra-filehead" },
        h("button", {
          type: "button", className: "cra-chevron", textContent: collapsed ? "\u25b8" : "\u25be",
          attrs: { "aria-label": collapsed ? "show file" : "hide file" },
          onclick: () => toggleLocal(f.index),
        }),
        h("span", { className: `cra-status cra-status-${f.status}`, textContent: f.status }),
        h("span", { className: "cra-path" }, ...breakable(f.path)),
        f.old_path ? h("span", { className: "cra-oldpath", textContent: `from ${f.old_path}` }) : null,
        h("span", { className: "cra-stat" },
          h("span", { className: `cra-plus${f.additions ? "" : " cra-zero"}`, textContent: `+${f.additions}` }), " ",
          h("span", { className: `cra-minus${f.deletions ? "" : " cra-zero"}`, textContent: `\u2212${f.deletions}` })),
        h("label", { className: "cra-viewed-toggle" },
          h("input", {
            type: "checkbox", checked: viewed.has(f.path),
            onchange: (e) => markViewed(f.index, e.target.checked),
          }), " Viewed"));
      const section = h("section", { className: "cra-file", dataset: { file: String(f.index) } }, head);
      if (f.binary) {
        section.append(h("div", { className: "cra-binary", textContent: "Binary file: not shown." }));
        return section;
      }
      if (!f.rows.length) {
        section.append(h("div", { className: "cra-binary", textContent: "No lines changed (an empty file, a rename or a mode change)." }));
        return section;
      }
      const tbody = h("tbody");
      st.bodies[f.index] = tbody;
      const folds = new Map();
      for (const fold of f.folds) if (!expanded.has(fold.id)) folds.set(fold.first, fold);
      // One HTML string per file is far faster than 5,000 createElement calls. It is built only
      // from Python-escaped HTML (row.h), numbers (num()) and fixed class names; everything
      // else in this file goes through textContent.
      const parts = [];
      const rows = f.rows;
      for (let r = 0; r < rows.length; r++) {
        const fold = folds.get(r);
        if (fold) {
          const n = Number(fold.count) || 0;
          parts.push(`<tr class="cra-fold" data-fold-row="${r}"><td colspan="4"><button type="button" class="cra-btn cra-expand" data-fold-first="${Number(fold.first)}">\u2195 Show ${n} unchanged line${n === 1 ? "" : "s"}</button></td></tr>`);
          r = fold.last;
          continue;
        }
        const row = rows[r];
        const html = typeof row.h === "string" ? row.h : "";
        if (row.k === "hunk") parts.push(`<tr class="cra-hunk" data-row="${r}"><td colspan="4">${html}</td></tr>`);
        else parts.push(`<tr class="cra-line ${pick(KIND_CLASS, row.k)}" data-row="${r}"><td class="cra-num">${num(row.o)}</td><td class="cra-num">${num(row.n)}</td><td class="cra-sign">${pick(SIGN, row.k)}</td><td class="cra-code">${html}</td></tr>`);
      }
      tbody.innerHTML = parts.join("");
      for (const tr of tbody.children) if (tr.dataset.row !== undefined) rowEls[Number(tr.dataset.row)] = tr;
      const cols = h("colgroup", null,
        h("col", { className: "cra-col-num" }), h("col", { className: "cra-col-num" }),
        h("col", { className: "cra-col-sign" }), h("col", { className: "cra-col-code" }));
      const table = h("table", { className: "cra-diff cra-code-table" }, cols, tbody);
      table.dataset.file = String(f.index);
      const wrap = h("div", { className: "cra-filebody" + (collapsed ? " cra-hidden" : "") }, table);
      section.append(wrap);
      return section;
    });
    const scroll = ui.main.scrollTop;
    fill(ui.files, ...sections);
    ui.main.scrollTop = scroll;
    st.painted = files.map((f) => f.rows.length);
    if (model.get("highlighted")) root.dataset.highlighted = "true";
    rebuildNav();
    paintFindings(true);
  }

  /** Paint with the row `row()` gives held still on screen: measured before `paint`, asked for
   * again after it (a repaint may have replaced it), and the review's area scrolled by its move.
   * `fresh`: `paint` replaced the file bodies (see laidOutDownTo). */
  function holdingStill(row, paint, fresh = false) {
    const before = row();
    const was = before?.isConnected ? before.getBoundingClientRect().top : null;
    paint();
    const after = was === null ? null : row();
    if (!after?.isConnected) return;
    if (fresh) laidOutDownTo(after);
    const moved = after.getBoundingClientRect().top - was;
    if (moved) ui.main.scrollTop += moved;
  }

  /** A file body just painted is skipped by the browser (content-visibility: auto) and stands at
   * its 800 px placeholder until the next frame, even on screen: a row measured then is not where
   * it will be (walk-through 18: held still over an opened fold, it then moved up 342 px). The
   * bodies above `el`, and its own, are laid out now, and handed back to the browser once a frame
   * has shown them, so each keeps its size (contain-intrinsic-size: auto) when it leaves the
   * screen. Only after a repaint that replaced them: the others keep the sizes they had. */
  function laidOutDownTo(el) {
    const bodies = [];
    for (const body of ui.files.querySelectorAll(".cra-filebody")) {
      if (!body.contains(el) && !(body.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)) break;
      bodies.push(body);
      body.style.contentVisibility = "visible";
    }
    requestAnimationFrame(() => requestAnimationFrame(() => { for (const body of bodies) body.style.contentVisibility = ""; }));
  }

  /** The Viewed box of a file (its header's or the tree's): the file folds (or opens) with its
   * header held still, so the next file follows right under it; a reader inside the file (its
   * header stuck at the area's top) lands on that header, not somewhere in the files below
   * (walk-through 14). A cursor line in sight in another file is held instead. */
  function markViewed(fi, value) {
    st.override.delete(fi);
    st.viewedHold = fi;
    send({ type: "viewed", file: fi, value });
  }

  function paintViewed() {
    const fi = st.viewedHold;
    st.viewedHold = null;
    const cursor = cursorInSight();
    if (fi === null || fi === undefined || (cursor && Number(cursor.closest("table").dataset.file) !== fi)) {
      paintDiff();
      return;
    }
    holdingStill(() => ui.files.querySelector(`section[data-file="${fi}"] > .cra-filehead`), () => paintDiffNow(), true);
  }

  function toggleLocal(fi) {
    const f = (model.get("files") || [])[fi];
    const section = ui.files.querySelector(`section[data-file="${fi}"]`);
    if (!f || !section) return;
    const hidden = !fileCollapsed(f, new Set(model.get("viewed") || []));
    st.override.set(fi, hidden);
    section.querySelector(".cra-filebody")?.classList.toggle("cra-hidden", hidden);
    const chevron = section.querySelector(".cra-chevron");
    if (chevron) chevron.textContent = hidden ? "\u25b8" : "\u25be";
    rebuildNav();
  }

  /** Same rows, new HTML (the background highlighter finished): swap the code cells in place,
   * a file per task, so an open form, the focus and the scroll position are untouched. */
  function patchHighlight() {
    const files = model.get("files") || [];
    if (files.length !== st.rowEls.length && st.rowEls.length) return false;
    const painted = st.painted || [];
    if (files.length !== painted.length) return false;
    for (let i = 0; i < files.length; i++) if (files[i].rows.length !== painted[i]) return false;
    let fi = 0;
    const step = () => {
      if (fi >= files.length) { root.dataset.highlighted = "true"; return; }
      const rows = files[fi].rows;
      const rowEls = st.rowEls[fi] || [];
      for (let r = 0; r < rows.length; r++) {
        const tr = rowEls[r];
        if (!tr || typeof rows[r].h !== "string") continue;
        // Python-escaped highlighter output, as in paintDiff
        tr.lastElementChild.innerHTML = rows[r].h;
      }
      fi++;
      setTimeout(step, 0);
    };
    step();
    return true;
  }

  function rebuildNav() {
    st.nav = [];
    st.navPos = new Map();
    for (const tbody of st.bodies) {
      if (!tbody || tbody.closest(".cra-hidden")) continue;
      const fi = Number(tbody.parentElement.dataset.file);
      for (const tr of tbody.children) {
        if (!tr.classList.contains("cra-line")) continue;
        const r = Number(tr.dataset.row);
        st.navPos.set(`${fi}:${r}`, st.nav.length);
        st.nav.push([fi, r]);
      }
    }
  }

  // findings inline ----------------------------------------------------------------------------

  function clearMarks() {
    for (const el of root.querySelectorAll(".cra-finding-row")) el.remove();
    for (const el of root.querySelectorAll(".cra-flagged, .cra-selected, .cra-cursor")) {
      el.classList.remove("cra-flagged", "cra-selected", "cra-cursor");
    }
  }

  /** The <tr> after which something anchored at `row` of file `fi` goes (folded rows: the fold bar). */
  function anchorEl(fi, row) {
    const rowEls = st.rowEls[fi] || [];
    for (let r = row; r >= 0; r--) if (rowEls[r]) return rowEls[r];
    return null;
  }

  /** The line the learner is on (the cursor, else the form's first line), if it is drawn. */
  function steadyRow() {
    const at = st.cursor || (st.form && st.form.rows ? { file: st.form.file, row: st.form.rows[0] } : null);
    return at ? st.rowEls[at.file]?.[at.row] || null : null;
  }

  /** Repaint the findings with the learner's line held still on screen: a form or card put in
   * above it scrolls the review's own area instead of moving the line from under the pointer.
   * `held`: the caller (paintDiff) holds a line itself. */
  function paintFindings(held = false) {
    holdingStill(held ? () => null : steadyRow, paintFindingsNow);
    showSavedHead();
  }

  function paintFindingsNow() {
    clearMarks();
    const findings = model.get("findings") || [];
    const byEnd = new Map();
    for (const f of findings) {
      if (f.file === null || !f.rows) continue;
      const rowEls = st.rowEls[f.file] || [];
      for (let r = f.rows[0]; r <= f.rows[1]; r++) rowEls[r]?.classList.add("cra-flagged");
      const key = `${f.file}:${f.rows[1]}`;
      if (!byEnd.has(key)) byEnd.set(key, []);
      byEnd.get(key).push(f);
    }
    for (const [key, list] of byEnd) {
      const [fi, row] = key.split(":").map(Number);
      const after = anchorEl(fi, row);
      if (!after) continue;
      const cards = list.map(card);
      after.after(h("tr", { className: "cra-finding-row" }, h("td", { colSpan: 4 }, ...cards)));
    }
    const orphans = findings.filter((f) => f.file === null);
    if (orphans.length) {
      ui.files.prepend(h("div", { className: "cra-alert cra-alert-warn cra-finding-row" },
        h("div", { textContent: "Findings that point at lines not in this diff:" }),
        ...orphans.map((f) => card(f))));
    }
    paintDock();
    paintSelection();
    paintDefectMarks();
    // the banner's "your unsaved finding ... is open again" goes with that form, whichever way it went
    if ((st.draftNote || "") !== draftNoteWhere()) paintBanner();
    if (st.ask && st.ask.kind === "draft" && !st.form) { st.ask = null; paintToolbar(); }
    // the ask names the form's range: a range grown since says so (walk-through 16: it kept ":25")
    else if (st.ask && st.ask.kind === "draft" && st.ask.where !== formWhere(st.form)) paintToolbar();
  }

  /** A finding just saved on the area's last line showed no card, only the side panel said it
   * was saved (walks 10 and 13). When less than the first line of its card shows, the area
   * scrolls just enough to show that line (its severity and category); a card already showing
   * its first line moves nothing, so the lines stay under the pointer (walk-through 3). */
  function showSavedHead() {
    const id = st.showSaved;
    const saved = id && cardOf(id);
    if (!saved) return;
    st.showSaved = null;
    const box = ui.main.getBoundingClientRect();
    const r = saved.getBoundingClientRect();
    if (st.showWhole) {
      // Ctrl+Enter: no pointer to keep still, so the whole card shows (walk-throughs 15, 16: its
      // comment was under the area's edge), its head first if it is taller than the area
      st.showWhole = false;
      const cover = saved.closest("section.cra-file")?.querySelector(".cra-filehead")?.offsetHeight || 0;
      if (r.bottom > box.bottom) ui.main.scrollTop += Math.min(r.bottom - box.bottom, r.top - (box.top + cover));
      wholeInNotebook();
      return;
    }
    const shown = box.bottom - r.top;
    if (shown < SAVED_CARD_LINE) ui.main.scrollTop += SAVED_CARD_LINE - shown;
  }

  /** What the last score made of finding `id`, as a small label on its card and in the side
   * panel: the defect it found (numbered as in the feedback), found under another category, a
   * decoy, or nothing in the key (walk-through 28: after scoring, the cards did not say which
   * findings hit). None before a score, nor once the review changed since it (the label could
   * be stale). */
  function outcomeBadge(id) {
    const p = model.get("practice") || {};
    if (!p.enabled || !p.submitted || p.outdated) return null;
    const d = (p.defects || []).find((x) => x.finding_id === id);
    if (d) {
      const found = d.status === "found";
      return h("span", {
        className: `cra-outcome cra-outcome-${found ? "found" : "other"}`,
        title: found ? "the score counts this finding for this defect" : "this finding is on the defect's lines, under another category than the key's",
        textContent: found ? `\u2713 Defect ${d.n + 1}` : `Defect ${d.n + 1}, other category`,
      });
    }
    const fp = (p.false_positives || []).find((x) => x.finding_id === id);
    if (!fp) return null;
    return h("span", {
      className: "cra-outcome cra-outcome-none",
      title: "this finding hit no defect: see Findings that hit no defect in the score",
      textContent: fp.decoy_where ? "a decoy" : "no defect",
    });
  }

  /** The labels again, on the cards and list as drawn, when a score comes or goes. */
  function markOutcomes() {
    for (const el of root.querySelectorAll(".cra-card[data-finding], .cra-findinglist li[data-finding]")) {
      el.querySelector(".cra-outcome")?.remove();
      const badge = outcomeBadge(el.dataset.finding);
      if (!badge) continue;
      const where = el.matches(".cra-card") ? el.querySelector(".cra-card-head > .cra-where") : el.querySelector(".cra-finding-line");
      if (!where) continue;
      if (el.matches(".cra-card")) where.after(badge);
      else where.append(badge);
    }
  }

  /** The card of finding `id` in the diff (or among those off it), if it is drawn. */
  function cardOf(id) {
    return [...ui.files.querySelectorAll(".cra-card")].find((c) => c.dataset.finding === id) || null;
  }

  function card(f) {
    const el = h("div", {
      className: "cra-card" + (st.current === f.id ? " cra-current" : "") + (st.form?.mode === "edit" && st.form.id === f.id ? " cra-editing" : ""),
      tabIndex: -1,
      dataset: { finding: f.id },
      attrs: { "aria-label": `finding at ${f.label}` },
    },
      h("div", { className: "cra-card-head" },
        h("span", { className: `cra-sev cra-sev-${f.severity}`, textContent: f.severity }),
        h("span", { className: "cra-cat", textContent: f.category }),
        h("span", { className: "cra-where", textContent: f.label }),
        outcomeBadge(f.id),
        h("span", { className: "cra-spacer" }),
        h("button", { type: "button", className: "cra-btn cra-edit", textContent: "Edit", onclick: () => startEdit(f.id) }),
        h("button", {
          type: "button", className: "cra-btn cra-delete", textContent: "Delete",
          onclick: () => deleteFinding(f),
        })),
      f.comment ? h("div", { className: "cra-comment", textContent: f.comment }) : h("div", { className: "cra-comment cra-muted", textContent: "(no comment)" }));
    el.addEventListener("focus", () => { st.current = f.id; });
    return el;
  }

  function paintSelection() {
    for (const el of root.querySelectorAll(".cra-selected, .cra-cursor")) el.classList.remove("cra-selected", "cra-cursor");
    const sel = st.form && st.form.mode === "new" ? { file: st.form.file, a: st.form.rows[0], b: st.form.rows[1] } : st.sel;
    if (sel) {
      const rowEls = st.rowEls[sel.file] || [];
      const [lo, hi] = sel.a <= sel.b ? [sel.a, sel.b] : [sel.b, sel.a];
      for (let r = lo; r <= hi; r++) rowEls[r]?.classList.add("cra-selected");
    }
    if (st.cursor) st.rowEls[st.cursor.file]?.[st.cursor.row]?.classList.add("cra-cursor");
  }

  // the form -----------------------------------------------------------------------------------

  /** The side rows lo..hi of file fi point at, as Python's span_for_rows decides: "old" (their
   * removed lines) when there is no added line and the removed ones are at least as many as the
   * unchanged ones, else "new". */
  function sideOfRows(f, lo, hi) {
    const picked = f.rows.slice(lo, hi + 1);
    const removed = picked.filter((r) => r.k === "remove").length;
    const kept = picked.filter((r) => r.k === "context").length;
    return removed && removed >= kept && !picked.some((r) => r.k === "add") ? "old" : "new";
  }

  /** Rows lo..hi of file fi hold removed lines and others (a finding has one side): the side it
   * is saved on, which leaves the others out; null when nothing is left out. */
  function mixedSides(fi, lo, hi) {
    const f = (model.get("files") || [])[fi];
    if (!f) return null;
    const picked = f.rows.slice(lo, hi + 1);
    if (!picked.some((r) => r.k === "remove") || !picked.some((r) => r.k === "add" || r.k === "context")) return null;
    return sideOfRows(f, lo, hi);
  }

  function spanLabel(fi, lo, hi) {
    const f = (model.get("files") || [])[fi];
    if (!f) return "";
    const picked = f.rows.slice(lo, hi + 1).filter((r) => r.k !== "hunk");
    const news = picked.filter((r) => r.k !== "remove").map((r) => r.n);
    const olds = picked.filter((r) => r.k === "remove").map((r) => r.o);
    const [nums, side] = sideOfRows(f, lo, hi) === "old" || !news.length ? [olds, " (old)"] : [news, ""];
    if (!nums.length) return f.path;
    const a = Math.min(...nums);
    const b = Math.max(...nums);
    return `${f.path}:${a === b ? a : `${a}-${b}`}${side}`;
  }

  function formEl() {
    const form = st.form;
    const choices = model.get("choices") || {};
    const d = form.draft;
    const category = h("select", { className: "cra-category", attrs: { "aria-label": "category" } },
      h("option", { value: "", textContent: "category\u2026", disabled: true }),
      ...(choices.categories || []).map((c) => h("option", { value: c, textContent: c })));
    category.value = d.category || "";
    // no severity chosen for the learner: the score sets theirs beside the key's (a blocker
    // called minor is a lesson too), and a default would answer for them
    const severity = h("select", { className: "cra-severity", attrs: { "aria-label": "severity" } },
      h("option", { value: "", textContent: "severity\u2026", disabled: true }),
      ...(choices.severities || []).map((s) => h("option", { value: s, textContent: s })));
    severity.value = d.severity || "";
    const comment = h("textarea", {
      className: "cra-comment-input", rows: 2, value: d.comment || "",
      placeholder: "What is wrong, and why does it matter?", attrs: { "aria-label": "comment" },
    });
    // a list Save asked for is outlined, and its words sit beside it (walk 30 read "Choose a
    // severity." under the counter, far from the list); a choice takes both away
    const fieldErr = h("span", { className: "cra-field-error", attrs: { role: "alert" } });
    const chosen = (select, key) => () => {
      d[key] = select.value;
      select.removeAttribute("aria-invalid");
      if (!el.querySelector("select[aria-invalid]")) fieldErr.textContent = "";
      keepDraft();
    };
    category.addEventListener("change", chosen(category, "category"));
    severity.addEventListener("change", chosen(severity, "severity"));
    comment.addEventListener("input", () => { d.comment = comment.value; keepDraft(); });
    const el = h("form", { className: "cra-form", onsubmit: (e) => { e.preventDefault(); save(); } },
      ...formHead(form),
      h("div", { className: "cra-form-fields" }, category, severity, fieldErr),
      comment,
      h("div", { className: "cra-form-foot" },
        h("button", { type: "submit", className: "cra-btn cra-primary cra-save", textContent: "Save" }),
        h("button", { type: "button", className: "cra-btn cra-cancel", textContent: "Cancel", onclick: cancel }),
        h("span", { className: "cra-muted", textContent: "Ctrl+Enter saves \u00b7 Esc cancels" }),
        h("span", { className: "cra-spacer" }),
        commentCounter(comment)),
      h("span", { className: "cra-error", attrs: { role: "alert" } }));
    return el;
  }

  /** The form's head (what it is, where, how to change the lines) and, for a range that holds
   * removed and added lines, a note that says which side the finding points at. */
  function formHead(form) {
    const where = formWhere(form);
    const hint = !form.rows ? null
      : form.mode === "new" ? "Shift+click another line for a range"
        : "Shift+click a line to take it in or end the range there";
    // A finding points at one side of the diff (as Python's span_for_rows decides): say so
    // rather than drop the removed lines of a mixed range without a word.
    const mixed = form.rows ? mixedSides(form.file, form.rows[0], form.rows[1]) : null;
    return [
      h("div", { className: "cra-form-head" },
        h("strong", { textContent: form.mode === "new" ? "New finding" : "Edit finding" }),
        wherePath(where),
        hint ? h("span", { className: "cra-muted cra-form-points", textContent: hint }) : null),
      mixed ? h("div", {
        className: "cra-note cra-mixed", attrs: { role: "note" },
        textContent: mixed === "new"
          ? `This range holds removed lines and others; a finding points at one side, so it is saved on the new side as ${where}. To point at a removed line, flag it on its own (it is then marked "(old)").`
          : `This range holds removed and unchanged lines; a finding points at one side, so it is saved on the removed lines, as ${where}.`,
      }) : null,
    ];
  }

  /** The side panel's dock holds the open form and the Undo of a deleted finding or a discarded
   * form (put in the diff, that bar moved the lines under it: walk-through 21, 41 px on a
   * cancelled edit). A range grown or moved changes the form's head in place: the fields, the
   * words typed, the focus and an error shown stay. */
  function paintDock() {
    const form = st.form;
    fill(ui.dockUndo, ...(st.undo ? [undoBar()] : []));
    ui.dock.hidden = !form && !st.undo;
    if (!form) {
      st.dockDraft = null;
      ui.dockForm.replaceChildren();
    } else {
      const el = ui.dockForm.querySelector(".cra-form");
      if (el && st.dockDraft === form.draft) {
        for (const old of el.querySelectorAll(":scope > .cra-form-head, :scope > .cra-mixed")) old.remove();
        el.prepend(...formHead(form).filter(Boolean));
      } else {
        st.dockDraft = form.draft;
        ui.dockForm.replaceChildren(formEl());
        findingsInSight();
      }
    }
    if (root.isConnected) dockInSight();
  }

  /** With a form open, the side panel under it shows the learner's findings rather than the file
   * tree above them (walks 22, 23: writing a finding, the others were pushed out of sight):
   * scrolled as far as needed for the whole list, never past its heading. The tree stays a
   * scroll away, and stops following the diff while the form is open (markCurrentFile). */
  function findingsInSight() {
    const heading = ui.aside.querySelector(":scope > h4:last-of-type");
    const list = heading?.nextElementSibling;
    if (!list) return;
    const a = ui.aside.getBoundingClientRect();
    const by = Math.min(heading.getBoundingClientRect().top - a.top, list.getBoundingClientRect().bottom - a.bottom);
    if (by > 0.5) ui.aside.scrollTop += by;
  }

  /** The review's top can be above the notebook's view (the notebook scrolled down into the
   * review): the dock is then drawn lowered to the view's top edge, within the side panel, rather
   * than the notebook scrolled back, which would move every line of the diff. */
  function dockInSight() {
    ui.dock.style.transform = "";
    if (ui.dock.hidden) return;
    const r = ui.dock.getBoundingClientRect();
    const lower = Math.min(visibleTop() - r.top, ui.side.getBoundingClientRect().bottom - r.bottom);
    if (lower > 0.5) ui.dock.style.transform = `translateY(${lower}px)`;
  }

  function onPageScroll() {
    if (ui.dock.hidden || st.dockFrame) return;
    st.dockFrame = requestAnimationFrame(() => { st.dockFrame = 0; dockInSight(); });
  }

  /** The open form's line in the diff's area if it is not (a form reopened, Full width), and the
   * form in the window's sight: the notebook scrolls only for a review mostly out of its view. */
  function showFormLines(block = "nearest") {
    const form = st.form;
    if (!form) return;
    // a file folded since (ticked Viewed) opens: its lines cannot be shown folded (walk 32:
    // "Show it" left the diff where it was)
    if (form.rows) openIfFolded(form.file);
    const c = st.cursor;
    const onRange = form.rows && c && c.file === form.file && c.row >= form.rows[0] && c.row <= form.rows[1];
    const line = form.rows ? anchorEl(form.file, onRange ? c.row : form.rows[1]) : null;
    scrollMain(line || (form.mode === "edit" ? cardOf(form.id) : null), block);
    dockInSight();
    const r = ui.dockForm.getBoundingClientRect();
    if (r.height && (r.bottom > visibleBottom() + 1 || r.top < visibleTop() - 1)) {
      ui.dockForm.scrollIntoView({ block: "nearest" });
      dockInSight();
    }
  }

  /** How far down the window the review can be seen: under the top of every box that clips it
   * (the notebook's own scroll area when the cell is partly scrolled out of it). */
  function visibleTop() {
    return Math.max(0, ...clippers().map((box) => box.top));
  }

  /** The boxes of the review's ancestors that clip it (the notebook's scroller, JupyterLab's panels). */
  function clippers() {
    const boxes = [];
    for (let a = root.parentElement; a && a !== document.body; a = a.parentElement) {
      if (/auto|scroll|hidden|clip/.test(getComputedStyle(a).overflowY)) boxes.push(a.getBoundingClientRect());
    }
    return boxes;
  }

  /** How far down the window a row of the review can be seen: above the window's edge and the
   * bottom of every box that clips the review (JupyterLab's status bar sits under the notebook's
   * view, so "in the window" was not "in sight": walk-through 16's form opened under it). */
  function visibleBottom() {
    return Math.min(window.innerHeight, ...clippers().map((box) => box.bottom));
  }

  function openForm(fi, a, b, focusField = true) {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const old = st.form && st.form.mode === "new" ? st.form : null;
    if (st.undo && st.undo.draft) dropUndo(); // its Undo would replace this form
    const draft = old ? old.draft : { category: "", severity: "", comment: "" };
    st.form = { mode: "new", file: fi, rows: [lo, hi], draft, restored: !!(old && old.restored) };
    keepDraft();
    paintFindings();
    // The form beside the diff moves no line. Focus moves nothing either: a focus() that
    // scrolled the notebook to the field would move every line under the pointer.
    showFormLines();
    if (focusField) root.querySelector(".cra-form .cra-category")?.focus({ preventScroll: true });
  }

  /** Shift+click or Shift+J/K while a finding is edited: its new lines (saved with the edit). */
  function moveEdit(fi, a, b) {
    st.form.file = fi;
    st.form.rows = [Math.min(a, b), Math.max(a, b)];
    keepDraft();
    paintFindings();
    showFormLines();
  }

  function startEdit(id) {
    const f = (model.get("findings") || []).find((x) => x.id === id);
    if (!f) return;
    if (st.undo && st.undo.draft) dropUndo(); // its Undo would replace this form
    const rows = f.file !== null && f.rows ? [...f.rows] : null;
    st.form = { mode: "edit", id, file: rows ? f.file : null, rows, draft: { category: f.category, severity: f.severity, comment: f.comment, label: f.label } };
    // its lines selected, and the keys go on from its last line: Shift+J/K change the range
    st.sel = rows ? { file: f.file, a: rows[0], b: rows[1] } : null;
    if (rows) st.cursor = { file: f.file, row: rows[1] };
    st.current = id;
    keepDraft();
    paintFindings();
    // the card in sight with its lines (the least move), above the dock
    showUnderItsLine(cardOf(id)?.closest("tr") || null, rows ? st.rowEls[f.file]?.[rows[0]] : null);
    showFormLines();
    root.querySelector(".cra-form .cra-comment-input")?.focus({ preventScroll: true });
  }

  /** The edit moved its finding to other lines. */
  function editMoved(form, f) {
    return !!form.rows && !!f.rows && (form.file !== f.file || form.rows[0] !== f.rows[0] || form.rows[1] !== f.rows[1]);
  }

  /** The edit changes its finding: its words, category, severity or lines. */
  function editChanges(form, f) {
    return editMoved(form, f) || ["comment", "category", "severity"].some((k) => (form.draft[k] || "") !== (f[k] || ""));
  }

  /** Esc or Cancel. A form with words typed in it can come back: "Discarded ... Undo" (u), as a
   * deleted finding can (walk-through 17: Esc on a reopened draft threw 46 typed characters away). */
  function cancel() {
    const form = st.form;
    st.form = null;
    st.sel = null;
    const f = form && form.mode === "edit" ? (model.get("findings") || []).find((x) => x.id === form.id) : null;
    const changed = form && (form.mode === "new" ? !!(form.draft.comment || "").trim() : !!f && editChanges(form, f));
    if (changed) {
      const place = f ? { file: f.file, rows: f.rows } : { file: form.file, rows: form.rows };
      // an edit is named by its finding's saved place, not by lines it was being moved to
      st.undo = { draft: { ...form, draft: { ...form.draft } }, ...place, label: f ? f.label : formWhere(form) };
    }
    keepDraft();
    paintFindings();
    if (form) root.focus({ preventScroll: true });
  }

  /** Save the form; `byKey` (Ctrl+Enter) shows the whole saved card after (showSavedHead). */
  function save(byKey = false) {
    const form = st.form;
    if (!form) return;
    const d = form.draft;
    const errEl = root.querySelector(".cra-form .cra-error");
    const missing = [["category", "a category"], ["severity", "a severity"]].filter(([field]) => !d[field]);
    if (missing.length) {
      for (const [field] of missing) root.querySelector(`.cra-form .cra-${field}`)?.setAttribute("aria-invalid", "true");
      const fieldErr = root.querySelector(".cra-form .cra-field-error");
      if (fieldErr) fieldErr.textContent = `Choose ${missing.map(([, name]) => name).join(" and ")}.`;
      root.querySelector(`.cra-form .cra-${missing[0][0]}`)?.focus({ preventScroll: true });
      return;
    }
    if (commentTooLong(d, errEl)) return;
    for (const b of root.querySelectorAll(".cra-form button")) b.disabled = true;
    // the keys go on from the finding's last line (walk-through 11: a reopened draft saved with
    // the mouse left no cursor, and k went to the review's end)
    const at = form.mode === "new" ? { file: form.file, row: form.rows[1] } : st.cursor;
    const done = (ack) => {
      if (ack.ok) {
        if (ack.id) { st.current = ack.id; st.showSaved = ack.id; st.showWhole = byKey; }
        st.cursor = at;
        if (st.undo) dropUndo();
        st.form = null;
        st.sel = null;
        keepDraft();
        paintFindings();
        root.focus({ preventScroll: true });
      } else {
        for (const b of root.querySelectorAll(".cra-form button")) b.disabled = false;
      }
    };
    if (form.mode === "new") {
      send({ type: "flag", file: form.file, rows: form.rows, category: d.category, severity: d.severity, comment: d.comment || "" }, done);
    } else {
      // the lines only when the edit moved them (an edit of the words leaves its span as it was)
      const f = (model.get("findings") || []).find((x) => x.id === form.id);
      const lines = f && editMoved(form, f) ? { file: form.file, rows: form.rows } : {};
      send({ type: "edit", id: form.id, category: d.category, severity: d.severity, comment: d.comment || "", ...lines }, done);
    }
  }

  // navigation -----------------------------------------------------------------------------------

  /** Scroll the review's own scroll area (never the notebook around it) so `el` shows:
   * "nearest" (the least move), "start" (at the top) or "center". A line is kept clear of its
   * file's sticky header. A file body the browser has not shown yet stands at its 800 px
   * placeholder (see laidOutDownTo), so the area could end above a line far down in it: the
   * scroll stopped short (walk-throughs 24 and 25: "Marked in the diff" in Full width, with every
   * file ticked Viewed, left its lines 7 px and 97 px under the area). Then the files are laid
   * out and the line measured again. */
  function scrollMain(el, block = "nearest", margin = 0, laidOut = false) {
    if (!el || !ui.main.contains(el)) return;
    const box = ui.main.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    const section = el.closest("section.cra-file");
    const cover = section && el !== section ? section.querySelector(".cra-filehead")?.offsetHeight || 0 : 0;
    const top = box.top + cover;
    let delta = 0;
    if (block === "start") delta = r.top - top;
    else if (block === "center") delta = r.top + r.height / 2 - (top + box.bottom) / 2;
    else if (r.top < top + margin) delta = r.top - top - margin;
    else if (r.bottom > box.bottom - margin) delta = Math.min(r.bottom - box.bottom + margin, r.top - top - margin);
    if (!delta) return;
    const was = ui.main.scrollTop;
    ui.main.scrollTop += delta;
    if (!laidOut && Math.abs(ui.main.scrollTop - was - delta) > 1 && el.closest(".cra-filebody")) {
      laidOutDownTo(el);
      scrollMain(el, block, margin, true);
    }
  }

  /** Scroll the review's area so the row of a form or card shows whole with the lines it is
   * about: from `first` (the range's first line) if all fit, else from the line just above the
   * row, else the row alone (an edit form or a card showing alone hid which line it was about). */
  function showUnderItsLine(row, first = null) {
    if (!row) return;
    let line = row.previousElementSibling;
    while (line && !line.matches("tr.cra-line")) line = line.previousElementSibling;
    const box = ui.main.getBoundingClientRect();
    const cover = row.closest("section.cra-file")?.querySelector(".cra-filehead")?.offsetHeight || 0;
    const bottom = row.getBoundingClientRect().bottom;
    // the whole range if it fits with the row, else its last line, else the row alone
    const top = [first, line].filter((e) => e && e.isConnected).map((e) => e.getBoundingClientRect().top)
      .find((t) => bottom - t <= box.height - cover);
    if (top === undefined) { scrollMain(row, "nearest"); return; }
    if (top < box.top + cover) ui.main.scrollTop += top - (box.top + cover);
    else if (bottom > box.bottom) ui.main.scrollTop += bottom - box.bottom;
  }

  /** After a jump to `el`: when all that shows above `el`'s file at the area's top is a sliver
   * (another file's sticky header squeezed to a strip, walk-through 14: 12 px of it in Full
   * width; half a line of the score, walk-through 23: 14 px after ] and after "Back to ..."),
   * the file's top goes to the area's top instead; `el` moves up by the sliver, and stays in sight. */
  function noSliverAbove(el) {
    if (!el?.isConnected) return;
    const top = ui.main.getBoundingClientRect().top;
    const cut = [...ui.files.querySelectorAll(":scope > section.cra-file")].find((sec) => {
      const r = sec.getBoundingClientRect();
      return r.top < top - 0.5 && r.bottom > top + 0.5;
    });
    let shows;
    let head;
    if (cut) {
      if (cut.contains(el)) return;
      shows = cut.getBoundingClientRect().bottom - top; // another file's strip
      head = cut.querySelector(".cra-filehead");
    } else {
      const section = el.closest("section.cra-file"); // no file cut: the score's or description's strip
      if (!section) return;
      shows = section.getBoundingClientRect().top - top;
      head = section.querySelector(".cra-filehead");
    }
    const sliver = (head?.offsetHeight || 0) + 20;
    if (shows > 0.5 && shows < sliver && el.getBoundingClientRect().top - shows >= top) ui.main.scrollTop += shows;
  }

  /** The cursor's line in sight with a few lines beyond it (walk-through 14: j kept the line read
   * on the area's bottom edge, the next lines never in sight). */
  function showCursorLine(el) {
    const rows = CURSOR_CONTEXT * (el?.offsetHeight || 0);
    scrollMain(el, "nearest", Math.min(rows, ui.main.clientHeight / 3));
  }

  /** PageDown, Space, PageUp, Shift+Space, Home and End page through the review's own area (they
   * scrolled the notebook, the review leaving the screen: walk-through 14); the cursor stays. */
  function pageMain(key, shift) {
    const page = Math.max(ui.main.clientHeight - 60, 40);
    if (key === "Home") ui.main.scrollTop = 0;
    else if (key === "End") ui.main.scrollTop = ui.main.scrollHeight;
    else ui.main.scrollTop += (key === "PageUp" || (key === " " && shift) ? -page : page);
  }

  function scrollToFile(fi) {
    scrollMain(ui.files.querySelector(`section[data-file="${fi}"]`), "start");
  }

  function moveCursor(step, extend) {
    if (!st.nav.length) return;
    let i = st.cursor ? st.navPos.get(`${st.cursor.file}:${st.cursor.row}`) : undefined;
    if (i === undefined) i = step > 0 ? -1 : st.nav.length;
    let j = Math.max(0, Math.min(st.nav.length - 1, i + step));
    let [fi, row] = st.nav[j];
    if (extend && st.sel && st.sel.file !== fi) {
      // a range stays within one file
      j = i;
      [fi, row] = st.nav[j];
    }
    if (extend) {
      if (!st.sel || st.sel.file !== fi) st.sel = { file: fi, a: st.cursor ? st.cursor.row : row, b: row };
      else st.sel.b = row;
      if (st.form && st.form.mode === "new") openForm(fi, st.sel.a, st.sel.b, false);
      else if (st.form && st.form.rows && st.form.file === fi) moveEdit(fi, st.sel.a, st.sel.b);
    } else if (!st.form) {
      st.sel = null;
    }
    st.cursor = { file: fi, row };
    paintSelection();
    showCursorLine(st.rowEls[fi][row]);
  }

  function focusFinding(id, scroll) {
    st.current = id;
    for (const c of root.querySelectorAll(".cra-card")) c.classList.toggle("cra-current", c.dataset.finding === id);
    const f = (model.get("findings") || []).find((x) => x.id === id);
    if (scroll && f && typeof f.file === "number") openIfFolded(f.file);
    const el = cardOf(id);
    if (el) {
      el.focus({ preventScroll: true });
      // the card with the lines it flags (it used to show under the file's header, its lines
      // above, out of sight: walk-through 8)
      if (scroll) {
        showUnderItsLine(el.closest("tr") || el, f && f.rows ? st.rowEls[f.file]?.[f.rows[0]] : null);
        // and its buttons in the window, when the review runs below it (walk-through 11: Delete
        // sat under the window's edge); the notebook moves, as the learner asked for the card
        if (el.getBoundingClientRect().bottom > visibleBottom() + 1) el.scrollIntoView({ block: "nearest" });
        noSliverAbove(el);
      }
      if (f && f.rows) st.cursor = { file: f.file, row: f.rows[1] };
    }
  }

  /** n and p: the next (previous) finding in the diff's order. From the finding last shown
   * while the cursor is still on it; once the cursor has moved (j, k, ], a click), from the
   * cursor: the first finding starting on or after its line (p: before it), round at the ends. */
  function stepFinding(step) {
    const at = (f) => [f.file, f.rows[0], f.rows[1]];
    const before = (x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    const list = (model.get("findings") || []).filter((f) => f.file !== null && f.rows).sort((x, y) => before(at(x), at(y)));
    if (!list.length) return;
    const current = list.findIndex((f) => f.id === st.current);
    const c = st.cursor;
    const onCurrent = current >= 0 && c && c.file === list[current].file && c.row >= list[current].rows[0] && c.row <= list[current].rows[1];
    let i;
    if (onCurrent || (current >= 0 && !c)) i = (current + step + list.length) % list.length;
    else if (c) {
      const from = (f) => f.file - c.file || f.rows[0] - c.row; // where it starts, against the cursor
      i = step > 0 ? list.findIndex((f) => from(f) >= 0) : list.findLastIndex((f) => from(f) < 0);
      if (i < 0) i = step > 0 ? 0 : list.length - 1;
    } else i = step > 0 ? 0 : list.length - 1;
    focusFinding(list[i].id, true);
  }

  function onKey(e) {
    // a Viewed box is not a field: the review's keys work from it (walk 30 pressed ? there)
    const inField = e.target instanceof HTMLElement && e.target.closest("textarea, input:not([type=checkbox]), select, .cra-form");
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key === "Enter") {
      if (st.form) { e.preventDefault(); e.stopPropagation(); save(true); }
      return;
    }
    if (e.key === "Escape") {
      if (st.form || st.sel) { e.preventDefault(); e.stopPropagation(); cancel(); }
      else if (st.full) { e.preventDefault(); e.stopPropagation(); setFullWidth(false); }
      return;
    }
    if (inField) {
      // Keys typed into the form belong to the form: never to JupyterLab's or Notebook 7's
      // shortcuts, Shift+Enter (a new line in the comment) and Ctrl/Alt combinations included.
      e.stopPropagation();
      // J/K on the form's lists still change its range (no category or severity starts with
      // either): f puts the focus in the category list, and walk-through 12's J went there.
      const list = e.target instanceof HTMLSelectElement ? e.target : null;
      if (list && st.form?.rows && (e.key === "J" || e.key === "K") && !mod && !e.altKey) {
        e.preventDefault();
        moveCursor(e.key === "J" ? 1 : -1, true);
        root.querySelector(`.cra-form select.${CSS.escape(list.className.split(" ")[0])}`)?.focus({ preventScroll: true });
      }
      return;
    }
    if (mod || e.altKey) return;
    let handled = true;
    switch (e.key) {
      case "j": case "ArrowDown": moveCursor(1, false); break;
      case "k": case "ArrowUp": moveCursor(-1, false); break;
      case "J": moveCursor(1, true); break;
      case "K": moveCursor(-1, true); break;
      case "n": stepFinding(1); break;
      case "p": stepFinding(-1); break;
      case "e": if (st.current) startEdit(st.current); break;
      case "]": stepChange(1); break;
      case "[": stepChange(-1); break;
      case "}": stepFile(1); break;
      case "{": stepFile(-1); break;
      case "u": if (st.undo) undoDelete(); else handled = false; break;
      // (Full width shows every key: ? there would only change what the cell shows after Esc,
      // walk 31's 19 px of legend)
      case "?": if (!st.full) showAllKeys(ui.help); break;
      case "PageDown": case "PageUp": case "Home": case "End": case " ":
        // Space on a focused button or box presses it
        if (e.key === " " && e.target instanceof Element && e.target.closest("button, input, summary, a, select")) { handled = false; break; }
        pageMain(e.key, e.shiftKey);
        break;
      case "f": case "Enter":
        if (e.key === "Enter" && e.shiftKey) { handled = false; break; } // Shift+Enter runs the cell
        if (e.key === "Enter" && e.target instanceof HTMLButtonElement) { handled = false; break; } // Enter presses it; f is ours
        if (st.sel) openForm(st.sel.file, st.sel.a, st.sel.b);
        else if (st.cursor) openForm(st.cursor.file, st.cursor.row, st.cursor.row);
        else moveCursor(1, false);
        break;
      default:
        if (e.shiftKey && (e.key === "ArrowDown" || e.key === "ArrowUp")) moveCursor(e.key === "ArrowDown" ? 1 : -1, true);
        else handled = false;
    }
    if (handled) {
      e.preventDefault();
      wholeInNotebook();
    }
    // While the viewer has focus, plain keys are the viewer's (no "a"/"b"/"dd" on the notebook).
    if (e.key !== "Tab" && !(e.shiftKey && e.key === "Enter")) e.stopPropagation();
  }

  function onClick(e) {
    const expand = e.target instanceof Element ? e.target.closest("button.cra-expand") : null;
    if (expand) {
      const fi = Number(expand.closest("table").dataset.file);
      const fold = ((model.get("files") || [])[fi]?.folds || []).find((x) => String(x.first) === expand.dataset.foldFirst);
      if (fold) {
        // The line the cursor is on stays still as the fold opens, above the fold or under it
        // (walk-through 18: a fold opened above the finding being read pushed it 382 px down,
        // out of sight); with no cursor in sight, the line above the fold (the line under it,
        // for a fold at the file's top).
        const r = Number(expand.closest("tr").dataset.foldRow);
        st.holdRow = cursorInSight() ? { ...st.cursor } : { file: fi, row: r > 0 ? r - 1 : Number(fold.last) + 1 };
        send({ type: "expand", file: fi, fold: fold.id });
      }
      return;
    }
    if (st.swallowClick) { st.swallowClick = false; return; } // the press was taken as it was meant
    const tr = e.target instanceof Element ? e.target.closest("tr.cra-line") : null;
    if (!tr || !root.contains(tr)) return;
    // Selecting text to copy is not a click on a line.
    if (String(window.getSelection?.() || "").length && !e.shiftKey) return;
    if (e.shiftKey) e.preventDefault();
    lineClicked(tr, e.shiftKey);
  }

  /** The wheel over the review's header, toolbar, side panel or legend scrolls the diff, as it
   * does over the diff (walk-through 18: over the side panel it scrolled the notebook, and the
   * toolbar went off the screen). A part that scrolls itself (the side panel, a comment box)
   * keeps the wheel while it can move; once the diff is at its end, the notebook has it. Over
   * the diff itself: wheelOverDiff. */
  function onWheel(e) {
    if (e.ctrlKey || !(e.target instanceof Element)) return;
    const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaMode === 2 ? e.deltaY * ui.main.clientHeight : e.deltaY;
    const canMove = (el) => (dy > 0 ? el.scrollTop + el.clientHeight < el.scrollHeight - 1 : el.scrollTop > 0);
    const now = performance.now();
    if (!st.full && now - st.wheel.outerAt <= WHEEL_PAUSE_MS) {
      // the notebook's movement goes on over the review, come under the pointer (onOuterWheel)
      st.wheel.outerAt = now;
      const outer = notebookView();
      if (outer && dy && Math.abs(dy) >= Math.abs(e.deltaX)) { e.preventDefault(); outer.scrollTop += dy; }
      return;
    }
    if (ui.main.contains(e.target)) { wheelOverDiff(e, dy, canMove); return; }
    if (!dy || Math.abs(e.deltaX) > Math.abs(dy)) return;
    if (movesItself(e.target, root, canMove) || !canMove(ui.main)) return;
    e.preventDefault();
    ui.main.scrollTop += dy;
  }

  /** A wheel movement that began outside every review (the notebook scrolling) goes on scrolling
   * the notebook when this review comes under the pointer, until it pauses (WHEEL_PAUSE_MS), as a
   * trackpad's gesture stays with what it began on (walk 31: scrolling the notebook down, the
   * review arrived under the pointer and the next 12 notches scrolled the diff 1,200 px, and a
   * reload's restored place was lost). A movement that begins over the review is its own. */
  function onOuterWheel(e) {
    if (e.target instanceof Element && !e.target.closest(".cra-root")) st.wheel.outerAt = performance.now();
  }

  /** Over the diff the wheel stops at its ends (overscroll-behavior: contain; walk-through 15's
   * flicks carried on into the notebook and took the review off the screen), but a movement
   * that starts with the diff already at its end, after a pause (WHEEL_PAUSE_MS), moves the
   * notebook (walk 25: five wheel steps at the end moved nothing, the notebook a narrow margin
   * away). Steps closer than the pause are one movement: walk 28, reading the diff's end a notch
   * every 300 ms, saw each step scroll the notebook (800 px, the review off the screen). */
  function wheelOverDiff(e, dy, canMove) {
    const w = st.wheel;
    const now = performance.now();
    if (now - w.at > WHEEL_PAUSE_MS) {
      // a new movement: the notebook's if the diff cannot go that way (nor a part of it that
      // scrolls itself), and the review is in its cell (Full width has nothing behind it)
      w.toNotebook = !!dy && Math.abs(dy) >= Math.abs(e.deltaX) && !movesItself(e.target, ui.main, canMove) && !canMove(ui.main) && !st.full;
    }
    w.at = now;
    const outer = w.toNotebook ? notebookView() : null;
    if (!outer || !dy) return;
    e.preventDefault();
    outer.scrollTop += dy;
  }

  /** Something between `from` and `stop` (not `stop`) scrolls itself and can still move the
   * wheel's way (the side panel, a comment box): it keeps the wheel. */
  function movesItself(from, stop, canMove) {
    for (let a = from; a && a !== stop; a = a.parentElement) {
      if (/auto|scroll/.test(getComputedStyle(a).overflowY) && canMove(a)) return true;
    }
    return false;
  }

  /** A press on a line, remembered with where the pointer was on the screen. */
  function onPress(e) {
    const tr = e.button === 0 && e.target instanceof Element ? e.target.closest("tr.cra-line") : null;
    st.press = tr && root.contains(tr) ? { tr, x: e.screenX, y: e.screenY } : null;
  }

  /** A Shift+press on a line extends the finding's range; the browser would also select the
   * text from the last click to there (a blue band over the lines, walk-through 9). */
  function onMouseDown(e) {
    if (e.shiftKey && e.button === 0 && e.target instanceof Element && e.target.closest("tr.cra-line")) e.preventDefault();
  }

  /** A press on the review's chrome (the key legend, the header, the toolbar's and side panel's
   * background, the dock around the form) leaves the focus in the open form (walk-through 24: a
   * Shift+click meant for the diff's last line landed on the key legend, the focus went to the
   * review, the comment typed next ran as keys, and a Space pressed the Approve button that Tab
   * had reached). Controls, the diff's area and the scroll bars take a press as ever. */
  function onChromeDown(e) {
    if (!st.form || e.button !== 0 || !(e.target instanceof Element)) return;
    if (!ui.dockForm.contains(document.activeElement)) return;
    if (e.target === ui.aside || e.target.closest(".cra-main")) return;
    if (e.target.closest("button, input, select, textarea, a, label, [tabindex]:not(.cra-root)")) return;
    e.preventDefault();
  }

  /** The lines moved under a pointer that did not (JupyterLab scrolls a cell into view as it
   * becomes active, between the press and the release): the click then lands elsewhere or
   * nowhere. The line pressed is the one meant, so it is taken now and that click is ignored. */
  function onRelease(e) {
    const p = st.press;
    st.press = null;
    if (!p || e.button !== 0 || !p.tr.isConnected) return;
    const still = Math.abs(e.screenX - p.x) < 4 && Math.abs(e.screenY - p.y) < 4;
    const under = e.target instanceof Element ? e.target.closest("tr.cra-line") : null;
    if (!still || under === p.tr) return; // a plain click (onClick takes it), or a drag to select text
    st.swallowClick = true;
    setTimeout(() => { st.swallowClick = false; }, 0); // the click, if any, comes before this
    if (e.shiftKey) e.preventDefault();
    lineClicked(p.tr, e.shiftKey);
    scrollMain(p.tr, "nearest");
  }

  function lineClicked(tr, shiftKey) {
    const fi = Number(tr.closest("table").dataset.file);
    const row = Number(tr.dataset.row);
    if (shiftKey && st.form && st.form.mode === "edit" && st.form.rows && st.form.file === fi) {
      // an edit's range takes in a line clicked outside it (walk-through 21: Shift+click on 42
      // made 43-44 into 42-43); one clicked inside it ends the range there
      const [lo, hi] = st.form.rows;
      st.sel = row < lo ? { file: fi, a: hi, b: row } : { file: fi, a: lo, b: row };
      st.cursor = { file: fi, row };
      moveEdit(fi, st.sel.a, st.sel.b);
      return;
    } else if (shiftKey && st.form && st.form.rows && st.form.file === fi) {
      const anchor = st.sel && st.sel.file === fi ? st.sel.a : st.form.rows[0];
      st.sel = { file: fi, a: anchor, b: row };
    } else if (shiftKey && !st.form && st.sel && st.sel.file === fi) {
      st.sel.b = row;
    } else {
      const inRange = st.form && st.form.mode === "new" && st.form.file === fi && row >= st.form.rows[0] && row <= st.form.rows[1];
      if (!inRange && unsavedWork()) { holdForm(); return; }
      if (st.form && st.form.mode === "edit") st.form = null;
      st.sel = { file: fi, a: row, b: row };
    }
    st.cursor = { file: fi, row };
    openForm(fi, st.sel.a, st.sel.b);
  }

  /** The open form holds words the learner typed (a new finding's comment, or an edit that
   * changes its finding): a stray click elsewhere must neither move them nor drop them. */
  function unsavedWork() {
    const form = st.form;
    if (!form) return false;
    const d = form.draft;
    if (form.mode === "new") return !!(d.comment || "").trim();
    const f = (model.get("findings") || []).find((x) => x.id === form.id);
    return !!f && editChanges(form, f);
  }

  function holdForm() {
    const el = root.querySelector(".cra-form");
    if (!el) return;
    const err = el.querySelector(".cra-error");
    if (err) {
      err.textContent = st.form.mode === "new"
        ? "This finding is not saved yet: save it (Ctrl+Enter) or cancel it (Esc) before you flag another line. Shift+click changes its range."
        : "This edit is not saved yet: save it (Ctrl+Enter) or cancel it (Esc) before you flag another line. Shift+click changes its lines.";
    }
    showFormLines();
    el.querySelector(".cra-comment-input")?.focus({ preventScroll: true });
  }

  // a long review in comfort: full width, the file tree, file and change keys, undo, the counter --

  /** The comment limit as the model gives it (the sidecar's MAX_COMMENT); no number of ours. */
  function maxComment() {
    const n = (model.get("choices") || {}).max_comment;
    return Number.isInteger(n) && n > 0 ? n : Infinity;
  }

  /** Characters as Python counts them (code points): an emoji is one, not JavaScript's two. */
  function chars(text) {
    return [...String(text || "")].length;
  }

  function count(n) {
    return n.toLocaleString("en-US");
  }

  /** What is left of the limit under the comment box, a warning near it, and over it in red. */
  function commentCounter(textarea) {
    const counter = h("span", { className: "cra-counter" });
    const update = () => {
      const max = maxComment();
      if (max === Infinity) return;
      const left = max - chars(textarea.value);
      counter.textContent = left >= 0 ? `${count(left)} characters left` : `${count(-left)} characters over the limit`;
      counter.classList.toggle("cra-counter-warn", left >= 0 && left <= max * COUNTER_WARN);
      counter.classList.toggle("cra-counter-over", left < 0);
    };
    textarea.addEventListener("input", update);
    update();
    return counter;
  }

  /** A comment over the limit is refused here, in words, before anything is sent. */
  function commentTooLong(d, errEl) {
    const over = chars(d.comment) - maxComment();
    if (over <= 0) return false;
    if (errEl) errEl.textContent = `The comment is ${count(over)} characters over the limit: at most ${count(maxComment())} are kept. Shorten it to save.`;
    root.querySelector(".cra-form .cra-comment-input")?.focus();
    return true;
  }

  function fullWidthButton() {
    return h("button", {
      type: "button", className: `cra-btn cra-fullwidth${st.full ? " cra-active" : ""}`,
      textContent: st.full ? "Back to the cell" : "Full width",
      title: st.full ? "Put the review back in its cell (Esc)" : "Show the review over the whole window (Esc puts it back)",
      attrs: { "aria-pressed": String(st.full) },
      onclick: () => setFullWidth(!st.full),
    });
  }

  /** The cursor's row, if any part of it shows in the review's area. */
  function cursorInSight() {
    const cursor = st.cursor ? st.rowEls[st.cursor.file]?.[st.cursor.row] : null;
    if (!cursor?.isConnected) return null;
    const r = cursor.getBoundingClientRect();
    const box = ui.main.getBoundingClientRect();
    return r.bottom > box.top && r.top < box.bottom ? cursor : null;
  }

  // The side panel's width (ui.split): the browser keeps the learner's choice, one for the cell
  // and Full width (walk-through 24 set it in the cell and had to set it again in Full width).
  const SIDE_KEY = "cra-side-width";
  const SIDE_MIN = 180;

  /** The side panel's width the learner chose: {share} of the review's width, or {px} as an
   * earlier version kept it, or null. One share for the cell and Full width: set in the cell,
   * Full width opens at it too (walk-through 24 set it twice); set wide in Full width, it no
   * longer opens as many px in the narrower cell, squeezing the diff (walk-through 26). */
  function keptSideWidth() {
    try {
      const w = JSON.parse(window.localStorage.getItem(SIDE_KEY) || "null");
      if (typeof w === "number" && Number.isFinite(w)) return { px: w };
      return w && typeof w.share === "number" && w.share > 0 && w.share < 1 ? { share: w.share } : null;
    } catch { return null; }
  }

  /** The widest the side panel may be: the diff keeps at least half of the review. */
  function sideMax() {
    return Math.max(SIDE_MIN, Math.round(body.getBoundingClientRect().width / 2));
  }

  /** Sets the side panel's width, or back to the style sheet's default with none; the line the
   * learner reads stays where it was as the diff's lines rewrap. */
  function setSideWidth(px, keep = true) {
    const place = keep ? readingPlace() : null;
    // (the style sheet caps it at half the review too, for a width kept from a wider view)
    const w = px === null ? null : Math.round(Math.max(SIDE_MIN, keep ? Math.min(sideMax(), px) : px));
    ui.side.style.flexBasis = w === null ? "" : `${w}px`;
    sideAria();
    if (place && place.el.isConnected) {
      ui.main.scrollTop += place.el.getBoundingClientRect().top - ui.main.getBoundingClientRect().top - place.offset;
    }
    dockInSight();
    return w;
  }

  /** Keeps the width `w` in the browser, or forgets it (null: the default again). */
  function keepSideWidth(w) {
    const whole = body.getBoundingClientRect().width;
    try {
      if (w === null) window.localStorage.removeItem(SIDE_KEY);
      else if (whole > 0) window.localStorage.setItem(SIDE_KEY, JSON.stringify({ share: Math.round((1e4 * w) / whole) / 1e4 }));
    } catch { /* this page only */ }
  }

  function sideAria() {
    ui.split.setAttribute("aria-valuemin", String(SIDE_MIN));
    ui.split.setAttribute("aria-valuemax", String(sideMax()));
    ui.split.setAttribute("aria-valuenow", String(Math.round(ui.side.getBoundingClientRect().width)));
  }

  /** The width kept, applied (after a re-run, a reload, or a switch to or from Full width): a
   * share is a percentage of the review's width, which the browser works out as the review is
   * laid out and resized. */
  function applySideWidth() {
    const kept = keptSideWidth();
    if (kept && kept.share) {
      ui.side.style.flexBasis = `max(${SIDE_MIN}px, ${(100 * kept.share).toFixed(2)}%)`;
      sideAria();
    } else setSideWidth(kept ? kept.px : null, false);
  }

  function onSplitDown(e) {
    if (e.button !== 0) return;
    e.preventDefault();
    const start = e.clientX;
    const from = ui.side.getBoundingClientRect().width;
    let w = null;
    ui.split.setPointerCapture(e.pointerId);
    root.classList.add("cra-resizing");
    const move = (ev) => { w = setSideWidth(from + ev.clientX - start); };
    const up = () => {
      ui.split.removeEventListener("pointermove", move);
      ui.split.removeEventListener("pointerup", up);
      ui.split.removeEventListener("pointercancel", up);
      root.classList.remove("cra-resizing");
      if (w !== null) keepSideWidth(w);
      ui.split.focus({ preventScroll: true });
    };
    ui.split.addEventListener("pointermove", move);
    ui.split.addEventListener("pointerup", up);
    ui.split.addEventListener("pointercancel", up);
  }

  function onSplitKey(e) {
    const now = ui.side.getBoundingClientRect().width;
    const step = e.shiftKey ? 64 : 16;
    const to = { ArrowLeft: now - step, ArrowRight: now + step, Home: SIDE_MIN, End: sideMax() }[e.key];
    if (to === undefined) return;  // other keys go on to the review (j, k, n, Escape...)
    e.preventDefault();
    e.stopPropagation();
    keepSideWidth(setSideWidth(to));
  }

  function onSplitReset() {
    keepSideWidth(setSideWidth(null));
  }

  /** What the learner is reading, to keep in place as the review changes places: the cursor's
   * line while it shows, else the first thing starting at the top of the review's area (the
   * score, an explanation, a line), with its distance from that top. */
  function readingPlace() {
    const box = ui.main.getBoundingClientRect();
    const cursor = cursorInSight();
    if (cursor) return { el: cursor, offset: cursor.getBoundingClientRect().top - box.top };
    for (const e of ui.main.querySelectorAll(".cra-practice *, .cra-desc-area *, .cra-filehead, tr")) {
      const r = e.getBoundingClientRect();
      if (r.height === 0 || r.top < box.top - 1) continue;
      // a file's header stuck at the area's top stays there whatever scrolls under it: not a place
      if (e.matches(".cra-filehead") && e.parentElement.getBoundingClientRect().top < box.top - 1) continue;
      return { el: e, offset: r.top - box.top };
    }
    return null;
  }

  /** Full width moves this same view (its nodes, form, draft, cursor and focus) over the page and
   * back; a placeholder keeps its place in the cell. Nothing is painted again, so nothing is lost. */
  function setFullWidth(on) {
    if (st.full === on) return;
    const place = readingPlace();
    const active = document.activeElement;
    const focused = active instanceof HTMLElement && root.contains(active) ? active : root;
    const caret = focused instanceof HTMLTextAreaElement ? [focused.selectionStart, focused.selectionEnd] : null;
    if (on) {
      st.placeholder = h("div", { className: "cra-fullwidth-placeholder" },
        h("span", { textContent: "This review is open over the whole window. " }),
        h("button", { type: "button", className: "cra-btn", textContent: "Back to the cell", onclick: () => setFullWidth(false) }));
      root.replaceWith(st.placeholder);
      document.body.append(root);
    } else {
      if (st.placeholder && st.placeholder.isConnected) st.placeholder.replaceWith(root);
      else el.append(root);
      st.placeholder = null;
    }
    st.full = on;
    root.classList.toggle("cra-full", on);
    root.dataset.full = String(on);
    applySideWidth();
    paintToolbar();
    (focused.isConnected ? focused : root).focus({ preventScroll: true });
    if (caret && focused.isConnected) focused.setSelectionRange(caret[0], caret[1]);
    // back in its cell, the whole review in the notebook's view (walk-through 23, Notebook 7:
    // its last 25 px, the key legend among them, were left under the window's edge)
    if (!on) wholeInNotebook();
    // an open form stays in sight; else what the learner was reading stays at the same height
    // from the area's top, as far as the new height allows (it used to jump to the cursor)
    if (st.form) showFormLines("center");
    else if (place && place.el.isConnected) {
      const offset = Math.min(place.offset, ui.main.clientHeight / 2);
      ui.main.scrollTop += place.el.getBoundingClientRect().top - ui.main.getBoundingClientRect().top - offset;
    }
  }

  /** The changed files as a tree, in the diff's order: a folder's row, then what is in it (a
   * folder holding one folder and no file shares its row, as review sites show it). */
  function fileTree(files, viewed, perFile) {
    const top = new Map();
    for (const f of files) {
      const parts = String(f.path).split("/");
      let level = top;
      for (const part of parts.slice(0, -1)) {
        if (!level.has(`d:${part}`)) level.set(`d:${part}`, { name: part, children: new Map() });
        level = level.get(`d:${part}`).children;
      }
      level.set(`f:${f.index}`, { file: f, name: parts[parts.length - 1] });
    }
    const list = h("ul", { className: "cra-tree", attrs: { "aria-label": "Changed files" } });
    const walk = (level, depth) => {
      for (const node of level.values()) {
        if (node.file) {
          list.append(treeFile(node.file, node.name, depth, viewed, perFile));
          continue;
        }
        let { name, children } = node;
        for (let only = [...children.values()]; only.length === 1 && !only[0].file; only = [...children.values()]) {
          name += `/${only[0].name}`;
          children = only[0].children;
        }
        list.append(h("li", { className: "cra-tree-dir", title: name, style: `--depth:${depth}` },
          h("span", { className: "cra-tree-dirname" }, ...breakable(`${name}/`))));
        walk(children, depth + 1);
      }
    };
    walk(top, 0);
    return list;
  }

  /** A path or name with break chances after "/", "_" and "-" (<wbr>): a narrow place wraps it
   * there, never inside "handlers.py" (walk-through 14: "settlement_window_calcu|lator.py"). */
  function breakable(name) {
    const parts = String(name).split(/(?<=[/_-])/);
    return parts.flatMap((part, i) => (i ? [h("wbr"), part] : [part]));
  }

  function treeFile(f, name, depth, viewed, perFile) {
    const n = perFile.get(f.index) || 0;
    return h("li", {
      className: `cra-tree-file${viewed.has(f.path) ? " cra-viewed" : ""}`,
      style: `--depth:${depth}`,
      dataset: { file: String(f.index), findings: String(n) },
    },
      h("input", {
        type: "checkbox", checked: viewed.has(f.path), title: "Mark as viewed",
        attrs: { "aria-label": `viewed: ${f.path}` },
        onchange: (e) => markViewed(f.index, e.target.checked),
      }),
      h("button", { type: "button", className: "cra-link cra-tree-name", title: f.path, onclick: () => jumpToFile(f.index) }, ...breakable(name)),
      // the findings count keeps to the +/- counts when they wrap under the name, before them so
      // the counts end at one edge on every row (walk 32: they stood 23 px left on a row with one)
      h("span", { className: "cra-tree-counts" },
        n ? h("span", { className: "cra-pill", title: `${n} finding${n === 1 ? "" : "s"} of yours`, textContent: String(n) }) : null,
        h("span", { className: "cra-tree-stat" },
          h("span", { className: `cra-plus${f.additions ? "" : " cra-zero"}`, textContent: `+${num(f.additions)}` }), " ",
          h("span", { className: `cra-minus${f.deletions ? "" : " cra-zero"}`, textContent: `\u2212${num(f.deletions)}` }))));
  }

  /** The file at the top of the scroll area (the first one still showing there), or null when
   * none is in view (the description or the score fills it). Scrolled to the end, it is the
   * last file that starts in view: a short last file never reaches the top. */
  function fileAtTop() {
    const box = ui.main.getBoundingClientRect();
    const sections = [...ui.files.querySelectorAll(":scope > section.cra-file")];
    const m = ui.main;
    if (m.scrollHeight > m.clientHeight && m.scrollTop + m.clientHeight >= m.scrollHeight - 2) {
      // (not a file folded to its header: walk-through 25, reading the end of search.py, saw the
      // folded test_search.py under it marked as the file being read)
      const starts = sections.filter((sec) => {
        const r = sec.getBoundingClientRect();
        return r.top >= box.top - 1 && r.top < box.bottom && !sec.querySelector(".cra-filebody.cra-hidden");
      });
      if (starts.length) return Number(starts[starts.length - 1].dataset.file);
    }
    for (const sec of sections) {
      const r = sec.getBoundingClientRect();
      if (r.bottom > box.top + 8) return r.top < box.bottom ? Number(sec.dataset.file) : null;
    }
    return null;
  }

  /** The cursor's file while the cursor's line shows in the review: after ] or } the tree
   * follows the cursor, not whichever file still reaches the top. */
  function cursorFileInView() {
    const el = st.cursor ? st.rowEls[st.cursor.file]?.[st.cursor.row] : null;
    if (!el || !el.isConnected) return null;
    const box = ui.main.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    return r.bottom > box.top && r.top < box.bottom ? st.cursor.file : null;
  }

  /** Highlight in the tree the file being read, and keep it in view in the side panel. */
  function markCurrentFile() {
    st.scrollFrame = 0;
    const fi = cursorFileInView() ?? fileAtTop();
    for (const li of ui.aside.querySelectorAll(".cra-tree-file")) {
      const on = Number(li.dataset.file) === fi;
      li.classList.toggle("cra-tree-current", on);
      if (on) li.setAttribute("aria-current", "true");
      else li.removeAttribute("aria-current");
      if (on && !st.form) {
        const a = ui.aside.getBoundingClientRect();
        const r = li.getBoundingClientRect();
        if (r.top < a.top) ui.aside.scrollTop += r.top - a.top;
        else if (r.bottom > a.bottom) ui.aside.scrollTop += r.bottom - a.bottom;
      }
    }
  }

  function onMainScroll() {
    if (!st.scrollFrame) st.scrollFrame = requestAnimationFrame(markCurrentFile);
    clearTimeout(st.keepTimer);
    if (st.placeRestored) st.keepTimer = setTimeout(keepPlace, PLACE_KEEP_MS);
  }

  /** The line being read, kept in this browser per review, so a reload or a re-run of the cell
   * opens the diff there (walk-throughs 26 to 28: the findings came back, the place did not).
   * With no line of the diff in sight (the score at the area's top after a Submit, the
   * description) the line read last is kept: walk 30 submitted at search.py:41, and the reload
   * opened at the top, as the score at the top had forgotten the place. */
  function keepPlace() {
    const key = perReview(model, PLACE_PREFIX);
    if (!key || !root.isConnected || !ui.main.clientHeight) return;
    const at = ui.main.scrollTop > 4 ? diffPlace() : null;
    if (!at) return;
    try {
      localStorage.setItem(key, JSON.stringify({ file: at.file, row: at.row, offset: Math.round(at.offset) }));
    } catch { /* storage off or full: the place lives in this page only */ }
  }

  /** Back to the kept place, as untrusted input: a line of this diff, in a file not folded, and
   * not when a restored draft shows its own lines ("Show it"). */
  function restorePlace(tries) {
    if (!root.isConnected || !ui.main.clientHeight) {
      if (tries > 0) { st.placeTimer = setTimeout(() => restorePlace(tries - 1), 100); return; }
    }
    st.placeRestored = true;
    if (st.form && st.form.restored) return;
    const key = perReview(model, PLACE_PREFIX);
    let d = null;
    try { d = key ? JSON.parse(localStorage.getItem(key) || "null") : null; } catch { return; }
    if (!d || typeof d !== "object" || !validRange(d.file, [d.row, d.row])) return;
    const el = st.rowEls[d.file]?.[d.row];
    if (!el || !el.isConnected || el.closest(".cra-filebody.cra-hidden")) return;
    const offset = Number.isFinite(d.offset) ? Math.max(0, Math.min(d.offset, ui.main.clientHeight - 40)) : 0;
    scrollMain(el, "start");
    ui.main.scrollTop += el.getBoundingClientRect().top - (ui.main.getBoundingClientRect().top + offset);
    root.dataset.placeRestored = "true"; // for tests
  }

  /** A file folded to its header (ticked Viewed, or folded by hand) opens when the learner asks
   * to go into it: its name in the tree, one of its findings, a place in the feedback
   * (walk-through 26: a click on the name or on a finding did nothing to see, the file stayed a
   * 29 px header). Its Viewed tick stays. */
  function openIfFolded(fi) {
    const fileBody = ui.files.querySelector(`section[data-file="${fi}"] .cra-filebody`);
    if (fileBody && fileBody.classList.contains("cra-hidden")) toggleLocal(fi);
  }

  /** The file's header to the top of the diff, the cursor on its first line shown. */
  function jumpToFile(fi) {
    openIfFolded(fi);
    const i = st.nav.findIndex(([f]) => f === fi);
    if (i >= 0) placeCursor(i);
    scrollToFile(fi);
    root.focus({ preventScroll: true });
  }

  function placeCursor(i) {
    const [fi, row] = st.nav[i];
    if (!(st.form && st.form.mode === "new")) st.sel = null;
    st.cursor = { file: fi, row };
    paintSelection();
    onMainScroll(); // the tree follows the cursor even when nothing scrolls
  }

  function cursorIndex() {
    return st.cursor ? st.navPos.get(`${st.cursor.file}:${st.cursor.row}`) : undefined;
  }

  /** Indexes in st.nav of the lines that start a change (a run of added or removed lines). */
  function changeStarts() {
    const files = model.get("files") || [];
    const out = [];
    st.nav.forEach(([fi, r], i) => {
      const rows = files[fi]?.rows || [];
      const changed = (k) => k === "add" || k === "remove";
      if (changed(rows[r]?.k) && !changed(rows[r - 1]?.k)) out.push(i);
    });
    return out;
  }

  /** ] and [: to the first line of the next (previous) change, across files. */
  function stepChange(step) {
    const starts = changeStarts();
    const at = cursorIndex();
    let target;
    if (at === undefined) target = step > 0 ? starts[0] : starts[starts.length - 1];
    else target = step > 0 ? starts.find((i) => i > at) : starts.findLast((i) => i < at);
    if (target === undefined) return;
    placeCursor(target);
    const el = st.rowEls[st.cursor.file]?.[st.cursor.row];
    scrollMain(el, "center");
    noSliverAbove(el);
  }

  /** } and {: to the first line shown of the next (previous) file. */
  function stepFile(step) {
    const shown = [...new Set(st.nav.map(([fi]) => fi))];
    const at = cursorIndex();
    const cur = at === undefined ? undefined : st.nav[at][0];
    let target;
    if (cur === undefined) target = step > 0 ? shown[0] : shown[shown.length - 1];
    else target = step > 0 ? shown.find((fi) => fi > cur) : shown.findLast((fi) => fi < cur);
    if (target !== undefined) jumpToFile(target);
  }

  function deleteFinding(f) {
    send({ type: "delete", id: f.id }, (ack) => {
      if (!ack.ok) return;
      if (st.current === f.id) st.current = null;
      offerUndo(f);
      // the Delete button is gone with its card: keep the keys (u) in the review
      if (!root.contains(document.activeElement)) root.focus({ preventScroll: true });
    });
  }

  /** "Deleted — Undo" in the side panel's dock, until the next delete or save (no timer: the
   * learner may want it back after a while). The kernel keeps the last deleted findings as they were. */
  function offerUndo(f) {
    st.undo = { id: f.id, file: f.file, rows: f.rows, label: f.label || "" };
    paintDock();
  }

  function undoBar() {
    return h("div", { className: "cra-undo", attrs: { role: "status" } },
      h("span", { textContent: st.undo.draft
        ? `Discarded your unsaved ${st.undo.draft.mode === "edit" ? "edit of the finding" : "finding"} at ${st.undo.label}`
        : `Deleted the finding at ${st.undo.label}` }),
      h("button", { type: "button", className: "cra-btn cra-undo-button", textContent: "Undo", title: "Bring it back (u)", onclick: undoDelete }));
  }

  function dropUndo() {
    st.undo = null;
    paintDock();
  }

  function undoDelete() {
    const u = st.undo;
    if (!u) return;
    dropUndo();
    if (u.draft) {
      // the discarded form, open again where it was, its words in it
      st.form = u.draft;
      if (u.draft.rows) st.sel = { file: u.draft.file, a: u.draft.rows[0], b: u.draft.rows[1] };
      keepDraft();
      paintFindings();
      showFormLines();
      root.querySelector(".cra-form .cra-comment-input")?.focus({ preventScroll: true });
      return;
    }
    send({ type: "undelete", id: u.id }, (ack) => { if (ack.ok) focusFinding(u.id, true); });
  }

  // practice mode --------------------------------------------------------------------------------

  function paintPractice() {
    keepingFocus(ui.practice, paintPracticeNow);
  }

  function paintPracticeNow() {
    const p = model.get("practice") || {};
    if (!p.enabled || !p.submitted) { fill(ui.practice, ); return; }
    const items = (p.defects || []).map((d) => {
      const head = h("div", { className: "cra-defect-head" },
        h("span", { className: `cra-result cra-result-${d.status}`, textContent: STATUS_LABEL[d.status] || d.status }),
        d.helped ? h("span", { className: "cra-helped", title: "its hints or explanation were shown before you flagged it", textContent: "with help" }) : null,
        h("span", { className: `cra-sev cra-sev-${d.severity}`, textContent: d.severity }),
        h("span", { className: "cra-defect-title" }, ...inlineCode(d.title || `Defect ${d.n + 1}`)));
      // the learner's finding on a line of its own, under the title (walk-through 25: beside it, it
      // wrapped for one defect and not the next)
      const sub = [
        d.finding ? h("span", { className: "cra-muted" }, "your finding: ", findingRef(d.finding_id, d.finding)) : null,
        Array.isArray(d.expected) && d.expected.length
          ? h("span", { className: "cra-cat-diff", textContent: `the key files it under ${d.expected.join(" or ")}` }) : null,
        d.finding && d.finding_severity && d.finding_severity !== d.severity
          ? h("span", { className: "cra-sev-diff", textContent: `you said ${d.finding_severity}, the key says ${d.severity} (it does not change the score)` }) : null,
      ].filter(Boolean);
      const box = h("li", { className: `cra-defect cra-fb cra-fb-${d.status}`, dataset: { defect: String(d.n) } }, head,
        sub.length ? h("div", { className: "cra-defect-sub" }, ...sub) : null);
      // the buttons above the hints: the next hint comes under the last, and "Another hint" stays
      // under the pointer (walk-through 14: it moved down a hint's height at each click)
      const actions = h("div", { className: "cra-defect-actions" });
      // hints only for a defect missed: one found under another category has its lines found
      // and its card names the key's category; its explanation is a click away (walk 31 read
      // "Show a hint (3)" on it and wondered what for)
      if (d.hints_left > 0 && !d.revealed && d.status === "missed") {
        actions.append(h("button", {
          type: "button", className: "cra-btn cra-hint",
          textContent: d.hints.length ? `Another hint (${d.hints_left} left)` : `Show a hint (${d.hints_left})`,
          onclick: () => send({ type: "hint", defect: d.n }),
        }));
      }
      if (d.can_reveal) {
        actions.append(h("button", { type: "button", className: "cra-btn cra-reveal", textContent: "Show the explanation", onclick: () => send({ type: "reveal", defect: d.n }, (ack) => { if (ack.ok) showDefect(d.n); }) }));
      }
      box.append(actions);
      if (d.hints.length) box.append(h("ol", { className: "cra-hints" }, ...d.hints.map((t, i) => h("li", null, keyMarkdown((d.hints_md || [])[i], t, "cra-hint-text")))));
      if (d.revealed) {
        const proof = h("div", { className: "cra-proof" },
          h("span", { textContent: "Proof: " }), h("code", { textContent: d.proof || "" }), " ",
          h("button", {
            type: "button", className: "cra-btn cra-prove", textContent: "Run the proof",
            onclick: (e) => {
              const btn = e.currentTarget;
              btn.disabled = true; // (a disabled button drops the focus: the review keeps it, for Esc)
              root.focus({ preventScroll: true });
              btn.textContent = "Running\u2026";
              st.showProof = d.n; // its result is brought into sight when it comes (showProofRun)
              send({ type: "prove", defect: d.n }, (ack) => { if (!ack.ok) { btn.disabled = false; btn.textContent = "Run the proof"; } });
            },
          }));
        box.append(
          h("div", { className: "cra-muted", textContent: `${d.where} \u00b7 ${d.category}${d.also && d.also.length ? ` (also ${d.also.join(", ")})` : ""}` }),
          keyMarkdown(d.explanation_md, d.explanation, "cra-explanation"),
          defectPlaces(d),
          fixDiff(d.fix),
          proof);
        if (d.proof_run) {
          box.append(h("div", { className: "cra-proof-run" },
            h("div", { textContent: `On the code under review the proof ${PROOF_WORD[d.proof_run.after] || "?"}; on the fixed code it ${PROOF_WORD[d.proof_run.fixed] || "?"}.` }),
            h("details", null, h("summary", { textContent: "pytest output" }), h("pre", { textContent: d.proof_run.output }))));
        }
      }
      return box;
    });
    const fps = (p.false_positives || []).map((fp) => h("li", { className: `cra-fb ${fp.cost ? "cra-fb-cost" : "cra-fb-free"}` },
      findingRef(fp.finding_id, fp.finding),
      h("span", { className: "cra-fp-cost", textContent: fpCost(fp, (p.defects || []).length > 0) }),
      fp.why_fine ? h("div", { className: "cra-why-fine" },
        h("span", { className: "cra-why-label", textContent: fp.decoy_where ? `It lies ${fp.decoy_near ? "next to" : "on"} ${fp.decoy_where}, which looks suspicious but is fine:` : "Looks suspicious, but is fine:" }),
        keyMarkdown(fp.why_fine_md, fp.why_fine))
        // walk-through 15: with no decoy there, the learner could not tell noise from a fair point
        // (walk 32, three lines from the defect it described, read "a misreading": the rule says why)
        : h("div", { className: "cra-muted cra-fp-nothing", textContent: `The key has nothing on these lines, neither a defect nor a decoy: it may be a fair point this exercise does not teach${(p.defects || []).length ? ", or a defect the key marks a few lines away (a finding counts on a defect's lines or the line either side of them). Compare it with the defects above." : "."}` })));
    const helped = (p.defects || []).filter((d) => d.helped).length; // defects found with help
    // severity is not scored, but it is half of a finding: the summary says how the learner's
    // ranked against the key's (every walk asked what severity was for)
    const rated = (p.defects || []).filter((d) => d.finding && d.finding_severity);
    const sameSeverity = rated.filter((d) => d.finding_severity === d.severity).length;
    // The score line is the summary of a <details>: the learner folds the feedback away to
    // review on, and the toolbar's score button brings it back.
    const panel = h("details", { className: "cra-score-panel", open: st.scoreOpen },
      h("summary", { className: "cra-score" },
        h("strong", { className: "cra-score-value", textContent: `Score ${percent(p.score)}${p.with_help ? " with help" : ""}` }),
        helped && typeof p.unaided_score === "number"
          ? h("span", { className: "cra-unaided", textContent: ` (${percent(p.unaided_score)} without the ${helped} defect${helped === 1 ? "" : "s"} found with help)` }) : null,
        (p.defects || []).length
          ? h("span", { textContent: ` precision ${percent(p.precision)}, recall ${percent(p.recall)}` })
          : h("span", { className: "cra-no-defects", textContent: " \u00b7 no defects to find in this change" }),
        h("span", { textContent: p.verdict_correct ? " \u00b7 verdict right" : ` \u00b7 verdict: yours ${p.verdict || "none"}, expected ${p.verdict_expected}` }),
        rated.length ? h("span", {
          className: "cra-sev-sum", title: "Severity does not change the score: it ranks what to fix first. Each defect below shows yours beside the key's.",
          textContent: ` \u00b7 severity as the key's on ${sameSeverity} of ${rated.length} found`,
        }) : null),
      (p.defects || []).length ? null : correctSum(p),
      backToDiff(),
      p.drill_note ? h("div", { className: "cra-alert cra-alert-info cra-drill-note", attrs: { role: "status" }, textContent: p.drill_note }) : null,
      p.outdated ? h("div", { className: "cra-alert cra-alert-warn", textContent: "Your review changed since you submitted it: submit again to rescore." }) : null,
      helped ? h("div", { className: "cra-note cra-help-note", textContent: "Some defects were found after their hints or explanation were shown (marked \"with help\"). They count for this score, not for passing the exercise in My Progress; their patterns come back later as drills." }) : null,
      // walk-through 19: told "expected approve", the learner flipped it and My Progress said "passed"
      p.verdict_told ? h("div", { className: "cra-note cra-help-note cra-verdict-told", textContent: "Your verdict was put right after the score before this one showed the expected verdict (marked \"with help\"). It counts for this score, not for passing the exercise in My Progress." }) : null,
      h("ol", { className: "cra-defects" }, ...items),
      fps.length ? h("div", { className: "cra-fps" }, h("h4", { textContent: "Findings that hit no defect" }), h("ul", { className: "cra-fbs" }, ...fps)) : null,
      decoysLeftAlone(p.decoys_left_alone));
    panel.addEventListener("toggle", () => { st.scoreOpen = panel.open; });
    fill(ui.practice, panel); // a button pressed here keeps the keys working: see keepingFocus
    paintDefectMarks();
    showProofRun();
  }

  /** A proof just run: its result in sight (walk-through 17: it rendered under the area's edge,
   * wholly hidden, after "Run the proof" at the bottom). */
  function showProofRun() {
    if (st.showProof === null || st.showProof === undefined) return;
    const run = ui.practice.querySelector(`.cra-defect[data-defect="${st.showProof}"] .cra-proof-run`);
    if (!run) return;
    st.showProof = null;
    scrollMain(run, "nearest");
  }

  /** The line of the diff the learner is reading: the cursor's while it shows, else the first
   * line wholly under its file's sticky header; with its distance from the area's top. */
  function diffPlace() {
    const box = ui.main.getBoundingClientRect();
    const at = (el) => ({ file: Number(el.closest("table").dataset.file), row: Number(el.dataset.row), offset: el.getBoundingClientRect().top - box.top });
    const cursor = cursorInSight();
    if (cursor) return at(cursor);
    for (const tr of ui.files.querySelectorAll("tr.cra-line")) {
      const r = tr.getBoundingClientRect();
      const head = tr.closest("section.cra-file")?.querySelector(".cra-filehead")?.getBoundingClientRect().bottom ?? box.top;
      if (r.height > 0 && r.top >= Math.max(box.top, head) - 1) return r.top < box.bottom ? at(tr) : null;
    }
    return null;
  }

  /** Submit shows the score at the top of the area; this takes the learner back to the line
   * they were reading (walk-through 13: every Submit lost the place in the diff). */
  function backToDiff() {
    const at = st.beforeSubmit;
    const f = at && (model.get("files") || [])[at.file];
    const row = f && f.rows[at.row];
    if (!row || row.k === "hunk") return null;
    const label = spanLabel(at.file, at.row, at.row);
    return h("div", { className: "cra-back-to-diff" }, h("button", {
      type: "button", className: "cra-link", textContent: `Back to ${label}, where you were reading`,
      onclick: () => {
        const el = st.rowEls[at.file]?.[at.row];
        if (!el || !el.isConnected) return;
        ui.main.scrollTop += el.getBoundingClientRect().top - (ui.main.getBoundingClientRect().top + at.offset);
        noSliverAbove(el); // (the score, new above the diff, can show as a strip where the place was)
        st.cursor = { file: at.file, row: at.row };
        paintSelection();
        // the keys go on from the line (walk 31: the focus stayed on this link, scrolled away,
        // and f opened nothing)
        root.focus({ preventScroll: true });
      },
    }));
  }

  /** The decoys no finding landed on (walk-through 14: a clean pass never said what the lines
   * that look wrong were, nor why they are fine). Listed once every defect is found or shown;
   * before that only their number, since where they are would say where not to look. */
  function decoysLeftAlone(alone) {
    if (!alone || !alone.count) return null;
    const n = alone.count === 1 ? "1 line that looks wrong and is fine (a decoy)" : `${alone.count} lines that look wrong and are fine (decoys)`;
    const items = Array.isArray(alone.items) ? alone.items : [];
    if (!items.length) {
      return h("div", { className: "cra-muted cra-decoys-later", textContent: `You left ${n} alone. Each is explained here once every defect is found or shown.` });
    }
    return h("div", { className: "cra-decoys" },
      h("h4", { textContent: "Left alone, rightly" }),
      h("p", { className: "cra-muted", textContent: `You did not flag ${n}:` }),
      // (each is fine, as the line above says: no "looks suspicious, but is fine" on every card)
      h("ul", { className: "cra-fbs" }, ...items.map((d) => h("li", { className: "cra-fb cra-fb-fine" },
        h("button", { type: "button", className: "cra-link cra-where cra-decoy-place", textContent: d.where, title: "Show these lines in the diff", onclick: () => jumpToSpan(d.span) }),
        h("div", { className: "cra-why-fine" }, keyMarkdown(d.why_fine_md, d.why_fine))))));
  }

  /** What a finding that hit no defect cost, and why. A correct change has no defect to earn
   * credit on: its verdict earns the score (walk-through 15 read "costs 0.5 of the credit (a
   * minor defect earns 1...)" on a change with no defects, beside "nor does a minor note"). */
  function fpCost(fp, defects) {
    if (defects) {
      return fp.cost
        ? ` costs ${fp.cost} of the credit (a minor defect earns 1, a blocker 3): each finding that hits no defect after the first does`
        : " is free: the first finding that hits no defect costs nothing";
    }
    // walks 19 and 24 could not follow the arithmetic: said in percentages of the score
    if (fp.note) return " is free: a minor note on a correct change costs nothing";
    const off = percent(fp.cost);
    return fp.cost
      ? ` takes ${off} off the score: each finding on a decoy or above minor does, after the first`
      : " is free: the first finding on a decoy or above minor costs nothing; each one after it takes 50% off the score";
  }

  /** A correct change's score as a sum (walk-through 24 got 0% and could not work out why): the
   * verdict earns all or nothing, then what the findings took off. */
  function correctSum(p) {
    const yours = VERDICT_LABEL[p.verdict] || "no verdict";
    const charged = (p.false_positives || []).filter((fp) => fp.cost > 0).length;
    const expected = VERDICT_LABEL[p.verdict_expected] || "Approve";
    const off = charged ? `; ${charged} finding${charged === 1 ? "" : "s"} on a decoy or above minor, after the first, took ${percent(p.penalty)} off` : "";
    const floor = p.credit - p.penalty < 0 ? " (a score is never below 0%)" : "";
    return h("div", { className: "cra-note cra-correct-sum", textContent:
      `This change has no defects, so the verdict is the answer: ${expected} earns 100%, any other verdict 0%. Yours, ${yours}, earned ${percent(p.credit / (p.total_weight || 1))}${off}. Score ${percent(p.score)}${floor}.` });
  }

  // a revealed defect: its words as Markdown, its lines marked in the diff, its fix ----------------

  /** Key text (a hint, an explanation, a decoy's why_fine) as Python's Markdown blocks, built
   * with text nodes like the description; the raw text as one paragraph if no blocks came. */
  function keyMarkdown(blocks, text, className) {
    const box = Array.isArray(blocks) ? markdownBlocks(blocks) : h("div", { className: "cra-md" }, h("p", { textContent: text || "" }));
    box.classList.add("cra-md-key");
    if (className) box.classList.add(className);
    return box;
  }

  /** The rows of the diff a key span [path, side, first, last] covers: {file, rows} or null. */
  function spanRows(span) {
    if (!Array.isArray(span) || span.length !== 4) return null;
    const [path, side, first, last] = span;
    const f = (model.get("files") || []).find((x) => x.path === path);
    if (!f) return null;
    const rows = [];
    f.rows.forEach((row, r) => {
      const n = side === "old" ? (row.k === "remove" ? row.o : null) : (row.k === "add" || row.k === "context" ? row.n : null);
      if (typeof n === "number" && n >= first && n <= last) rows.push(r);
    });
    return rows.length ? { file: f.index, rows } : null;
  }

  function spanLabelOf(span) {
    const [path, side, first, last] = span;
    return `${path}:${first}${last !== first ? `-${last}` : ""}${side === "old" ? " (old)" : ""}`;
  }

  /** Mark the lines of every revealed defect (all its spans); the practice progress file says
   * which are revealed, so a re-run cell or a reload marks the same lines. */
  function paintDefectMarks() {
    for (const tr of root.querySelectorAll("tr.cra-defect-mark")) {
      tr.classList.remove("cra-defect-mark");
      delete tr.dataset.defectMark;
      tr.removeAttribute("title");
    }
    for (const tr of root.querySelectorAll("tr.cra-defect-label-row")) tr.remove();
    const p = model.get("practice") || {};
    for (const d of p.defects || []) {
      if (!d.revealed) continue;
      for (const span of d.spans || []) {
        const at = spanRows(span);
        if (!at) continue;
        // a label above the span's first line says whose lines these are
        const first = (st.rowEls[at.file] || [])[at.rows[0]];
        first?.before(h("tr", { className: "cra-defect-label-row", dataset: { defect: String(d.n) } },
          h("td", { colSpan: 4 },
            h("span", { className: "cra-defect-tag", textContent: `Defect ${d.n + 1}` }),
            h("span", { className: "cra-defect-tag-title" }, " ", ...inlineCode(d.title || "")),
            h("span", { className: "cra-muted", textContent: ` \u00b7 ${d.category || ""}, revealed` }))));
        for (const r of at.rows) {
          const tr = (st.rowEls[at.file] || [])[r];
          if (!tr) continue;
          tr.classList.add("cra-defect-mark");
          tr.dataset.defectMark = tr.dataset.defectMark ? `${tr.dataset.defectMark} ${d.n}` : String(d.n);
          tr.title = `Defect: ${d.title || ""}`;
        }
      }
    }
  }

  /** Bring a span's first line into view (opening its file and fold if needed) and flash it. */
  function jumpToSpan(span, retried) {
    const at = spanRows(span);
    if (!at) return;
    const row = at.rows[0];
    const f = (model.get("files") || [])[at.file];
    const tr = (st.rowEls[at.file] || [])[row];
    if (!tr) {
      const fold = f && f.folds.find((x) => x.first <= row && row <= x.last);
      if (fold && !retried) send({ type: "expand", file: at.file, fold: fold.id }, (ack) => { if (ack.ok) jumpToSpan(span, true); });
      return;
    }
    openIfFolded(at.file);
    scrollMain(tr, "center");
    for (const r of at.rows) (st.rowEls[at.file] || [])[r]?.classList.add("cra-defect-flash");
    setTimeout(() => { for (const el of root.querySelectorAll(".cra-defect-flash")) el.classList.remove("cra-defect-flash"); }, 1600);
  }

  /** Just revealed: the explanation where the learner clicked, brought into sight, scrolled only
   * as far as it must be (walk-through 12: aligning its item to the top moved what the learner was
   * reading); its "Marked in the diff" links go to the lines. */
  function showDefect(n) {
    scrollMain(ui.practice.querySelector(`.cra-defect[data-defect="${n}"]`), "nearest");
  }

  /** "Where: app.py:12-14 · app.py:30": one link per span of a revealed defect. */
  function defectPlaces(d) {
    const spans = (d.spans || []).filter((s) => Array.isArray(s) && s.length === 4);
    if (!spans.length) return null;
    const links = [];
    spans.forEach((span, i) => {
      if (i) links.push(" \u00b7 ");
      links.push(h("button", {
        type: "button", className: "cra-link cra-defect-place", textContent: spanLabelOf(span),
        title: "Show these lines in the diff", onclick: () => jumpToSpan(span),
      }));
    });
    return h("div", { className: "cra-defect-places" }, h("span", { textContent: "Marked in the diff: " }), ...links);
  }

  /** The fix of a revealed defect: only the hunks of fixed/ that repair it, as a small diff. */
  function fixDiff(fix) {
    if (!fix) return null;
    if (fix.error) return h("div", { className: "cra-muted", textContent: fix.error });
    if (!Array.isArray(fix.hunks) || !fix.hunks.length) return null;
    const code = (runs) => h("td", { className: "cra-code" }, ...(runs || []).map(([css, text]) =>
      (css && /^[a-z0-9]+$/i.test(css) ? h("span", { className: `tok-${css}`, textContent: text }) : document.createTextNode(String(text)))));
    const hunks = fix.hunks.map((hunk) => h("div", { className: "cra-fix-hunk" },
      h("div", { className: "cra-fix-path", textContent: hunk.path }),
      h("table", { className: "cra-diff cra-code-table cra-fix-table" },
        h("colgroup", null, h("col", { className: "cra-col-num" }), h("col", { className: "cra-col-num" }),
          h("col", { className: "cra-col-sign" }), h("col", { className: "cra-col-code" })),
        h("tbody", null, ...(hunk.rows || []).map((row) =>
        h("tr", { className: `cra-line ${pick(KIND_CLASS, row.k)}` },
          h("td", { className: "cra-num", textContent: num(row.o) }),
          h("td", { className: "cra-num", textContent: num(row.n) }),
          h("td", { className: "cra-sign", textContent: pick(SIGN, row.k) }),
          code(row.c)))))));
    return h("details", { className: "cra-fix", open: true },
      h("summary", { textContent: "The fix: what changes in the code under review to repair it" }),
      // walk-through 18 read "42 → 47" and could not tell why the numbers parted
      h("div", { className: "cra-muted cra-fix-numbers", textContent: "Left, the line number in the code under review; right, in the fixed code, which repairs every defect of the change, so the two can differ." }),
      ...hunks,
      fix.cut ? h("div", { className: "cra-muted", textContent: "\u2026 the rest of the fix is not shown." }) : null);
  }

  // the saved copy ----------------------------------------------------------------------------------

  /** Hide the static copy of this review saved just before this viewer (saved_view.py). In
   * JupyterLab and Notebook 7 a CSS rule already hides its whole output; in other front ends
   * (VS Code, classic Notebook) this hides the copy itself. Only a .cra-static element of this
   * review's slug is ever touched, and only in the output next to ours. */
  function hideSavedCopy() {
    const slug = (model.get("pr") || {}).slug;
    let node = el;
    for (let depth = 0; depth < 6 && node && node !== document.body; depth++, node = node.parentElement) {
      const prev = node.previousElementSibling;
      if (!prev) continue;
      const copies = prev.matches(".cra-static") ? [prev] : [...prev.querySelectorAll(".cra-static")];
      const copy = copies[copies.length - 1];
      if (copy && copy.dataset.slug === slug) {
        copy.classList.add("cra-static-hidden");
        return copy;
      }
    }
    return null;
  }

  /** Right after the learner runs the review's cell, JupyterLab moves on to the next cell, and
   * the browser keeps that cell still while the review grows above it (scroll anchoring): the
   * review's title, toolbar and tree end up above the notebook's view. Once the notebook has
   * stopped scrolling, its top is brought back into view, unless the learner has scrolled,
   * clicked or typed meanwhile. Only a review whose cell, or the cell after it, is the active
   * one (it was just run): a notebook opened or reloaded keeps its place. */
  function showWhenRun(tries) {
    if (!el.isConnected && tries > 0) { setTimeout(() => showWhenRun(tries - 1), 100); return; }
    root.dataset.settled = "true"; // for tests: the watch below, if any, is over
    const cell = el.closest(".jp-Cell");
    const next = cell?.nextElementSibling;
    if (!cell || !(cell.classList.contains("jp-mod-active") || next?.classList.contains("jp-mod-active"))) return;
    const scroller = notebookScroller();
    if (!scroller) return;
    delete root.dataset.settled;
    const started = performance.now();
    let timer = 0;
    const quiet = ["wheel", "pointerdown", "keydown", "touchstart"];
    const settle = () => {
      clearTimeout(timer);
      timer = setTimeout(check, performance.now() - started > 2000 ? 0 : 250);
    };
    const stop = () => {
      clearTimeout(timer);
      root.dataset.settled = "true";
      scroller.removeEventListener("scroll", settle);
      for (const type of quiet) window.removeEventListener(type, stop, true);
    };
    function check() {
      stop();
      if (!root.isConnected || st.full) return;
      const above = root.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
      if (above < 0) scroller.scrollTop += above - 8;
    }
    scroller.addEventListener("scroll", settle, { passive: true });
    for (const type of quiet) window.addEventListener(type, stop, true);
    st.stopShowing = stop;
    settle();
  }

  /** In the cell, the review is as tall as the notebook's view less a strip of the notebook
   * (88 px: the cells around it stay in sight, walk-through 4), not a fixed share of the window:
   * on a 1080-pixel screen 70vh left the diff some 200 px short. Followed as the view resizes. */
  function fitToNotebook(tries) {
    const view = el.closest(".jp-WindowedPanel-outer") || notebookScroller();
    if (!view) { if (tries > 0) st.fitTimer = setTimeout(() => fitToNotebook(tries - 1), 100); return; }
    const fit = () => root.style.setProperty("--cra-cell-max", `${Math.max(360, view.clientHeight - 88)}px`);
    fit();
    if (typeof ResizeObserver === "function") { st.fitting = new ResizeObserver(fit); st.fitting.observe(view); }
  }

  // wiring -----------------------------------------------------------------------------------------

  const handlers = {
    "change:pr": () => { paintHeader(); paintToolbar(); },
    "change:files": () => { if (!patchHighlight()) { paintDiff(); paintAside(); paintToolbar(); } },
    "change:expanded": () => {
      const had = root.contains(document.activeElement); // the clicked fold's button, which goes
      paintDiff(st.holdRow);
      st.holdRow = null;
      if (had && !root.contains(document.activeElement)) root.focus({ preventScroll: true }); // keys go on (walk 14)
    },
    "change:findings": () => {
      // the copy is painted again when Python updates it, just after this change
      clearTimeout(st.copyTimer);
      st.copyTimer = setTimeout(() => { st.savedCopy = hideSavedCopy() || st.savedCopy; }, 500);
      const t = performance.now();
      paintFindings(); paintAside(); paintToolbar();
      root.dataset.findingsMs = String(Math.round(performance.now() - t));
    },
    "change:verdict": () => { st.verdictSent = null; paintToolbar(); },
    "change:viewed": () => { paintViewed(); paintAside(); paintToolbar(); },
    "change:status": () => paintBanner(),
    "change:notice": () => paintBanner(),
    "change:practice": () => { paintPractice(); paintToolbar(); markOutcomes(); },
    "msg:custom": onCustom,
  };
  for (const [event, fn] of Object.entries(handlers)) model.on(event, fn);

  root.addEventListener("keydown", onKey);
  ui.split.addEventListener("pointerdown", onSplitDown);
  ui.split.addEventListener("keydown", onSplitKey);
  ui.split.addEventListener("dblclick", onSplitReset);
  applySideWidth();
  ui.files.addEventListener("click", onClick);
  ui.files.addEventListener("pointerdown", onPress);
  ui.files.addEventListener("mousedown", onMouseDown);
  root.addEventListener("mousedown", onChromeDown);
  window.addEventListener("pointerup", onRelease, true);
  // the notebook scrolled, or the window resized, with a form open: the dock keeps in sight
  document.addEventListener("scroll", onPageScroll, { capture: true, passive: true });
  window.addEventListener("resize", onPageScroll);
  ui.main.addEventListener("scroll", onMainScroll, { passive: true });
  root.addEventListener("wheel", onWheel, { passive: false });
  document.addEventListener("wheel", onOuterWheel, { capture: true, passive: true });
  ui.practice.addEventListener("click", rememberFeedback, true); // before the link scrolls away
  // put in the page, resized, or moved to full width: the file at the top may be another
  const resized = typeof ResizeObserver === "function" ? new ResizeObserver(onMainScroll) : null;
  resized?.observe(ui.main);
  // Another tab or kernel may have changed the sidecar: ask Python to re-read it when the
  // learner comes back to this viewer (a stat() in the kernel; nothing when unchanged).
  root.addEventListener("focusin", refresh);
  root.addEventListener("pointerenter", refresh);
  const onVisible = () => { if (document.visibilityState === "visible") refresh(); };
  document.addEventListener("visibilitychange", onVisible);

  const t0 = performance.now();
  restoreDraft();
  restoreDescription();
  paintHeader();
  paintBanner();
  paintToolbar();
  paintPractice();
  paintDiff();
  paintAside();
  // The view is put in the page after render returns: look for the copy once it is there.
  const findCopy = (tries) => {
    st.savedCopy = hideSavedCopy() || st.savedCopy;
    if (!st.savedCopy && tries > 0) st.copyTimer = setTimeout(() => findCopy(tries - 1), 200);
  };
  st.copyTimer = setTimeout(() => findCopy(15), 0);
  setTimeout(() => showRestoredDraft(20), 0);
  st.placeTimer = setTimeout(() => restorePlace(20), 0);
  setTimeout(() => showWhenRun(10), 0);
  st.fitTimer = setTimeout(() => fitToNotebook(10), 0);
  root.dataset.ready = "true";
  root.dataset.paintMs = String(Math.round(performance.now() - t0));

  return () => {
    for (const [event, fn] of Object.entries(handlers)) model.off(event, fn);
    document.removeEventListener("visibilitychange", onVisible);
    clearTimeout(st.refreshTimer);
    window.removeEventListener("keydown", onKeyCapture, true);
    window.removeEventListener("keydown", onStrayKey);
    window.removeEventListener("pointerup", onRelease, true);
    document.removeEventListener("scroll", onPageScroll, { capture: true });
    document.removeEventListener("wheel", onOuterWheel, { capture: true });
    window.removeEventListener("resize", onPageScroll);
    cancelAnimationFrame(st.dockFrame);
    clearTimeout(st.copyTimer);
    clearTimeout(st.placeTimer);
    clearTimeout(st.keepTimer);
    st.savedCopy?.classList.remove("cra-static-hidden");
    cancelAnimationFrame(st.scrollFrame);
    st.stopShowing?.();
    resized?.disconnect();
    clearTimeout(st.fitTimer);
    st.fitting?.disconnect();
    if (st.full) root.remove(); // a view disposed while full width takes its overlay with it
    st.placeholder?.remove();
  };
}

export default { render };
