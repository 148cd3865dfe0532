/* 粤康码(入境人员) H5: first use, return visit by captcha + SMS code, the code, companions, the health records and the
   display log of oneself or a companion — in Chinese or English. Each view is an entry of the browser's history.
   A module on the pages' core (web/core/). */
import { codeClock } from "./core/codeclock.js";
import * as LAST from "./core/lastcode.js";
import * as RECORDS from "./core/records.js";
import * as YKM from "./core/ykm.js";
import { REGIONS } from "./inbound-regions.js";

var SESSION_KEY = "ykm.inbound.session";
var LANG_KEY = "ykm.lang";
var APPLIED_KEY = "ykm.inbound.applied";
var RESEND_SECONDS = 60;
var MODULE_COLORS = { GREEN: "#078a3f", RED: "#d8232a" };
var STALE_MODULE = "#9aa0a6"; // a stored code past its bound (web/core/lastcode.js) is drawn grey
var PERMITS = { TAIWAN_PERMIT: true, HK_MACAU_PERMIT: true };
// RECORDS (web/core/records.js): which fields of a record a traveller sees, in both languages
// The records an inbound traveller has (FAQ (二) 1: no declarations; no 入粤登记, which is for domestic arrivals).
var RECORD_KINDS = ["inbound_entry", "nucleic_acid", "antibody", "release_notice", "temperature"];
var VIEWS = { apply: "apply-view", "return": "return-view", code: "code-view", records: "records-view", log: "log-view" };
var SIGNED_IN_VIEWS = { code: true, records: true, log: true };

