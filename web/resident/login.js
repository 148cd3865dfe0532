/* 粤康码 H5, the resident page: logging in (粤省事“粤康码”登录, 指引 二.(二)) by ID card or Hong Kong/Macao permit with
   the face check or the WeChat Pay password, and - while nobody is logged in - the code this phone last showed, for
   when the service cannot be reached. */
import { api, byIds, COLORS, SESSION_KEY, state, $ } from "./context.js";
import { offlineLabel } from "./code.js";
import { focusField as focusFormField, setBusy } from "../core/forms.js";
import * as LAST from "../core/lastcode.js";
import { drawQr } from "../core/qr.js";
import { saveSession as storeSession, takeReturn } from "../core/session.js";

const STALE_MODULE = "#9aa0a6";
const LOGIN_FIELDS = ["id_type", "id_number", "issue_count", "name", "phone", "method", "agreement", "proof"];

const el = {};
let loggedIn = function () {};

// onLoggedIn(): the page shows the code once the server has answered with a session.
export function init(onLoggedIn) {
  loggedIn = onLoggedIn;
  byIds(el, {
    loginView: "login-view", loginNotice: "login-notice", form: "login-form", idType: "id-type",
    idNumber: "id-number", issueRow: "issue-count-row", issueCount: "issue-count", name: "name", phone: "phone",
    methodFace: "method-face", methodWechat: "method-wechat", methodWechatChoice: "method-wechat-choice",
    methodHint: "method-hint", proof: "proof", loginError: "login-error", loginSubmit: "login-submit",
    agreementRow: "agreement-row", agree: "agree", storedCode: "stored-code", storedCodeShow: "stored-code-show",
    storedCodeCard: "stored-code-card", storedCodeName: "stored-code-name", storedCodeOffline: "stored-code-offline",
    storedCodeQr: "stored-code-qr", storedCodeColor: "stored-code-color",
  });
  el.idType.addEventListener("change", syncLoginForm);
  el.form.addEventListener("change", function (event) {
    if (event.target.name === "method") syncLoginForm();
  });
  el.form.addEventListener("input", function (event) {
    if (event.target.name) showFieldError(event.target.name, "");
  });
  el.form.addEventListener("submit", onLoginSubmit);
  el.storedCodeShow.addEventListener("click", showStoredCode);
  syncLoginForm();
  el.loginSubmit.disabled = false; // the form is the page's now (index.html ships the button disabled)
}

// The login form, with a notice (登录已过期) or none.
export function show(notice) {
  el.loginView.hidden = false;
  el.loginNotice.textContent = notice || "";
  el.loginNotice.hidden = !notice;
  syncStoredCode();
}

export function hide() { el.loginView.hidden = true; }

export function isShown() { return !el.loginView.hidden; }

// Logging out: an empty form, the cursor in the ID number.
export function reset() {
  el.form.reset();
  clearErrors();
  syncLoginForm();
}

export function focus() { el.idNumber.focus(); }

function saveSession(answer) {
  return storeSession(SESSION_KEY, {
    token: answer.token,
    person_id: answer.person_id,
    roles: answer.roles || [],
    expires_at: answer.expires_at || null,
  });
}


function isPermit() { return el.idType.value === "HK_MACAU_PERMIT"; }

function selectedMethod() {
  var checked = el.form.querySelector("input[name=method]:checked");
  return checked ? checked.value : "FACE";
}

function syncLoginForm() {
  var permit = isPermit();
  el.issueRow.hidden = !permit;
  el.issueCount.required = permit;
  // 指引 二.(二).2.(2)：通行证持有人先同意用户协议，再刷脸认证
  el.agreementRow.hidden = !permit;
  el.agree.required = permit;
  el.idNumber.placeholder = permit ? "如 H12345678" : "请输入18位身份证号码";
  // 指引 二.(二).2：持港澳居民来往内地通行证人员使用人脸识别登录
  el.methodWechat.disabled = permit;
  el.methodWechatChoice.classList.toggle("disabled", permit);
  if (permit && el.methodWechat.checked) el.methodFace.checked = true;
  el.methodHint.textContent = selectedMethod() === "FACE"
    ? "刷脸时建议临时取下口罩，便于识别。" + (permit ? "通行证持有人仅支持人脸识别登录。" : "")
    : "微信支付密码认证不会产生任何扣费行为。";
}

