/* 粤康码管理系统 (/console/): the administrators' login by phone, image captcha and SMS code (guide 四(一)1(3)), then
   the views their grants open — an organization's dashboard and declarations, a venue's statistics, and for
   superiors and system admins the grid approvals, region admins, medical-staff grants and the audit trail. */

import * as YKM from "../core/ykm.js";
import { clear, h } from "./dom.js";
import { api, endSession, onSessionEnd, session, startSession } from "./session.js";
import orgDashboard from "./org-dashboard.js";
import orgDeclarations from "./org-declarations.js";
import venueStats from "./venue-stats.js";
import gridApprovals from "./grid-approvals.js";
import regionAdmins from "./region-admins.js";
import medicalStaff from "./medical-staff.js";
import audit from "./audit.js";

// The side menu, in order; each view: {id, title, group, allowed(grants), open(container, grants)}.
const VIEWS = [orgDashboard, orgDeclarations, venueStats, gridApprovals, regionAdmins, medicalStaff, audit];
const ROLE_NAMES = { system_admin: "系统管理员", region_admin: "区域管理员" };

const $ = (id) => document.getElementById(id);
const state = { grants: null, view: null, captchaId: null, countdown: null };

// ---------------------------------------------------------------- login

function fieldError(field, text) {
  const box = $("login-form").querySelector(`[data-field="${field}"]`);
  const target = $(`login-error-${field}`);
  if (!box || !target) return false;
  target.textContent = text || "";
  if (text) box.dataset.invalid = "true";
  else box.removeAttribute("data-invalid");
  return true;
}

function clearErrors() {
  ["phone", "captcha_answer", "sms_code"].forEach((field) => fieldError(field, ""));
  info("");
}

function info(text, kind) {
  const box = $("login-info");
  box.textContent = text;
  if (kind) box.dataset.kind = kind;
  else box.removeAttribute("data-kind");
}

// The phone with its 区号: a mainland mobile is 11 digits from 1; elsewhere 6 to 11 digits. null when malformed.
function phoneValue() {
  const dial = $("login-dial").value;
  const typed = $("login-phone").value.replace(/[\s-]/g, "").replace(/^\+?(86|852|853|886)(?=\d{8,})/, (all, code) =>
    (`+${code}` === dial ? "" : all));
  if (typed.startsWith("+")) return /^\+\d{7,15}$/.test(typed) ? typed : null;
  if (dial === "+86") return /^1\d{10}$/.test(typed) ? `${dial}${typed}` : null;
  return /^\d{6,11}$/.test(typed) ? `${dial}${typed}` : null;
}

function loadCaptcha() {
  state.captchaId = null;
  $("captcha-answer").value = "";
  return api("/v1/auth/captcha", { method: "POST", auth: false }).then((answer) => {
    state.captchaId = answer.captcha_id;
    $("captcha-image").src = `data:image/png;base64,${answer.image_png_base64}`;
    $("captcha-image").dataset.captchaId = answer.captcha_id;
  }, (failure) => fieldError("captcha_answer", failure.messageZh));
}

function showFailure(failure, fallbackField) {
  const field = failure.field === "captcha_id" ? "captcha_answer" : failure.field;
  if (!fieldError(field, failure.messageZh)) {
    if (!fallbackField || !fieldError(fallbackField, failure.messageZh)) info(failure.messageZh, "error");
  }
  if (failure.retryAfter) info(`${failure.messageZh}（${failure.retryAfter}秒后可重试）`, "error");
}

function countDown(seconds) {
  const button = $("send-code");
  clearInterval(state.countdown);
  let left = seconds;
  const tick = () => {
    if (left <= 0) {
      clearInterval(state.countdown);
      YKM.setDisabled(button, false);
      button.textContent = "重新获取";
      return;
    }
    YKM.setDisabled(button, true);
    button.textContent = `${left}秒后重新发送`;
    left -= 1;
  };
  tick();
  state.countdown = setInterval(tick, 1000);
}

// Says what is wrong with a field and puts the cursor in its input; null, for `return refuse(...)`.
function refuse(field, input, text) {
  fieldError(field, text);
  $(input).focus();
  return null;
}

// The phone typed, or null once refused.
function typedPhone() {
  return phoneValue() || refuse("phone", "login-phone", "请输入正确的手机号码");
}

function sendCode() {
  clearErrors();
  const phone = typedPhone();
  if (!phone) return;
  const answer = $("captcha-answer").value.trim();
  if (!answer) return refuse("captcha_answer", "captcha-answer", "请输入图片验证码");
  YKM.whileBusy($("send-code"), () => api("/v1/auth/sms-code", { method: "POST", auth: false,
    body: { phone, captcha_id: state.captchaId || "", captcha_answer: answer } }).then((sent) => {
    info("验证码已发送，请查收短信");
    $("sms-code").focus();
    return sent;
  }, (failure) => {
    showFailure(failure, "phone");
    return null;
  }).then((sent) => {
    // the captcha is used up by any answer, right or wrong: a fresh one for the next request
    loadCaptcha();
    if (sent) setTimeout(() => countDown(sent.resend_after || 60), 0);
  }), "发送中…");
}

