/* 粤康码 H5, the resident page: the code (亮码) with its red-code reasons, refreshed every minute and after a failed
   display with backoff, the last code kept for an outage (web/core/lastcode.js), and the three-day display log. */
import { api, byIds, COLORS, expire, handleAuthFailure, sessionExpired, state, withMember } from "./context.js";
import { codeClock } from "../core/codeclock.js";
import { setBusy } from "../core/forms.js";
import * as LAST from "../core/lastcode.js";
import { drawQr as drawQrCode } from "../core/qr.js";
import { renderReasons as renderReasonTags } from "../core/reasons.js";
import { displayLogEntry } from "../core/records.js";
import { formatTime } from "../core/time.js";

const STALE_MODULE = "#9aa0a6"; // a stored code past its bound is drawn grey: its colour may have changed
const CODE_TYPES = { R: "", I: "入境人员粤康码" };
const FAILED_DISPLAY = "亮码失败，可能为系统访问高峰等原因，请稍后刷新或在另外的时间段再试。";

const view = {
  loadingCode: false,
  logCursor: null,
  expandedReasons: {},
  refreshAgain: false,
};
const el = {};
let clock = null; // the code's clock, its minute's refresh and its retries (web/core/codeclock.js)

export function init() {
  byIds(el, {
    codeView: "code-view", codeCard: "code-card", nameMasked: "name-masked", codeType: "code-type",
    clock: "code-clock", qr: "code-qr", codeColor: "code-color", codeUpdated: "code-updated", codeTest: "code-test",
    codeError: "code-error", codeOffline: "code-offline", reasonsSection: "reasons-section", reasons: "reasons",
    refresh: "refresh", displayLog: "display-log", displayLogHead: "display-log-head",
    displayLogEmpty: "display-log-empty", displayLogError: "display-log-error", displayLogMore: "display-log-more",
    medicalOpen: "medical-open", memberRelation: "member-relation",
  });
  clock = codeClock(el.clock, function () { return !document.hidden && !el.codeView.hidden; }, refreshCode);
  el.refresh.addEventListener("click", function () { refreshCode(); });
  el.displayLogMore.addEventListener("click", function () { loadDisplayLog(true); });
  document.addEventListener("visibilitychange", onVisibilityChange);
}

// The code view is shown after logging in: the services the roles open, the clock and the minute's refresh.
export function start() {
  el.codeView.hidden = false;
  syncRoleServices();
  clock.start();
  return refreshCode();
}

// Back on the code from a service: a refresh that fell due meanwhile happens now.
export function shown() {
  el.codeView.hidden = false;
  if (clock.due) refreshCode();
}

export function hide() { el.codeView.hidden = true; }

export function isShown() { return !el.codeView.hidden; }

// Another person's code is to be shown (a family member, or oneself again).
export function memberChanged() {
  el.displayLog.textContent = "";
  view.logCursor = null;
  view.expandedReasons = {};
  el.nameMasked.textContent = state.member ? state.member.name_masked : state.selfName;
  showRelation();
  if (isShown()) refreshCode();
  else clock.due = true;
}

// Logged out: nothing of the last person stays on the card.
export function reset() {
  clock.stop();
  document.body.removeAttribute("data-code-color");
  resetCodeView();
  el.codeCard.dataset.member = "";
  el.memberRelation.hidden = true;
}


function resetCodeView() {
  el.nameMasked.textContent = "";
  el.codeColor.textContent = "";
  el.codeColor.dataset.color = "";
  el.codeCard.dataset.color = "";
  el.codeType.hidden = true;
  el.codeUpdated.textContent = "";
  el.codeTest.textContent = "";
  el.codeTest.hidden = true;
  el.codeError.hidden = true;
  el.codeOffline.textContent = "";
  el.codeOffline.hidden = true;
  el.codeCard.dataset.offline = "";
  el.codeCard.dataset.stale = "";
  el.reasons.textContent = "";
  el.reasonsSection.hidden = true;
  el.displayLog.textContent = "";
  el.displayLogEmpty.hidden = true;
  el.displayLogError.hidden = true;
  el.displayLogMore.hidden = true;
  var ctx = el.qr.getContext("2d");
  ctx.clearRect(0, 0, el.qr.width, el.qr.height);
  el.qr.removeAttribute("data-qr");
  el.qr.removeAttribute("data-modules");
  view.expandedReasons = {};
  view.logCursor = null;
}