function clearErrors() {
  LOGIN_FIELDS.forEach(function (field) { showFieldError(field, ""); });
  el.loginError.hidden = true;
  el.loginError.textContent = "";
}

function showFieldError(field, message) {
  var box = $("error-" + field);
  if (!box) return false;
  box.textContent = message;
  box.hidden = !message;
  var wrapper = el.form.querySelector('[data-field="' + field + '"]');
  if (wrapper) wrapper.classList.toggle("invalid", !!message);
  var input = wrapper && wrapper.querySelector("input:not([type=radio]), select");
  if (input) {
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
  return true;
}

function focusField(field) { focusFormField(el.form, field); }

function showFormError(message) {
  el.loginError.textContent = message;
  el.loginError.hidden = !message;
}

function readLoginForm() {
  var body = {
    id_type: el.idType.value,
    id_number: el.idNumber.value.replace(/\s+/g, "").toUpperCase(),
    name: el.name.value.trim(),
    method: isPermit() ? "FACE" : selectedMethod(),
    proof: el.proof.value.trim(),
  };
  if (isPermit()) body.issue_count = el.issueCount.value.trim();
  var phone = el.phone.value.replace(/[\s-]+/g, "");
  if (phone) body.phone = phone;
  return body;
}

// Only the obvious gaps are caught here; the server decides everything else and names the field.
function missingFields(body) {
  var problems = [];
  if (!body.id_number) problems.push(["id_number", "请输入证件号码"]);
  if (body.id_type === "HK_MACAU_PERMIT" && !/^\d{1,2}$/.test(body.issue_count || "")) {
    problems.push(["issue_count", "请填写2位签发次数"]);
  }
  if (body.id_type === "HK_MACAU_PERMIT" && !el.agree.checked) {
    problems.push(["agreement", "请阅读并同意《粤康码用户服务协议》后再刷脸登录"]);
  }
  if (!body.name) problems.push(["name", "请输入姓名"]);
  if (!body.proof) problems.push(["proof", "请输入认证凭据"]);
  return problems;
}

function onLoginSubmit(event) {
  event.preventDefault();
  clearErrors();
  el.loginNotice.hidden = true;
  var body = readLoginForm();
  var problems = missingFields(body);
  if (problems.length) {
    problems.forEach(function (p) { showFieldError(p[0], p[1]); });
    focusField(problems[0][0]);
    return;
  }
  setBusy(el.loginSubmit, true, "登录中…");
  api("/v1/auth/login", { method: "POST", body: body })
    .then(function (answer) {
      state.session = saveSession(answer);
      el.proof.value = el.proof.defaultValue;
      var back = takeReturn(); // a page that sent here to log in first (a venue invitation link, for one)
      if (back) return location.assign(back);
      loggedIn();
    })
    .catch(function (failure) {
      if (failure.field && showFieldError(failure.field, failure.messageZh)) {
        focusField(failure.field);
      } else {
        showFormError(failure.messageZh || "登录失败，请稍后再试");
      }
    })
    .then(function () { setBusy(el.loginSubmit, false); });
}

export function syncStoredCode() {
  var stored = LAST.latestOwn();
  el.storedCode.hidden = !stored;
  el.storedCodeCard.hidden = true;
  el.storedCodeShow.setAttribute("aria-expanded", "false");
  drawQr(el.storedCodeQr, "", "#000000");
}

function showStoredCode() {
  var stored = LAST.latestOwn();
  if (!stored) return syncStoredCode();
  var code = stored.code;
  var look = COLORS[code.color] || { label: String(code.color || ""), module: "#000000" };
  el.storedCodeCard.dataset.color = code.color || "";
  el.storedCodeCard.dataset.stale = stored.stale ? "true" : "";
  el.storedCodeName.textContent = code.name_masked || "";
  el.storedCodeOffline.textContent = offlineLabel(stored, true);
  el.storedCodeColor.dataset.color = code.color || "";
  el.storedCodeColor.textContent = stored.stale ? look.label + "（待更新）" : look.label;
  el.storedCodeCard.hidden = false;
  el.storedCodeShow.setAttribute("aria-expanded", "true");
  drawQr(el.storedCodeQr, code.qr, stored.stale ? STALE_MODULE : look.module);
}
