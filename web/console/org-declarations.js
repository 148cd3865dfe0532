/* 申报明细: an organization's declarations of a day (masked names), newest first, a page at a time, filtered by what
   they declared (GET /v1/orgs/{id}/declarations?date=&filter=); and the day's report downloaded as CSV or XLSX
   (GET /v1/orgs/{id}/report?date=&format=). */

import * as YKM from "../core/ykm.js";
import { card, clear, formatTime, h, table, tag, today } from "./dom.js";
import { api, download, query } from "./session.js";

const RISK_ANSWERS = ["contact_with_case", "visited_risk_area", "returned_from_abroad", "household_unwell"];
const PAGE_SIZE = 50;

// GET .../declarations?filter= (the server filters; a filtered page may hold fewer rows than asked, with a cursor)
const FILTERS = [["", "全部"], ["fever", "发热"], ["symptoms", "有症状"], ["risk", "风险申报"],
  ["abnormal", "发热或有症状"], ["normal", "无异常"]];
const FOLLOW_AT_MOST = 10; // pages followed at once to fill a page of a rare filter

const COLUMNS = [
  { label: "序号", className: "c-num", cell: (row) => row.number },
  { label: "申报时间", cell: (row) => formatTime(row.declared_at) },
  { label: "姓名", cell: (row) => row.name_masked || "" },
  { label: "申报类型", cell: (row) => row.type_label || row.type },
  { label: "体温(°C)", className: "c-num", cell: (row) => (row.temperature_c === null || row.temperature_c === undefined
    ? "—" : Number(row.temperature_c).toFixed(1)) },
  { label: "是否发热", cell: (row) => (row.fever ? tag("发热", "red") : tag("正常", "green")) },
  { label: "症状", cell: (row) => ((row.symptom_labels || []).length ? tag(row.symptom_labels.join("、"), "orange") : "无") },
  { label: "风险情况", cell: (row) => {
    const said = (row.risks || RISK_ANSWERS.filter((key) => (row.answers || {})[key] === true))
      .map((key) => (row.answer_labels || {})[key] || key);
    return said.length ? tag(said.join("；"), "red") : "无";
  } },
  { label: "代为申报", cell: (row) => (row.declared_by_guardian ? "是" : "否") },
];

export default {
  id: "declarations",
  title: "申报明细",
  group: "组织机构",
  allowed: (grants) => !!grants.org,
  open(section, grants) {
    const org = grants.org;
    const state = { rows: [], cursor: null, date: today(), filter: "" };
    const dateInput = h("input", { type: "date", id: "decl-date", value: state.date, max: today() });
    const filter = h("select", { id: "decl-filter" }, FILTERS.map(([value, label]) => h("option", { value }, label)));
    const error = h("p", { className: "c-toolbar-error", id: "decl-error", role: "alert" });
    const status = h("span", { id: "decl-count" });
    const more = h("button", { type: "button", className: "c-btn", id: "decl-more", hidden: true }, "加载更多");
    const tableBox = h("div", { id: "decl-table" });
    const downloadNote = h("span", { className: "c-card-note", id: "decl-download-note", role: "status" });

    const show = () => {
      clear(tableBox, table(COLUMNS, state.rows, { testid: "declarations-table", empty: "该日暂无符合条件的申报",
        rowKey: (row) => row.declaration_id }));
      status.textContent = `已加载 ${state.rows.length} 条${state.cursor ? "（还有更多）" : ""}`;
      more.hidden = !state.cursor;
    };
    // One page of rows, following the cursor while a filtered page comes back short.
    const fetchPage = (cursor, wanted, follows) => api(`/v1/orgs/${encodeURIComponent(org.place_id)}/declarations${
      query({ date: state.date, filter: state.filter, limit: PAGE_SIZE, cursor })}`).then((page) => {
      const start = state.rows.length;
      state.rows.push(...page.items.map((item, i) => ({ ...item, number: start + i + 1 })));
      state.cursor = page.next_cursor || null;
      const left = wanted - page.items.length;
      return left > 0 && state.cursor && follows > 1 ? fetchPage(state.cursor, left, follows - 1) : null;
    });
    const load = (fresh) => {
      error.textContent = "";
      if (!dateInput.value) {
        error.textContent = "请选择日期";
        return null;
      }
      if (fresh) {
        state.rows = [];
        state.cursor = null;
        state.date = dateInput.value;
        state.filter = filter.value;
      }
      tableBox.setAttribute("aria-busy", "true");
      return fetchPage(fresh ? null : state.cursor, PAGE_SIZE, FOLLOW_AT_MOST).then(() => {
        show();
        tableBox.dataset.loaded = `${state.date}/${state.filter}`;
      }, (failure) => { error.textContent = failure.messageZh; })
        .finally(() => tableBox.removeAttribute("aria-busy"));
    };
    const save = (format, button) => YKM.whileBusy(button, () => {
      downloadNote.textContent = "";
      const day = dateInput.value || today();
      return download(`/v1/orgs/${encodeURIComponent(org.place_id)}/report${query({ date: day, format })}`,
        `${org.name}-${day}.${format}`).then((file) => {
        downloadNote.textContent = `已下载 ${file.name}`;
      }, (failure) => { error.textContent = failure.messageZh; });
    }, "下载中…");

    const search = h("button", { type: "button", className: "c-btn c-btn-primary", id: "decl-query",
      onclick: () => load(true) }, "查询");
    const csv = h("button", { type: "button", className: "c-btn", id: "download-csv" }, "下载CSV");
    const xlsx = h("button", { type: "button", className: "c-btn c-btn-secondary", id: "download-xlsx" }, "下载Excel");
    csv.addEventListener("click", () => save("csv", csv));
    xlsx.addEventListener("click", () => save("xlsx", xlsx));
    filter.addEventListener("change", () => load(true));
    more.addEventListener("click", () => YKM.whileBusy(more, () => load(false), "加载中…"));

    section.append(
      h("div", { className: "c-card" },
        h("div", { className: "c-toolbar" },
          h("label", null, "申报日期", dateInput), h("label", null, "筛选", filter), search,
          h("span", { className: "c-spacer" }), downloadNote, csv, xlsx),
        error),
      card(`${org.name} · 成员申报明细`, "姓名已脱敏；查看记录将写入审计日志",
        tableBox, h("div", { className: "c-pager" }, status, more)));
    load(true);
  },
};