// Every text of the page, in both languages (the guide's Language toggle).
var TEXT = {
  zh: {
    title: "粤康码(入境人员)",
    langAria: "Switch to English",
    applyHeading: "基本信息",
    name: "姓名",
    namePlaceholder: "请按证件填写，先姓后名",
    nameHint: "护照上的 SURNAME 在前，GIVEN NAMES 在后；横线“-”可用空格代替",
    tipsHeading: "请注意以下几个细节：",
    tip1: "请输入入境时使用的护照号和姓名；入境后更换过护照的，请尝试使用旧的护照号和姓名；",
    tip2: "姓名请使用英文字母输入；",
    tip3: "先姓后名（护照上的 SURNAME 在前，GIVEN NAMES 在后）；若提示不一致，可尝试把姓和名的次序调换；",
    tip4: "姓名头尾不要有空格，姓名中间的空格保留；",
    tip5: "姓名中间有英文横线“-”的，用空格代替。",
    country: "国家/地区",
    countryChoose: "请选择",
    docType: "证件类型",
    docPassport: "护照",
    docTaiwan: "台湾居民来往大陆通行证",
    docHkMacau: "港澳居民来往内地通行证",
    docNumber: "证件号码",
    pleaseEnter: "请输入",
    issueCount: "签发次数",
    issueCountPlaceholder: "证件上的2位签发次数，如 01",
    phone: "手机号码",
    phonePlaceholder: "用于接收粤康码网址短信",
    dialCode: "区号",
    applySubmit: "申领粤康码",
    applying: "申领中…",
    toReturn: "已申领过？手机号验证登录",
    returnHeading: "手机号验证",
    returnPhonePlaceholder: "申领时填写的手机号码",
    captcha: "图片验证码",
    captchaRefresh: "看不清，换一张",
    smsCode: "短信验证码",
    sendCode: "发送验证码",
    sending: "发送中…",
    resendIn: "{s}秒后重新发送",
    codeSent: "验证码已发送至 {phone}，5分钟内有效",
    confirm: "确定",
    loggingIn: "验证中…",
    toApply: "首次使用？填写基本信息申领",
    showing: "当前：",
    self: "本人",
    switchCompanion: "切换同行人",
    switchEmpty: "暂无同行人员，可在页面底部“我的同行人员信息”添加",
    codeTitle: "粤康码",
    codeType: "入境人员粤康码",
    qrLabel: "粤康码二维码",
    GREEN: "绿码",
    RED: "红码",
    updated: "状态更新时间：{time}",
    reasonsHeading: "红码原因（点击查看解除指引）",
    reasonUntil: "（至 {time}）",
    refresh: "刷新",
    refreshing: "刷新中…",
    failedDisplay: "亮码失败，可能为系统访问高峰等原因，请稍后刷新或在另外的时间段再试。",
    offlineShown: "离线显示 · 更新于 {time} · 网络或服务繁忙，恢复后自动刷新",
    offlineStale: "离线显示 · 更新于 {time} · 已超过24小时未能更新，健康状态可能已变化，请联网后刷新",
    myCompanions: "我的同行人员信息",
    companionEmpty: "暂无同行人员",
    addCompanion: "添加同行人员",
    addCompanionHint: "适用于同行的未成年人、老年人等不便使用手机的人员；姓名与证件需与入境记录一致。",
    addCompanionSubmit: "添加",
    adding: "添加中…",
    companionAdded: "已添加同行人员 {name}",
    showCode: "查看粤康码",
    remove: "删除",
    removeConfirm: "确定删除同行人员 {name}？",
    logout: "退出",
    linkSent: "申领成功，粤康码网址已通过短信发送至 {phone}，再次使用请访问该网址。",
    applied: "申领成功。",
    sessionExpired: "登录已过期，请通过手机号验证重新登录",
    required: "请填写此项",
    chooseCountry: "请选择国家/地区",
    issueCountRule: "请填写2位签发次数",
    captchaRequired: "请输入图片验证码",
    smsCodeRule: "请输入6位短信验证码",
    network: "网络连接失败，请检查网络后重试",
    failed: "请求失败，请稍后再试",
    servicesLabel: "粤康码服务",
    myRecords: "我的粤康码信息",
    displayLog: "亮码记录",
    displayLogHeading: "亮码记录（近三天）",
    back: "‹ 返回",
    noRecords: "暂无记录",
    noDisplays: "近三天暂无亮码记录",
    more: "加载更多",
    logTime: "亮码时间",
    logColor: "码色",
    logStatus: "状态",
  },
  en: {
    title: "Yuekang Code (Inbound)",
    langAria: "切换为中文",
    applyHeading: "Basic information",
    name: "Full name",
    namePlaceholder: "As on your passport, surname first",
    nameHint: "SURNAME first, then GIVEN NAMES, as on the passport; a hyphen \"-\" may be typed as a space",
    tipsHeading: "Please check the following:",
    tip1: "Use the passport number and name you entered China with; if you have changed passports since, try the old passport's number and name;",
    tip2: "Type the name in English letters;",
    tip3: "Surname first (SURNAME, then GIVEN NAMES, as on the passport); if it still does not match, try given names first;",
    tip4: "No spaces before or after the name; keep the spaces between its parts;",
    tip5: "A hyphen \"-\" in the name may be replaced with a space.",
    country: "Country/Region",
    countryChoose: "Please choose",
    docType: "Document type",
    docPassport: "Passport",
    docTaiwan: "Mainland Travel Permit for Taiwan Residents",
    docHkMacau: "Mainland Travel Permit for Hong Kong and Macao Residents",
    docNumber: "Document number",
    pleaseEnter: "Please enter",
    issueCount: "Issue count",
    issueCountPlaceholder: "The 2-digit issue count on the permit, e.g. 01",
    phone: "Mobile number",
    phonePlaceholder: "The page link will be sent here",
    dialCode: "Country code",
    applySubmit: "Apply for Yuekang Code",
    applying: "Applying…",
    toReturn: "Applied before? Log in with your phone",
    returnHeading: "Phone verification",
    returnPhonePlaceholder: "The number you applied with",
    captcha: "Image code",
    captchaRefresh: "Another image",
    smsCode: "SMS code",
    sendCode: "Send code",
    sending: "Sending…",
    resendIn: "Resend in {s}s",
    codeSent: "A code was sent to {phone}; it is valid for 5 minutes",
    confirm: "Confirm",
    loggingIn: "Verifying…",
    toApply: "First time? Apply with your basic information",
    showing: "Showing: ",
    self: "Myself",
    switchCompanion: "Switch companion",
    switchEmpty: "No companions yet; add them under \"My companions\" at the bottom of the page",
    codeTitle: "Yuekang Code",
    codeType: "Inbound traveller's code",
    qrLabel: "Yuekang Code QR code",
    GREEN: "Green",
    RED: "Red",
    updated: "Status updated: {time}",
    reasonsHeading: "Why the code is red (tap for how to clear it)",
    reasonUntil: " (until {time})",
    refresh: "Refresh",
    refreshing: "Refreshing…",
    failedDisplay: "The code could not be shown, perhaps because the system is busy. Please refresh later.",
    offlineShown: "Offline · updated {time} · the service cannot be reached; the code refreshes once it is back",
    offlineStale: "Offline · updated {time} · over 24 hours old: the health status may have changed; " +
      "connect and refresh",
    myCompanions: "My companions",
    companionEmpty: "No companions yet",
    addCompanion: "Add a companion",
    addCompanionHint: "For children, elderly people and others travelling with you who cannot use a phone; name and document must match their entry record.",
    addCompanionSubmit: "Add",
    adding: "Adding…",
    companionAdded: "{name} was added",
    showCode: "Show code",
    remove: "Remove",
    removeConfirm: "Remove companion {name}?",
    logout: "Log out",
    linkSent: "Done. The link to this page was sent by SMS to {phone}; open it to see your code again.",
    applied: "Done.",
    sessionExpired: "Your session has expired; please log in with your phone",
    required: "Please fill this in",
    chooseCountry: "Please choose a country or region",
    issueCountRule: "Enter the 2-digit issue count",
    captchaRequired: "Please enter the image code",
    smsCodeRule: "Enter the 6-digit SMS code",
    network: "Network error; check your connection and try again",
    failed: "Something went wrong; please try again later",
    servicesLabel: "Services",
    myRecords: "My health records",
    displayLog: "Code display log",
    displayLogHeading: "Code displays (last 3 days)",
    back: "‹ Back",
    noRecords: "No records",
    noDisplays: "No displays in the last three days",
    more: "Load more",
    logTime: "Time",
    logColor: "Colour",
    logStatus: "Result",
  },
};
var $ = function (id) { return document.getElementById(id); };
var el = {};
var clock = null; // the code's clock and refreshes (web/core/codeclock.js)
var state = {
  lang: "zh",
  session: null,
  member: null,
  companions: [],
  code: null,
  captchaId: null,
  resendUntil: 0,
  countdownTimer: null,
  loadingCode: false,
  notice: null,
  returnInfo: null,
  view: null,
  records: pagedList(null), // the records of one kind (records.kind) of whoever is shown
  log: pagedList(null), // their display log
};

