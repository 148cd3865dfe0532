/* 粤康码 H5: medical staff (guide 四.(四)) on the resident's session (ykm.session, from the login page). A medic
   scans or pastes the code of the person under medical observation (POST /v1/scan: masked name, document and
   phone, colour and red-code reasons), confirms the prefilled e-notice, adds the observation period, place and
   remarks and submits it (POST /v1/medical/notices, one Idempotency-Key per submission, reused when the same form
   is sent again after a lost answer), sees the notice, and finds the notices they issued under 我的工作台
   (GET /v1/medical/notices). A system admin grants the medical role from the list of table 4-1
   (POST /v1/admin/medical-staff). Anyone else is told the function needs the role, and how it is granted.
   A module on the pages' core (web/core/). */
import * as YKM from "./core/ykm.js";
import { attachScanner } from "./scanner.js";

var SESSION_KEY = "ykm.session";
var MEDICAL = "medical";
var SYSTEM_ADMIN = "system_admin";
var COLOR_LABELS = { GREEN: "绿码", RED: "红码" };
var ID_TYPES = { ID_CARD: "居民身份证", HK_MACAU_PERMIT: "港澳居民来往内地通行证", PASSPORT: "护照",
                 TAIWAN_PERMIT: "台湾居民来往大陆通行证" };
var STAFF_FIELDS = { name: "姓名", phone: "联系电话", unit: "单位名称", position: "职位" };
var NOTICE_FIELDS = ["observation_from", "observation_until", "observation_place", "remarks"];

var session = YKM.loadSession(SESSION_KEY);
var state = {
  home: "scan",
  subject: null, // the scan answer the notice is about
  qr: "",
  attempt: null, // {sent, key}: the notice being submitted, until it succeeds
  historyCursor: null,
};

function $(id) { return document.getElementById(id); }

var api = YKM.apiClient({
  token: function () { return session.token; },
  zhTexts: { failed: "操作失败，请稍后再试", network: "网络连接失败，请检查网络后重试", badBody: "服务返回内容有误" },
});

function hasRole(role) { return (session.roles || []).indexOf(role) >= 0; }

var make = YKM.make; // web/core/forms.js

function today() { return YKM.formatTime(new Date()).slice(0, 10); }

// ---------------------------------------------------------------- failures

// A lapsed session sends back to the login page; anything else is shown above the screen, its field focused.
function showError(failure, form) {
  var box = $("medical-error");
  if (failure && failure.status === 401) {
    YKM.clearSession(SESSION_KEY);
    $("medical-main").hidden = true;
    $("open-workbench").hidden = true;
    $("no-session-text").firstChild.textContent = "登录已过期，请";
    $("no-session").hidden = false;
    return;
  }
  box.textContent = failure ? failure.messageZh || failure.message || "操作失败" : "";
  box.hidden = !failure;
  box.dataset.code = failure ? failure.code : "";
  if (failure && form && failure.field) {
    var wrapper = form.querySelector('[data-field="' + failure.field + '"]');
    var input = wrapper && wrapper.querySelector("input, textarea, select");
    if (input) input.focus();
  }
}

// ---------------------------------------------------------------- views

function go(name) {
  if (name === "home") name = state.home;
  if (name !== "scan" && state.scanner) state.scanner.stop();
  Array.prototype.forEach.call(document.querySelectorAll("[data-view]"), function (view) {
    view.hidden = view.dataset.view !== name;
  });
  showError(null);
  if (name === "scan") openScan();
  if (name === "history") loadHistory(false);
  window.scrollTo(0, 0);
}

// ---------------------------------------------------------------- (2) scan

function openScan() {
  $("scan-qr").value = "";
  // For whoever cannot show their code: the resident page, to open and log in on their own phone.
  YKM.drawQr($("home-qr"), location.origin + location.pathname.replace(/[^/]*$/, ""), "#000000");
  // for a scanner gun; on a touch screen the keyboard would cover the camera button
  if (!(window.matchMedia && window.matchMedia("(pointer: coarse)").matches)) $("scan-qr").focus();
}

// The code from the camera, a hardware scanner's Enter, or the pasted text and 识别粤康码.
function readCode(qr) {
  qr = (qr || "").trim();
  if (!qr) return showError(new YKM.ApiFailure(400, { field: "qr", message_zh: "请先扫描或粘贴粤康码" }), $("scan-form"));
  return YKM.whileBusy($("scan-submit"), function () {
    return api("/v1/scan", { method: "POST", auth: true, body: { qr: qr } })
      .then(function (answer) { showSubject(qr, answer); }, function (failure) { showError(failure, $("scan-form")); });
  }, "识别中…");
}

// ---------------------------------------------------------------- (3) the notice, prefilled from the code

function documentText(item) {
  if (!item.id_masked) return "";
  return (ID_TYPES[item.id_type] || item.id_type || "证件") + " " + item.id_masked;
}

