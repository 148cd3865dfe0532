/* What the console's views share: building elements (text only, never HTML from data), tables, cards, dates on
   the product's clock (Asia/Shanghai) and the confirmation dialog. */

import * as YKM from "../core/ykm.js";
// h("td", {className: "c-num", dataset: {x: 1}, onclick: f}, "text", child, ...): an element; null children skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key in el && key !== "list" && key !== "form") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.textContent = "";
  append(el, children);
  return el;
}

// A bordered table: columns [{label, className?, cell(row) -> text | Node}], rows; an empty list says `empty`.
export function table(columns, rows, { empty = "暂无数据", testid = null, rowKey = null } = {}) {
  const head = h("thead", null, h("tr", null, columns.map((c) => h("th", { className: c.className || "" }, c.label))));
  const body = h("tbody");
  if (!rows.length) {
    body.append(h("tr", { className: "c-table-empty" }, h("td", { colSpan: columns.length }, empty)));
  }
  for (const row of rows) {
    const tr = h("tr", rowKey ? { dataset: { key: rowKey(row) } } : null);
    for (const c of columns) tr.append(h("td", { className: c.className || "" }, c.cell(row)));
    body.append(tr);
  }
  return h("table", { className: "c-table", "data-testid": testid }, head, body);
}

// A card with a title, an optional note (text) or tool on the right, and its content.
export function card(title, right, ...content) {
  const aside = typeof right === "string" ? h("p", { className: "c-card-note" }, right) : right;
  return h("section", { className: "c-card" },
    h("div", { className: "c-card-head" }, h("h2", { className: "c-card-title" }, title), aside || null),
    ...content);
}

export function kpi(label, value, { tone = null, note = null, testid = null } = {}) {
  return h("div", { className: "c-kpi", dataset: tone ? { tone } : {} },
    h("div", { className: "c-kpi-label" }, label),
    h("div", { className: "c-kpi-value", "data-testid": testid }, value === null || value === undefined ? "—" : value),
    note ? h("div", { className: "c-kpi-note" }, note) : null);
}

export function tag(text, colour) {
  return h("span", { className: `c-tag c-tag-${colour}` }, text);
}

// ---------------------------------------------------------------- dates: YYYY-MM-DD on the product's clock

const DAY_FORMAT = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit",
  day: "2-digit" });

export function today() {
  return DAY_FORMAT.format(new Date());
}

export function addDays(day, days) {
  const moment = new Date(`${day}T00:00:00Z`);
  moment.setUTCDate(moment.getUTCDate() + days);
  return moment.toISOString().slice(0, 10);
}

export function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000);
}

export function formatTime(value) {
  return value ? YKM.formatTime(value) : "";
}

// ---------------------------------------------------------------- confirmation, with a reason when asked

export function confirmAction({ title, text, okText = "确定", danger = false, reason = false }) {
  const dialog = document.getElementById("confirm-dialog");
  const ok = document.getElementById("confirm-ok");
  const cancel = document.getElementById("confirm-cancel");
  const reasonField = document.getElementById("confirm-reason-field");
  const reasonInput = document.getElementById("confirm-reason");
  const reasonError = document.getElementById("confirm-error-reason");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-text").textContent = text || "";
  ok.textContent = okText;
  ok.className = `c-btn ${danger ? "c-btn-danger" : "c-btn-primary"}`;
  reasonField.hidden = !reason;
  reasonInput.value = "";
  reasonError.textContent = "";
  reasonField.removeAttribute("data-invalid");
  return new Promise((resolve) => {
    const done = (value) => {
      ok.removeEventListener("click", onOk);
      cancel.removeEventListener("click", onCancel);
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const onOk = (event) => {
      event.preventDefault();
      if (reason && !reasonInput.value.trim()) {
        reasonError.textContent = "请填写原因";
        reasonField.dataset.invalid = "true";
        reasonInput.focus();
        return;
      }
      done(reason ? { reason: reasonInput.value.trim() } : {});
    };
    const onCancel = (event) => {
      event.preventDefault();
      done(null);
    };
    ok.addEventListener("click", onOk);
    cancel.addEventListener("click", onCancel);
    dialog.addEventListener("cancel", onCancel);
    dialog.showModal();
    (reason ? reasonInput : ok).focus();
  });
}
