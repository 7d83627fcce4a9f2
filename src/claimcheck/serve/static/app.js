// claimcheck web page: plain DOM, no build step, no network beyond this server.
// Every piece of user or report text enters the page through textContent / text nodes, never innerHTML.
"use strict";

const STRINGS = {
  en: {
    tagline: 'Flags stem-cell "cure" marketing for stroke and explains each flag with a dated, sourced fact.',
    tabText: "Text", tabUrl: "Web address", textLang: "Language of the text",
    langAuto: "Detect", langEn: "English", langZh: "Chinese", check: "Check", checking: "Checking…",
    textPlaceholder: "Paste the text of an advertisement, web page or post…",
    needText: "Paste some text first.", needUrl: "Enter a web address first.", failed: "Could not check: ",
    highlighted: "Highlighted text", flaggedSentences: "Flagged sentences", findings: "Findings",
    flagged: (n) => `Flagged: ${n} red-flag claim${n === 1 ? "" : "s"}`, clean: "Nothing flagged",
    cleanNote: "No red-flag claims about stem-cell treatment for stroke were found.",
    risk: "risk", severity: { high: "high", medium: "medium", low: "low" }, confidence: "confidence",
    why: "Why it is flagged", record: "What the record shows", asOf: "as of", sources: "Sources",
    factsAsOf: "Facts current to", noFindings: "No findings.",
    suppressed: (n) => `${n} statement${n === 1 ? " was" : "s were"} not flagged because of context (negation, caution, reported speech).`,
    toggle: "中文", footer: "Automated screening, not medical or legal advice. Facts are dated: check the sources.",
    tryInstead: "What to try: ",
    stale: (n) => n === 1 ? "1 cited fact is past its recheck date" : `${n} cited facts are past their recheck date`,
    staleMark: (d) => `past its recheck date (${d}): may be out of date`,
    checked: { url: "URL", final_url: "final URL", title: "page title", fetched_at: "fetched" },
    errors: {},
  },
  zh: {
    tagline: "标记干细胞“治愈”中风的虚假宣传，并用注明日期和来源的事实解释每一处标记。",
    tabText: "文本", tabUrl: "网址", textLang: "文本语言",
    langAuto: "自动识别", langEn: "英文", langZh: "中文", check: "检查", checking: "正在检查……",
    textPlaceholder: "粘贴广告、网页或帖子的文字……",
    needText: "请先粘贴文本。", needUrl: "请先输入网址。", failed: "无法检查：",
    highlighted: "标注文本", flaggedSentences: "被标记的句子", findings: "发现",
    flagged: (n) => `发现 ${n} 处可疑宣传`, clean: "未发现可疑宣传",
    cleanNote: "没有发现关于干细胞治疗中风的可疑宣传。",
    risk: "风险", severity: { high: "高", medium: "中", low: "低" }, confidence: "置信度",
    why: "标记原因", record: "事实", asOf: "截至", sources: "来源",
    factsAsOf: "事实更新至", noFindings: "没有发现。",
    suppressed: (n) => `${n} 处表述因上下文（否定、提醒、转述）未被标记。`,
    toggle: "English", footer: "自动筛查，不构成医疗或法律意见。事实均注明日期，请查看来源。",
    tryInstead: "可以这样做：",
    stale: (n) => `引用的 ${n} 条事实已过复核日期`,
    staleMark: (d) => `已过复核日期（${d}），可能已过时`,
    checked: { url: "网址", final_url: "最终网址", title: "页面标题", fetched_at: "抓取时间" },
    errors: {
      blocked_address: ["这个网址位于私有或本地网络，本服务只检查公共互联网上的网页，无法检查它。", "请输入公共网页的网址，或复制网页文字，在“文本”标签中检查。"],
      bad_scheme: ["只能检查以 http:// 或 https:// 开头的网址。", "请输入以 https:// 开头的网址，例如 https://example.org/page。"],
      bad_url: ["这不是本服务可以抓取的网址。", "请检查网址是否有误，格式应类似 https://example.org/page。"],
      dns: ["找不到这个网址对应的网站。", "请检查网址拼写。"],
      timeout: ["网站响应时间过长。", "请稍后再试，或复制网页文字，在“文本”标签中检查。"],
      robots_disallowed: ["该网站的 robots.txt 要求自动工具不要抓取此页面，因此本服务不抓取。", "请复制网页文字，在“文本”标签中检查。"],
      busy: ["目前正在检查的网址太多。", "请等几秒钟再试。"],
    },
  },
};
const SEVERITY_RANK = { low: 0, medium: 1, high: 2 };

const state = { ui: initialLanguage(), mode: "text", labels: {}, last: null };
const $ = (id) => document.getElementById(id);

