/* 粤康码 H5, the resident page: what its views share - the session, whose code is shown (oneself or a family
   member), the API client, and the way to another view. */
import { apiClient } from "../core/api.js";

export const SESSION_KEY = "ykm.session";

export const COLORS = {
  GREEN: { label: "绿码", module: "#078a3f", note: "非疫情防控重点人群" },
  RED: { label: "红码", module: "#d8232a", note: "疫情防控重点人群" },
};

export const state = {
  session: null,
  member: null, // the family member whose code is shown, or null for oneself
  selfName: "",
  family: [],
};

export const $ = function (id) { return document.getElementById(id); };

// A view's elements under the names its module uses: fills `el` from {name: "element-id", ...} (at init).
export function byIds(el, ids) {
  Object.keys(ids).forEach(function (name) { el[name] = $(ids[name]); });
}

// failure.messageZh is always a text to show, in Chinese where the server gave one.
export const api = apiClient({
  token: function () { return state.session.token; },
  zhTexts: { failed: "请求失败，请稍后再试", network: "网络连接失败，请检查网络后重试", badBody: "服务返回内容有误" },
});

// The page's views (web/core/views.js), set by main.js: open(name, detail), back() to the code.
export const nav = { open: function () {}, back: function () {} };

let expired = function () {};

// main.js: what a 401 does (back to the login form with a notice).
export function onExpired(handler) { expired = handler; }

export function handleAuthFailure(failure) {
  if (failure.status === 401) {
    expired("登录已过期，请重新登录");
    return true;
  }
  return false;
}

export function sessionExpired() {
  return !state.session || (state.session.expires_at && state.session.expires_at * 1000 <= Date.now());
}

// The path for whoever's code is shown: a family member's adds ?member=<id>.
export function withMember(path) {
  if (!state.member) return path;
  return path + (path.indexOf("?") >= 0 ? "&" : "?") + "member=" + encodeURIComponent(state.member.person_id);
}

export function subjectLabel() {
  return state.member ? state.member.name_masked + "（" + state.member.relation_label + "）" : "本人";
}

// Back to the login form with this notice (the session is over).
export function expire(notice) { expired(notice); }
