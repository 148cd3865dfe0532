/* 组织机构看板: an organization's declarations over a date range (guide 四(一)1(3), FAQ 四3) — members, declared and
   not declared on the last day, fever, symptoms and risk answers over the range, and the daily trend. One call:
   GET /v1/orgs/{id}/stats?from=&to= (the day buckets read in one query). */

import { COLOURS, chartCard, disposeCharts, lineOption, mount, pieOption } from "./charts.js";
import { clear, h, kpi, today } from "./dom.js";
import { rangeStatsView } from "./ranges.js";

const SERIES = [
  ["declarations", "申报人次", COLOURS[0]],
  ["declarants", "已申报人数", COLOURS[1]],
  ["undeclared", "未申报人数", COLOURS[6]],
  ["fever", "发热", COLOURS[2]],
  ["symptomatic", "有症状", COLOURS[3]],
  ["risk", "风险申报", COLOURS[4]],
];

// The day's count of `name` from a daily entry (absent counters are zero).
const count = (day, name) => Number(day[name] || 0);
// The range's count of `name`: the answer's `range` sums (a one-day answer without them: its *_today).
const inRange = (stats, name) => Number((stats.range ? stats.range[name] : stats[`${name}_today`]) || 0);

export function render(body, stats, range) {
  const daily = stats.daily || [];
  const lastDay = range.to === today() ? "今日" : range.to;
  const members = stats.members ?? 0;
  // declared and not declared on the range's last day (today's numbers when it is today)
  const last = range.to === today() || !daily.length ? null : daily[daily.length - 1];
  const declared = last ? count(last, "declarants") : Number(stats.declared_members_today || 0);
  const undeclared = last ? count(last, "undeclared") : Number(stats.undeclared_members_today || 0);
  const kpis = h("div", { className: "c-kpis", "data-testid": "org-kpis" },
    kpi("成员数", members, { testid: "kpi-members", note: "当前绑定成员" }),
    kpi(`${lastDay}已申报`, declared, { tone: "green", testid: "kpi-declared" }),
    kpi(`${lastDay}未申报`, undeclared, { tone: "orange", testid: "kpi-undeclared" }),
    kpi("发热人次", inRange(stats, "fever"), { tone: "red", testid: "kpi-fever", note: "查询范围内" }),
    kpi("有症状人次", inRange(stats, "symptomatic"), { tone: "red", testid: "kpi-symptomatic", note: "查询范围内" }),
    kpi("风险申报人次", inRange(stats, "risk"), { tone: "orange", testid: "kpi-risk", note: "接触史、中高风险地区等" }));
  const trend = chartCard({
    id: "org-trend", title: "每日申报趋势", wide: true, note: `${range.from} 至 ${range.to}`,
    option: lineOption(daily.map((d) => d.date.slice(5)), SERIES.map(([key, name, colour]) => ({ name, colour,
      data: daily.map((d) => count(d, key)) }))),
    columns: [{ label: "日期", cell: (d) => d.date }, ...SERIES.map(([key, name]) => ({ label: name,
      className: "c-num", cell: (d) => count(d, key) }))],
    rows: daily,
  });
  const share = chartCard({
    id: "org-declared", title: `${lastDay}申报情况`,
    option: pieOption("申报情况", [{ name: "已申报", value: declared, colour: COLOURS[1] },
      { name: "未申报", value: undeclared, colour: COLOURS[3] }]),
    columns: [{ label: "情况", cell: (r) => r.name }, { label: "人数", className: "c-num", cell: (r) => r.value }],
    rows: [{ name: "已申报", value: declared }, { name: "未申报", value: undeclared }],
  });
  const totals = [["申报人次", "declarations"], ["发热", "fever"], ["有症状", "symptomatic"], ["异常", "abnormal"],
    ["风险申报", "risk"]].map(([label, name]) => [label, inRange(stats, name)]);
  const breakdown = chartCard({
    id: "org-range", title: "范围内合计",
    option: { xAxis: { type: "category", data: totals.map((t) => t[0]) }, yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: "人次", data: totals.map((t) => t[1]), barMaxWidth: 40,
        label: { show: true, position: "top" } }] },
    columns: [{ label: "项目", cell: (t) => t[0] }, { label: "人次", className: "c-num", cell: (t) => t[1] }],
    rows: totals,
  });
  disposeCharts(body);
  clear(body, kpis);
  mount(body, trend, h("div", { className: "c-grid-2" }, share, breakdown));
}

export default rangeStatsView({
  id: "org",
  title: "组织机构看板",
  group: "组织机构",
  place: (grants) => grants.org,
  prefix: "org",
  bodyId: "org-dashboard",
  note: (org) => [org.address, org.level_label || ""].filter(Boolean).join(" · "),
  codeLabel: "组织机构申报码",
  path: (org) => `/v1/orgs/${encodeURIComponent(org.place_id)}/stats`,
  render,
});