// ---------------------------------------------------------------- language

function t(key, vars) {
  var text = (TEXT[state.lang] && TEXT[state.lang][key]) || TEXT.zh[key] || key;
  Object.keys(vars || {}).forEach(function (name) { text = text.split("{" + name + "}").join(vars[name]); });
  return text;
}

function initialLanguage() {
  var saved = null;
  try { saved = localStorage.getItem(LANG_KEY); } catch (e) { saved = null; }
  if (saved === "zh" || saved === "en") return saved;
  return /^zh/i.test(navigator.language || "") ? "zh" : "en";
}

function applyLanguage() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.title = t("title");
  document.querySelectorAll("[data-i18n]").forEach(function (node) { node.textContent = t(node.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach(function (node) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  });
  document.querySelectorAll("[data-i18n-aria-label]").forEach(function (node) {
    node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
  });
  el.langToggle.setAttribute("aria-label", t("langAria"));
  fillRegions();
  // Messages already on screen are re-rendered from what they were made of.
  document.querySelectorAll(".field-error, .form-error, .notice, #return-info").forEach(function (node) {
    if (node.ykmMessage) node.textContent = render(node.ykmMessage);
  });
  renderHolder();
  renderSwitcher();
  renderCompanions();
  if (state.code) renderCode(state.code, state.offline);
  renderCountdown();
  renderRecordTabs();
  renderRecords();
  renderLog();
}

function toggleLanguage() {
  state.lang = state.lang === "zh" ? "en" : "zh";
  try { localStorage.setItem(LANG_KEY, state.lang); } catch (e) { /* private mode: this page only */ }
  applyLanguage();
}

// A message is kept as its parts, so it can be shown again in the other language.
function render(message) {
  if (message.failure) {
    var failure = message.failure;
    if (!failure.status) return t("network");
    return (state.lang === "zh" ? failure.messageZh || failure.message : failure.message || failure.messageZh) ||
      t("failed");
  }
  return t(message.key, message.vars);
}

function say(node, message) {
  node.ykmMessage = message || null;
  node.textContent = message ? render(message) : "";
  node.hidden = !message;
}

// ---------------------------------------------------------------- regions (国家/地区, 区号)

function regionName(row) { return state.lang === "zh" ? row[1] : row[2]; }

function fillRegions() {
  var rows = REGIONS.slice();
  var collator = new Intl.Collator(state.lang === "zh" ? "zh-Hans-CN-u-co-pinyin" : "en");
  var byName = function (a, b) { return collator.compare(regionName(a), regionName(b)); };
  var pinned = rows.slice(0, 4); // 中国大陆、香港、澳门、台湾, as the guide's 区号 list starts
  var rest = rows.slice(4).sort(byName);
  fillSelect(el.applyCountry, rows.slice().sort(byName), function (row) { return regionName(row); }, true);
  [el.applyDial, el.returnDial].forEach(function (select) {
    fillSelect(select, pinned.concat(rest), function (row) { return regionName(row) + "(+" + row[3] + ")"; }, false);
    if (!select.value) select.value = "CN";
  });
}

function fillSelect(select, rows, label, withPrompt) {
  var chosen = select.value;
  select.textContent = "";
  if (withPrompt) {
    var prompt = document.createElement("option");
    prompt.value = "";
    prompt.textContent = t("countryChoose");
    select.appendChild(prompt);
  }
  rows.forEach(function (row) {
    var option = document.createElement("option");
    option.value = row[0];
    option.dataset.dial = String(row[3]);
    option.textContent = label(row);
    select.appendChild(option);
  });
  select.value = chosen;
}

function fullPhone(select, input) {
  var typed = input.value.replace(/[\s()-]+/g, "");
  if (!typed) return "";
  if (typed.charAt(0) === "+") return typed;
  var option = select.options[select.selectedIndex];
  return "+" + (option ? option.dataset.dial : "86") + typed.replace(/^0+/, "");
}

function maskPhone(phone) {
  return phone.length > 7 ? phone.slice(0, phone.length - 8) + "****" + phone.slice(-4) : phone;
}

// ---------------------------------------------------------------- time and API

var formatTime = YKM.formatTime;

// Failures are worded by render(), in the page's language: no Chinese fallback texts here.
var api = YKM.apiClient({ token: function () { return state.session.token; } });

function setBusy(button, busy, key) {
  if (busy) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = t(key);
  } else {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = t(button.dataset.i18n);
  }
}

// ---------------------------------------------------------------- session and views

function loadSession() { return YKM.loadSession(SESSION_KEY); }

function saveSession(answer) {
  var session = YKM.saveSession(SESSION_KEY,
    { token: answer.token, person_id: answer.person_id, expires_at: answer.expires_at || null });
  try { localStorage.setItem(APPLIED_KEY, "1"); } catch (e) { /* private mode */ }
  return session;
}