function showSubject(qr, answer) {
  state.subject = answer;
  state.qr = qr;
  state.attempt = null;
  $("subject").dataset.color = answer.color;
  $("subject-name").textContent = answer.name_masked || "";
  $("subject-id").textContent = documentText(answer);
  $("subject-phone").textContent = answer.phone_masked || "未登记";
  $("subject-color").textContent = COLOR_LABELS[answer.color] || answer.color;
  $("subject-color").className = answer.color === "RED" ? "warn" : "";
  $("subject-updated").textContent = answer.status_updated_at ? YKM.formatTime(answer.status_updated_at) : "";
  YKM.renderReasons($("subject-reasons"), $("subject-reasons-section"), answer.reasons || [], function (reason) {
    return { label: reason.label, until: "", guide: reason.guide || "", expanded: false };
  });
  $("subject-green").hidden = answer.color !== "GREEN";
  var form = $("notice-form");
  form.reset();
  $("observation-from").max = today();
  $("observation-until").max = today();
  go("notice");
}

function noticeBody() {
  var body = { qr: state.qr };
  NOTICE_FIELDS.forEach(function (field) {
    var value = $("notice-form").elements[field].value.trim();
    if (value) body[field] = value;
  });
  return body;
}

function onNoticeSubmit(event) {
  event.preventDefault();
  var form = $("notice-form");
  showError(null);
  var body = noticeBody();
  if (body.observation_until && body.observation_until > today()) {
    return showError(new YKM.ApiFailure(400, { field: "observation_until", message_zh: "医学观察尚未结束，结束日期不能晚于今天" }), form);
  }
  if (body.observation_from && body.observation_until && body.observation_from > body.observation_until) {
    return showError(new YKM.ApiFailure(400, { field: "observation_until", message_zh: "观察结束日期早于开始日期" }), form);
  }
  // One Idempotency-Key per submission: sending the same notice again (after a network failure) reuses it, so
  // the server issues it once; a changed form, another person or a success starts a new submission.
  var sent = JSON.stringify(body);
  if (!state.attempt || state.attempt.sent !== sent) state.attempt = { sent: sent, key: YKM.newIdempotencyKey() };
  var key = state.attempt.key;
  YKM.whileBusy($("notice-submit"), function () {
    return api("/v1/medical/notices", { method: "POST", auth: true, body: body, headers: { "Idempotency-Key": key } })
      .then(function (notice) {
        state.attempt = null;
        var card = $("issued-notice");
        card.textContent = "";
        fillNotice(card, notice);
        go("issued");
      }, function (failure) { showError(failure, form); });
  }, "提交中…");
}

function fillNotice(card, notice) {
  card.dataset.noticeId = notice.notice_id;
  var head = make("div", "record-head");
  head.appendChild(make("span", "record-kind", "解除医学观察电子告知书"));
  var when = make("time", "record-time", YKM.formatTime(notice.issued_at));
  when.dateTime = notice.issued_at;
  head.appendChild(when);
  card.appendChild(head);
  var facts = make("dl", "facts");
  var add = function (label, value, testid) {
    if (!value) return;
    facts.appendChild(make("dt", "", label));
    var dd = make("dd", "", value);
    if (testid) dd.setAttribute("data-testid", testid);
    facts.appendChild(dd);
  };
  var by = notice.issued_by || {};
  add("医学观察对象", notice.name_masked, "notice-name");
  add("证件", documentText(notice), "notice-id");
  add("观察期间", notice.observation_from || notice.observation_until
    ? (notice.observation_from || "") + " 至 " + (notice.observation_until || "") : "", "notice-period");
  add("观察地点", notice.observation_place, "notice-place");
  add("备注", notice.remarks, "notice-remarks");
  add("出具单位", [by.unit, by.position].filter(Boolean).join(" "), "notice-unit");
  add("出具人", by.name_masked, "notice-by");
  add("出具时间", YKM.formatTime(notice.issued_at), "notice-time");
  add("告知书编号", notice.notice_id, "notice-number");
  card.appendChild(facts);
}

// ---------------------------------------------------------------- (4) 我的工作台: the notices I issued

function loadHistory(more) {
  var list = $("history-list");
  if (!more) {
    list.textContent = "";
    state.historyCursor = null;
    $("history-empty").hidden = true;
    $("history-more").hidden = true;
  }
  var path = "/v1/medical/notices?limit=20" + (more && state.historyCursor
    ? "&cursor=" + encodeURIComponent(state.historyCursor) : "");
  return api(path, { auth: true }).then(function (page) {
    (page.items || []).forEach(function (notice) {
      var row = make("li", "record");
      row.setAttribute("data-testid", "history-item");
      fillNotice(row, notice);
      list.appendChild(row);
    });
    state.historyCursor = page.next_cursor || null;
    $("history-more").hidden = !state.historyCursor;
    $("history-empty").hidden = list.children.length > 0;
  }, showError);
}

