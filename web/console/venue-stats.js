/* 场所统计: a venue's checks over a date range as charts — daily checks and fever, gender, age groups, hourly
   traffic, fever share, checks per inspector (GET /v1/venues/{id}/stats?from=&to=). Counts only: no visitor is
   named (FAQ 9). */

import { COLOURS, barOption, chartCard, disposeCharts, lineOption, mount, pieOption } from "./charts.js";
import { clear, h, kpi } from "./dom.js";
import { rangeStatsView } from "./ranges.js";

const GENDERS = [["male", "男"], ["female", "女"], ["unknown", "未知"]];
const AGE_GROUPS = [["0-17", "0-17岁"], ["18-39", "18-39岁"], ["40-59", "40-59岁"], ["60+", "60岁及以上"],
  ["unknown", "未知"]];

const n = (value) => Number(value || 0);

// The range's numbers: the answer's `range` (checks, fever, gender, ages, hours, inspectors over from..to); a one-day
// answer without it gives the day's. Each inspector's cumulative count comes from the answer's `inspectors`.
export function rangeNumbers(stats) {
  const range = stats.range || null;
  // every bound inspector (the roster, zeros included), then whoever else checked in the range (a device, someone
  // unbound since)
  const inRange = new Map(((range && range.inspectors) || []).map((i) => [i.person_id, i]));
  const roster = (stats.inspectors || []).map((i) => ({ name: i.name_masked || "—",
    value: n(range ? (inRange.get(i.person_id) || {}).checks : i.today), total: n(i.total) }));
  const bound = new Set((stats.inspectors || []).map((i) => i.person_id));
  const others = [...inRange.values()].filter((i) => !bound.has(i.person_id)).map((i) => ({
    name: i.name_masked || (i.device ? "扫码设备" : "—"), value: n(i.checks), total: null }));
  const inspectors = [...roster, ...others];
  return {
    daily: stats.daily || [],
    checks: n(range ? range.checks : stats.checks_today),
    fever: n(range ? range.fever : stats.fever_today),
    gender: (range && range.gender) || stats.gender || {},
    ages: (range && range.age_groups) || stats.age_groups || {},
    hourly: (range && range.hourly) || stats.hourly || new Array(24).fill(0),
    inspectors,
    checksTotal: stats.checks_total,
    feverTotal: stats.fever_total,
  };
}

function render(body, stats, range) {
  const { daily, checks, fever, gender, ages, hourly, inspectors, checksTotal, feverTotal } = rangeNumbers(stats);
  const hours = hourly.map((_, i) => `${String(i).padStart(2, "0")}时`);
  const kpis = h("div", { className: "c-kpis c-kpis-4", "data-testid": "venue-kpis" },
    kpi("查验人次", checks, { testid: "kpi-checks", note: `${range.from} 至 ${range.to}` }),
    kpi("发热人次", fever, { tone: "red", testid: "kpi-fever", note: "查询范围内" }),
    kpi("累计查验", checksTotal, { testid: "kpi-checks-total", note: "场所登记以来" }),
    kpi("累计发热", feverTotal, { tone: "red", testid: "kpi-fever-total", note: "场所登记以来" }));
  const cards = [
    chartCard({ id: "venue-daily", title: "每日查验与发热", wide: true, note: `${range.from} 至 ${range.to}`,
      option: lineOption(daily.map((d) => d.date.slice(5)), [{ name: "查验人次", data: daily.map((d) => n(d.checks)) },
        { name: "发热人次", data: daily.map((d) => n(d.fever)), colour: COLOURS[2] }]),
      columns: [{ label: "日期", cell: (d) => d.date }, { label: "查验人次", className: "c-num", cell: (d) => n(d.checks) },
        { label: "发热人次", className: "c-num", cell: (d) => n(d.fever) }],
      rows: daily }),
  ];
  const pairs = [
    chartCard({ id: "venue-gender", title: "性别分布",
      option: pieOption("性别", GENDERS.map(([key, name]) => ({ name, value: n(gender[key]) }))),
      columns: [{ label: "性别", cell: (r) => r[1] }, { label: "人次", className: "c-num", cell: (r) => n(gender[r[0]]) }],
      rows: GENDERS }),
    chartCard({ id: "venue-ages", title: "年龄分布",
      option: barOption(AGE_GROUPS.map((a) => a[1]), [{ name: "人次", data: AGE_GROUPS.map(([key]) => n(ages[key])) }]),
      columns: [{ label: "年龄段", cell: (r) => r[1] }, { label: "人次", className: "c-num", cell: (r) => n(ages[r[0]]) }],
      rows: AGE_GROUPS }),
    chartCard({ id: "venue-hourly", title: "分时段人流", note: "按查验时间（北京时间）",
      option: barOption(hours, [{ name: "人次", data: hourly.map(n) }]),
      columns: [{ label: "时段", cell: (i) => `${String(i).padStart(2, "0")}:00-${String(i).padStart(2, "0")}:59` },
        { label: "人次", className: "c-num", cell: (i) => n(hourly[i]) }],
      rows: hourly.map((_, i) => i).filter((i) => n(hourly[i]) > 0) }),
    chartCard({ id: "venue-fever", title: "体温情况",
      option: pieOption("体温", [{ name: "正常", value: Math.max(0, checks - fever), colour: COLOURS[1] },
        { name: "发热", value: fever, colour: COLOURS[2] }]),
      columns: [{ label: "体温", cell: (r) => r.name }, { label: "人次", className: "c-num", cell: (r) => r.value }],
      rows: [{ name: "正常", value: Math.max(0, checks - fever) }, { name: "发热", value: fever }] }),
  ];
  const perInspector = chartCard({ id: "venue-inspectors", title: "检测员查验人次",
    option: barOption(inspectors.map((i) => i.name), [{ name: "查询范围内", data: inspectors.map((i) => i.value) }],
      { horizontal: true }),
    columns: [{ label: "检测员", cell: (i) => i.name }, { label: "查询范围内", className: "c-num", cell: (i) => i.value },
      { label: "累计", className: "c-num", cell: (i) => (i.total === null ? "—" : i.total) }],
    rows: inspectors });
  disposeCharts(body);
  clear(body, kpis);
  mount(body, ...cards, h("div", { className: "c-grid-2" }, pairs[0], pairs[1]),
    h("div", { className: "c-grid-2" }, pairs[2], pairs[3]), perInspector);
}

export default rangeStatsView({
  id: "venue",
  title: "场所统计",
  group: "场所",
  place: (grants) => grants.venue,
  prefix: "venue",
  bodyId: "venue-stats",
  note: (venue) => venue.address || "",
  codeLabel: "场所申报码",
  path: (venue) => `/v1/venues/${encodeURIComponent(venue.place_id)}/stats`,
  render,
});
