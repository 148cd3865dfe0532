/* 粤康码 H5, the resident page: 我的粤康码信息 (指引 二.(三).3) - oneself's or a member's records, one tab per kind,
   each shown as web/core/records.js words it. */
import { api, byIds, handleAuthFailure, state, withMember } from "./context.js";
import { actionButton, showBox } from "../core/forms.js";
import * as RECORDS from "../core/records.js";
import { REGIONS } from "../inbound-regions.js";

const RECORD_KINDS = RECORDS.KINDS;
const view = { recordKind: null, recordCursor: null };
const el = {};

function init() {
  byIds(el, {
    recordsTabs: "records-tabs", recordsList: "records-list", recordsEmpty: "records-empty",
    recordsError: "records-error", recordsMore: "records-more",
  });
  el.recordsMore.addEventListener("click", function () { loadRecords(true); });
}

function open() { openRecords(view.recordKind || RECORD_KINDS[0][0]); }

function reset() { view.recordKind = null; }

export default { id: "records", init: init, open: open, reset: reset };


function renderRecordTabs() {
  el.recordsTabs.textContent = "";
  RECORD_KINDS.forEach(function (kind) {
    var tab = actionButton("tab", kind[1], "records-tab-" + kind[0], function () { openRecords(kind[0]); });
    tab.setAttribute("role", "tab");
    tab.dataset.kind = kind[0];
    tab.setAttribute("aria-selected", String(view.recordKind === kind[0]));
    el.recordsTabs.appendChild(tab);
  });
}

function openRecords(kind) {
  view.recordKind = kind;
  view.recordCursor = null;
  renderRecordTabs();
  el.recordsList.textContent = "";
  loadRecords(false);
}

function loadRecords(more) {
  var kind = view.recordKind;
  var member = state.member;
  var path = withMember("/v1/me/records?kind=" + encodeURIComponent(kind) + "&limit=20");
  if (more && view.recordCursor) path += "&cursor=" + encodeURIComponent(view.recordCursor);
  showBox(el.recordsError, "");
  el.recordsEmpty.hidden = true;
  return api(path, { auth: true })
    .then(function (page) {
      if (view.recordKind !== kind || state.member !== member) return;
      // Records of every kind render the same way, in Chinese (web/core/records.js); no ids or internal codes.
      (page.items || []).forEach(function (item) {
        el.recordsList.appendChild(RECORDS.recordEntry(item, kind, "zh", countryName));
      });
      view.recordCursor = page.next_cursor || null;
      el.recordsMore.hidden = !view.recordCursor;
      el.recordsEmpty.hidden = el.recordsList.children.length > 0;
    })
    .catch(function (failure) {
      if (view.recordKind !== kind || handleAuthFailure(failure)) return;
      el.recordsMore.hidden = true;
      showBox(el.recordsError, failure.status === 404 && failure.code === "NOT_FOUND" && !failure.field
        ? "该记录查询服务暂未开通，请稍后再试" : "记录加载失败：" + failure.messageZh);
    });
}

function countryName(code) {
  var regions = REGIONS;
  for (var i = 0; i < regions.length; i++) if (regions[i][0] === code) return regions[i][1];
  return null;
}
