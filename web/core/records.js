/* 粤康码 H5: how a health record (GET /v1/me/records) and a display-log entry (GET /v1/me/display-log) are shown to
   a person, in Chinese or in English — shared by the resident page (web/resident/) and the inbound page (inbound.js).
   Only the fields listed here are shown, each under its label and with its value in words; anything else the API
   sends (record ids, venue ids, internal codes) is not shown. A module. */
import { formatTime } from "./time.js";


// [kind, Chinese, English]: the order of the guide's list (指引 二.(三).3).
export const KINDS = [
  ["nucleic_acid", "核酸检测记录", "Nucleic acid tests"],
  ["antibody", "抗体检测记录", "Antibody tests"],
  ["health_certificate", "健康证明", "Health certificate"],
  ["release_notice", "解除医学观察电子告知书", "Medical observation release notices"],
  ["entry_registration", "入粤登记", "Entry registrations (Guangdong)"],
  ["inbound_entry", "入境情况记录", "Entries into China"],
  ["declaration", "健康申报记录", "Health declarations"],
  ["display", "亮码记录", "Code displays"],
  ["temperature", "体温检测记录", "Temperature checks"],
];

// kind -> [[field, Chinese label, English label], ...]; "details.x" reads item.details.x.
const FIELDS = {
  nucleic_acid: [["result", "检测结果", "Result"], ["institution", "检测机构", "Institution"]],
  antibody: [["result", "检测结果", "Result"], ["institution", "检测机构", "Institution"]],
  health_certificate: [["status", "健康状态", "Health status"]],
  release_notice: [
    ["observation_from", "医学观察开始日期", "Observation from"],
    ["observation_until", "医学观察结束日期", "Observation until"],
    ["observation_place", "医学观察地点", "Place of observation"],
    ["unit", "出具单位", "Issued by (unit)"],
    ["issued_by", "出具人", "Issued by"],
    ["position", "出具人职务", "Issuer's position"],
    ["remarks", "备注", "Remarks"],
    ["source", "来源", "Source"],
  ],
  entry_registration: [
    ["details.from_province", "出发省份", "From (province)"], ["details.from_city", "出发城市", "From (city)"],
    ["details.arrival_date", "抵粤日期", "Arrived on"], ["details.destination", "目的地", "Destination"],
    ["details.city", "城市", "City"], ["details.port", "入粤口岸", "Port"], ["details.vehicle", "交通工具", "Transport"],
  ],
  inbound_entry: [
    ["country", "国家/地区", "Country/Region"], ["doc_type", "证件类型", "Document"],
    ["doc_number", "证件号码", "Document number"], ["entry_date", "入境日期", "Entry date"],
    ["port", "入境口岸", "Port of entry"], ["vehicle", "交通工具", "Flight / vehicle"],
  ],
  declaration: [
    ["type_label", "申报类型", "Type"], ["temperature_c", "体温", "Temperature"],
    ["symptom_labels", "症状", "Symptoms"], ["answers", "申报内容", "Answers"],
    ["declared_by_guardian", "申报人", "Declared by"],
  ],
  display: [["color", "码色", "Colour"], ["code_type", "码类型", "Code"], ["status", "亮码结果", "Result"]],
  temperature: [
    ["place_name", "场所", "Place"], ["temperature", "体温", "Temperature"], ["check_kind", "检测方式", "Checked by"],
    ["color", "码色", "Colour"],
  ],
};

// Values in words, per field where one code means different things in different places.
const VALUES = {
  result: { NEGATIVE: ["阴性", "Negative"], POSITIVE: ["阳性", "Positive"] },
  status: {
    LOW_RISK: ["低风险", "Low risk"], MEDIUM_RISK: ["中风险", "Medium risk"], HIGH_RISK: ["高风险", "High risk"],
    SUCCESS: ["成功", "Succeeded"], FAILED: ["失败", "Failed"],
  },
  source: { medical: ["医护人员出具", "Issued by medical staff"], feed: ["卫生健康部门", "Health authority"] },
  doc_type: {
    PASSPORT: ["护照", "Passport"], TAIWAN_PERMIT: ["台湾居民来往大陆通行证", "Taiwan residents' permit"],
    HK_MACAU_PERMIT: ["港澳居民来往内地通行证", "HK/Macao residents' permit"], ID_CARD: ["居民身份证", "ID card"],
  },
  color: { GREEN: ["绿码", "Green"], RED: ["红码", "Red"], YELLOW: ["黄码", "Yellow"] },
  code_type: { R: ["粤康码", "Yuekang Code"], I: ["入境人员粤康码", "Inbound traveller's code"],
    P: ["实体粤康码", "Printed code"] },
  temperature: { NORMAL: ["正常", "Normal"], FEVER: ["发热", "Fever"] },
  check_kind: { VENUE_CHECK: ["检测员扫码", "Inspector's scan"], QUICK_CHECKIN: ["快速打卡", "Quick check-in"],
    GRID_COLLECTION: ["网格员采集", "Grid worker"] },
  declared_by_guardian: { "true": ["监护人代为申报", "A guardian"], "false": null },
};
const YES_NO = { "true": ["是", "Yes"], "false": ["否", "No"] };
// Answers the form adds to the yes/no questions, which the API does not label.
const ANSWER_LABELS = { current_city: ["目前所在城市", "Current city"], remarks: ["备注", "Remarks"] };

function lang(language) { return language === "en" ? 1 : 0; }

