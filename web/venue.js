/* 粤康码 H5: public venues (guide 四.(二) and 五, FAQ (三)) on the resident's session (ykm.session, from the login
   page). The venue admin creates the venue, shares the join code (场所申报码), reads the statistics, manages the
   inspectors, hands the admin role over (web/admin-transfer.js: the successor, shown the venue, confirms with
   #accept=<token>, kept through the login when they must log in first) and edits once a week; the region is picked
   province -> city -> county -> township (web/region-picker.js). An inspector binds venues, scans a code (camera,
   hardware scanner + Enter, or paste: scanner.js), sees the masked name, phone, colour and reasons (POST /v1/scan)
   and, on request, the latest declaration, then submits NORMAL or FEVER (one Idempotency-Key per scanned code and
   decision, reused on a retry or a second click), and shows or prints the venue's 葵花码; a resident checks in with a
   venue's 葵花码. Every button that sends is disabled while its request runs (YKM.whileBusy). Visitors are shown
   masked only: the API never gives a venue more (FAQ 9). */
(function () {
  "use strict";

  var SESSION_KEY = "ykm.session";
  var TYPES = [{ code: "RESIDENTIAL", label: "住宅小区" }, { code: "OFFICE", label: "写字楼" },
               { code: "SHOPPING_MALL", label: "商场商店" }, { code: "RESTAURANT", label: "餐饮" },
               { code: "HOTEL", label: "酒店住宿" }, { code: "ENTERTAINMENT", label: "文化娱乐" },
               { code: "SPORTS", label: "体育游乐" }, { code: "TRANSPORT", label: "交通出行" }, { code: "OTHER", label: "其他" }];
  var AGE_LABELS = { "0-17": "0-17岁", "18-39": "18-39岁", "40-59": "40-59岁", "60+": "60岁及以上", unknown: "未知" };
  var COLOR_LABELS = { GREEN: "绿码", RED: "红码" };

  var session = YKM.loadSession(SESSION_KEY);
  var RED_ALERT = "红码人员：请查看红码原因，并按当地相应处理办法进一步核实和处理"; // FAQ 13
  var state = { venue: null, checking: null, quickUrl: null, preview: null, counts: null, scanner: null,
                flushing: false, flushTimer: null, flushAttempt: 0 };
  var TRANSFER = YKM_TRANSFER.placeHandover("venue.html", "场所"); // web/admin-transfer.js
  var SCAN = window.YKM_SCAN; // web/venue-offline.js: the kept keys, offline verification and the queue of checks
  var SCAN_TIMEOUT_MS = 5000; // an inspector at a gate waits no longer for the server before checking offline

  function $(id) { return document.getElementById(id); }

  // ---------------------------------------------------------------- API (with custom headers and binary answers)

  function call(path, options) {
    options = options || {};
    var headers = Object.assign({ Accept: "application/json", Authorization: "Bearer " + session.token },
                                options.headers || {});
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    var controller = options.timeoutMs && typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, options.timeoutMs) : null;
    return fetch(path, {
      method: options.method || "GET", headers: headers, cache: "no-store", credentials: "same-origin",
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      clearTimeout(timer);
      if (response.ok && options.binary) return response.blob();
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!response.ok) {
          var retry = parseInt(response.headers.get("Retry-After") || "0", 10) || 0;
          throw new YKM.ApiFailure(response.status, (data && data.error) || {}, retry, "操作失败，请稍后再试");
        }
        return data;
      }, function () {
        throw new YKM.ApiFailure(0, { code: "NETWORK", message_zh: "网络异常，请检查网络后重试" }, 0, "网络异常");
      });
    }, function () {
      clearTimeout(timer);
      throw new YKM.ApiFailure(0, { code: "NETWORK", message_zh: "网络异常，请检查网络后重试" }, 0, "网络异常");
    });
  }

  // No answer from the service (network, timeout) or the service overloaded (429, 5xx): the offline case.
  function isOutage(failure) {
    return !failure || !failure.status || failure.status === 429 || failure.status >= 500;
  }

  function showError(failure, form) {
    YKM.showFailure($("venue-error"), failure, form);
  }

  function formData(form, skipEmpty) {
    var body = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name], select[name], textarea[name]"), function (el) {
      var value = el.value.trim();
      if (skipEmpty && (!value || value === el.dataset.original)) return;
      body[el.name] = value;
    });
    return body;
  }

  // ---------------------------------------------------------------- tabs

  function showTab(name) {
    YKM.selectTab("tab", name);
    YKM.showOnly("pane", name);
    showError(null);
    if (name === "admin") loadMyVenue();
    if (name === "inspector") loadInspector();
  }

  // ---------------------------------------------------------------- venue admin

  function showVenue(venue) {
    state.venue = venue;
    $("create-form").hidden = true;
    $("my-venue").hidden = false;
    $("venue-name").textContent = venue.name;
    $("venue-type").textContent = venue.type_label;
    $("venue-region").textContent = (venue.region_name || "") + "（" + venue.region_code + "）";
    YKM.townshipName(venue.region_code).then(function (township) { // the API names the county; the table the township
      if (township && state.venue === venue) {
        $("venue-region").textContent = (venue.region_name || "") + township + "（" + venue.region_code + "）";
      }
    });
    $("venue-address").textContent = venue.address;
    $("venue-phone").textContent = venue.phone || venue.phone_masked || "";
    $("join-code").textContent = venue.join_code;
    var form = $("edit-form");
    ["region_code", "address", "type", "name", "phone"].forEach(function (field) {
      var input = form.elements[field];
      input.value = venue[field] || "";
      input.dataset.original = input.value;
    });
    if (state.editRegion && venue.region_code) state.editRegion.set(venue.region_code);
    $("edit-limit").textContent = venue.editable ? "每个自然周仅可修改一次。"
      : "本周已修改过，下次可修改日期：" + venue.next_edit_date;
    YKM.setDisabled(form.querySelector("button[type=submit]"), !venue.editable); // this week's edit is used up
  }

  function loadMyVenue() {
    return call("/v1/venues/mine").then(showVenue, function (failure) {
      if (failure.status !== 404) return showError(failure);
      state.venue = null;
      $("my-venue").hidden = true;
      $("create-form").hidden = false;
      YKM.showOnly("adminPane", null);
    });
  }

  function openAdminPane(name) {
    YKM.showOnly("adminPane", name);
    if (name === "stats") loadStats();
    if (name === "members") loadMembers();
  }

  function loadStats() {
    return call("/v1/venues/" + state.venue.place_id + "/stats").then(function (stats) {
      $("stats-date").textContent = stats.date;
      $("stats-checks-today").textContent = stats.checks_today;
      $("stats-checks-total").textContent = stats.checks_total;
      $("stats-fever-today").textContent = stats.fever_today;
      $("stats-fever-total").textContent = stats.fever_total;
      $("stats-quick-today").textContent = stats.quick_checkins_today;
      $("stats-gender").textContent = "男 " + stats.gender.male + " · 女 " + stats.gender.female
        + " · 未知 " + stats.gender.unknown;
      $("stats-ages").textContent = Object.keys(AGE_LABELS).map(function (group) {
        return AGE_LABELS[group] + " " + stats.age_groups[group];
      }).join(" · ");
      var hourly = $("stats-hourly");
      hourly.textContent = "";
      stats.hourly.forEach(function (count, hour) {
        if (!count) return;
        var item = document.createElement("li");
        item.textContent = (hour < 10 ? "0" : "") + hour + ":00-" + (hour < 9 ? "0" : "") + (hour + 1) + ":00  "
          + count + " 人次";
        hourly.appendChild(item);
      });
      var inspectors = $("stats-inspectors");
      inspectors.textContent = "";
      stats.inspectors.forEach(function (row) {
        var item = document.createElement("li");
        item.setAttribute("data-testid", "stats-inspector");
        item.textContent = row.name_masked + (row.device ? "（设备）" : row.bound ? "" : "（已解绑）") + "：今日 " + row.today + "（发热 "
          + row.fever_today + "），累计 " + row.total + "（发热 " + row.fever_total + "）";
        inspectors.appendChild(item);
      });
    }, showError);
  }

  function loadMembers() {
    return call("/v1/venues/" + state.venue.place_id + "/members?limit=100").then(function (members) {
      $("members-admin").textContent = members.admin.name_masked;
      var list = $("members-list");
      list.textContent = "";
      $("members-empty").hidden = members.inspectors.length > 0;
      members.inspectors.forEach(function (row) {
        list.appendChild(personRow("member", "member-unbind", row.name_masked + (row.is_admin ? "（管理员）" : ""), "解除绑定",
          "确定解除 " + row.name_masked + " 的检测员绑定？解除后其不能再用场所申报码绑定本场所。", function () {
            return call("/v1/venues/" + state.venue.place_id + "/inspectors/" + encodeURIComponent(row.person_id),
                        { method: "DELETE" }).then(loadMembers, showError);
          }));
      });
    }, showError).then(loadRevoked).then(state.transfer.load);
  }

  // One person in a list (members, unbound people): the label, and one action the admin confirms first.
  function personRow(testid, buttonTestid, label, actionText, question, act) {
    var item = YKM.make("li", "family-member");
    item.setAttribute("data-testid", testid);
    item.appendChild(YKM.make("span", "", label));
    item.appendChild(YKM.busyButton("btn btn-link inline-btn", actionText, buttonTestid, question, act));
    return item;
  }

  // The people the admin unbound: the join code refuses them until the admin restores their eligibility; then they
  // bind again themselves with the join code (the admin never binds anyone without their consent).
  function loadRevoked() {
    return call("/v1/venues/" + state.venue.place_id + "/revocations?limit=100").then(function (page) {
      var list = $("revoked-list");
      list.textContent = "";
      $("revoked-empty").hidden = page.items.length > 0;
      page.items.forEach(function (row) {
        list.appendChild(personRow("revoked", "revoked-readmit", row.name_masked + "（" + (row.unbound_at || "").slice(0, 10) + " 解除绑定）",
          "恢复绑定资格", "确定恢复 " + row.name_masked + " 的绑定资格？恢复后其可再次使用场所申报码绑定本场所。", function () {
            return call("/v1/venues/" + state.venue.place_id + "/revocations/" + encodeURIComponent(row.person_id),
                        { method: "DELETE" }).then(loadRevoked, showError);
          }));
      });
    }, showError);
  }

  // ---------------------------------------------------------------- inspector

  function loadInspector() {
    loadInspectorStats();
    SCAN.refreshKeys();
    flushQueue();
    return call("/v1/inspector/venues?limit=100").then(function (page) {
      SCAN.rememberVenues(session.person_id, page.items);
      showInspectorVenues(page);
    }, function (failure) {
      var kept = SCAN.keptVenues(session.person_id);
      if (!isOutage(failure) || !kept.length) return showError(failure);
      showInspectorVenues({ items: kept }); // offline: the venues this phone was bound to, to check and queue
    });
  }

  function showInspectorVenues(page) {
    var list = $("inspector-venues");
    list.textContent = "";
    $("inspector-empty").hidden = page.items.length > 0;
    page.items.forEach(function (venue) {
      var item = document.createElement("li");
      item.className = "family-member";
      item.setAttribute("data-testid", "inspector-venue");
      var name = document.createElement("span");
      name.textContent = venue.name + " · " + venue.type_label;
      var open = document.createElement("button");
      open.type = "button";
      open.className = "btn btn-light inline-btn";
      open.setAttribute("data-testid", "inspector-venue-open");
      open.textContent = "进入检测";
      open.addEventListener("click", function () { openCheck(venue); });
      var leave = YKM.busyButton("btn btn-link inline-btn", "解除绑定", "inspector-venue-leave",
        "确定解除绑定 " + venue.name + "？", function () {
          return call("/v1/inspector/venues/" + venue.place_id, { method: "DELETE" }).then(function () {
            if (state.checking && state.checking.place_id === venue.place_id) closeCheck();
            loadInspector();
          }, showError);
        });
      item.appendChild(name);
      item.appendChild(open);
      item.appendChild(leave);
      list.appendChild(item);
    });
    if (page.items.length === 1 && !state.checking) openCheck(page.items[0]); // one venue: straight to checking
  }

  function openCheck(venue) {
    state.checking = venue;
    $("check-view").hidden = false;
    $("check-venue").textContent = venue.name;
    $("check-done").hidden = true;
    $("quick-code-figure").hidden = true;
    $("quick-code-save").hidden = true;
    resetScan();
  }

  function closeCheck() {
    state.checking = null;
    if (state.scanner) state.scanner.stop();
    $("check-view").hidden = true;
  }

  // Back to scanning: the preview goes, the code field is emptied and, where a scanner gun may type into it (not on a
  // touch screen, where focusing would raise the keyboard over the camera button), focused for the next person.
  function resetScan() {
    state.preview = null;
    $("check-preview").hidden = true;
    $("check-qr").value = "";
    if (!(window.matchMedia && window.matchMedia("(pointer: coarse)").matches)) $("check-qr").focus();
  }

  // Scan -> preview: POST /v1/scan reads the code (masked name and phone, colour, reasons, latest declaration); the
  // check is recorded only when the inspector picks 正常 or 发热.
  function previewCode(qr) {
    qr = (qr || "").trim();
    if (!qr) return showError(new YKM.ApiFailure(400, { field: "qr", message_zh: "请先扫描粤康码" }), $("scan-form"));
    if (state.preview && state.preview.qr === qr && !$("check-preview").hidden) return null; // the same code again
    return YKM.whileBusy($("check-read"), function () {
      return call("/v1/scan", { method: "POST", body: { qr: qr }, timeoutMs: SCAN_TIMEOUT_MS }).then(function (answer) {
        showPreview(qr, answer);
      }, function (failure) {
        $("check-preview").hidden = true;
        state.preview = null;
        if (isOutage(failure)) return previewOffline(qr);
        showError(failure, $("scan-form"));
      });
    }, "读取中…");
  }

  // The service cannot be reached: the signature is verified here against the kept keys; what needs the server (the
  // colour, a revoked code, the name) is said to be unknown, and the check is queued (submitCheck).
  function previewOffline(qr) {
    return SCAN.verify(qr).then(function (verified) {
      if (!verified.valid) {
        return showError(new YKM.ApiFailure(400, { field: "qr", code: "OFFLINE_INVALID",
          message_zh: "离线核验未通过：" + verified.problem }), $("scan-form"));
      }
      showError(null);
      $("check-done").hidden = true;
      state.preview = { qr: qr, answer: null, keys: {}, viewedDeclaration: false, offline: verified };
      var card = $("check-preview");
      card.hidden = false;
      card.dataset.color = "";
      card.dataset.offline = "true";
      $("check-name").textContent = "离线核验：签名有效 · " + verified.typeLabel;
      $("check-phone").textContent = "离线无法查询";
      $("check-color").textContent = "颜色未知（离线）";
      $("check-color").className = "warn";
      $("check-alert").hidden = false;
      $("check-alert").textContent = "网络或服务暂不可用：本码为本系统签发（" + YKM.formatTime(verified.issuedAt) +
        "），但颜色、是否已作废须联网查询，请同时查看对方手机上的码颜色。登记将保存在本机，联网后自动提交。";
      YKM.renderReasons($("check-reasons"), $("check-reasons-section"), [], function () { return {}; });
      $("check-declaration").hidden = true;
      $("check-health").hidden = true;
      $("check-normal").focus();
    });
  }

  function showPreview(qr, answer) {
    showError(null);
    $("check-preview").dataset.offline = "";
    $("check-done").hidden = true;
    // One Idempotency-Key per scanned code and decision: a second click, or a retry after a lost answer, is the same
    // check (the server records it once); scanning the code again is a new check.
    state.preview = { qr: qr, answer: answer, keys: {}, viewedDeclaration: false };
    var card = $("check-preview");
    card.hidden = false;
    card.dataset.color = answer.color;
    $("check-name").textContent = answer.name_masked || "";
    $("check-phone").textContent = answer.phone_masked || "未登记";
    $("check-color").textContent = COLOR_LABELS[answer.color] || answer.color;
    $("check-color").className = answer.color === "RED" ? "warn" : "";
    $("check-alert").hidden = answer.color !== "RED";
    $("check-alert").textContent = answer.color === "RED" ? RED_ALERT : "";
    YKM.renderReasons($("check-reasons"), $("check-reasons-section"), answer.reasons || [], function (reason) {
      return { label: reason.label, until: "", guide: reason.guide || "", expanded: false };
    });
    $("check-declaration").hidden = true;
    $("check-health").hidden = false;
    $("check-alert").hidden = answer.color !== "RED";
    $("check-normal").focus();
  }

  function showDeclaration() {
    if (!state.preview) return;
    state.preview.viewedDeclaration = true;
    var declaration = state.preview.answer.latest_declaration;
    $("check-declaration").textContent = declaration
      ? "最近一次健康申报：" + YKM.formatTime(declaration.declared_at) + "，" + (declaration.healthy ? "无异常" : "有异常")
        + (declaration.temperature_c ? "，体温 " + declaration.temperature_c + "℃" : "")
        + (declaration.symptoms && declaration.symptoms.length ? "，症状：" + declaration.symptoms.join("、") : "")
      : "暂无健康申报记录";
    $("check-declaration").hidden = false;
    $("check-health").hidden = true;
  }

  function submitCheck(temperature) {
    var preview = state.preview;
    if (!preview) return null;
    var key = preview.keys[temperature] = preview.keys[temperature] || YKM.newIdempotencyKey();
    var path = "/v1/venues/" + state.checking.place_id + "/checks"
      + (preview.viewedDeclaration ? "?with_declaration=true" : "");
    var send = function () {
      return call(path, { method: "POST", body: { qr: preview.qr, temperature: temperature },
                          headers: { "Idempotency-Key": key } });
    };
    var buttons = [$("check-normal"), $("check-fever"), $("check-cancel")];
    var queued = { key: key, viewer: session.person_id, place_id: state.checking.place_id,
                   venue_name: state.checking.name, qr: preview.qr, temperature: temperature,
                   with_declaration: !!preview.viewedDeclaration, queued_at: Date.now() };
    if (preview.offline) return checkQueued(queued);
    return YKM.whileBusy(buttons, function () {
      return send().catch(function (failure) {
        if (failure.status === 0 || failure.status >= 500 || failure.code === "REQUEST_IN_PROGRESS") return send();
        throw failure;
      }).then(checkRecorded, function (failure) {
        if (isOutage(failure)) return checkQueued(queued); // the same key: if the first send did land, it counts once
        showError(failure);
      });
    }, "提交中…");
  }

  // Kept on the phone with its Idempotency-Key, to send when the network is back.
  function checkQueued(item) {
    if (!SCAN.enqueue(item)) {
      showError(new YKM.ApiFailure(0, { code: "QUEUE_FULL", message_zh: "本机待提交的检测已满，请联网后再登记" }));
      return;
    }
    showError(null);
    var done = $("check-done");
    done.textContent = "已离线保存：体温" + (item.temperature === "FEVER" ? "发热" : "正常") + " · " +
      YKM.formatTime(item.queued_at) + "（联网后自动提交）";
    done.className = "notice";
    done.hidden = false;
    showQueue();
    scheduleFlush();
    resetScan();
  }

  function showQueue(note) {
    var count = SCAN.queue(session.person_id).length;
    var box = $("check-queue");
    box.dataset.count = String(count);
    box.textContent = (count ? "待提交的离线检测：" + count + " 条（联网后自动提交）" : "离线检测已全部提交") +
      (note ? " · " + note : "");
    box.hidden = !count && !note;
  }

  // Sends the queued checks (one at a time, each with its Idempotency-Key); what stays is tried again after a backoff
  // with full jitter, and at once when the phone says it is online again.
  function flushQueue() {
    if (state.flushing || !SCAN.queue(session.person_id).length) return Promise.resolve();
    state.flushing = true;
    clearTimeout(state.flushTimer);
    return SCAN.flush(session.person_id, function (item) {
      return call("/v1/venues/" + item.place_id + "/checks" + (item.with_declaration ? "?with_declaration=true" : ""),
                  { method: "POST", body: { qr: item.qr, temperature: item.temperature },
                    headers: { "Idempotency-Key": item.key }, timeoutMs: SCAN_TIMEOUT_MS });
    }).then(function (result) {
      state.flushing = false;
      // a queued check was never counted here, even one whose first answer was lost (replayed now): count each once
      result.recorded.forEach(function (answer) { if (answer.checked_at) countCheck(answer.checked_at); });
      var note = result.refused.length ? result.refused.length + " 条被拒绝（" +
        result.refused.map(function (r) { return r.failure.messageZh || r.failure.message; }).join("；") + "）" : "";
      showQueue(note);
      if (result.left) scheduleFlush(result.failure);
      else state.flushAttempt = 0;
    });
  }

  function scheduleFlush(failure) {
    var ceiling = Math.min(60000, 2000 * Math.pow(2, state.flushAttempt));
    var delay = Math.max(Math.floor(Math.random() * ceiling), ((failure && failure.retryAfter) || 0) * 1000, 500);
    state.flushAttempt += 1;
    clearTimeout(state.flushTimer);
    state.flushTimer = setTimeout(flushQueue, delay);
  }

  // Recorded: back to scanning for the next person (guide: 将自动返回上一页), with a line saying what was recorded.
  function checkRecorded(answer) {
    showError(null);
    if (!answer.replayed) countCheck(answer.checked_at);
    var done = $("check-done");
    done.textContent = "已登记：" + answer.name_masked + " · " + (COLOR_LABELS[answer.color] || answer.color) + " · 体温"
      + (answer.temperature === "FEVER" ? "发热" : "正常") + " · " + YKM.formatTime(answer.checked_at);
    done.className = "notice " + (answer.color === "RED" || answer.temperature === "FEVER" ? "" : "ok");
    done.hidden = false;
    resetScan();
  }

  // 今日检测 / 累计: the statistics are folded from the checks' stream a moment after each check, so the page counts
  // the checks it recorded itself and never shows less than that; a later read catches up with the other devices.
  function showCounts() {
    $("inspector-today").textContent = state.counts ? state.counts.today : 0;
    $("inspector-total").textContent = state.counts ? state.counts.total : 0;
  }

  function countCheck(checkedAt) {
    var day = YKM.formatTime(checkedAt).slice(0, 10);
    if (!state.counts || state.counts.date !== day) state.counts = { date: day, today: 0, total: state.counts ? state.counts.total : 0 };
    state.counts.today += 1;
    state.counts.total += 1;
    showCounts();
  }

  function loadInspectorStats() {
    return call("/v1/inspector/stats").then(function (stats) {
      var known = state.counts && state.counts.date === stats.date ? state.counts : { today: 0, total: 0 };
      state.counts = { date: stats.date, today: Math.max(stats.today, known.today),
                       total: Math.max(stats.total, state.counts ? state.counts.total : 0) };
      showCounts();
    }, function () { /* the counts catch up on the next load */ });
  }

  // The printable poster (葵花码 and, below it, the code that leads straight to the code page), to save and print.
  function showQuickCode() {
    var path = "/v1/venues/" + state.checking.place_id + "/quick-code?format=png";
    return YKM.whileBusy($("quick-code-show"), function () {
      return call(path, { binary: true, headers: { Accept: "image/png" } }).then(function (blob) {
        if (state.quickUrl) URL.revokeObjectURL(state.quickUrl);
        state.quickUrl = URL.createObjectURL(blob);
        $("quick-code-image").src = state.quickUrl;
        $("quick-code-figure").hidden = false;
        var save = $("quick-code-save");
        save.href = state.quickUrl;
        save.hidden = false;
      }, showError);
    }, "生成中…");
  }

  // ---------------------------------------------------------------- quick check-in and the admin transfer

  function quickCheckin() {
    var qr = $("checkin-qr").value.trim();
    var result = $("checkin-result");
    result.hidden = true; // the last check-in's box never stands beside this one's answer
    if (!qr) return showError(new YKM.ApiFailure(400, { field: "qr", message_zh: "请先扫描场所葵花码" }), $("checkin-form"));
    // One key per scanned 葵花码: a second click is the same check-in.
    if (!state.checkin || state.checkin.qr !== qr) state.checkin = { qr: qr, key: YKM.newIdempotencyKey() };
    return YKM.whileBusy($("checkin-submit"), function () {
      return call("/v1/quick-checkin", { method: "POST", body: { qr: qr },
                                          headers: { "Idempotency-Key": state.checkin.key } }).then(function (answer) {
        showError(null);
        state.checkin = null;
        var red = answer.color === "RED";
        result.dataset.color = answer.color;
        result.className = "notice" + (red ? "" : " ok");
        $("checkin-text").textContent = red
          ? "已登记打卡：" + answer.place_name + "，" + YKM.formatTime(answer.checked_at) + "。您的粤康码为红码，请勿进入，"
            + "请联系场所工作人员，并按下方红码原因的指引处理。"
          : "打卡成功：" + answer.place_name + "，" + YKM.formatTime(answer.checked_at) + "，"
            + (COLOR_LABELS[answer.color] || answer.color);
        YKM.renderReasons($("checkin-reasons"), $("checkin-reasons-section"), red ? answer.reasons || [] : [],
          function (reason) { return { label: reason.label, until: "", guide: reason.guide || "", expanded: true }; });
        result.hidden = false;
        $("checkin-qr").value = "";
      }, function (failure) { showError(failure, $("checkin-form")); });
    }, "打卡中…");
  }

  // The successor is shown which venue they are asked to take over before they confirm.
  function fillOffer(offer) {
    var venue = offer.venue;
    $("accept-venue-name").textContent = venue.name;
    $("accept-venue-type").textContent = venue.type_label;
    $("accept-venue-region").textContent = venue.region_name || venue.region_code;
    $("accept-venue-address").textContent = venue.address;
  }

  function offerAccepted(venue) {
    showTab("admin");
    showVenue(venue);
  }

  // ---------------------------------------------------------------- wiring

  function wire() {
    YKM.options($("create-type"), TYPES);
    YKM.options($("edit-type"), TYPES);
    // the township pickers (web/region-picker.js)
    YKM.regionPicker(document.querySelector("[data-region-picker=create]"), $("create-region"), showError);
    state.editRegion = YKM.regionPicker(document.querySelector("[data-region-picker=edit]"), $("edit-region"), showError);
    Array.prototype.forEach.call(document.querySelectorAll(".tab[data-tab]"), function (tab) {
      tab.addEventListener("click", function () { showTab(tab.dataset.tab); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-admin-open]"), function (button) {
      button.addEventListener("click", function () { openAdminPane(button.dataset.adminOpen); });
    });
    YKM.submitWhileBusy($("create-form"), function () {
      var body = formData($("create-form"));
      if (!body.region_code) {
        return showError(new YKM.ApiFailure(400, { field: "region_code", message_zh: "请选择所在区域（到乡镇街道）" }),
                         $("create-form"));
      }
      return call("/v1/venues", { method: "POST", body: body }).then(function (venue) {
        showError(null);
        showVenue(venue);
      }, function (failure) {
        // created by an earlier try whose answer was lost: show the venue rather than an error over it
        if (failure.code === "ALREADY_VENUE_ADMIN") return loadMyVenue();
        showError(failure, $("create-form"));
      });
    }, "创建中…");
    YKM.submitWhileBusy($("edit-form"), function () {
      var changes = formData($("edit-form"), true);
      if (!Object.keys(changes).length) return showError(new YKM.ApiFailure(400, { message_zh: "请填写需要修改的内容" }));
      return call("/v1/venues/" + state.venue.place_id, { method: "PATCH", body: changes }).then(function (venue) {
        showError(null);
        showVenue(venue);
      }, function (failure) { showError(failure, $("edit-form")); });
    }, "保存中…");
    $("copy-join-code").addEventListener("click", function () {
      if (navigator.clipboard) navigator.clipboard.writeText($("join-code").textContent).catch(function () {});
    });
    state.transfer = TRANSFER.adminPane(document.querySelector("[data-admin-transfer]"), {
      call: call, place: function () { return state.venue && "/v1/venues/" + state.venue.place_id; },
      showError: showError, showDone: function () { showError(null); } });
    TRANSFER.successor({ call: call, showError: showError }, "/v1/venues/admin-transfer/", fillOffer,
                       offerAccepted);
    YKM.submitWhileBusy($("join-form"), function () {
      return call("/v1/venues/join", { method: "POST", body: formData($("join-form")) }).then(function () {
        showError(null);
        $("join-code-input").value = "";
        loadInspector();
      }, function (failure) { showError(failure, $("join-form")); });
    }, "绑定中…");
    // Scanning: camera, a hardware scanner's Enter, or a pasted code and 读取粤康码; each leads to the preview.
    state.scanner = YKM.attachScanner({ input: $("check-qr"), form: $("scan-form"), cameraButton: $("check-camera"),
                                        cameraBox: $("check-camera-box"), onCode: previewCode });
    $("check-health").addEventListener("click", showDeclaration);
    Array.prototype.forEach.call(document.querySelectorAll("[data-temperature]"), function (button) {
      button.addEventListener("click", function () { submitCheck(button.dataset.temperature); });
    });
    $("check-cancel").addEventListener("click", resetScan);
    $("quick-code-show").addEventListener("click", showQuickCode);
    $("checkin-form").addEventListener("submit", function (event) {
      event.preventDefault();
      quickCheckin();
    });
    window.addEventListener("online", function () { state.flushAttempt = 0; flushQueue(); });
    showQueue();
  }

  // Where the page opens: the tab asked for (#tab=...), else the admin's venue for its admin, else the inspector's
  // view for someone bound to a venue, else the admin tab (creating a venue).
  function landingTab() {
    var asked = (location.hash.match(/^#tab=(admin|inspector|checkin)$/) || [])[1];
    if (asked) return Promise.resolve(asked);
    return call("/v1/venues/mine").then(function () { return "admin"; }, function () {
      return call("/v1/inspector/venues?limit=1").then(function (page) {
        return page.items.length ? "inspector" : "admin";
      }, function (failure) { // offline: an inspector's phone opens on its kept venues
        return isOutage(failure) && SCAN.keptVenues(session.person_id).length ? "inspector" : "admin";
      });
    });
  }

  function start() {
    TRANSFER.start(!!session, $("venue-main"), wire, function () { landingTab().then(showTab); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
