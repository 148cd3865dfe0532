/* 粤康码 H5: what the resident page (app.js) and the inbound page (inbound.js) share — the API call and its
   failure, the session in sessionStorage, the product's clock, the QR drawn on a canvas and the red code's
   reasons. A classic script that defines window.YKM and nothing else; each page loads it after
   vendor/qrcode.js and before its own script. */
(function () {
  "use strict";

  var TIME_ZONE = "Asia/Shanghai"; // the product's clock, whatever zone the phone is set to
  var QR_QUIET_MODULES = 4;

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

  // "2026-11-20 09:30:00" on the product's clock; a value that is no time is shown as it is.
  function formatTime(value) {
    var moment = value instanceof Date ? value : new Date(value);
    if (isNaN(moment.getTime())) return String(value || "");
    var parts = {};
    formatter.formatToParts(moment).forEach(function (p) { parts[p.type] = p.value; });
    var hour = parts.hour === "24" ? "00" : parts.hour;
    return parts.year + "-" + parts.month + "-" + parts.day + " " + hour + ":" + parts.minute + ":" + parts.second;
  }

  // ---------------------------------------------------------------- session (one sessionStorage entry per page)

  function loadSession(key) {
    try {
      var saved = JSON.parse(sessionStorage.getItem(key) || "null");
      if (saved && saved.token && (!saved.expires_at || saved.expires_at * 1000 > Date.now())) return saved;
    } catch (e) { /* a damaged entry is the same as none */ }
    sessionStorage.removeItem(key);
    return null;
  }

  function saveSession(key, session) {
    sessionStorage.setItem(key, JSON.stringify(session));
    return session;
  }

  function clearSession(key) {
    sessionStorage.removeItem(key);
  }

  // ---------------------------------------------------------------- API

  // The API's error ({error: {code, message, message_zh, field, details}}) with the HTTP status (0: the network
  // failed) and Retry-After in seconds (0 when not given). With a fallback text, messageZh is always something to
  // show: the Chinese message, else the English one, else the fallback; without one it is only the Chinese message.
  function ApiFailure(status, error, retryAfter, fallbackZh) {
    this.status = status;
    this.code = error.code || "ERROR";
    this.message = error.message || "";
    this.messageZh = error.message_zh || (fallbackZh ? this.message || fallbackZh : "");
    this.field = error.field || null;
    this.details = error.details || null;
    this.retryAfter = retryAfter || 0;
  }

  // A page's `api(path, {method, body, auth, headers, timeoutMs})`: JSON in and out, the answer's data or an
  // ApiFailure. settings.token(): the session token sent for {auth: true}; headers: extra request headers
  // (Idempotency-Key); timeoutMs: give up after that long (an ApiFailure of status 0, code TIMEOUT).
  // settings.zhTexts {failed, network, badBody}: the Chinese texts of a page that shows failure.messageZh as it is;
  // with them a successful answer without JSON is a failure too. Without them (a page that words failures itself)
  // messageZh is only what the server said, and such an answer is null.
  function apiClient(settings) {
    var texts = settings.zhTexts || null;
    var failure = function (status, error, retryAfter) {
      return new ApiFailure(status, error, retryAfter, texts && texts.failed);
    };
    return function api(path, options) {
      options = options || {};
      var headers = { Accept: "application/json" };
      if (options.body !== undefined) headers["Content-Type"] = "application/json";
      if (options.auth) headers.Authorization = "Bearer " + settings.token();
      Object.keys(options.headers || {}).forEach(function (name) { headers[name] = options.headers[name]; });
      var controller = options.timeoutMs && typeof AbortController === "function" ? new AbortController() : null;
      var timedOut = false;
      var timer = controller ? setTimeout(function () { timedOut = true; controller.abort(); }, options.timeoutMs) : null;
      var settle = function () { if (timer) clearTimeout(timer); };
      return fetch(path, {
        method: options.method || "GET",
        headers: headers,
        body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
        credentials: "same-origin",
        cache: "no-store",
        signal: controller ? controller.signal : undefined,
      }).then(function (response) {
        var body = response.text().then(null, function () {
          settle(); // the answer broke off (or timed out) halfway
          throw failure(0, { code: timedOut ? "TIMEOUT" : "NETWORK", message_zh: texts ? texts.network : undefined });
        });
        return body.then(function (text) {
          settle();
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (!response.ok) {
            var retry = parseInt(response.headers.get("Retry-After") || "0", 10) || 0;
            throw failure(response.status, (data && data.error) || {}, retry);
          }
          if (response.status === 204) return null; // no content: a removal, for one
          if (data === null && texts) throw failure(response.status, { message_zh: texts.badBody });
          return data;
        });
      }, function () {
        settle();
        throw failure(0, { code: timedOut ? "TIMEOUT" : "NETWORK", message_zh: texts ? texts.network : undefined });
      });
    };
  }

  // ---------------------------------------------------------------- QR code

  // Draws `text` as a QR code (qrcode.js, level M) with a quiet zone, whole device pixels per module so the edges
  // stay sharp for scanners, and marks the canvas with data-qr. Without a text it clears the canvas.
  // Returns the number of modules a side (0 when cleared).
  function drawQr(canvas, text, moduleColor) {
    var ctx = canvas.getContext("2d");
    if (!text || typeof window.qrcode !== "function") {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      canvas.removeAttribute("data-qr");
      return 0;
    }
    var qr = window.qrcode(0, "M");
    qr.addData(text, "Byte");
    qr.make();
    var modules = qr.getModuleCount();
    var cssSize = canvas.getBoundingClientRect().width || 264;
    var ratio = window.devicePixelRatio || 1;
    var total = modules + QR_QUIET_MODULES * 2;
    var cell = Math.max(1, Math.floor((cssSize * ratio) / total));
    var size = cell * total;
    canvas.width = size;
    canvas.height = size;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, size, size);
    ctx.fillStyle = moduleColor;
    for (var row = 0; row < modules; row++) {
      for (var col = 0; col < modules; col++) {
        if (qr.isDark(row, col)) {
          ctx.fillRect((col + QR_QUIET_MODULES) * cell, (row + QR_QUIET_MODULES) * cell, cell, cell);
        }
      }
    }
    canvas.dataset.qr = text;
    return modules;
  }

  // ---------------------------------------------------------------- red code reasons

  // FAQ 5: each reason is a tag to tap for how to clear the red code. describe(reason) gives the page's words:
  // {label, until (a text, "" for none), guide, expanded}; onToggle(reason, open), if given, hears of each tap.
  function renderReasons(list, section, reasons, describe, onToggle) {
    list.textContent = "";
    section.hidden = reasons.length === 0;
    reasons.forEach(function (reason, index) {
      var shown = describe(reason);
      var item = document.createElement("li");
      item.className = "reason";
      item.dataset.code = reason.code;

      var guideId = "reason-guide-" + index;
      var tag = document.createElement("button");
      tag.type = "button";
      tag.className = "reason-tag";
      tag.setAttribute("data-testid", "reason-tag");
      tag.setAttribute("aria-controls", guideId);
      tag.setAttribute("aria-expanded", String(!!shown.expanded));
      tag.textContent = shown.label;
      if (shown.until) {
        var until = document.createElement("span");
        until.className = "reason-until";
        until.textContent = shown.until;
        tag.appendChild(until);
      }

      var guide = document.createElement("div");
      guide.id = guideId;
      guide.className = "reason-guide";
      guide.setAttribute("data-testid", "reason-guide");
      guide.textContent = shown.guide;
      guide.hidden = !shown.expanded;
      tag.addEventListener("click", function () {
        var open = tag.getAttribute("aria-expanded") !== "true";
        tag.setAttribute("aria-expanded", String(open));
        guide.hidden = !open;
        if (onToggle) onToggle(reason, open);
      });

      item.appendChild(tag);
      item.appendChild(guide);
      list.appendChild(item);
    });
  }

  // ---------------------------------------------------------------- forms

  function focusField(form, field) {
    var wrapper = form.querySelector('[data-field="' + field + '"]');
    var input = wrapper && wrapper.querySelector("input:not([disabled]), select");
    if (input) input.focus();
  }

  // An Idempotency-Key (healthcode.idempotency: 1-128 of A-Z a-z 0-9 . _ : -): one per submission, reused when the
  // same submission is sent again after a lost answer, so the server stores it once.
  function newIdempotencyKey() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") return c.randomUUID();
    if (c && typeof c.getRandomValues === "function") {
      return Array.prototype.map.call(c.getRandomValues(new Uint8Array(16)), function (b) {
        return (b + 256).toString(16).slice(1);
      }).join("");
    }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  // Runs task() (a promise) with `buttons` (one or a list) disabled and aria-busy until it settles, the first one
  // showing busyText if given: a double click or a second Enter sends nothing more. While any of them is busy a
  // second call does not run the task and answers null. Answers the task's promise otherwise.
  function whileBusy(buttons, task, busyText) {
    var list = [].concat(buttons).filter(Boolean);
    if (list.some(function (b) { return b.getAttribute("aria-busy") === "true"; })) return null;
    list.forEach(function (b) {
      b.dataset.wasDisabled = b.disabled ? "1" : "";
      b.disabled = true;
      b.setAttribute("aria-busy", "true");
    });
    if (busyText && list[0]) {
      list[0].dataset.label = list[0].textContent;
      list[0].textContent = busyText;
    }
    var done = function () {
      list.forEach(function (b) {
        b.disabled = b.dataset.wasDisabled === "1";
        b.removeAttribute("aria-busy");
      });
      if (busyText && list[0] && list[0].dataset.label) list[0].textContent = list[0].dataset.label;
    };
    var running;
    try { running = Promise.resolve(task()); } catch (e) { running = Promise.reject(e); }
    return running.then(function (value) { done(); return value; }, function (error) { done(); throw error; });
  }

  // Enables or disables a button that may be busy: while whileBusy holds it, the state is kept for when it is done.
  function setDisabled(button, disabled) {
    if (button.getAttribute("aria-busy") === "true") button.dataset.wasDisabled = disabled ? "1" : "";
    else button.disabled = disabled;
  }

  // ---------------------------------------------------------------- back after logging in

  // A page that needs a session (an invitation link opened before logging in, for one) remembers where it was; the
  // login page goes back there once logged in. Only a page of this site: "name.html" and its #fragment.
  var RETURN_KEY = "ykm.returnTo";
  var RETURN_PATH = /^[a-z][a-z0-9-]*\.html(#[A-Za-z0-9=&%._~-]*)?$/;

  function rememberReturn(path) {
    if (RETURN_PATH.test(path)) sessionStorage.setItem(RETURN_KEY, path);
  }

  function takeReturn() {
    var path = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    return path && RETURN_PATH.test(path) ? path : null;
  }

  window.YKM = {
    whileBusy: whileBusy,
    setDisabled: setDisabled,
    rememberReturn: rememberReturn,
    takeReturn: takeReturn,
    newIdempotencyKey: newIdempotencyKey,
    formatTime: formatTime,
    loadSession: loadSession,
    saveSession: saveSession,
    clearSession: clearSession,
    ApiFailure: ApiFailure,
    apiClient: apiClient,
    drawQr: drawQr,
    renderReasons: renderReasons,
    focusField: focusField,
  };
})();