function showView(name) {
  state.view = name;
  Object.keys(VIEWS).forEach(function (view) { $(VIEWS[view]).hidden = view !== name; });
  document.body.dataset.view = name;
  if (!SIGNED_IN_VIEWS[name]) {
    clock.stop();
    document.body.removeAttribute("data-code-color");
  }
  if (name === "return" && !state.captchaId) loadCaptcha();
  if (name === "code" && clock.due) refreshCode();
  if (name === "records") openRecords(state.records.kind || RECORD_KINDS[0]);
  if (name === "log") openLog();
  window.scrollTo(0, 0);
}

// The phone's back button steps back through the views: a service returns to the code, the SMS login to the
// application form, instead of leaving the page. Opening a view pushes an entry; back (or ‹ 返回) pops it.
function openView(name) {
  if (name === state.view) return;
  if (name === "code" && history.state && history.state.ykmView === state.view && state.view !== "code") {
    history.back();
    return;
  }
  history.pushState({ ykmView: name }, "", "#" + name);
  showView(name);
}

// A view reached without a step of its own (start, login, logout): it replaces the current entry.
function settleView(name) {
  history.replaceState({ ykmView: name }, "", location.pathname + location.search + (name === "code" ? "" : "#" + name));
  showView(name);
}

function onPopState(event) {
  var name = (event.state && event.state.ykmView) || (state.session ? "code" : "apply");
  if (!VIEWS[name]) name = "code";
  // Signed in, the forms are behind; signed out, the code is: stay on this side of the login.
  if (state.session && !SIGNED_IN_VIEWS[name]) return settleView("code");
  if (!state.session && SIGNED_IN_VIEWS[name]) return settleView("return");
  showView(name);
}

function notice(message) { say(el.pageNotice, message); }

// Signed out (logged out, or the session ended): nothing of the last person stays; back to the SMS login.
function signOut(message) {
  forgetServices();
  state.session = null;
  state.member = null;
  state.code = null;
  state.offline = null;
  state.companions = [];
  YKM.clearSession(SESSION_KEY);
  notice(message);
  settleView("return");
}

function sessionEnded() { signOut({ key: "sessionExpired" }); }

function handleAuthFailure(failure) {
  if (failure.status === 401) {
    sessionEnded();
    return true;
  }
  return false;
}

// GET path for the signed-in traveller: use(page) takes the answer while wanted() (the same list of the same
// person) still holds; an answer that arrives after the traveller moved on is dropped, and a failure is said in
// errorBox unless it ended the session.
function readList(path, errorBox, wanted, use) {
  var session = state.session;
  return api(path, { auth: true })
    .then(function (page) {
      if (state.session === session && wanted()) use(page);
    })
    .catch(function (failure) {
      if (state.session !== session || handleAuthFailure(failure) || !wanted()) return;
      say(errorBox, { failure: failure });
    });
}

function enterCodeView() {
  state.member = null;
  settleView("code");
  renderHolder();
  clock.start();
  refreshCode();
  loadCompanions();
}

// ---------------------------------------------------------------- forms: shared

function clearForm(form, prefix) {
  form.querySelectorAll(".field-error").forEach(function (node) { say(node, null); });
  form.querySelectorAll(".field.invalid").forEach(function (node) { node.classList.remove("invalid"); });
  var general = $(prefix + "-error");
  if (general) say(general, null);
}

function fieldError(form, prefix, field, message) {
  var box = $(prefix + "-error-" + field);
  if (!box) return false;
  say(box, message);
  var wrapper = form.querySelector('[data-field="' + field + '"]');
  if (wrapper) wrapper.classList.toggle("invalid", !!message);
  return true;
}

var focusField = YKM.focusField;

function showFailure(form, prefix, failure) {
  if (failure.field && fieldError(form, prefix, failure.field, { failure: failure })) {
    focusField(form, failure.field);
  } else {
    say($(prefix + "-error"), { failure: failure });
  }
}

function syncIssueCount(select, row, input) {
  var permit = !!PERMITS[select.value];
  row.hidden = !permit;
  input.required = permit;
  if (!permit) input.value = "";
}

function documentOf(typeSelect, numberInput, issueInput) {
  var body = {
    doc_type: typeSelect.value,
    doc_number: numberInput.value.replace(/\s+/g, "").toUpperCase(),
  };
  if (PERMITS[body.doc_type]) body.issue_count = issueInput.value.trim();
  return body;
}

function missing(form, prefix, body) {
  var problems = [];
  if (!body.name || !body.name.trim()) problems.push(["name", { key: "required" }]);
  if ("country" in body && !body.country) problems.push(["country", { key: "chooseCountry" }]);
  if (!body.doc_number) problems.push(["doc_number", { key: "required" }]);
  if (PERMITS[body.doc_type] && !/^\d{2}$/.test(body.issue_count || "")) {
    problems.push(["issue_count", { key: "issueCountRule" }]);
  }
  if ("phone" in body && !body.phone) problems.push(["phone", { key: "required" }]);
  problems.forEach(function (p) { fieldError(form, prefix, p[0], p[1]); });
  if (problems.length) focusField(form, problems[0][0]);
  return problems.length > 0;
}

// ---------------------------------------------------------------- first use (首次使用)