function logIn(event) {
  event.preventDefault();
  clearErrors();
  const phone = typedPhone();
  if (!phone) return;
  const code = $("sms-code").value.trim();
  if (!/^\d{6}$/.test(code)) return refuse("sms_code", "sms-code", "请输入6位短信验证码");
  YKM.whileBusy($("login-submit"), () => api("/v1/auth/sms-login", { method: "POST", auth: false,
    body: { phone, sms_code: code } }).then((answer) => {
    startSession(answer, phone);
    $("sms-code").value = "";
    clearInterval(state.countdown);
    return enter();
  }, (failure) => showFailure(failure, "sms_code")), "登录中…");
}

function showLogin() {
  state.grants = null;
  state.view = null;
  $("app-view").hidden = true;
  $("user-box").hidden = true;
  $("login-view").hidden = false;
  clear($("views"));
  clear($("menu"));
  const button = $("send-code");
  clearInterval(state.countdown);
  YKM.setDisabled(button, false);
  button.textContent = "获取验证码";
  clearErrors();
  loadCaptcha();
  document.title = "登录 - 粤康码管理系统";
}

// ---------------------------------------------------------------- grants and views

// What this person may see: their roles (the session's) and the organization and venue they administer, asked of
// /mine whatever the roles say: a session from the face login carries no org_admin / venue_admin role, and a role
// outlives an admin change (the routes check the place's admin themselves). A region admin has no role of its own:
// GET /v1/admin/region-admins answers their own grants (403 for anyone who is neither).
function loadGrants() {
  const roles = [...(session().roles || [])];
  const mine = (path) => api(path).catch((failure) => {
    if (failure.status === 404 || failure.status === 403) return null;
    throw failure;
  });
  const areas = roles.includes("system_admin") ? Promise.resolve(null) : mine("/v1/admin/region-admins");
  return Promise.all([mine("/v1/orgs/mine"), mine("/v1/venues/mine"), areas]).then(([org, venue, grants]) => {
    const regions = grants && grants.items ? grants.items : [];
    if (regions.length && !roles.includes("region_admin")) roles.push("region_admin");
    return { roles, personId: session().person_id, org, venue, regions };
  });
}

function enter() {
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("user-box").hidden = false;
  const who = session();
  $("user-phone").textContent = maskPhone(who.phone || "");
  $("app-error").hidden = true;
  return loadGrants().then((grants) => {
    state.grants = grants;
    const names = grants.roles.map((role) => ROLE_NAMES[role]).filter(Boolean);
    if (grants.regions.length) {
      names[names.indexOf(ROLE_NAMES.region_admin)] += `（${grants.regions.map((r) => r.region_name || r.region_code)
        .join("、")}）`;
    }
    if (grants.org) names.push("组织机构管理员");
    if (grants.venue) names.push("场所管理员");
    $("user-roles").textContent = names.join(" · ") || "无管理权限";
    buildMenu();
    route();
  }, (failure) => {
    if (!session()) return;
    $("app-error").textContent = failure.messageZh;
    $("app-error").hidden = false;
  });
}

function maskPhone(phone) {
  const digits = phone.replace(/^\+86/, "");
  return digits.length >= 7 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : digits;
}

function allowedViews() {
  return VIEWS.filter((view) => view.allowed(state.grants));
}

function buildMenu() {
  const menu = clear($("menu"));
  let group = null;
  for (const view of allowedViews()) {
    if (view.group !== group) {
      group = view.group;
      menu.append(h("li", { className: "c-menu-group" }, group));
    }
    menu.append(h("li", null, h("a", { href: `#${view.id}`, id: `menu-${view.id}`, dataset: { view: view.id } },
      view.title)));
  }
}

function route() {
  if (!state.grants) return;
  const views = allowedViews();
  const wanted = location.hash.slice(1);
  const view = views.find((v) => v.id === wanted) || views[0] || null;
  $("menu").querySelectorAll("a").forEach((a) => {
    if (view && a.dataset.view === view.id) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
  $("view-none").hidden = !!view;
  $("crumb").textContent = view ? view.title : "暂无管理权限";
  document.title = `${view ? view.title : "首页"} - 粤康码管理系统`;
  const container = $("views");
  if (state.view && state.view.close) state.view.close();
  clear(container);
  state.view = view;
  if (!view) return;
  const section = h("section", { className: "c-view", id: `view-${view.id}` });
  container.append(section);
  view.open(section, state.grants);
}

function init() {
  $("captcha-refresh").addEventListener("click", loadCaptcha);
  $("send-code").addEventListener("click", sendCode);
  $("login-form").addEventListener("submit", logIn);
  $("logout").addEventListener("click", () => endSession());
  window.addEventListener("hashchange", route);
  onSessionEnd(showLogin);
  if (session()) enter();
  else showLogin();
  document.documentElement.dataset.ready = "true";
}

init();
