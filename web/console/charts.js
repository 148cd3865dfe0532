/* Charts (ECharts, vendored in web/vendor/echarts/) that are also tables: every chart card has a 图表 / 表格 switch,
   and the table holds the same numbers the chart draws. Canvas renderer and richText tooltips: nothing writes a
   style attribute through HTML, which the site's CSP (style-src 'self') would refuse. */

import { card, h, table } from "./dom.js";

export const COLOURS = ["#1f6fe5", "#078a3f", "#d8232a", "#d97706", "#7c3aed", "#0891b2", "#6b7280"];
const charts = new Set();

window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));

const BASE = {
  color: COLOURS,
  textStyle: { fontFamily: "Microsoft YaHei, PingFang SC, Noto Sans CJK SC, sans-serif" },
  aria: { enabled: true },
  animation: false, // the numbers are read, not watched; screenshots and tests see the final drawing
  tooltip: { renderMode: "richText", confine: true },
  grid: { left: 48, right: 24, top: 40, bottom: 36, containLabel: true },
};

// A card with a chart and its table. spec: {id, title, note?, option (ECharts), columns, rows, wide?}.
// The card carries data-testid=`chart-<id>`; its table `chart-<id>-table`.
export function chartCard(spec) {
  const chartBox = h("div", { className: `c-chart${spec.wide ? " c-chart-wide" : ""}`, id: `chart-${spec.id}`,
    role: "img", "aria-label": spec.title });
  const tableBox = h("div", { className: "c-chart-table", hidden: true },
    table(spec.columns, spec.rows, { testid: `chart-${spec.id}-table` }));
  const asChart = h("button", { type: "button", "aria-pressed": "true", dataset: { show: "chart" } }, "图表");
  const asTable = h("button", { type: "button", "aria-pressed": "false", dataset: { show: "table" } }, "表格");
  const show = (which) => {
    asChart.setAttribute("aria-pressed", String(which === "chart"));
    asTable.setAttribute("aria-pressed", String(which === "table"));
    chartBox.hidden = which !== "chart";
    tableBox.hidden = which !== "table";
    if (which === "chart" && chartBox.chart) chartBox.chart.resize();
  };
  asChart.addEventListener("click", () => show("chart"));
  asTable.addEventListener("click", () => show("table"));
  const right = h("div", { className: "c-inline" }, spec.note ? h("p", { className: "c-card-note" }, spec.note) : null,
    h("div", { className: "c-switch", role: "group", "aria-label": "显示方式" }, asChart, asTable));
  const element = card(spec.title, right, chartBox, tableBox);
  element.dataset.testid = `chart-${spec.id}`;
  // drawn once the card is in the document (ECharts measures its box)
  element.draw = () => {
    if (typeof window.echarts === "undefined") {
      chartBox.append(h("p", { className: "c-chart-empty" }, "图表组件未加载，请查看表格"));
      show("table");
      return;
    }
    const chart = window.echarts.init(chartBox, null, { renderer: "canvas", locale: "ZH" });
    chart.setOption({ ...BASE, ...spec.option });
    chartBox.chart = chart;
    chartBox.dataset.drawn = "true";
    charts.add(chart);
  };
  return element;
}

// Disposes the charts inside `root` (a view being redrawn).
export function disposeCharts(root) {
  root.querySelectorAll(".c-chart").forEach((box) => {
    if (box.chart) {
      charts.delete(box.chart);
      box.chart.dispose();
    }
  });
}

// Appends cards to `parent` and draws their charts.
export function mount(parent, ...cards) {
  parent.append(...cards);
  cards.flat().forEach((c) => c.querySelectorAll && [c, ...c.querySelectorAll("[data-testid^=chart-]")]
    .forEach((el) => { if (typeof el.draw === "function") el.draw(); }));
}

// ---------------------------------------------------------------- the option shapes the console uses

export function lineOption(categories, series) {
  return {
    legend: { top: 4 },
    xAxis: { type: "category", data: categories, boundaryGap: false },
    yAxis: { type: "value", minInterval: 1 },
    series: series.map((s) => ({ type: "line", name: s.name, data: s.data, smooth: false, symbolSize: 6,
      itemStyle: s.colour ? { color: s.colour } : undefined })),
  };
}

export function barOption(categories, series, { horizontal = false, stack = null } = {}) {
  const category = { type: "category", data: categories, axisLabel: categories.length <= 12 ? { interval: 0 } : {} };
  const value = { type: "value", minInterval: 1 };
  return {
    legend: series.length > 1 ? { top: 4 } : undefined,
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: series.map((s) => ({ type: "bar", name: s.name, data: s.data, stack, barMaxWidth: 36,
      label: { show: categories.length <= 12, position: horizontal ? "right" : "top" } })),
  };
}

const NO_DATA = { text: "暂无数据", left: "center", top: "middle", textStyle: { color: "#6b7280", fontSize: 14,
  fontWeight: "normal" } };

export function pieOption(name, slices) {
  const empty = slices.every((s) => !s.value);
  return {
    title: empty ? NO_DATA : undefined,
    legend: { bottom: 0 },
    series: [{ type: "pie", name, radius: ["38%", "66%"], center: ["50%", "46%"], stillShowZeroSum: false,
      data: slices.map((s) => ({ name: s.name, value: s.value, itemStyle: s.colour ? { color: s.colour } : undefined })),
      label: { show: !empty, formatter: "{b}: {c} ({d}%)" }, labelLine: { show: !empty } }],
  };
}