function onApply(event) {
  event.preventDefault();
  clearForm(el.applyForm, "apply");
  el.nameTips.hidden = true;
  notice(null);
  // The name goes as typed: the server applies the FAQ's rules (case, spaces, hyphens, order).
  var body = Object.assign({ name: el.applyName.value, country: el.applyCountry.value,
    phone: fullPhone(el.applyDial, el.applyPhone) },
    documentOf(el.applyDocType, el.applyDocNumber, el.applyIssueCount));
  if (missing(el.applyForm, "apply", body)) return;
  setBusy(el.applySubmit, true, "applying");
  api("/v1/inbound/apply", { method: "POST", body: body })
    .then(function (answer) {
      state.session = saveSession(answer);
      notice(answer.link_sent ? { key: "linkSent", vars: { phone: maskPhone(body.phone) } } : { key: "applied" });
      el.applyForm.reset();
      syncIssueCount(el.applyDocType, el.applyIssueRow, el.applyIssueCount);
      el.applyDial.value = "CN";
      enterCodeView();
    })
    .catch(function (failure) {
      showFailure(el.applyForm, "apply", failure);
      if (failure.code === "NAME_MISMATCH") el.nameTips.hidden = false;
    })
    .then(function () { setBusy(el.applySubmit, false); });
}

// ---------------------------------------------------------------- return visit (再次使用)

function loadCaptcha() {
  state.captchaId = null;
  el.captchaAnswer.value = "";
  return api("/v1/auth/captcha", { method: "POST" })
    .then(function (answer) {
      state.captchaId = answer.captcha_id;
      el.captchaImage.src = "data:image/png;base64," + answer.image_png_base64;
      el.captchaImage.dataset.captchaId = answer.captcha_id;
    })
    .catch(function (failure) {
      say(el.returnError, { failure: failure });
    });
}

function renderCountdown() {
  var left = Math.ceil((state.resendUntil - Date.now()) / 1000);
  if (left > 0) {
    el.sendCode.disabled = true;
    el.sendCode.textContent = t("resendIn", { s: String(left) });
  } else {
    clearInterval(state.countdownTimer);
    state.countdownTimer = null;
    if (el.sendCode.getAttribute("aria-busy") !== "true") {
      el.sendCode.disabled = false;
      el.sendCode.textContent = t("sendCode");
    }
  }
}

function startCountdown(seconds) {
  state.resendUntil = Date.now() + seconds * 1000;
  clearInterval(state.countdownTimer);
  state.countdownTimer = setInterval(renderCountdown, 500);
  renderCountdown();
}

function onSendCode() {
  clearForm(el.returnForm, "return");
  say(el.returnInfo, null);
  var phone = fullPhone(el.returnDial, el.returnPhone);
  var answer = el.captchaAnswer.value.trim();
  if (!phone) { fieldError(el.returnForm, "return", "phone", { key: "required" }); focusField(el.returnForm, "phone"); return; }
  if (!answer) {
    fieldError(el.returnForm, "return", "captcha_answer", { key: "captchaRequired" });
    focusField(el.returnForm, "captcha_answer");
    return;
  }
  setBusy(el.sendCode, true, "sending");
  api("/v1/auth/sms-code", { method: "POST", body: { phone: phone, captcha_id: state.captchaId || "", captcha_answer: answer } })
    .then(function (sent) {
      setBusy(el.sendCode, false);
      startCountdown(sent.resend_after || RESEND_SECONDS);
      say(el.returnInfo, { key: "codeSent", vars: { phone: maskPhone(phone) } });
      el.smsCode.focus();
    })
    .catch(function (failure) {
      setBusy(el.sendCode, false);
      showFailure(el.returnForm, "return", failure);
      if (failure.status === 429 && failure.retryAfter) startCountdown(failure.retryAfter);
    })
    // The captcha is used up by any answer, right or wrong: show a fresh one.
    .then(function () { loadCaptcha(); });
}

function onReturnSubmit(event) {
  event.preventDefault();
  clearForm(el.returnForm, "return");
  var phone = fullPhone(el.returnDial, el.returnPhone);
  var code = el.smsCode.value.trim();
  if (!phone) { fieldError(el.returnForm, "return", "phone", { key: "required" }); focusField(el.returnForm, "phone"); return; }
  if (!/^\d{6}$/.test(code)) {
    fieldError(el.returnForm, "return", "sms_code", { key: "smsCodeRule" });
    focusField(el.returnForm, "sms_code");
    return;
  }
  setBusy(el.returnSubmit, true, "loggingIn");
  api("/v1/auth/sms-login", { method: "POST", body: { phone: phone, sms_code: code } })
    .then(function (answer) {
      state.session = saveSession(answer);
      el.smsCode.value = "";
      say(el.returnInfo, null);
      notice(null);
      enterCodeView();
    })
    .catch(function (failure) { showFailure(el.returnForm, "return", failure); })
    .then(function () { setBusy(el.returnSubmit, false); });
}

// ---------------------------------------------------------------- the code (亮码)