export function refreshCode() {
  if (sessionExpired()) {
    expire("登录已过期，请重新登录");
    return Promise.resolve();
  }
  if (view.loadingCode) {
    view.refreshAgain = true; // e.g. another family member was chosen while a code was loading
    return Promise.resolve();
  }
  view.loadingCode = true;
  clock.refreshing();
  setBusy(el.refresh, true, "刷新中…");
  var session = state.session;
  var member = state.member;
  return api(withMember("/v1/me/code"), { auth: true, timeoutMs: LAST.TIMEOUT_MS })
    .then(function (code) {
      if (state.session !== session || state.member !== member) return; // logged out or switched meanwhile
      LAST.save(session.person_id, member && member.person_id, code);
      clock.succeeded();
      renderCode(code);
      el.codeError.hidden = true;
    })
    .catch(function (failure) {
      if (state.session !== session || handleAuthFailure(failure)) return;
      if (state.member !== member) return;
      var stored = LAST.isOutage(failure) ? LAST.load(session.person_id, member && member.person_id) : null;
      if (stored) {
        renderCode(stored.code, stored); // not a blank 亮码失败: the code last shown, labelled with its time
        el.codeError.hidden = true;
      } else {
        // FAQ 2: a failed display says so; the last good code stays with its update time, unless it is someone
        // else's (a family member was just chosen): then no code is better than the wrong person's.
        if ((el.codeCard.dataset.member || "") !== (member ? member.person_id : "")) drawQr("", "#000000");
        el.codeError.textContent = FAILED_DISPLAY + (failure.status ? "（" + failure.messageZh + "）" : "");
        el.codeError.hidden = false;
      }
      if (LAST.isOutage(failure)) clock.retry(failure);
    })
    .then(function () {
      view.loadingCode = false;
      setBusy(el.refresh, false);
      if (view.refreshAgain) {
        view.refreshAgain = false;
        return refreshCode();
      }
      if (state.session) loadDisplayLog(false);
    });
}

// Draws a code: the server's answer, or (offline given: {servedAt, stale} from web/core/lastcode.js) the code last
// shown, labelled 离线显示 with the server's time, and grey with a warning once past the bound.
function renderCode(code, offline) {
  var stale = !!(offline && offline.stale);
  var look = COLORS[code.color] || { label: String(code.color || ""), module: "#000000" };
  el.codeCard.dataset.color = code.color || "";
  el.codeCard.dataset.offline = offline ? "true" : "";
  el.codeCard.dataset.stale = stale ? "true" : "";
  el.codeOffline.textContent = offline ? offlineLabel(offline) : "";
  el.codeOffline.hidden = !offline;
  document.body.dataset.codeColor = stale ? "" : code.color || "";
  el.codeColor.dataset.color = code.color || "";
  el.codeColor.textContent = stale ? look.label + "（待更新）" : look.label;
  el.codeColor.title = look.note || "";
  el.nameMasked.textContent = code.name_masked || "";
  if (!state.member) state.selfName = code.name_masked || "";
  el.codeCard.dataset.member = state.member ? state.member.person_id : "";
  showRelation();
  var typeLabel = CODE_TYPES[code.code_type] || "";
  el.codeType.textContent = typeLabel;
  el.codeType.hidden = !typeLabel;
  el.codeUpdated.textContent = code.updated_at ? "状态更新时间：" + formatTime(code.updated_at) : "";
  var test = code.nucleic_acid;  // FAQ 11: the latest nucleic-acid test from 20 April 2020 on
  el.codeTest.dataset.result = test ? test.result || "" : "";
  el.codeTest.textContent = test ? "最近一次核酸检测：" + ({ NEGATIVE: "阴性", POSITIVE: "阳性" }[test.result] || test.result) +
    "（" + formatTime(test.tested_at) + (test.institution ? "，" + test.institution : "") + "）" : "暂无核酸检测记录";
  el.codeTest.hidden = false;
  drawQr(code.qr || "", stale ? STALE_MODULE : look.module);
  renderReasons(code.color === "RED" ? code.reasons || [] : []);
}