// ---------------------------------------------------------------- system admin: the list of table 4-1

// Rows pasted from a sheet (tabs) or typed (commas): 序号 (optional), 姓名, 联系电话, 单位名称, 职位; a header
// row is skipped. Returns {staff, lines (the text line of each entry), problems}.
function parseStaff(text) {
  var parsed = { staff: [], lines: [], problems: [] };
  text.split(/\r?\n/).forEach(function (line, index) {
    if (!line.trim() || line.indexOf("姓名") >= 0) return;
    var cells = line.split(/\t|,|，/).map(function (cell) { return cell.trim(); });
    while (cells.length > 4 && cells[cells.length - 1] === "") cells.pop();
    if (cells.length === 5 && /^\d*$/.test(cells[0])) cells.shift();
    if (cells.length !== 4) {
      parsed.problems.push("第" + (index + 1) + "行：应为 姓名、联系电话、单位名称、职位 四列（序号可省略）");
      return;
    }
    parsed.staff.push({ name: cells[0], phone: cells[1], unit: cells[2], position: cells[3] });
    parsed.lines.push(index + 1);
  });
  return parsed;
}

function showStaffProblems(problems) {
  var list = $("staff-problems");
  list.textContent = "";
  problems.forEach(function (text) {
    var item = make("li", "record form-error", text);
    item.setAttribute("data-testid", "staff-problem");
    list.appendChild(item);
  });
  list.hidden = problems.length === 0;
}

function onStaffSubmit(event) {
  event.preventDefault();
  showError(null);
  showStaffProblems([]);
  $("staff-done").hidden = true;
  var parsed = parseStaff($("staff-list").value);
  if (parsed.problems.length) return showStaffProblems(parsed.problems);
  if (!parsed.staff.length) {
    return showError(new YKM.ApiFailure(400, { field: "body", message_zh: "请粘贴人员名单" }), $("staff-form"));
  }
  YKM.whileBusy($("staff-submit"), function () {
    return api("/v1/admin/medical-staff", { method: "POST", auth: true, body: parsed.staff }).then(function (answer) {
      $("staff-list").value = "";
      $("staff-done-text").textContent = "已为 " + answer.granted + " 名医护人员开通权限，其使用名单上的手机号码登录后即可出具电子告知书。";
      var list = $("staff-granted");
      list.textContent = "";
      (answer.staff || []).forEach(function (row) {
        var item = make("li", "record", row.name_masked + " · " + row.phone_masked + " · " + row.unit + " · " + row.position);
        item.setAttribute("data-testid", "staff-granted-item");
        list.appendChild(item);
      });
      $("staff-done").hidden = false;
    }, function (failure) {
      var rows = failure.details && failure.details.staff;
      if (!rows) return showError(failure, $("staff-form"));
      showError(failure);
      showStaffProblems(rows.map(function (row) {
        var field = String(row.field || "").split(".")[0];
        return "第" + parsed.lines[row.index] + "行：" + (STAFF_FIELDS[field] ? STAFF_FIELDS[field] + "有误" : "内容有误")
          + "（" + (row.problem_zh || row.problem) + "）";
      }));
    });
  }, "提交中…");
}

// ---------------------------------------------------------------- start

function wire() {
  Array.prototype.forEach.call(document.querySelectorAll("[data-go]"), function (button) {
    button.addEventListener("click", function () { go(button.dataset.go); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-for]"), function (button) {
    button.hidden = !hasRole(button.dataset.for);
  });
  $("open-workbench").addEventListener("click", function () { go("workbench"); });
  state.scanner = attachScanner({ input: $("scan-qr"), form: $("scan-form"), cameraButton: $("scan-camera"),
                                 cameraBox: $("scan-camera-box"), onCode: readCode });
  $("notice-form").addEventListener("submit", onNoticeSubmit);
  $("history-more").addEventListener("click", function () { loadHistory(true); });
  $("staff-form").addEventListener("submit", onStaffSubmit);
}

function start() {
  if (!session) {
    $("no-session").hidden = false;
    return;
  }
  if (!hasRole(MEDICAL) && !hasRole(SYSTEM_ADMIN)) {
    $("not-medical").hidden = false;
    return;
  }
  state.home = hasRole(MEDICAL) ? "scan" : "staff";
  $("medical-main").hidden = false;
  $("open-workbench").hidden = false;
  wire();
  // #history, #staff or #workbench opens that screen directly, for a role it is for
  var asked = (location.hash.match(/^#(scan|history|staff|workbench)$/) || [])[1];
  var allowed = asked === "workbench" || (asked === "staff" ? hasRole(SYSTEM_ADMIN) : hasRole(MEDICAL));
  go(asked && allowed ? asked : "home");
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
