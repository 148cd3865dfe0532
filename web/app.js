/* 粤康码 H5: resident login, the code (亮码) with its red-code reasons, and the three-day display log. */
(function () {
  "use strict";

  var SESSION_KEY = "ykm.session";
  var REFRESH_MS = 60 * 1000;
  var TIME_ZONE = "Asia/Shanghai"; // the product's clock, whatever zone the phone is set to
  var QR_QUIET_MODULES = 4;
  var COLORS = {
    GREEN: { label: "绿码", module: "#078a3f", note: "非疫情防控重点人群" },
    RED: { label: "红码", module: "#d8232a", note: "疫情防控重点人群" },
  };
  var CODE_TYPES = { R: "", I: "入境人员粤康码" };
  var RESULTS = { SUCCESS: "亮码成功" };
  var LOGIN_FIELDS = ["id_type", "id_number", "issue_count", "name", "phone", "method", "proof"];
  var FAILED_DISPLAY = "亮码失败，可能为系统访问高峰等原因，请稍后刷新或在另外的时间段再试。";

  var $ = function (id) { return document.getElementById(id); };
  var el = {};

  var state = {
    session: null,
    refreshTimer: null,
    clockTimer: null,
    refreshDue: false,
    loadingCode: false,
    logCursor: null,
    expandedReasons: {},
  };

  // ---------------------------------------------------------------- time

  var formatter = (function () {
    var options = {
      year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
    };
    try {
      return new Intl.DateTimeFormat("zh-CN", Object.assign({ timeZone: TIME_ZONE }, options));
    } catch (e) {
      return new Intl.DateTimeFormat("zh-CN", options);
    }
  })();

  function formatTime(value) {
    var moment = value instanceof Date ? value : new Date(value);
    if (isNaN(moment.getTime())) return String(value || "");
    var parts = {};
    formatter.formatToParts(moment).forEach(function (p) { parts[p.type] = p.value; });
    var hour = parts.hour === "24" ? "00" : parts.hour;
    return parts.year + "-" + parts.month + "-" + parts.day + " " + hour + ":" + parts.minute + ":" + parts.second;
  }

  // ---------------------------------------------------------------- session

  function loadSession() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
      if (saved && saved.token && (!saved.expires_at || saved.expires_at * 1000 > Date.now())) return saved;
    } catch (e) { /* a damaged entry is the same as none */ }
    sessionStorage.removeItem(SESSION_KEY);
    return null;
  }

  function saveSession(answer) {
    var session = {
      token: answer.token,
      person_id: answer.person_id,
      roles: answer.roles || [],
      expires_at: answer.expires_at || null,
    };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    return session;
  }

  function sessionExpired() {
    return !state.session || (state.session.expires_at && state.session.expires_at * 1000 <= Date.now());
  }

  // ---------------------------------------------------------------- API

  function ApiFailure(status, error) {
    this.status = status;
    this.code = error.code || "ERROR";
    this.messageZh = error.message_zh || error.message || "请求失败，请稍后再试";
    this.field = error.field || null;
  }

  function api(path, options) {
    options = options || {};
    var headers = { Accept: "application/json" };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    if (options.auth) headers.Authorization = "Bearer " + state.session.token;
    return fetch(path, {
      method: options.method || "GET",
      headers: headers,
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      credentials: "same-origin",
      cache: "no-store",
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!response.ok) {
          throw new ApiFailure(response.status, (data && data.error) || {});
        }
        if (data === null) throw new ApiFailure(response.status, { message_zh: "服务返回内容有误" });
        return data;
      });
    }, function () {
      throw new ApiFailure(0, { code: "NETWORK", message_zh: "网络连接失败，请检查网络后重试" });
    });
  }

  // ---------------------------------------------------------------- login form

  function isPermit() { return el.idType.value === "HK_MACAU_PERMIT"; }

  function selectedMethod() {
    var checked = el.form.querySelector("input[name=method]:checked");
    return checked ? checked.value : "FACE";
  }

  function syncLoginForm() {
    var permit = isPermit();
    el.issueRow.hidden = !permit;
    el.issueCount.required = permit;
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

  function focusField(field) {
    var wrapper = el.form.querySelector('[data-field="' + field + '"]');
    var input = wrapper && wrapper.querySelector("input:not([disabled]), select");
    if (input) input.focus();
  }

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
    if (body.id_type === "HK_MACAU_PERMIT" && !/^\d{2}$/.test(body.issue_count || "")) {
      problems.push(["issue_count", "请填写2位签发次数"]);
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
        showCodeView();
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

  function setBusy(button, busy, text) {
    if (busy) {
      button.dataset.label = button.textContent;
      button.textContent = text;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    } else {
      if (button.dataset.label) button.textContent = button.dataset.label;
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  // ---------------------------------------------------------------- code view

  function showLoginView(notice) {
    stopTimers();
    state.session = null;
    sessionStorage.removeItem(SESSION_KEY);
    el.codeView.hidden = true;
    el.loginView.hidden = false;
    document.body.removeAttribute("data-code-color");
    resetCodeView();
    el.loginNotice.textContent = notice || "";
    el.loginNotice.hidden = !notice;
  }

  function showCodeView() {
    el.loginView.hidden = true;
    el.codeView.hidden = false;
    startTimers();
    refreshCode();
    window.scrollTo(0, 0);
  }

  function resetCodeView() {
    el.nameMasked.textContent = "";
    el.codeColor.textContent = "";
    el.codeColor.dataset.color = "";
    el.codeCard.dataset.color = "";
    el.codeType.hidden = true;
    el.codeUpdated.textContent = "";
    el.codeError.hidden = true;
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
    state.expandedReasons = {};
    state.logCursor = null;
  }

  function handleAuthFailure(failure) {
    if (failure.status === 401) {
      showLoginView("登录已过期，请重新登录");
      return true;
    }
    return false;
  }

  function refreshCode() {
    if (sessionExpired()) {
      showLoginView("登录已过期，请重新登录");
      return Promise.resolve();
    }
    if (state.loadingCode) return Promise.resolve();
    state.loadingCode = true;
    state.refreshDue = false;
    setBusy(el.refresh, true, "刷新中…");
    var session = state.session;
    return api("/v1/me/code", { auth: true })
      .then(function (code) {
        if (state.session !== session) return; // logged out meanwhile
        renderCode(code);
        el.codeError.hidden = true;
      })
      .catch(function (failure) {
        if (state.session !== session || handleAuthFailure(failure)) return;
        // FAQ 2: a failed display says so; the last good code stays with its update time.
        el.codeError.textContent = FAILED_DISPLAY + (failure.status ? "（" + failure.messageZh + "）" : "");
        el.codeError.hidden = false;
      })
      .then(function () {
        state.loadingCode = false;
        setBusy(el.refresh, false);
        if (state.session) loadDisplayLog(false);
      });
  }

  function renderCode(code) {
    var look = COLORS[code.color] || { label: String(code.color || ""), module: "#000000" };
    el.codeCard.dataset.color = code.color || "";
    document.body.dataset.codeColor = code.color || "";
    el.codeColor.dataset.color = code.color || "";
    el.codeColor.textContent = look.label;
    el.codeColor.title = look.note || "";
    el.nameMasked.textContent = code.name_masked || "";
    var typeLabel = CODE_TYPES[code.code_type] || "";
    el.codeType.textContent = typeLabel;
    el.codeType.hidden = !typeLabel;
    el.codeUpdated.textContent = code.updated_at ? "状态更新时间：" + formatTime(code.updated_at) : "";
    drawQr(code.qr || "", look.module);
    renderReasons(code.color === "RED" ? code.reasons || [] : []);
  }

  function drawQr(text, moduleColor) {
    var canvas = el.qr;
    var ctx = canvas.getContext("2d");
    if (!text || typeof window.qrcode !== "function") {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      canvas.removeAttribute("data-qr");
      return;
    }
    var code = window.qrcode(0, "M");
    code.addData(text, "Byte");
    code.make();
    var modules = code.getModuleCount();
    var cssSize = canvas.getBoundingClientRect().width || 264;
    var ratio = window.devicePixelRatio || 1;
    var total = modules + QR_QUIET_MODULES * 2;
    // Whole device pixels per module keep the edges sharp for scanners.
    var cell = Math.max(1, Math.floor((cssSize * ratio) / total));
    var size = cell * total;
    canvas.width = size;
    canvas.height = size;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, size, size);
    ctx.fillStyle = moduleColor;
    for (var row = 0; row < modules; row++) {
      for (var col = 0; col < modules; col++) {
        if (code.isDark(row, col)) {
          ctx.fillRect((col + QR_QUIET_MODULES) * cell, (row + QR_QUIET_MODULES) * cell, cell, cell);
        }
      }
    }
    canvas.dataset.qr = text;
    canvas.dataset.modules = String(modules);
  }

  function renderReasons(reasons) {
    el.reasons.textContent = "";
    el.reasonsSection.hidden = reasons.length === 0;
    reasons.forEach(function (reason, index) {
      var item = document.createElement("li");
      item.className = "reason";
      item.dataset.code = reason.code;

      var guideId = "reason-guide-" + index;
      var tag = document.createElement("button");
      tag.type = "button";
      tag.className = "reason-tag";
      tag.setAttribute("data-testid", "reason-tag");
      tag.setAttribute("aria-controls", guideId);
      tag.textContent = reason.label || reason.code;
      if (reason.until) {
        var until = document.createElement("span");
        until.className = "reason-until";
        until.textContent = "（至 " + formatTime(reason.until) + "）";
        tag.appendChild(until);
      }

      var guide = document.createElement("div");
      guide.id = guideId;
      guide.className = "reason-guide";
      guide.setAttribute("data-testid", "reason-guide");
      guide.textContent = reason.guide || "暂无解除指引，请联系所在社区。";

      var expanded = !!state.expandedReasons[reason.code];
      tag.setAttribute("aria-expanded", String(expanded));
      guide.hidden = !expanded;
      tag.addEventListener("click", function () {
        var open = tag.getAttribute("aria-expanded") !== "true";
        tag.setAttribute("aria-expanded", String(open));
        guide.hidden = !open;
        state.expandedReasons[reason.code] = open;
      });

      item.appendChild(tag);
      item.appendChild(guide);
      el.reasons.appendChild(item);
    });
  }

  // ---------------------------------------------------------------- display log (亮码记录)

  function loadDisplayLog(more) {
    var path = "/v1/me/display-log?limit=20";
    if (more && state.logCursor) path += "&cursor=" + encodeURIComponent(state.logCursor);
    if (more) setBusy(el.displayLogMore, true, "加载中…");
    var session = state.session;
    return api(path, { auth: true })
      .then(function (page) {
        if (state.session !== session) return;
        if (!more) el.displayLog.textContent = "";
        (page.items || []).forEach(function (item) { el.displayLog.appendChild(logEntry(item)); });
        state.logCursor = page.next_cursor || null;
        el.displayLogMore.hidden = !state.logCursor;
        el.displayLogEmpty.hidden = el.displayLog.children.length > 0;
        el.displayLogError.hidden = true;
      })
      .catch(function (failure) {
        if (state.session !== session || handleAuthFailure(failure)) return;
        el.displayLogError.textContent = "亮码记录加载失败：" + failure.messageZh;
        el.displayLogError.hidden = false;
      })
      .then(function () { if (more) setBusy(el.displayLogMore, false); });
  }

  function logEntry(item) {
    var row = document.createElement("li");
    row.className = "log-entry";
    row.dataset.color = item.color || "";
    row.setAttribute("data-testid", "display-log-item");

    var when = document.createElement("time");
    when.className = "log-time";
    when.dateTime = item.at || "";
    when.textContent = formatTime(item.at);

    var colour = document.createElement("span");
    colour.className = "log-color";
    colour.textContent = (COLORS[item.color] || { label: item.color || "" }).label;

    var kind = document.createElement("span");
    kind.className = "log-type";
    kind.textContent = CODE_TYPES[item.code_type] || "粤康码";

    var result = document.createElement("span");
    result.className = "log-result";
    result.dataset.result = item.result || "";
    result.textContent = RESULTS[item.result] || "亮码失败";

    row.appendChild(when);
    row.appendChild(colour);
    row.appendChild(kind);
    row.appendChild(result);
    return row;
  }

  // ---------------------------------------------------------------- timers

  function tickClock() { el.clock.textContent = formatTime(new Date()); }

  function startTimers() {
    stopTimers();
    tickClock();
    state.clockTimer = setInterval(tickClock, 1000);
    state.refreshTimer = setInterval(function () {
      // A hidden page does not show its code; it refreshes as soon as it is shown again.
      if (document.hidden) state.refreshDue = true;
      else refreshCode();
    }, REFRESH_MS);
  }

  function stopTimers() {
    clearInterval(state.clockTimer);
    clearInterval(state.refreshTimer);
    state.clockTimer = state.refreshTimer = null;
    state.refreshDue = false;
  }

  function onVisibilityChange() {
    if (!document.hidden && state.session && state.refreshDue) refreshCode();
  }

  // ---------------------------------------------------------------- start

  function logout() {
    el.form.reset();
    clearErrors();
    syncLoginForm();
    showLoginView("");
    el.idNumber.focus();
  }

  function init() {
    el = {
      loginView: $("login-view"), loginNotice: $("login-notice"), form: $("login-form"),
      idType: $("id-type"), idNumber: $("id-number"), issueRow: $("issue-count-row"),
      issueCount: $("issue-count"), name: $("name"), phone: $("phone"),
      methodFace: $("method-face"), methodWechat: $("method-wechat"),
      methodWechatChoice: $("method-wechat-choice"), methodHint: $("method-hint"),
      proof: $("proof"), loginError: $("login-error"), loginSubmit: $("login-submit"),
      codeView: $("code-view"), codeCard: $("code-card"), nameMasked: $("name-masked"),
      codeType: $("code-type"), clock: $("code-clock"), qr: $("code-qr"), codeColor: $("code-color"),
      codeUpdated: $("code-updated"), codeError: $("code-error"),
      reasonsSection: $("reasons-section"), reasons: $("reasons"), refresh: $("refresh"),
      displayLog: $("display-log"), displayLogEmpty: $("display-log-empty"),
      displayLogError: $("display-log-error"), displayLogMore: $("display-log-more"),
      logout: $("logout"),
    };

    el.idType.addEventListener("change", syncLoginForm);
    el.form.addEventListener("change", function (event) {
      if (event.target.name === "method") syncLoginForm();
    });
    el.form.addEventListener("input", function (event) {
      if (event.target.name) showFieldError(event.target.name, "");
    });
    el.form.addEventListener("submit", onLoginSubmit);
    el.refresh.addEventListener("click", function () { refreshCode(); });
    el.displayLogMore.addEventListener("click", function () { loadDisplayLog(true); });
    el.logout.addEventListener("click", logout);
    document.addEventListener("visibilitychange", onVisibilityChange);

    syncLoginForm();
    state.session = loadSession();
    if (state.session) showCodeView();
    document.documentElement.dataset.ready = "true";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