// The switcher names whose code this is: the masked name with the relation (本人, 子女, 父母…), since family
// members often share a masked name (张*丰).
function showRelation() {
  el.memberRelation.textContent = "（" + (state.member ? state.member.relation_label : "本人") + "）";
  el.memberRelation.hidden = false;
}

function drawQr(text, moduleColor) { drawQrOn(el.qr, text, moduleColor); }

export function drawQrOn(canvas, text, moduleColor) {
  var modules = drawQrCode(canvas, text, moduleColor);
  if (modules) canvas.dataset.modules = String(modules);
}

function renderReasons(reasons) {
  renderReasonTags(el.reasons, el.reasonsSection, reasons, function (reason) {
    return {
      label: reason.label || reason.code,
      until: reason.until ? "（至 " + formatTime(reason.until) + "）" : "",
      guide: reason.guide || "暂无解除指引，请联系所在社区。",
      expanded: !!view.expandedReasons[reason.code],
    };
  }, function (reason, open) { view.expandedReasons[reason.code] = open; });
}

function loadDisplayLog(more) {
  var path = withMember("/v1/me/display-log?limit=20");
  if (more && view.logCursor) path += "&cursor=" + encodeURIComponent(view.logCursor);
  if (more) setBusy(el.displayLogMore, true, "加载中…");
  var session = state.session;
  return api(path, { auth: true })
    .then(function (page) {
      if (state.session !== session) return;
      if (!more) el.displayLog.textContent = "";
      (page.items || []).forEach(function (item) { el.displayLog.appendChild(logEntry(item)); });
      view.logCursor = page.next_cursor || null;
      el.displayLogMore.hidden = !view.logCursor;
      el.displayLogEmpty.hidden = el.displayLog.children.length > 0;
      el.displayLogHead.hidden = !el.displayLog.children.length;
      el.displayLogError.hidden = true;
    })
    .catch(function (failure) {
      if (state.session !== session || handleAuthFailure(failure)) return;
      el.displayLogError.textContent = "亮码记录加载失败：" + failure.messageZh;
      el.displayLogError.hidden = false;
    })
    .then(function () { if (more) setBusy(el.displayLogMore, false); });
}

// FAQ 2: each display with whether it succeeded (成功/失败), as web/core/records.js draws it.
function logEntry(item) { return displayLogEntry(item, "zh"); }

function onVisibilityChange() {
  if (!document.hidden && state.session && clock.due && !el.codeView.hidden) refreshCode();
}

// The medical staff's page (medical.html) is offered to sessions holding the medical role, and to system admins
// (who grant it there); nobody else sees the entry.
function syncRoleServices() {
  var roles = (state.session && state.session.roles) || [];
  var medic = roles.indexOf("medical") >= 0;
  el.medicalOpen.hidden = !medic && roles.indexOf("system_admin") < 0;
  el.medicalOpen.textContent = medic ? "出具解除医学观察告知书" : "开通医护人员权限";
}

// The label of a code drawn from the phone's store; on the login page, when this phone still keeps a code (nobody logged out): the service may be down and the session
// gone (an installed page opened anew), so the last own code can be shown, labelled offline, without logging in.
export function offlineLabel(stored, loggedOut) {
  return "离线显示 · 更新于 " + formatTime(stored.servedAt) + (stored.stale
    ? " · 已超过24小时未能更新，健康状态可能已变化，请联网后刷新"
    : loggedOut ? " · 网络或服务繁忙，恢复后请登录刷新" : " · 网络或服务繁忙，恢复后自动刷新");
}