function refreshCode() {
  if (!state.session) return Promise.resolve();
  if (state.loadingCode) return Promise.resolve();
  state.loadingCode = true;
  clock.refreshing();
  setBusy(el.refresh, true, "refreshing");
  var session = state.session;
  var member = state.member;
  var path = "/v1/me/code" + (member ? "?member=" + encodeURIComponent(member) : "");
  return api(path, { auth: true, timeoutMs: LAST.TIMEOUT_MS })
    .then(function (code) {
      if (state.session !== session || state.member !== member) return;
      LAST.save(session.person_id, member, code);
      clock.succeeded();
      state.code = code;
      state.offline = null;
      renderCode(code);
      say(el.codeError, null);
    })
    .catch(function (failure) {
      if (state.session !== session || handleAuthFailure(failure)) return;
      if (failure.status === 404 && member) { // the companion was removed meanwhile
        switchTo(null);
        return;
      }
      if (state.member !== member) return;
      var stored = LAST.isOutage(failure) ? LAST.load(session.person_id, member) : null;
      if (stored) { // not a blank: the code last shown, labelled with the server's time
        state.code = stored.code;
        state.offline = stored;
        renderCode(stored.code, stored);
        say(el.codeError, null);
      } else {
        say(el.codeError, { key: "failedDisplay" });
      }
      if (LAST.isOutage(failure)) clock.retry(failure);
    })
    .then(function () {
      state.loadingCode = false;
      setBusy(el.refresh, false);
    });
}

// The server's answer, or (offline: {servedAt, stale} from web/core/lastcode.js) the code last shown, labelled with
// the server's time, grey with a warning once past the bound.
function renderCode(code, offline) {
  var color = code.color || "";
  var stale = !!(offline && offline.stale);
  el.codeCard.dataset.offline = offline ? "true" : "";
  el.codeCard.dataset.stale = stale ? "true" : "";
  say(el.codeOffline, offline ? { key: stale ? "offlineStale" : "offlineShown",
    vars: { time: formatTime(offline.servedAt) } } : null);
  el.codeColor.dataset.color = color;
  el.codeCard.dataset.color = color;
  document.body.dataset.codeColor = stale ? "" : color;
  el.codeColor.textContent = TEXT[state.lang][color] || color;
  el.nameMasked.textContent = code.name_masked || "";
  el.codeUpdated.textContent = code.updated_at ? t("updated", { time: formatTime(code.updated_at) }) : "";
  YKM.drawQr(el.qr, code.qr || "", stale ? STALE_MODULE : MODULE_COLORS[color] || "#000000");
  el.qr.dataset.personId = code.person_id || "";
  renderReasons(color === "RED" ? code.reasons || [] : []);
}

function renderReasons(reasons) {
  var zh = state.lang === "zh";
  YKM.renderReasons(el.reasons, el.reasonsSection, reasons, function (reason) {
    return {
      label: (zh ? reason.label : reason.label_en || reason.label) || reason.code,
      until: reason.until ? t("reasonUntil", { time: formatTime(reason.until) }) : "",
      guide: (zh ? reason.guide : reason.guide_en || reason.guide) || "",
      expanded: false,
    };
  });
}

// ---------------------------------------------------------------- switching (切换同行人)

function companionById(id) {
  for (var i = 0; i < state.companions.length; i++) if (state.companions[i].person_id === id) return state.companions[i];
  return null;
}

function renderHolder() {
  var companion = state.member && companionById(state.member);
  document.querySelectorAll("#code-holder, [data-holder]").forEach(function (node) {
    node.textContent = companion ? companion.name : t("self");
    node.dataset.personId = state.member || (state.session ? state.session.person_id : "");
  });
}

function renderSwitcher() {
  el.switchList.textContent = "";
  if (!state.session) return;
  var options = [{ id: null, label: t("self") }].concat(state.companions.map(function (c) {
    return { id: c.person_id, label: c.name };
  }));
  options.forEach(function (option) {
    var item = document.createElement("li");
    var button = YKM.actionButton("btn btn-outline switch-option", option.label, "switch-option", function () {
      switchTo(option.id);
      toggleSwitcher(false);
    });
    button.dataset.personId = option.id || state.session.person_id;
    button.setAttribute("aria-pressed", String((option.id || null) === (state.member || null)));
    item.appendChild(button);
    el.switchList.appendChild(item);
  });
  el.switchEmpty.hidden = state.companions.length > 0;
}

function toggleSwitcher(open) {
  el.switcher.hidden = !open;
  el.switchOpen.setAttribute("aria-expanded", String(open));
}

function switchTo(member) {
  notice(null);
  state.member = member || null;
  state.code = null;
  state.offline = null;
  el.qr.removeAttribute("data-qr");
  renderHolder();
  renderSwitcher();
  refreshCode();
  window.scrollTo(0, 0);
}

// ---------------------------------------------------------------- companions (我的同行人员信息)

function loadCompanions() {
  var always = function () { return true; }; // the companions are the signed-in traveller's, whoever is shown
  return readList("/v1/me/companions?limit=100", el.companionListError, always, function (page) {
    state.companions = page.items || [];
    say(el.companionListError, null);
    renderCompanions();
    renderSwitcher();
    renderHolder();
  });
}

function renderCompanions() {
  el.companionList.textContent = "";
  state.companions.forEach(function (companion) {
    var item = document.createElement("li");
    item.className = "companion";
    item.setAttribute("data-testid", "companion-item");
    item.dataset.personId = companion.person_id;

    var who = document.createElement("div");
    who.className = "companion-who";
    var name = document.createElement("strong");
    name.textContent = companion.name;
    var doc = document.createElement("span");
    doc.className = "subtle";
    doc.textContent = companion.doc_masked;
    who.appendChild(name);
    who.appendChild(doc);

    item.appendChild(who);
    item.appendChild(YKM.actionButton("btn btn-light small", t("showCode"), "companion-show", function () {
      switchTo(companion.person_id);
    }));
    item.appendChild(YKM.actionButton("btn btn-light small btn-danger", t("remove"), "companion-remove", function () {
      removeCompanion(companion);
    }));
    el.companionList.appendChild(item);
  });
  el.companionEmpty.hidden = state.companions.length > 0;
}