function initialLanguage() {
  let saved = null;
  try { saved = localStorage.getItem("claimcheck.ui"); } catch (_) { /* storage disabled */ }
  if (saved === "en" || saved === "zh") return saved;
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

function t(key) { return STRINGS[state.ui][key]; }

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function applyLanguage() {
  document.documentElement.lang = state.ui === "zh" ? "zh-Hans" : "en";
  document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((node) => { node.placeholder = t(node.dataset.i18nPlaceholder); });
  $("ui-lang").textContent = t("toggle");
  if (state.last) renderResult(state.last.report, state.last.text);
}

function setMode(mode) {
  state.mode = mode;
  document.querySelectorAll(".tab").forEach((tab) => {
    const active = tab.dataset.mode === mode;
    tab.classList.toggle("active", active);
    tab.setAttribute("aria-selected", String(active));
  });
  $("text-input").hidden = mode !== "text";
  $("url-input").hidden = mode !== "url";
  (mode === "text" ? $("text-input") : $("url-input")).focus();
}

function categoryLabel(id) {
  const label = state.labels[id];
  return label ? label[state.ui] || label.en : id;
}

async function loadLabels() {
  try {
    const response = await fetch("/v1/rules");
    if (!response.ok) return;
    const data = await response.json();
    for (const c of data.categories || []) state.labels[c.id] = c.label;
    if (state.last) renderResult(state.last.report, state.last.text);
  } catch (_) { /* labels are a nicety: fall back to category ids */ }
}

async function submit(event) {
  event.preventDefault();
  const text = $("text-input").value;
  const url = $("url-input").value.trim();
  if (state.mode === "text" && !text.trim()) return showStatus(t("needText"), true);
  if (state.mode === "url" && !url) return showStatus(t("needUrl"), true);
  clearResult();  // a new check never leaves the previous answer on screen under its status or error
  const body = state.mode === "text" ? { text } : { url };
  if ($("text-lang").value !== "auto") body.lang = $("text-lang").value;
  $("check-button").disabled = true;
  showStatus(t("checking"), false);
  try {
    const response = await fetch("/v1/check", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) return showError(data && data.error, response.status);
    showStatus("", false);
    state.last = { report: data, text: state.mode === "text" ? text : null };
    renderResult(data, state.last.text);
    $("result").scrollIntoView({ block: "start" });
  } catch (err) {
    showStatus(t("failed") + err, true);
  } finally {
    $("check-button").disabled = false;
  }
}

function showStatus(message, isError) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("error", Boolean(isError));
}

// The server phrases errors for the person using the page (and adds a hint); Chinese wording for the common ones.
function showError(error, httpStatus) {
  const local = error ? t("errors")[error.code === "private_address" ? "blocked_address" : error.code] : null;
  const message = local ? local[0] : error ? error.message : `HTTP ${httpStatus}`;
  const hint = local ? local[1] : error && error.hint;
  showStatus(t("failed") + message, true);
  if (hint) $("status").append(el("span", "hint", t("tryInstead") + hint));
}

function clearResult() {
  state.last = null;
  $("result").hidden = true;
  ["verdict", "highlighted", "findings", "checked"].forEach((id) => $(id).replaceChildren());
  $("suppressed").textContent = "";
}

function renderResult(report, text) {
  $("result").hidden = false;
  report.findings.forEach((f, i) => { f._index = i; });
  renderVerdict(report);
  const view = $("highlighted");
  view.replaceChildren();
  if (text !== null) {
    $("text-heading").textContent = t("highlighted");
    appendHighlighted(view, Array.from(text), 0, report.findings);
  } else {
    $("text-heading").textContent = t("flaggedSentences");
    renderSentences(view, report.findings);
  }
  const list = $("findings");
  list.replaceChildren();
  report.findings.forEach((f, i) => list.append(renderFinding(f, i)));
  if (!report.findings.length) list.append(el("li", "muted", t("noFindings")));
  const hidden = (report.suppressed || []).length;
  $("suppressed").textContent = hidden ? t("suppressed")(hidden) : "";
}

function renderVerdict(report) {
  const verdict = $("verdict");
  verdict.replaceChildren();
  verdict.className = "verdict " + (report.flagged ? "flagged sev-" + report.max_severity : "clean");
  verdict.append(el("strong", "verdict-title", report.flagged ? t("flagged")(report.findings.length) : t("clean")));
  if (report.flagged) {
    verdict.append(el("span", "pill", `${t("risk")} ${report.risk.toFixed(2)}`));
    for (const c of report.categories) verdict.append(el("span", "pill", categoryLabel(c)));
  } else {
    verdict.append(el("span", "verdict-note", t("cleanNote")));
  }
  if (report.facts_as_of) verdict.append(el("span", "muted as-of", `${t("factsAsOf")} ${report.facts_as_of}`));
  if (report.stale_facts) verdict.append(el("span", "stale stale-summary", "⚠ " + t("stale")(report.stale_facts)));
  renderChecked(report.source || {});
}

// What was checked, for a web address: the URL, where redirects ended, the page title and when it was fetched.
function renderChecked(source) {
  const list = $("checked");
  list.replaceChildren();
  if (source.kind !== "url") return;
  const rows = [["url", source.url], ["final_url", source.final_url !== source.url ? source.final_url : null],
    ["title", source.title], ["fetched_at", source.fetched_at]];
  for (const [key, value] of rows) {
    if (!value) continue;
    list.append(el("dt", "", t("checked")[key]), el("dd", "", value));
  }
}

