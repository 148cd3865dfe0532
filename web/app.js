/* 粤康码 H5: resident login, the code (亮码) with its red-code reasons, the three-day display log, and the
   resident's services: family members (switch, add, remove, offline code), records (我的粤康码信息),
   health declarations, the itinerary card and the Macau health code. */
(function () {
  "use strict";

  var YKM = window.YKM; // web/common.js, shared with the inbound page
  var LAST = window.YKM_LAST; // web/lastcode.js: the last code shown, for when the service cannot be reached
  var STALE_MODULE = "#9aa0a6"; // a stored code past its bound is drawn grey: its colour may have changed
  var SESSION_KEY = "ykm.session";
  var REFRESH_MS = 60 * 1000;
  var COLORS = {
    GREEN: { label: "绿码", module: "#078a3f", note: "非疫情防控重点人群" },
    RED: { label: "红码", module: "#d8232a", note: "疫情防控重点人群" },
  };
  var CODE_TYPES = { R: "", I: "入境人员粤康码" };
  var LOGIN_FIELDS = ["id_type", "id_number", "issue_count", "name", "phone", "method", "agreement", "proof"];
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
    member: null, // the family member whose code is shown, or null for oneself
    selfName: "",
    family: [],
    refreshAgain: false,
    retryTimer: null, // the next attempt after a failed display (backoff with full jitter)
    retryAttempt: 0,
    view: "code",
    declareAttempt: null, // {sent, key}: the declaration being submitted, until it succeeds
  };

  var formatTime = YKM.formatTime;

  // ---------------------------------------------------------------- session

  function loadSession() { return YKM.loadSession(SESSION_KEY); }

  function saveSession(answer) {
    return YKM.saveSession(SESSION_KEY, {
      token: answer.token,
      person_id: answer.person_id,
      roles: answer.roles || [],
      expires_at: answer.expires_at || null,
    });
  }

  function sessionExpired() {
    return !state.session || (state.session.expires_at && state.session.expires_at * 1000 <= Date.now());
  }

  // ---------------------------------------------------------------- API

  // failure.messageZh is always a text to show, in Chinese where the server gave one.
  var api = YKM.apiClient({
    token: function () { return state.session.token; },
    zhTexts: { failed: "请求失败，请稍后再试", network: "网络连接失败，请检查网络后重试", badBody: "服务返回内容有误" },
  });

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

  function focusField(field) { YKM.focusField(el.form, field); }

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
        var back = YKM.takeReturn(); // a page that sent here to log in first (a venue invitation link, for one)
        if (back) return location.assign(back);
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
    YKM.clearSession(SESSION_KEY);
    el.codeView.hidden = true;
    hideServiceViews();
    el.loginView.hidden = false;
    state.view = "login";
    history.replaceState({ ykmView: "login" }, "", location.pathname + location.search);
    document.body.removeAttribute("data-code-color");
    resetCodeView();
    resetResidents();
    el.loginNotice.textContent = notice || "";
    el.loginNotice.hidden = !notice;
    syncStoredCode();
  }

  // The login page, when this phone still keeps a code (nobody logged out): the service may be down and the session
  // gone (an installed page opened anew), so the last own code can be shown, labelled offline, without logging in.
  function offlineLabel(stored, loggedOut) {
    return "离线显示 · 更新于 " + formatTime(stored.servedAt) + (stored.stale
      ? " · 已超过24小时未能更新，健康状态可能已变化，请联网后刷新"
      : loggedOut ? " · 网络或服务繁忙，恢复后请登录刷新" : " · 网络或服务繁忙，恢复后自动刷新");
  }

  function syncStoredCode() {
    var stored = LAST.latestOwn();
    el.storedCode.hidden = !stored;
    el.storedCodeCard.hidden = true;
    el.storedCodeShow.setAttribute("aria-expanded", "false");
    YKM.drawQr(el.storedCodeQr, "", "#000000");
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
    YKM.drawQr(el.storedCodeQr, code.qr, stored.stale ? STALE_MODULE : look.module);
  }

  // The medical staff's page (medical.html) is offered to sessions holding the medical role, and to system admins
  // (who grant it there); nobody else sees the entry.
  function syncRoleServices() {
    var roles = (state.session && state.session.roles) || [];
    var medic = roles.indexOf("medical") >= 0;
    el.medicalOpen.hidden = !medic && roles.indexOf("system_admin") < 0;
    el.medicalOpen.textContent = medic ? "出具解除医学观察告知书" : "开通医护人员权限";
  }

  function showCodeView() {
    el.loginView.hidden = true;
    el.codeView.hidden = false;
    syncRoleServices();
    state.view = "code";
    history.replaceState({ ykmView: "code" }, "", location.pathname + location.search);
    startTimers();
    refreshCode();
    loadFamily();
    window.scrollTo(0, 0);
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
    if (state.loadingCode) {
      state.refreshAgain = true; // e.g. another family member was chosen while a code was loading
      return Promise.resolve();
    }
    state.loadingCode = true;
    state.refreshDue = false;
    setBusy(el.refresh, true, "刷新中…");
    var session = state.session;
    var member = state.member;
    clearTimeout(state.retryTimer);
    state.retryTimer = null;
    return api(withMember("/v1/me/code"), { auth: true, timeoutMs: LAST.TIMEOUT_MS })
      .then(function (code) {
        if (state.session !== session || state.member !== member) return; // logged out or switched meanwhile
        LAST.save(session.person_id, member && member.person_id, code);
        state.retryAttempt = 0;
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
        if (LAST.isOutage(failure)) scheduleRetry(failure);
      })
      .then(function () {
        state.loadingCode = false;
        setBusy(el.refresh, false);
        if (state.refreshAgain) {
          state.refreshAgain = false;
          return refreshCode();
        }
        if (state.session) loadDisplayLog(false);
      });
  }

  // After a display that failed for want of the service (network, timeout, 429, 5xx) the page asks again after a
  // backoff with full jitter, at least Retry-After; the minute's refresh goes on as well.
  function scheduleRetry(failure) {
    var delay = LAST.retryDelay(state.retryAttempt, failure.retryAfter);
    state.retryAttempt += 1;
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(function () {
      state.retryTimer = null;
      if (!state.session) return;
      if (document.hidden || el.codeView.hidden) state.refreshDue = true;
      else refreshCode();
    }, delay);
  }

  // Draws a code: the server's answer, or (offline given: {servedAt, stale} from web/lastcode.js) the code last
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

  function drawQrOn(canvas, text, moduleColor) {
    var modules = YKM.drawQr(canvas, text, moduleColor);
    if (modules) canvas.dataset.modules = String(modules);
  }

  function renderReasons(reasons) {
    YKM.renderReasons(el.reasons, el.reasonsSection, reasons, function (reason) {
      return {
        label: reason.label || reason.code,
        until: reason.until ? "（至 " + formatTime(reason.until) + "）" : "",
        guide: reason.guide || "暂无解除指引，请联系所在社区。",
        expanded: !!state.expandedReasons[reason.code],
      };
    }, function (reason, open) { state.expandedReasons[reason.code] = open; });
  }

  // ---------------------------------------------------------------- display log (亮码记录)

  function loadDisplayLog(more) {
    var path = withMember("/v1/me/display-log?limit=20");
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

  // FAQ 2: each display with whether it succeeded (成功/失败), as web/records.js draws it.
  function logEntry(item) { return window.YKM_RECORDS.displayLogEntry(item, "zh"); }

  // ---------------------------------------------------------------- residents: shared helpers

  var SYMPTOMS = [
    ["fever", "发热"], ["cough", "咳嗽"], ["fatigue", "乏力"], ["sore_throat", "咽痛"],
    ["shortness_of_breath", "呼吸困难"], ["diarrhea", "腹泻"], ["loss_of_taste_or_smell", "嗅觉或味觉减退"],
    ["muscle_pain", "肌肉酸痛"],
  ];
  var DECLARE_QUESTIONS = [
    ["contact_with_case", "14天内是否接触过新冠肺炎确诊、疑似病例或无症状感染者"],
    ["visited_risk_area", "14天内是否到过中高风险地区"],
    ["returned_from_abroad", "14天内是否有境外旅居史"],
    ["household_unwell", "共同居住人员是否有发热、咳嗽等症状"],
  ];
  var MACAU_QUESTIONS = DECLARE_QUESTIONS.slice(0, 3);
  var RECORDS = window.YKM_RECORDS; // web/records.js: which fields of a record a person sees, and in which words
  var RECORD_KINDS = RECORDS.KINDS;
  var MACAU_STATUS = { VALID: "绿码 · 有效", EXPIRED: "已过期，请重新申领", REVOKED: "已失效" };

  function withMember(path) {
    if (!state.member) return path;
    return path + (path.indexOf("?") >= 0 ? "&" : "?") + "member=" + encodeURIComponent(state.member.person_id);
  }

  function subjectLabel() {
    return state.member ? state.member.name_masked + "（" + state.member.relation_label + "）" : "本人";
  }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function showBox(box, message) {
    box.textContent = message || "";
    box.hidden = !message;
  }

  // Errors go under the field the server named ("symptoms.3" falls back to "symptoms"), else into the form box.
  function clearFormErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-error]"), function (box) { showBox(box, ""); });
    Array.prototype.forEach.call(form.querySelectorAll(".field.invalid"), function (f) { f.classList.remove("invalid"); });
  }

  function showFormFailure(form, failure, formBox) {
    var field = failure.field || "";
    while (field) {
      var box = form.querySelector('[data-error="' + field + '"]');
      if (box) {
        showBox(box, failure.messageZh);
        var wrapper = form.querySelector('[data-field="' + field + '"]');
        if (wrapper) wrapper.classList.add("invalid");
        return;
      }
      field = field.indexOf(".") >= 0 ? field.slice(0, field.lastIndexOf(".")) : "";
    }
    showBox(formBox, failure.messageZh);
  }

  function symptomChecks(container, prefix) {
    container.textContent = "";
    SYMPTOMS.forEach(function (symptom) {
      var label = make("label", "check");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = prefix + "symptom";
      box.value = symptom[0];
      box.setAttribute("data-testid", prefix + "symptom-" + symptom[0]);
      label.appendChild(box);
      label.appendChild(make("span", "", symptom[1]));
      container.appendChild(label);
    });
  }

  function yesNoQuestions(container, questions, prefix) {
    container.textContent = "";
    questions.forEach(function (question) {
      var set = make("fieldset", "field question");
      set.dataset.field = prefix + question[0];
      set.appendChild(make("legend", "", question[1]));
      var choices = make("div", "yes-no");
      [["false", "否"], ["true", "是"]].forEach(function (option) {
        var label = make("label", "choice");
        var radio = document.createElement("input");
        radio.type = "radio";
        radio.name = prefix + question[0];
        radio.value = option[0];
        radio.checked = option[0] === "false";
        radio.setAttribute("data-testid", prefix + question[0] + "-" + option[0]);
        label.appendChild(radio);
        label.appendChild(make("span", "", option[1]));
        choices.appendChild(label);
      });
      set.appendChild(choices);
      var error = make("p", "field-error");
      error.dataset.error = prefix + question[0];
      error.hidden = true;
      set.appendChild(error);
      container.appendChild(set);
    });
  }

  function checkedSymptoms(form, prefix) {
    return Array.prototype.map.call(form.querySelectorAll('input[name="' + prefix + 'symptom"]:checked'),
      function (box) { return box.value; });
  }

  function answerOf(form, name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value === "true" : false;
  }

  // A number input gives "" for anything it cannot read; that is a mistake, not "no temperature".
  function readTemperature(input) {
    if (input.value === "" && !(input.validity && input.validity.badInput)) return { value: null };
    var value = parseFloat(input.value);
    if (isNaN(value)) return { error: "请输入正确的体温，如 36.5" };
    return { value: value };
  }

  // ---------------------------------------------------------------- views

  function serviceViews() {
    return { family: el.familyView, records: el.recordsView, declare: el.declareView,
      itinerary: el.itineraryView, macau: el.macauView };
  }

  function hideServiceViews() {
    var views = serviceViews();
    Object.keys(views).forEach(function (name) { if (views[name]) views[name].hidden = true; });
  }

  // Each view is an entry of the browser's history, so the phone's back button returns from a service to the code
  // instead of leaving the app: opening a service pushes an entry, back (or ‹ 返回) pops it.
  function openView(name) {
    if (name === state.view) return;
    if (name === "code") return backToCode();
    if (state.view === "code") history.pushState({ ykmView: name }, "", "#" + name);
    else history.replaceState({ ykmView: name }, "", "#" + name);
    showView(name);
  }

  function backToCode() {
    if (history.state && history.state.ykmView && history.state.ykmView !== "code") history.back();
    else showView("code");
  }

  function onPopState(event) {
    if (!state.session || !el.loginView.hidden) return; // logged out: the login form stays
    var name = (event.state && event.state.ykmView) || "code";
    if (name !== "code" && !serviceViews()[name]) name = "code";
    showView(name);
  }

  function showView(name) {
    closeMemberMenu();
    hideServiceViews();
    state.view = name;
    if (name === "code") {
      el.codeView.hidden = false;
      if (state.refreshDue) refreshCode();
      window.scrollTo(0, 0);
      return;
    }
    el.codeView.hidden = true;
    serviceViews()[name].hidden = false;
    Array.prototype.forEach.call(document.querySelectorAll("[data-subject-note]"), function (note) {
      note.textContent = state.member ? "当前为家庭成员 " + subjectLabel() + " 办理" : "";
      note.hidden = !state.member;
    });
    if (name === "family") loadFamily();
    if (name === "records") openRecords(state.recordKind || RECORD_KINDS[0][0]);
    if (name === "declare") openDeclare();
    if (name === "itinerary") openItinerary();
    if (name === "macau") openMacau();
    window.scrollTo(0, 0);
  }

  function resetResidents() {
    state.member = null;
    state.selfName = "";
    state.family = [];
    state.recordKind = null;
    closeMemberMenu();
    el.memberMenu.textContent = "";
    el.memberRelation.hidden = true;
    el.codeCard.dataset.member = "";
    hideOffline();
    el.itineraryCard.hidden = true;
    el.itineraryForm.reset();
    showBox(el.itinerarySent, "");
    stopCountdown();
  }

  // ---------------------------------------------------------------- family members (家庭成员)

  function loadFamily() {
    var session = state.session;
    return api("/v1/me/family?limit=100", { auth: true })
      .then(function (page) {
        if (state.session !== session) return;
        state.family = page.items || [];
        if (state.member && !state.family.some(function (m) { return m.person_id === state.member.person_id; })) {
          selectMember(null); // removed meanwhile
        }
        renderMemberMenu();
        renderFamilyList();
        showBox(el.familyError, "");
      })
      .catch(function (failure) {
        if (state.session !== session || handleAuthFailure(failure)) return;
        showBox(el.familyError, "家庭成员加载失败：" + failure.messageZh);
      });
  }

  function menuOption(text, testid, onChoose, selected) {
    var item = make("li", "member-option" + (selected ? " selected" : ""), text);
    item.setAttribute("role", "option");
    item.setAttribute("tabindex", "-1");
    item.setAttribute("aria-selected", String(!!selected));
    item.setAttribute("data-testid", testid);
    item.addEventListener("click", onChoose);
    item.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); onChoose(); }
    });
    return item;
  }

  function renderMemberMenu() {
    el.memberMenu.textContent = "";
    var self = menuOption((state.selfName || "本人") + "（本人）", "member-option-self",
      function () { selectMember(null); }, !state.member);
    el.memberMenu.appendChild(self);
    state.family.forEach(function (member) {
      var option = menuOption(member.name_masked + "（" + member.relation_label + "）", "member-option",
        function () { selectMember(member); }, state.member && state.member.person_id === member.person_id);
      option.dataset.personId = member.person_id;
      el.memberMenu.appendChild(option);
    });
    el.memberMenu.appendChild(menuOption("＋ 添加家庭成员", "member-option-add", function () {
      openView("family");
      el.memberName.focus();
    }));
    el.memberMenu.appendChild(menuOption("管理家庭成员", "member-option-manage", function () { openView("family"); }));
  }

  function openMemberMenu() {
    renderMemberMenu();
    el.memberMenu.hidden = false;
    el.memberSwitch.setAttribute("aria-expanded", "true");
    var current = el.memberMenu.querySelector(".selected") || el.memberMenu.firstChild;
    if (current) current.focus();
  }

  function closeMemberMenu() {
    if (!el.memberMenu) return;
    el.memberMenu.hidden = true;
    el.memberSwitch.setAttribute("aria-expanded", "false");
  }

  function selectMember(member) {
    closeMemberMenu();
    var changed = (state.member && state.member.person_id) !== (member && member.person_id);
    state.member = member;
    if (!changed) return;
    hideOffline();
    el.displayLog.textContent = "";
    state.logCursor = null;
    state.expandedReasons = {};
    el.nameMasked.textContent = member ? member.name_masked : state.selfName;
    showRelation();
    if (!el.codeView.hidden) refreshCode();
    else state.refreshDue = true;
  }

  function renderFamilyList() {
    el.familyList.textContent = "";
    el.familyEmpty.hidden = state.family.length > 0;
    state.family.forEach(function (member) {
      var row = make("li", "family-member");
      row.dataset.personId = member.person_id;
      row.dataset.color = member.color || "";
      row.setAttribute("data-testid", "family-member");
      var who = make("div", "family-who");
      who.appendChild(make("span", "family-name", member.name_masked));
      who.appendChild(make("span", "family-relation", member.relation_label));
      who.appendChild(make("span", "family-color", (COLORS[member.color] || { label: member.color || "" }).label));
      row.appendChild(who);
      row.appendChild(make("p", "subtle family-id", member.id_masked || ""));
      var actions = make("div", "family-actions");
      var show = make("button", "btn btn-light small", "查看粤康码");
      show.type = "button";
      show.setAttribute("data-testid", "family-show");
      show.addEventListener("click", function () {
        selectMember(member);
        backToCode();
      });
      var remove = make("button", "btn btn-outline small", "解除");
      remove.type = "button";
      remove.setAttribute("data-testid", "family-remove");
      remove.addEventListener("click", function () { removeMember(member, remove); });
      actions.appendChild(show);
      actions.appendChild(remove);
      row.appendChild(actions);
      el.familyList.appendChild(row);
    });
  }

  function removeMember(member, button) {
    if (!window.confirm("确定解除家庭成员 " + member.name_masked + "（" + member.relation_label + "）吗？")) return;
    setBusy(button, true, "解除中…");
    api("/v1/me/family/" + encodeURIComponent(member.person_id), { method: "DELETE", auth: true })
      .catch(function (failure) {
        if (!handleAuthFailure(failure)) showBox(el.familyError, "解除失败：" + failure.messageZh);
      })
      .then(function () {
        if (state.member && state.member.person_id === member.person_id) selectMember(null);
        setBusy(button, false);
        return loadFamily();
      });
  }

  function syncMemberForm() {
    var permit = el.memberIdType.value === "HK_MACAU_PERMIT";
    el.memberIssueRow.hidden = !permit;
    el.memberIdNumber.placeholder = permit ? "如 H12345678" : "请输入成员18位身份证号码";
  }

  function onMemberSubmit(event) {
    event.preventDefault();
    var form = el.memberForm;
    clearFormErrors(form);
    showBox(el.memberFormError, "");
    showBox(el.memberFormDone, "");
    var body = {
      relation: el.memberRelationSelect.value,
      name: el.memberName.value.trim(),
      id_type: el.memberIdType.value,
      id_number: el.memberIdNumber.value.replace(/\s+/g, "").toUpperCase(),
      verification: {
        method: (form.querySelector('input[name="verification_method"]:checked') || { value: "FACE" }).value,
        proof: el.memberProof.value.trim(),
      },
    };
    if (body.id_type === "HK_MACAU_PERMIT") body.issue_count = el.memberIssueCount.value.trim();
    var missing = [];
    if (!body.name) missing.push(["name", "请输入姓名"]);
    if (!body.id_number) missing.push(["id_number", "请输入证件号码"]);
    if (!body.verification.proof) missing.push(["verification", "请完成身份认证"]);
    if (missing.length) {
      missing.forEach(function (m) { showFormFailure(form, { field: m[0], messageZh: m[1] }, el.memberFormError); });
      return;
    }
    setBusy(el.memberSubmit, true, "认证中…");
    api("/v1/me/family", { method: "POST", auth: true, body: body })
      .then(function (added) {
        form.reset();
        syncMemberForm();
        showBox(el.memberFormDone, "已添加 " + added.name_masked + "（" + added.relation_label + "），可在姓名旁的下拉箭头切换查看其粤康码");
        return loadFamily();
      })
      .catch(function (failure) {
        if (!handleAuthFailure(failure)) showFormFailure(form, failure, el.memberFormError);
      })
      .then(function () { setBusy(el.memberSubmit, false); });
  }

  // ---------------------------------------------------------------- 保存离线粤康码 (the black printable code)

  function hideOffline() {
    if (!el.offlineSection) return;
    el.offlineSection.hidden = true;
    el.offlineFigure.hidden = true;
    el.offlineSave.hidden = true;
    el.offlineReissue.hidden = true;
    if (state.offlineUrl) URL.revokeObjectURL(state.offlineUrl);
    state.offlineUrl = null;
    el.offlineImage.removeAttribute("src");
  }

  var OFFLINE_TRIES = 6;  // the card is drawn a moment after a sign-up or re-issue: ask again as Retry-After says

  function openOffline(attempt) {
    attempt = typeof attempt === "number" ? attempt : 1;
    if (attempt === 1) hideOffline();
    el.offlineSection.hidden = false;
    el.offlineStatus.textContent = "正在生成" + (state.member ? subjectLabel() + "的" : "") + "离线实体粤康码…";
    var member = state.member;
    var opened = state.offlineOpened = (state.offlineOpened || 0) + (attempt === 1 ? 1 : 0);
    fetch(withMember("/v1/me/code/physical"), {
      headers: { Authorization: "Bearer " + state.session.token, Accept: "image/png" },
      cache: "no-store", credentials: "same-origin",
    }).then(function (response) {
      if (state.member !== member) return;
      if (response.status === 401) { showLoginView("登录已过期，请重新登录"); return; }
      if (response.status === 404) {
        var wait = Number(response.headers.get("Retry-After"));
        if (wait > 0 && attempt < OFFLINE_TRIES) {
          setTimeout(function () {
            // still on this page, for this person, and not opened again meanwhile
            if (!el.offlineSection.hidden && state.member === member && state.offlineOpened === opened) {
              openOffline(attempt + 1);
            }
          }, Math.min(wait, 10) * 1000);
          return;
        }
        el.offlineStatus.textContent = "离线实体粤康码暂未生成，请稍后再试。";
        return;
      }
      if (!response.ok) {
        el.offlineStatus.textContent = "离线实体粤康码获取失败，请稍后再试。";
        return;
      }
      return response.blob().then(function (blob) {
        state.offlineUrl = URL.createObjectURL(blob);
        el.offlineImage.src = state.offlineUrl;
        el.offlineSave.href = state.offlineUrl;
        el.offlineFigure.hidden = false;
        el.offlineSave.hidden = false;
        el.offlineReissue.hidden = false;
        el.offlineStatus.textContent = "实体粤康码为黑色，可保存至手机相册后打印，方便不便使用智能手机的人员出行时随身携带。";
      });
    }, function () {
      el.offlineStatus.textContent = "网络连接失败，请检查网络后重试";
    });
  }

  // A lost printout: a new code version; the old printed code (and screen code) is then refused as revoked.
  function reissueOffline() {
    if (!window.confirm("重新生成后，原实体粤康码将作废，不能再被扫描使用。确定重新生成吗？")) return;
    setBusy(el.offlineReissue, true, "重新生成中…");
    api(withMember("/v1/me/code/reissue"), { method: "POST", auth: true })
      .then(function () {
        setBusy(el.offlineReissue, false);
        openOffline();
        refreshCode();  // the screen code of the old version is revoked too
      }, function (failure) {
        setBusy(el.offlineReissue, false);
        if (!handleAuthFailure(failure)) el.offlineStatus.textContent = "重新生成失败：" + failure.messageZh;
      });
  }

  // ---------------------------------------------------------------- 我的粤康码信息 (records)

  function renderRecordTabs() {
    el.recordsTabs.textContent = "";
    RECORD_KINDS.forEach(function (kind) {
      var tab = make("button", "tab", kind[1]);
      tab.type = "button";
      tab.setAttribute("role", "tab");
      tab.dataset.kind = kind[0];
      tab.setAttribute("data-testid", "records-tab-" + kind[0]);
      tab.setAttribute("aria-selected", String(state.recordKind === kind[0]));
      tab.addEventListener("click", function () { openRecords(kind[0]); });
      el.recordsTabs.appendChild(tab);
    });
  }

  function openRecords(kind) {
    state.recordKind = kind;
    state.recordCursor = null;
    renderRecordTabs();
    el.recordsList.textContent = "";
    loadRecords(false);
  }

  function loadRecords(more) {
    var kind = state.recordKind;
    var member = state.member;
    var path = withMember("/v1/me/records?kind=" + encodeURIComponent(kind) + "&limit=20");
    if (more && state.recordCursor) path += "&cursor=" + encodeURIComponent(state.recordCursor);
    showBox(el.recordsError, "");
    el.recordsEmpty.hidden = true;
    return api(path, { auth: true })
      .then(function (page) {
        if (state.recordKind !== kind || state.member !== member) return;
        (page.items || []).forEach(function (item) { el.recordsList.appendChild(recordEntry(item, kind)); });
        state.recordCursor = page.next_cursor || null;
        el.recordsMore.hidden = !state.recordCursor;
        el.recordsEmpty.hidden = el.recordsList.children.length > 0;
      })
      .catch(function (failure) {
        if (state.recordKind !== kind || handleAuthFailure(failure)) return;
        el.recordsMore.hidden = true;
        showBox(el.recordsError, failure.status === 404 && failure.code === "NOT_FOUND" && !failure.field
          ? "该记录查询服务暂未开通，请稍后再试" : "记录加载失败：" + failure.messageZh);
      });
  }

  function countryName(code) {
    var regions = window.YKM_REGIONS || [];
    for (var i = 0; i < regions.length; i++) if (regions[i][0] === code) return regions[i][1];
    return null;
  }

  // Records of every kind render the same way: the kind and the time, then the fields a person reads, each with its
  // Chinese label (web/records.js); ids and internal codes are not shown.
  function recordEntry(item, kind) {
    kind = item.kind || kind;
    var row = make("li", "record");
    row.dataset.kind = kind;
    row.setAttribute("data-testid", "record-item");
    var head = make("div", "record-head");
    head.appendChild(make("span", "record-kind", RECORDS.kindLabel(kind, "zh")));
    var when = make("time", "record-time", formatTime(item.at));
    when.dateTime = item.at || "";
    head.appendChild(when);
    row.appendChild(head);
    var facts = make("dl", "facts");
    RECORDS.facts(item, kind, "zh", countryName).forEach(function (fact) {
      facts.appendChild(make("dt", "", fact[0]));
      var value = make("dd", "", fact[1]);
      value.dataset.field = fact[2];
      facts.appendChild(value);
    });
    row.appendChild(facts);
    return row;
  }

  // ---------------------------------------------------------------- 健康申报 (declarations)

  function syncDeclareForm() {
    var org = el.declareType.value === "ORG_MEMBER";
    el.declarePlaceRow.hidden = !org;
    el.declareJoinRow.hidden = !org;
    if (org && !state.orgsLoaded) loadMyOrgs();
  }

  // The organizations the person declaring (oneself, or the chosen member) is bound to: pick any (指引 四.(一).2).
  function loadMyOrgs(choose) {
    var member = state.member;
    state.orgsLoaded = true;
    return api(withMember("/v1/me/orgs?limit=100"), { auth: true })
      .then(function (page) {
        if (state.member !== member) return;
        var orgs = page.items || [];
        el.declarePlace.textContent = "";
        orgs.forEach(function (org) {
          var option = make("option", "", org.name + (org.level_label ? "（" + org.level_label + "）" : ""));
          option.value = org.place_id;
          el.declarePlace.appendChild(option);
        });
        if (choose) el.declarePlace.value = choose;
        el.declarePlace.hidden = !orgs.length;
        el.declarePlaceNone.hidden = orgs.length > 0;
      })
      .catch(function (failure) {
        state.orgsLoaded = false;
        if (!handleAuthFailure(failure)) showBox(el.declareError, "组织机构加载失败：" + failure.messageZh);
      });
  }

  function onDeclareJoin() {
    var form = el.declareForm;
    clearFormErrors(form);
    showBox(el.declareError, "");
    showBox(el.declareDone, "");
    var code = el.declareJoinCode.value.replace(/\s+/g, "");
    if (!code) return showFormFailure(form, { field: "join_code", messageZh: "请输入组织机构申报码" }, el.declareError);
    setBusy(el.declareJoin, true, "绑定中…");
    api(withMember("/v1/orgs/join"), { method: "POST", auth: true, body: { join_code: code } })
      .then(function (org) {
        el.declareJoinCode.value = "";
        showBox(el.declareDone, "已绑定 " + org.name + "，可选择该机构申报");
        return loadMyOrgs(org.place_id);
      })
      .catch(function (failure) {
        if (!handleAuthFailure(failure)) showFormFailure(form, failure, el.declareError);
      })
      .then(function () { setBusy(el.declareJoin, false); });
  }

  function openDeclare() {
    clearFormErrors(el.declareForm);
    showBox(el.declareError, "");
    showBox(el.declareDone, "");
    state.orgsLoaded = false; // the member may have changed since: their own organizations
    syncDeclareForm();
    loadDeclarations();
  }

  function onDeclareSubmit(event) {
    event.preventDefault();
    var form = el.declareForm;
    clearFormErrors(form);
    showBox(el.declareError, "");
    showBox(el.declareDone, "");
    var temperature = readTemperature(el.declareTemperature);
    if (temperature.error) {
      showFormFailure(form, { field: "temperature_c", messageZh: temperature.error }, el.declareError);
      return;
    }
    var answers = {};
    DECLARE_QUESTIONS.forEach(function (q) { answers[q[0]] = answerOf(form, "d-" + q[0]); });
    if (el.declareCity.value.trim()) answers.current_city = el.declareCity.value.trim();
    if (el.declareRemarks.value.trim()) answers.remarks = el.declareRemarks.value.trim();
    var body = { type: el.declareType.value, symptoms: checkedSymptoms(form, "d-"), answers: answers };
    if (temperature.value !== null) body.temperature_c = temperature.value;
    if (body.type === "ORG_MEMBER") {
      body.place_id = el.declarePlace.value;
      if (!body.place_id) {
        showFormFailure(form, { field: "place_id", messageZh: "请先绑定并选择组织机构" }, el.declareError);
        return;
      }
    }
    // One Idempotency-Key per submission: sending the same form again (after a network failure) reuses it, so
    // the server stores the declaration once; a changed form or a success starts a new submission.
    var sent = JSON.stringify([withMember(""), body]);
    if (!state.declareAttempt || state.declareAttempt.sent !== sent) {
      state.declareAttempt = { sent: sent, key: YKM.newIdempotencyKey() };
    }
    setBusy(el.declareSubmit, true, "提交中…");
    api(withMember("/v1/me/declarations"), { method: "POST", auth: true, body: body,
                                             headers: { "Idempotency-Key": state.declareAttempt.key } })
      .then(function (declared) {
        state.declareAttempt = null;
        showBox(el.declareDone, "申报成功（" + formatTime(declared.declared_at) + "）");
        Array.prototype.forEach.call(form.querySelectorAll('input[type="checkbox"]'), function (b) { b.checked = false; });
        el.declareTemperature.value = "";
        return loadDeclarations();
      })
      .catch(function (failure) {
        if (!handleAuthFailure(failure)) showFormFailure(form, failure, el.declareError);
      })
      .then(function () { setBusy(el.declareSubmit, false); });
  }

  function loadDeclarations() {
    var member = state.member;
    return api(withMember("/v1/me/declarations?limit=20"), { auth: true })
      .then(function (page) {
        if (state.member !== member) return;
        el.declareList.textContent = "";
        (page.items || []).forEach(function (item) {
          var row = make("li", "record");
          row.setAttribute("data-testid", "declaration-item");
          var head = make("div", "record-head");
          head.appendChild(make("span", "record-kind", item.type_label));
          var when = make("time", "record-time", formatTime(item.declared_at));
          when.dateTime = item.declared_at;
          head.appendChild(when);
          row.appendChild(head);
          var facts = make("dl", "facts");
          facts.appendChild(make("dt", "", "体温"));
          facts.appendChild(make("dd", item.fever ? "warn" : "", item.temperature_c !== null ? item.temperature_c + "°C" : "未填写"));
          facts.appendChild(make("dt", "", "症状"));
          facts.appendChild(make("dd", item.symptom_labels.length ? "warn" : "",
            item.symptom_labels.length ? item.symptom_labels.join("、") : "无不适症状"));
          if (item.declared_by_guardian) {
            facts.appendChild(make("dt", "", "申报人"));
            facts.appendChild(make("dd", "", "监护人代为申报"));
          }
          row.appendChild(facts);
          el.declareList.appendChild(row);
        });
        el.declareEmpty.hidden = el.declareList.children.length > 0;
      })
      .catch(function (failure) {
        if (!handleAuthFailure(failure)) showBox(el.declareError, "申报记录加载失败：" + failure.messageZh);
      });
  }

  // ---------------------------------------------------------------- 行程卡 (itinerary card)

  function stopCountdown() {
    clearInterval(state.countdownTimer);
    state.countdownTimer = null;
    if (el.itinerarySend) {
      el.itinerarySend.disabled = false;
      el.itinerarySend.textContent = "获取验证码";
    }
  }

  function startCountdown(seconds) {
    stopCountdown();
    var left = seconds;
    el.itinerarySend.disabled = true;
    el.itinerarySend.textContent = left + "秒后重发";
    state.countdownTimer = setInterval(function () {
      left -= 1;
      if (left <= 0) stopCountdown();
      else el.itinerarySend.textContent = left + "秒后重发";
    }, 1000);
  }

  function itineraryPhone() { return el.itineraryPhone.value.replace(/[\s-]+/g, ""); }

  function openItinerary() {
    clearFormErrors(el.itineraryForm);
    showBox(el.itineraryError, "");
    el.itineraryPhone.focus();
  }

  function onItinerarySend() {
    var form = el.itineraryForm;
    clearFormErrors(form);
    showBox(el.itineraryError, "");
    showBox(el.itinerarySent, "");
    if (!itineraryPhone()) {
      showFormFailure(form, { field: "phone", messageZh: "请输入手机号码" }, el.itineraryError);
      return;
    }
    el.itinerarySend.disabled = true;
    api("/v1/itinerary/sms-code", { method: "POST", auth: true, body: { phone: itineraryPhone() } })
      .then(function (sent) {
        showBox(el.itinerarySent, "验证码已发送至 " + sent.phone_masked + "，" + Math.round(sent.expires_in / 60) + "分钟内有效");
        startCountdown(sent.resend_after || 60);
        el.itineraryCode.focus();
      })
      .catch(function (failure) {
        el.itinerarySend.disabled = false;
        if (!handleAuthFailure(failure)) showFormFailure(form, failure, el.itineraryError);
      });
  }

  function onItinerarySubmit(event) {
    event.preventDefault();
    var form = el.itineraryForm;
    clearFormErrors(form);
    showBox(el.itineraryError, "");
    var body = { phone: itineraryPhone(), sms_code: el.itineraryCode.value.trim() };
    if (!body.phone) return showFormFailure(form, { field: "phone", messageZh: "请输入手机号码" }, el.itineraryError);
    if (!/^\d{6}$/.test(body.sms_code)) {
      return showFormFailure(form, { field: "sms_code", messageZh: "请输入6位短信验证码" }, el.itineraryError);
    }
    setBusy(el.itinerarySubmit, true, "查询中…");
    api("/v1/itinerary", { method: "POST", auth: true, body: body })
      .then(renderItinerary)
      .catch(function (failure) {
        if (!handleAuthFailure(failure)) showFormFailure(form, failure, el.itineraryError);
      })
      .then(function () { setBusy(el.itinerarySubmit, false); });
  }

  function renderItinerary(card) {
    el.itineraryPhoneMasked.textContent = card.phone_masked;
    el.itineraryUpdated.textContent = formatTime(card.queried_at);
    el.itineraryUpdated.dateTime = card.queried_at;
    var cities = card.cities || [];
    el.itineraryCities.textContent = cities.length ? cities.map(function (c) { return c.city; }).join("、") : "无";
    el.itineraryList.textContent = "";
    cities.forEach(function (visit) {
      var row = make("li", "itinerary-city");
      row.setAttribute("data-testid", "itinerary-city");
      row.appendChild(make("span", "", visit.city));
      row.appendChild(make("span", "subtle", visit.date));
      el.itineraryList.appendChild(row);
    });
    el.itineraryPeriod.textContent = card.period.from + " 至 " + card.period.to;
    el.itineraryCard.hidden = false;
    el.itineraryCode.value = "";
  }

  // ---------------------------------------------------------------- 申领澳门健康码 (Macau health code)

  function openMacau() {
    el.macauCard.hidden = true;
    el.macauForm.hidden = true;
    clearFormErrors(el.macauForm);
    showBox(el.macauError, "");
    el.macauRefusal.hidden = true;
    var member = state.member;
    api(withMember("/v1/me/macau-code"), { auth: true })
      .then(function (code) {
        if (state.member !== member) return;
        renderMacau(code);
      })
      .catch(function (failure) {
        if (state.member !== member || handleAuthFailure(failure)) return;
        el.macauForm.hidden = false;
        if (failure.status !== 404) showBox(el.macauError, failure.messageZh);
      });
  }

  function renderMacau(code) {
    el.macauCard.hidden = false;
    el.macauCard.dataset.status = code.status;
    el.macauName.textContent = code.name_masked || "";
    el.macauStatus.textContent = MACAU_STATUS[code.status] || code.status;
    el.macauStatus.dataset.color = code.status === "VALID" ? "GREEN" : "";
    el.macauValidUntil.textContent = formatTime(code.valid_until);
    el.macauPort.textContent = code.entry_port_label || "";
    var test = code.latest_negative_test;
    el.macauTest.textContent = test ? test.date + (test.institution ? "（" + test.institution + "）" : "") : "暂无核酸检测阴性记录";
    el.macauReasons.textContent = "";
    (code.reasons || []).forEach(function (reason) {
      el.macauReasons.appendChild(make("li", "reason-tag", reason.label || reason.code));
    });
    el.macauQrFrame.hidden = !code.qr;
    drawQrOn(el.macauQr, code.qr || "", COLORS.GREEN.module);
    el.macauForm.hidden = code.status === "VALID";
  }

  function onMacauSubmit(event) {
    event.preventDefault();
    var form = el.macauForm;
    clearFormErrors(form);
    showBox(el.macauError, "");
    el.macauRefusal.hidden = true;
    el.macauRefusal.textContent = "";
    var temperature = readTemperature(el.macauTemperature);
    if (temperature.error) {
      return showFormFailure(form, { field: "declaration.temperature_c", messageZh: temperature.error }, el.macauError);
    }
    if (!el.macauConfirm.checked) {
      return showFormFailure(form, { field: "declaration.confirmed", messageZh: "请核对申报信息并勾选确认" }, el.macauError);
    }
    var declaration = { entry_port: el.macauPortSelect.value, symptoms: checkedSymptoms(form, "m-"), confirmed: true };
    MACAU_QUESTIONS.forEach(function (q) { declaration[q[0]] = answerOf(form, "m-" + q[0]); });
    if (temperature.value !== null) declaration.temperature_c = temperature.value;
    setBusy(el.macauSubmit, true, "申领中…");
    api(withMember("/v1/me/macau-code"), { method: "POST", auth: true, body: { declaration: declaration } })
      .then(function (code) {
        el.macauConfirm.checked = false;
        renderMacau(code);
        window.scrollTo(0, 0);
      })
      .catch(function (failure) {
        if (handleAuthFailure(failure)) return;
        if (failure.status === 409) {
          var reason = failure.details && typeof failure.details.reason === "string" ? failure.details.reason : "";
          showBox(el.macauError, failure.messageZh + (reason ? "：" + reason : ""));
          ((failure.details && failure.details.reasons) || []).forEach(function (reason) {
            el.macauRefusal.appendChild(make("li", "reason-tag", reason.label || reason.code));
          });
          el.macauRefusal.hidden = !el.macauRefusal.children.length;
          return;
        }
        showFormFailure(form, failure, el.macauError);
      })
      .then(function () { setBusy(el.macauSubmit, false); });
  }

  // ---------------------------------------------------------------- residents: start

  function initResidents() {
    var ids = {
      familyView: "family-view", familyList: "family-list", familyEmpty: "family-empty", familyError: "family-error",
      memberForm: "member-form", memberRelationSelect: "member-relation-select", memberName: "member-name",
      memberIdType: "member-id-type", memberIdNumber: "member-id-number", memberIssueRow: "member-issue-row",
      memberIssueCount: "member-issue-count", memberProof: "member-proof", memberFormError: "member-form-error",
      memberFormDone: "member-form-done", memberSubmit: "member-submit",
      offlineOpen: "offline-open", offlineSection: "offline-section", offlineStatus: "offline-status",
      offlineFigure: "offline-figure", offlineImage: "offline-image", offlineSave: "offline-save",
      offlineReissue: "offline-reissue",
      recordsView: "records-view", recordsTabs: "records-tabs", recordsList: "records-list",
      recordsEmpty: "records-empty", recordsError: "records-error", recordsMore: "records-more",
      declareView: "declare-view", declareForm: "declare-form", declareType: "declare-type",
      declarePlaceRow: "declare-place-row", declarePlace: "declare-place", declareTemperature: "declare-temperature",
      declarePlaceNone: "declare-place-none", declareJoinRow: "declare-join-row", declareJoinCode: "declare-join-code",
      declareJoin: "declare-join",
      declareCity: "declare-city", declareRemarks: "declare-remarks", declareError: "declare-error",
      declareDone: "declare-done", declareSubmit: "declare-submit", declareList: "declare-list",
      declareEmpty: "declare-empty",
      itineraryView: "itinerary-view", itineraryForm: "itinerary-form", itineraryPhone: "itinerary-phone",
      itineraryCode: "itinerary-code", itinerarySend: "itinerary-send", itineraryError: "itinerary-error",
      itinerarySent: "itinerary-sent", itinerarySubmit: "itinerary-submit", itineraryCard: "itinerary-card",
      itineraryPhoneMasked: "itinerary-phone-masked", itineraryUpdated: "itinerary-updated",
      itineraryCities: "itinerary-cities", itineraryList: "itinerary-list", itineraryPeriod: "itinerary-period",
      macauView: "macau-view", macauCard: "macau-card", macauName: "macau-name", macauQr: "macau-qr",
      macauQrFrame: "macau-qr-frame", macauStatus: "macau-status", macauValidUntil: "macau-valid-until",
      macauPort: "macau-port", macauTest: "macau-test", macauReasons: "macau-reasons", macauAgain: "macau-again",
      macauForm: "macau-form", macauPortSelect: "macau-port-select", macauTemperature: "macau-temperature",
      macauConfirm: "macau-confirm", macauError: "macau-error", macauRefusal: "macau-refusal",
      macauSubmit: "macau-submit",
    };
    Object.keys(ids).forEach(function (key) { el[key] = $(ids[key]); });

    symptomChecks(el.declareForm.querySelector("[data-symptoms]"), "d-");
    yesNoQuestions(el.declareForm.querySelector("[data-questions]"), DECLARE_QUESTIONS, "d-");
    symptomChecks(el.macauForm.querySelector("[data-symptoms]"), "m-");
    yesNoQuestions(el.macauForm.querySelector("[data-macau-questions]"), MACAU_QUESTIONS, "m-");
    // Server errors name "declaration.contact_with_case"; the radios are named "m-contact_with_case".
    Array.prototype.forEach.call(el.macauForm.querySelectorAll(".question"), function (set) {
      var name = set.dataset.field.replace(/^m-/, "declaration.");
      set.dataset.field = name;
      set.querySelector("[data-error]").dataset.error = name;
    });
    Array.prototype.forEach.call(el.declareForm.querySelectorAll(".question"), function (set) {
      var name = set.dataset.field.replace(/^d-/, "answers.");
      set.dataset.field = name;
      set.querySelector("[data-error]").dataset.error = name;
    });

    el.memberSwitch.addEventListener("click", function (event) {
      event.stopPropagation();
      if (el.memberMenu.hidden) openMemberMenu();
      else closeMemberMenu();
    });
    el.memberMenu.addEventListener("keydown", function (event) {
      var options = Array.prototype.slice.call(el.memberMenu.querySelectorAll("[role=option]"));
      var index = options.indexOf(document.activeElement);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var next = options[(index + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length];
        if (next) next.focus();
      } else if (event.key === "Escape") {
        closeMemberMenu();
        el.memberSwitch.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!el.memberMenu.hidden && !el.memberMenu.contains(event.target)) closeMemberMenu();
    });
    Array.prototype.forEach.call(document.querySelectorAll(".service[data-view]"), function (button) {
      button.addEventListener("click", function () { openView(button.dataset.view); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-back]"), function (button) {
      button.addEventListener("click", backToCode);
    });
    el.offlineOpen.addEventListener("click", openOffline);
    el.offlineReissue.addEventListener("click", reissueOffline);
    el.memberIdType.addEventListener("change", syncMemberForm);
    el.memberForm.addEventListener("submit", onMemberSubmit);
    el.recordsMore.addEventListener("click", function () { loadRecords(true); });
    el.declareType.addEventListener("change", syncDeclareForm);
    el.declareJoin.addEventListener("click", onDeclareJoin);
    el.declareForm.addEventListener("submit", onDeclareSubmit);
    el.itinerarySend.addEventListener("click", onItinerarySend);
    el.itineraryForm.addEventListener("submit", onItinerarySubmit);
    el.macauForm.addEventListener("submit", onMacauSubmit);
    el.macauAgain.addEventListener("click", function () {
      el.macauForm.hidden = false;
      el.macauForm.scrollIntoView();
    });
    syncMemberForm();
    syncDeclareForm();
  }

  // ---------------------------------------------------------------- timers

  function tickClock() { el.clock.textContent = formatTime(new Date()); }

  function startTimers() {
    stopTimers();
    tickClock();
    state.clockTimer = setInterval(tickClock, 1000);
    state.refreshTimer = setInterval(function () {
      // A hidden page does not show its code; it refreshes as soon as it is shown again.
      if (document.hidden || el.codeView.hidden) state.refreshDue = true;
      else refreshCode();
    }, REFRESH_MS);
  }

  function stopTimers() {
    clearInterval(state.clockTimer);
    clearInterval(state.refreshTimer);
    clearTimeout(state.retryTimer);
    state.clockTimer = state.refreshTimer = state.retryTimer = null;
    state.retryAttempt = 0;
    state.refreshDue = false;
  }

  function onVisibilityChange() {
    if (!document.hidden && state.session && state.refreshDue && !el.codeView.hidden) refreshCode();
  }

  // ---------------------------------------------------------------- start

  function logout() {
    LAST.clear(); // the codes kept for an outage leave the phone with the session
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
      agreementRow: $("agreement-row"), agree: $("agree"),
      codeView: $("code-view"), codeCard: $("code-card"), nameMasked: $("name-masked"),
      codeType: $("code-type"), clock: $("code-clock"), qr: $("code-qr"), codeColor: $("code-color"),
      codeUpdated: $("code-updated"), codeTest: $("code-test"), codeError: $("code-error"),
      codeOffline: $("code-offline"), storedCode: $("stored-code"), storedCodeShow: $("stored-code-show"),
      storedCodeCard: $("stored-code-card"), storedCodeName: $("stored-code-name"),
      storedCodeOffline: $("stored-code-offline"), storedCodeQr: $("stored-code-qr"),
      storedCodeColor: $("stored-code-color"),
      reasonsSection: $("reasons-section"), reasons: $("reasons"), refresh: $("refresh"),
      displayLog: $("display-log"), displayLogHead: $("display-log-head"), displayLogEmpty: $("display-log-empty"),
      displayLogError: $("display-log-error"), displayLogMore: $("display-log-more"),
      logout: $("logout"), medicalOpen: $("medical-open"),
      memberSwitch: $("member-switch"), memberMenu: $("member-menu"), memberRelation: $("member-relation"),
    };
    initResidents();

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
    el.storedCodeShow.addEventListener("click", showStoredCode);
    document.addEventListener("visibilitychange", onVisibilityChange);
    window.addEventListener("popstate", onPopState);

    syncLoginForm();
    state.session = loadSession();
    if (state.session) showCodeView();
    else syncStoredCode();
    document.documentElement.dataset.ready = "true";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