function onAddCompanion(event) {
  event.preventDefault();
  clearForm(el.companionForm, "companion");
  var body = Object.assign({ name: el.companionName.value },
    documentOf(el.companionDocType, el.companionDocNumber, el.companionIssueCount));
  if (missing(el.companionForm, "companion", body)) return;
  setBusy(el.companionSubmit, true, "adding");
  api("/v1/me/companions", { method: "POST", body: body, auth: true })
    .then(function (added) {
      el.companionForm.reset();
      syncIssueCount(el.companionDocType, el.companionIssueRow, el.companionIssueCount);
      notice({ key: "companionAdded", vars: { name: added.name } });
      return loadCompanions();
    })
    .catch(function (failure) {
      if (!handleAuthFailure(failure)) showFailure(el.companionForm, "companion", failure);
    })
    .then(function () { setBusy(el.companionSubmit, false); });
}

function removeCompanion(companion) {
  if (!window.confirm(t("removeConfirm", { name: companion.name }))) return;
  api("/v1/me/companions/" + encodeURIComponent(companion.person_id), { method: "DELETE", auth: true })
    .then(function () {
      if (state.member === companion.person_id) switchTo(null);
      return loadCompanions();
    })
    .catch(function (failure) {
      if (!handleAuthFailure(failure)) say(el.companionListError, { failure: failure });
    });
}

function toggleCompanions() {
  var open = el.companionsPanel.hidden;
  el.companionsPanel.hidden = !open;
  el.companionsOpen.setAttribute("aria-expanded", String(open));
  if (open) el.companionsPanel.scrollIntoView({ block: "start" });
}

// ---------------------------------------------------------------- records (我的粤康码信息) and display log (亮码记录)

function withMember(path) {
  if (!state.member) return path;
  return path + (path.indexOf("?") >= 0 ? "&" : "?") + "member=" + encodeURIComponent(state.member);
}

function countryName(code) {
  var regions = REGIONS;
  for (var i = 0; i < regions.length; i++) if (regions[i][0] === code) return regionName(regions[i]);
  return null;
}

function renderRecordTabs() {
  el.recordsTabs.textContent = "";
  RECORD_KINDS.forEach(function (kind) {
    var tab = YKM.actionButton("tab", RECORDS.kindLabel(kind, state.lang), "records-tab-" + kind, function () {
      openRecords(kind);
    });
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-selected", String(state.records.kind === kind));
    el.recordsTabs.appendChild(tab);
  });
}

// A list read page by page: its items so far, the cursor of the next page, whether a page came at all.
function pagedList(kind) { return { kind: kind, items: [], cursor: null, loaded: false }; }

// The next page (more) or the first of state[name], for whoever is shown; an answer for a list emptied since, or
// for another person, is dropped.
function loadPage(name, path, errorBox, render, more) {
  var list = state[name];
  var member = state.member;
  path = withMember(path);
  if (more && list.cursor) path += "&cursor=" + encodeURIComponent(list.cursor);
  say(errorBox, null);
  return readList(path, errorBox, function () { return state[name] === list && state.member === member; },
    function (page) {
      list.items = list.items.concat(page.items || []);
      list.cursor = page.next_cursor || null;
      list.loaded = true;
      render();
    });
}

function renderList(list, box, empty, moreButton, entry) {
  box.textContent = "";
  list.items.forEach(function (item) { box.appendChild(entry(item)); });
  empty.hidden = !list.loaded || list.items.length > 0;
  moreButton.hidden = !list.cursor;
}

function openRecords(kind) {
  state.records = pagedList(kind);
  renderRecordTabs();
  renderRecords();
  loadRecords(false);
}

// One page of the chosen kind, for oneself or the companion shown (member=).
function loadRecords(more) {
  var path = "/v1/me/records?kind=" + encodeURIComponent(state.records.kind) + "&limit=20";
  return loadPage("records", path, el.recordsError, renderRecords, more);
}

// Each record as web/core/records.js draws it, in the page's language; no ids or codes.
function renderRecords() {
  renderList(state.records, el.recordsList, el.recordsEmpty, el.recordsMore, function (item) {
    return RECORDS.recordEntry(item, state.records.kind, state.lang, countryName);
  });
}

function openLog() {
  state.log = pagedList(null);
  renderLog();
  loadLog(false);
}

// FAQ 2: the displays of the last three days, each with whether it succeeded.
function loadLog(more) { return loadPage("log", "/v1/me/display-log?limit=20", el.displayLogError, renderLog, more); }

function renderLog() {
  renderList(state.log, el.displayLog, el.displayLogEmpty, el.displayLogMore, function (item) {
    return RECORDS.displayLogEntry(item, state.lang);
  });
  el.displayLogHead.hidden = !state.log.items.length;
}

// ---------------------------------------------------------------- start

// What was read for the last person leaves the page with them.
function forgetServices() {
  state.records = pagedList(null);
  state.log = pagedList(null);
  renderRecords();
  renderLog();
}

function logout() {
  LAST.clear(); // the codes kept for an outage leave the phone with the session
  toggleSwitcher(false);
  signOut(null);
}