export function kindLabel(kind, language) {
  for (var i = 0; i < KINDS.length; i++) if (KINDS[i][0] === kind) return KINDS[i][1 + lang(language)];
  return "";
}

function read(item, field) {
  if (field.indexOf("details.") === 0) return (item.details || {})[field.slice(8)];
  return item[field];
}

// A display the server could not complete says so; until every entry carries `status`, one without it (and
// without a failed `result`) succeeded.
export function displaySucceeded(item) {
  var outcome = item.status || item.result;
  return !outcome || /^(SUCCESS|SUCCEEDED|OK)$/i.test(String(outcome));
}

// The value in words, or null when there is nothing to show. countryName(code) names a country for the page.
function valueText(field, value, language, countryName) {
  var index = lang(language);
  if (value === null || value === undefined || value === "") return null;
  if (Array.isArray(value)) {
    if (!value.length) return index ? "None" : "无";
    return value.map(function (v) { return valueText(field, v, language, countryName); })
      .filter(function (v) { return v !== null; }).join(index ? ", " : "、");
  }
  if (typeof value === "object") return null; // a structure without a field list is not for people
  var key = String(value);
  var words = VALUES[field] && Object.prototype.hasOwnProperty.call(VALUES[field], key) ? VALUES[field][key] : undefined;
  if (words === null) return null;
  if (words) return words[index];
  if (typeof value === "boolean") return YES_NO[key][index];
  if (field === "country" && countryName) return countryName(key) || key;
  if (field === "temperature_c") return key + " °C";
  if (/^\d{4}-\d{2}-\d{2}T/.test(key)) return formatTime(key);
  return key;
}

// [[label, value text, field], ...] of one record, in the order of FIELDS. answerLabels: a declaration's questions.
export function facts(item, kind, language, countryName) {
  var index = lang(language);
  var rows = [];
  var record = kind === "display" ? Object.assign({}, item, { status: displaySucceeded(item) ? "SUCCESS" : "FAILED" })
    : item;
  (FIELDS[kind] || []).forEach(function (spec) {
    var field = spec[0].replace(/^details\./, "");
    var value = read(record, spec[0]);
    var text = field === "answers" ? answersText(value, item.answer_labels, index)
      : valueText(field, value, language, countryName);
    if (text !== null && text !== "") rows.push([spec[1 + index], text, field]);
  });
  return rows;
}

// A declaration's answers under the questions as the form asked them ("14天内是否……：否"); questions the API
// does not label are not shown.
function answersText(answers, labels, index) {
  var label = function (k) {
    return (labels && labels[k]) || (ANSWER_LABELS[k] && ANSWER_LABELS[k][index]) || null;
  };
  var keys = Object.keys(answers || {}).filter(label);
  if (!keys.length) return null;
  return keys.map(function (k) {
    var value = answers[k];
    return label(k) + (index ? ": " : "：") + (typeof value === "boolean" ? YES_NO[String(value)][index] : String(value));
  }).join(index ? "; " : "；");
}

// One row of the display log (亮码记录, FAQ 2): when, which colour, which code, and whether the display succeeded.
export function displayLogEntry(item, language) {
  var index = lang(language);
  var succeeded = displaySucceeded(item);
  var row = document.createElement("li");
  row.className = "log-entry";
  row.dataset.color = item.color || "";
  row.dataset.status = succeeded ? "SUCCESS" : "FAILED";
  row.setAttribute("data-testid", "display-log-item");
  var cells = [
    ["time", "log-time", formatTime(item.at)],
    ["color", "log-color", valueText("color", item.color, language) || ""],
    ["code_type", "log-type", valueText("code_type", item.code_type || "R", language) || ""],
    ["status", "log-result", VALUES.status[succeeded ? "SUCCESS" : "FAILED"][index]],
  ];
  cells.forEach(function (cell) {
    var node = document.createElement(cell[0] === "time" ? "time" : "span");
    node.className = cell[1];
    node.textContent = cell[2];
    if (cell[0] === "time") node.dateTime = item.at || "";
    if (cell[0] === "status") {
      node.dataset.result = row.dataset.status;
      node.setAttribute("data-testid", "display-log-status");
    }
    row.appendChild(node);
  });
  return row;
}

// One record (我的粤康码信息): its kind and time, then the fields a person reads under their labels, in `language`;
// no ids or internal codes. countryName(code) names a country of the inbound records.
export function recordEntry(item, kind, language, countryName) {
  kind = item.kind || kind;
  var row = document.createElement("li");
  row.className = "record";
  row.dataset.kind = kind;
  row.setAttribute("data-testid", "record-item");
  var head = document.createElement("div");
  head.className = "record-head";
  var label = document.createElement("span");
  label.className = "record-kind";
  label.textContent = kindLabel(kind, language);
  var when = document.createElement("time");
  when.className = "record-time";
  when.dateTime = item.at || "";
  when.textContent = formatTime(item.at);
  head.appendChild(label);
  head.appendChild(when);
  row.appendChild(head);
  var list = document.createElement("dl");
  list.className = "facts";
  facts(item, kind, language, countryName).forEach(function (fact) {
    var term = document.createElement("dt");
    term.textContent = fact[0];
    var value = document.createElement("dd");
    value.textContent = fact[1];
    value.dataset.field = fact[2];
    list.appendChild(term);
    list.appendChild(value);
  });
  row.appendChild(list);
  return row;
}