// Split the text at every finding boundary; each piece is a text node, or a <mark> coloured by the most
// severe finding covering it. `chars` is an array of code points, because the server counts code points.
function appendHighlighted(container, chars, base, findings) {
  const cuts = new Set([0, chars.length]);
  const clamp = (n) => Math.max(0, Math.min(chars.length, n - base));
  findings.forEach((f) => { cuts.add(clamp(f.start)); cuts.add(clamp(f.end)); });
  const points = [...cuts].sort((a, b) => a - b);
  for (let k = 0; k + 1 < points.length; k++) {
    const [a, b] = [points[k], points[k + 1]];
    const piece = chars.slice(a, b).join("");
    const covering = [];
    findings.forEach((f, i) => { if (clamp(f.start) <= a && clamp(f.end) >= b && f.end > f.start) covering.push(i); });
    if (!covering.length) { container.append(document.createTextNode(piece)); continue; }
    const worst = covering.reduce((w, i) => (SEVERITY_RANK[findings[i].severity] > SEVERITY_RANK[w] ? findings[i].severity : w), "low");
    const mark = el("mark", "sev-" + worst, piece);
    mark.dataset.findings = covering.map((i) => findings[i]._index).join(" ");
    mark.title = covering.map((i) => categoryLabel(findings[i].category)).join(" · ");
    mark.tabIndex = 0;
    mark.addEventListener("click", () => focusFinding(covering.map((i) => findings[i]._index)));
    container.append(mark);
  }
}

function renderSentences(container, findings) {
  const bySentence = new Map();
  findings.forEach((f) => {
    const key = f.sentence_start;
    if (!bySentence.has(key)) bySentence.set(key, { text: f.sentence, findings: [] });
    bySentence.get(key).findings.push(f);
  });
  for (const [start, group] of [...bySentence.entries()].sort((a, b) => a[0] - b[0])) {
    const p = el("p", "sentence");
    appendHighlighted(p, Array.from(group.text), start, group.findings);
    container.append(p);
  }
}

function renderFinding(f, index) {
  const item = el("li", "finding sev-" + f.severity);
  item.id = "finding-" + index;
  const head = el("div", "finding-head");
  head.append(el("span", "badge sev-" + f.severity, t("severity")[f.severity] || f.severity));
  head.append(el("strong", "", categoryLabel(f.category)));
  head.append(el("span", "muted", `${t("confidence")} ${Number(f.confidence).toFixed(2)}`));
  item.append(head, el("blockquote", "quote", f.quote));
  item.append(el("h3", "", t("why")), el("p", "explanation", f.explanation[state.ui] || f.explanation.en));
  if (f.facts.length) item.append(el("h3", "", t("record")));
  for (const fact of f.facts) item.append(renderFact(fact));
  item.append(el("p", "muted rule", f.rule_id));
  item.addEventListener("click", () => focusFinding([index]));
  return item;
}

function renderFact(fact) {
  const box = el("div", "fact");
  box.append(el("p", "", fact.statement[state.ui] || fact.statement.en));
  box.append(el("p", "muted", `${t("asOf")} ${fact.as_of}`));
  if (fact.stale) box.append(el("p", "stale", "⚠ " + t("staleMark")(fact.recheck_by)));
  const links = el("ul", "sources");
  for (const src of fact.sources || []) {
    const li = el("li");
    if (/^https?:\/\//i.test(src.url || "")) {
      const a = el("a", "", src.title || src.url);
      a.href = src.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      li.append(a);
    } else {
      li.textContent = src.title || src.url || "";
    }
    if (src.date) li.append(document.createTextNode(` (${src.date})`));
    links.append(li);
  }
  box.append(el("span", "sources-label", t("sources")), links);
  return box;
}

function focusFinding(indices) {
  document.querySelectorAll(".active").forEach((n) => n.classList.remove("active"));
  for (const i of indices) {
    const card = $("finding-" + i);
    if (card) card.classList.add("active");
    document.querySelectorAll("mark[data-findings]").forEach((m) => {
      if (m.dataset.findings.split(" ").includes(String(i))) m.classList.add("active");
    });
  }
  const first = $("finding-" + indices[0]);
  if (first) $("findings").scrollTo({ top: first.offsetTop - 4, behavior: "smooth" });  // the list only, not the page
}

document.addEventListener("DOMContentLoaded", () => {
  $("check-form").addEventListener("submit", submit);
  document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", () => setMode(tab.dataset.mode)));
  $("ui-lang").addEventListener("click", () => {
    state.ui = state.ui === "en" ? "zh" : "en";
    try { localStorage.setItem("claimcheck.ui", state.ui); } catch (_) { /* storage disabled */ }
    applyLanguage();
  });
  applyLanguage();
  loadLabels();
});