function init() {
  el = {
    langToggle: $("lang-toggle"), pageNotice: $("page-notice"),
    applyView: $("apply-view"), applyForm: $("apply-form"), applyName: $("apply-name"), nameTips: $("name-tips"),
    applyCountry: $("apply-country"), applyDocType: $("apply-doc-type"), applyDocNumber: $("apply-doc-number"),
    applyIssueRow: $("apply-issue-count-row"), applyIssueCount: $("apply-issue-count"), applyDial: $("apply-dial"),
    applyPhone: $("apply-phone"), applySubmit: $("apply-submit"), toReturn: $("to-return"),
    returnView: $("return-view"), returnForm: $("return-form"), returnDial: $("return-dial"),
    returnPhone: $("return-phone"), captchaAnswer: $("captcha-answer"), captchaRefresh: $("captcha-refresh"),
    captchaImage: $("captcha-image"), smsCode: $("sms-code"), sendCode: $("send-code"), returnInfo: $("return-info"),
    returnError: $("return-error"), returnSubmit: $("return-submit"), toApply: $("to-apply"),
    codeView: $("code-view"), codeHolder: $("code-holder"), switchOpen: $("switch-open"), switcher: $("switcher"),
    switchList: $("switch-list"), switchEmpty: $("switch-empty"), codeCard: $("code-card"),
    nameMasked: $("name-masked"), clock: $("code-clock"), qr: $("code-qr"), codeColor: $("code-color"),
    codeUpdated: $("code-updated"), codeError: $("code-error"), codeOffline: $("code-offline"), reasonsSection: $("reasons-section"),
    reasons: $("reasons"), refresh: $("refresh"), companionsOpen: $("companions-open"),
    companionsPanel: $("companions-panel"), companionList: $("companion-list"), companionEmpty: $("companion-empty"),
    companionListError: $("companion-list-error"), companionForm: $("companion-form"),
    companionName: $("companion-name"), companionDocType: $("companion-doc-type"),
    companionDocNumber: $("companion-doc-number"), companionIssueRow: $("companion-issue-count-row"),
    companionIssueCount: $("companion-issue-count"), companionSubmit: $("companion-submit"),
    logout: $("logout"),
    recordsTabs: $("records-tabs"), recordsList: $("records-list"), recordsEmpty: $("records-empty"),
    recordsError: $("records-error"), recordsMore: $("records-more"),
    displayLog: $("display-log"), displayLogHead: $("display-log-head"), displayLogEmpty: $("display-log-empty"),
    displayLogError: $("display-log-error"), displayLogMore: $("display-log-more"),
  };
  clock = codeClock(el.clock, function () { return !document.hidden && !el.codeView.hidden; }, refreshCode);

  el.langToggle.addEventListener("click", toggleLanguage);
  el.applyForm.addEventListener("submit", onApply);
  el.applyDocType.addEventListener("change", function () {
    syncIssueCount(el.applyDocType, el.applyIssueRow, el.applyIssueCount);
  });
  el.companionDocType.addEventListener("change", function () {
    syncIssueCount(el.companionDocType, el.companionIssueRow, el.companionIssueCount);
  });
  [[el.applyForm, "apply"], [el.returnForm, "return"], [el.companionForm, "companion"]].forEach(function (pair) {
    pair[0].addEventListener("input", function (event) {
      if (event.target.name) fieldError(pair[0], pair[1], event.target.name, null);
    });
  });
  el.toReturn.addEventListener("click", function () { notice(null); openView("return"); });
  el.toApply.addEventListener("click", function () { notice(null); openView("apply"); });
  document.querySelectorAll(".service[data-view]").forEach(function (button) {
    button.addEventListener("click", function () { openView(button.dataset.view); });
  });
  document.querySelectorAll("[data-back]").forEach(function (button) {
    button.addEventListener("click", function () { openView("code"); });
  });
  el.recordsMore.addEventListener("click", function () { loadRecords(true); });
  el.displayLogMore.addEventListener("click", function () { loadLog(true); });
  window.addEventListener("popstate", onPopState);
  el.captchaRefresh.addEventListener("click", loadCaptcha);
  el.sendCode.addEventListener("click", onSendCode);
  el.returnForm.addEventListener("submit", onReturnSubmit);
  el.switchOpen.addEventListener("click", function () { toggleSwitcher(el.switcher.hidden); });
  el.refresh.addEventListener("click", function () { refreshCode(); });
  el.companionsOpen.addEventListener("click", toggleCompanions);
  el.companionForm.addEventListener("submit", onAddCompanion);
  el.logout.addEventListener("click", logout);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && state.session && !el.codeView.hidden) refreshCode();
  });

  state.lang = initialLanguage();
  applyLanguage();
  syncIssueCount(el.applyDocType, el.applyIssueRow, el.applyIssueCount);
  syncIssueCount(el.companionDocType, el.companionIssueRow, el.companionIssueCount);

  state.session = loadSession();
  var returning = /[?&]visit=return\b/.test(location.search);
  var applied = false;
  try { applied = localStorage.getItem(APPLIED_KEY) === "1"; } catch (e) { applied = false; }
  if (state.session) enterCodeView();
  else settleView(returning || applied ? "return" : "apply");
  document.documentElement.dataset.ready = "true";
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
