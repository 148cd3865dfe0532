/* A place's numbers over a date range (an organization's dashboard, a venue's statistics): the place's card, a
   toolbar of from/to dates, quick ranges and 查询, and the charts redrawn from GET .../stats?from=&to=. */

import { disposeCharts } from "./charts.js";
import { addDays, daysBetween, h, today } from "./dom.js";
import { api, query } from "./session.js";

// A date-range toolbar: from/to inputs, quick ranges, a query button. onQuery({from, to}) when asked.
export function rangeToolbar(prefix, onQuery, { days = 7, extra = [] } = {}) {
  const to = today();
  const fromInput = h("input", { type: "date", id: `${prefix}-from`, value: addDays(to, -(days - 1)), max: to });
  const toInput = h("input", { type: "date", id: `${prefix}-to`, value: to, max: to });
  const error = h("p", { className: "c-toolbar-error", id: `${prefix}-range-error`, role: "alert" });
  const search = h("button", { type: "button", className: "c-btn c-btn-primary", id: `${prefix}-query` }, "查询");
  const run = () => {
    error.textContent = "";
    const range = { from: fromInput.value, to: toInput.value };
    if (!range.from || !range.to) {
      error.textContent = "请选择开始和结束日期";
      return;
    }
    if (range.from > range.to) {
      error.textContent = "开始日期不能晚于结束日期";
      return;
    }
    if (daysBetween(range.from, range.to) > 365) {
      error.textContent = "查询范围不能超过366天";
      return;
    }
    onQuery(range);
  };
  const quick = (label, n) => h("button", { type: "button", className: "c-btn", onclick: () => {
    const end = today();
    toInput.value = end;
    fromInput.value = addDays(end, -(n - 1));
    run();
  } }, label);
  search.addEventListener("click", run);
  const bar = h("div", { className: "c-toolbar" },
    h("label", null, "开始日期", fromInput), h("label", null, "结束日期", toInput), search,
    quick("今天", 1), quick("近7天", 7), quick("近30天", 30), h("span", { className: "c-spacer" }), ...extra);
  return { element: h("div", { className: "c-card" }, bar, error), run, range: () => ({ from: fromInput.value,
    to: toInput.value }), showError: (text) => { error.textContent = text; } };
}

// The view of grants' place(grants) (shown when there is one): its card (its name as `${prefix}-name`, note(place),
// `${codeLabel}：` its join code), the toolbar (ids `${prefix}-…`) and the box `bodyId` that render(box, stats, range)
// redraws from GET path(place)?from=&to= — last 7 days first.
export function rangeStatsView({ id, title, group, place, prefix, bodyId, note, codeLabel, path, render }) {
  return {
    id,
    title,
    group,
    allowed: (grants) => !!place(grants),
    open(section, grants) {
      const where = place(grants);
      const body = h("div", { id: bodyId });
      const load = (range) => {
        body.setAttribute("aria-busy", "true");
        return api(`${path(where)}${query(range)}`).then((stats) => {
          render(body, stats, range);
          body.dataset.loaded = `${range.from}/${range.to}`;
        }, (failure) => toolbar.showError(failure.messageZh)).finally(() => body.removeAttribute("aria-busy"));
      };
      const toolbar = rangeToolbar(prefix, load);
      section.append(
        h("div", { className: "c-card" }, h("div", { className: "c-card-head" },
          h("h2", { className: "c-card-title", id: `${prefix}-name` }, where.name),
          h("p", { className: "c-card-note" }, note(where))),
        h("p", { className: "c-card-note" }, `${codeLabel}：${where.join_code || "—"}`)),
        toolbar.element, body);
      toolbar.run();
    },
    close() {
      document.querySelectorAll(`#${bodyId}`).forEach(disposeCharts);
    },
  };
}
