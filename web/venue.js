/* 粤康码 H5: public venues (guide 四.(二) and 五, FAQ (三)) on the resident's session (ykm.session, from the login
   page). The venue admin creates the venue, shares the join code (场所申报码), reads the statistics, manages the
   inspectors, hands the admin role over (the successor confirms with #accept=<token>) and edits once a week; an
   inspector binds venues, scans codes and submits NORMAL or FEVER (one Idempotency-Key per submission, reused on a
   retry), shows or prints the venue's 葵花码; a resident checks in with a venue's 葵花码. Visitors are shown masked
   only: the API never gives a venue more (FAQ 9). */
(function () {
  "use strict";

  var SESSION_KEY = "ykm.session";
  var TYPES = [["RESIDENTIAL", "住宅小区"], ["OFFICE", "写字楼"], ["SHOPPING_MALL", "商场商店"], ["RESTAURANT", "餐饮"],
               ["HOTEL", "酒店住宿"], ["ENTERTAINMENT", "文化娱乐"], ["SPORTS", "体育游乐"], ["TRANSPORT", "交通出行"],
               ["OTHER", "其他"]];
  var AGE_LABELS = { "0-17": "0-17岁", "18-39": "18-39岁", "40-59": "40-59岁", "60+": "60岁及以上", unknown: "未知" };
  var COLOR_LABELS = { GREEN: "绿码", RED: "红码" };

  var session = YKM.loadSession(SESSION_KEY);
  var state = { venue: null, checking: null, quickUrl: null };

  function $(id) { return document.getElementById(id); }

  // ---------------------------------------------------------------- API (with custom headers and binary answers)

  function call(path, options) {
    options = options || {};
    var headers = Object.assign({ Accept: "application/json", Authorization: "Bearer " + session.token },
                                options.headers || {});
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(path, {
      method: options.method || "GET", headers: headers, cache: "no-store", credentials: "same-origin",
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    }).then(function (response) {
      if (response.ok && options.binary) return response.blob();
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!response.ok) {
          var retry = parseInt(response.headers.get("Retry-After") || "0", 10) || 0;
          throw new YKM.ApiFailure(response.status, (data && data.error) || {}, retry, "操作失败，请稍后再试");
        }
        return data;
      });
    }, function () {
      throw new YKM.ApiFailure(0, { code: "NETWORK", message_zh: "网络异常，请检查网络后重试" }, 0, "网络异常");
    });
  }

  function showError(failure, form) {
    var box = $("venue-error");
    box.textContent = failure ? failure.messageZh || failure.message || "操作失败" : "";
    box.hidden = !failure;
    box.dataset.code = failure ? failure.code : "";
    if (failure && form && failure.field) YKM.focusField(form, failure.field);
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
    Array.prototype.forEach.call(document.querySelectorAll(".tab[data-tab]"), function (tab) {
      tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-pane]"), function (pane) {
      pane.hidden = pane.dataset.pane !== name;
    });
    showError(null);
    if (name === "admin") loadMyVenue();
    if (name === "inspector") loadInspector();
  }

  // ---------------------------------------------------------------- venue admin

  function fillTypes(select) {
    TYPES.forEach(function (pair) {
      var option = document.createElement("option");
      option.value = pair[0];
      option.textContent = pair[1];
      select.appendChild(option);
    });
  }

  function showVenue(venue) {
    state.venue = venue;
    $("create-form").hidden = true;
    $("my-venue").hidden = false;
    $("venue-name").textContent = venue.name;
    $("venue-type").textContent = venue.type_label;
    $("venue-region").textContent = (venue.region_name || "") + "（" + venue.region_code + "）";
    $("venue-address").textContent = venue.address;
    $("venue-phone").textContent = venue.phone || venue.phone_masked || "";
    $("join-code").textContent = venue.join_code;
    var form = $("edit-form");
    ["region_code", "address", "type", "name", "phone"].forEach(function (field) {
      var input = form.elements[field];
      input.value = venue[field] || "";
      input.dataset.original = input.value;
    });
    $("edit-limit").textContent = venue.editable ? "每个自然周仅可修改一次。"
      : "本周已修改过，下次可修改日期：" + venue.next_edit_date;
    form.querySelector("button[type=submit]").disabled = !venue.editable;
  }

  function loadMyVenue() {
    return call("/v1/venues/mine").then(showVenue, function (failure) {
      if (failure.status !== 404) return showError(failure);
      state.venue = null;
      $("my-venue").hidden = true;
      $("create-form").hidden = false;
      Array.prototype.forEach.call(document.querySelectorAll("[data-admin-pane]"), function (p) { p.hidden = true; });
    });
  }

  function openAdminPane(name) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-admin-pane]"), function (pane) {
      pane.hidden = pane.dataset.adminPane !== name;
    });
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
    }, showError).then(loadRevoked).then(loadPendingTransfer);
  }

  // One person in a list (members, unbound people): the label, and one action the admin confirms first.
  function personRow(testid, buttonTestid, label, actionText, question, act) {
    var item = document.createElement("li");
    item.className = "family-member";
    item.setAttribute("data-testid", testid);
    var who = document.createElement("span");
    who.textContent = label;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link inline-btn";
    button.setAttribute("data-testid", buttonTestid);
    button.textContent = actionText;
    button.addEventListener("click", function () {
      if (window.confirm(question)) act();
    });
    item.appendChild(who);
    item.appendChild(button);
    return item;
  }

  // The offer awaiting the successor (one at a time: a new offer voids the previous one), which the admin may
  // withdraw; the link itself is shown once, when offered.
  function loadPendingTransfer() {
    var asked = state.pendingAsked = (state.pendingAsked || 0) + 1;
    return call("/v1/venues/" + state.venue.place_id + "/admin-transfer").then(function (answer) {
      if (asked !== state.pendingAsked) return;  // a later read (after an offer or a withdrawal) is the one to show
      var pending = answer.pending;
      $("transfer-pending").hidden = !pending;
      $("transfer-pending-text").textContent = pending ? "待 " + pending.successor_name_masked + " 确认接任管理员（"
        + pending.expires_at.slice(0, 10) + " 前有效）" : "";
      if (!pending) $("transfer-link").hidden = true;
    }, showError);
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

  function acceptPathToLink(offer) {
    var link = location.origin + location.pathname + "#accept=" + encodeURIComponent(offer.token);
    return "已邀请 " + offer.successor_name_masked + " 接任管理员，请将以下链接发送给对方确认（" + offer.expires_at.slice(0, 10)
      + " 前有效）：" + link;
  }

  // ---------------------------------------------------------------- inspector

  function loadInspector() {
    call("/v1/inspector/stats").then(function (stats) {
      $("inspector-today").textContent = stats.today;
      $("inspector-total").textContent = stats.total;
    }, showError);
    return call("/v1/inspector/venues?limit=100").then(function (page) {
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
        var leave = document.createElement("button");
        leave.type = "button";
        leave.className = "btn btn-link inline-btn";
        leave.setAttribute("data-testid", "inspector-venue-leave");
        leave.textContent = "解除绑定";
        leave.addEventListener("click", function () {
          if (!window.confirm("确定解除绑定 " + venue.name + "？")) return;
          call("/v1/inspector/venues/" + venue.place_id, { method: "DELETE" }).then(function () {
            if (state.checking && state.checking.place_id === venue.place_id) $("check-view").hidden = true;
            loadInspector();
          }, showError);
        });
        item.appendChild(name);
        item.appendChild(open);
        item.appendChild(leave);
        list.appendChild(item);
      });
    }, showError);
  }

  function openCheck(venue) {
    state.checking = venue;
    $("check-view").hidden = false;
    $("check-venue").textContent = venue.name;
    $("check-result").hidden = true;
    $("quick-code-figure").hidden = true;
    $("quick-code-save").hidden = true;
    $("check-qr").value = "";
    $("check-qr").focus();
  }

  // One Idempotency-Key per submission: a network failure is retried once with the same key (counted once).
  function submitCheck(temperature) {
    var qr = $("check-qr").value.trim();
    if (!qr) return showError(new YKM.ApiFailure(400, { field: "qr", message_zh: "请先扫描粤康码" }), $("check-form"));
    var key = YKM.newIdempotencyKey();
    var path = "/v1/venues/" + state.checking.place_id + "/checks"
      + ($("check-with-declaration").checked ? "?with_declaration=true" : "");
    var send = function () {
      return call(path, { method: "POST", body: { qr: qr, temperature: temperature }, headers: { "Idempotency-Key": key } });
    };
    return send().catch(function (failure) {
      if (failure.status === 0 || failure.status >= 500 || failure.code === "REQUEST_IN_PROGRESS") return send();
      throw failure;
    }).then(showCheck, function (failure) { showError(failure, $("check-form")); });
  }

  function showCheck(answer) {
    showError(null);
    var card = $("check-result");
    card.hidden = false;
    card.dataset.color = answer.color;
    $("check-name").textContent = answer.name_masked;
    $("check-phone").textContent = answer.phone_masked || "";
    $("check-color").textContent = (COLOR_LABELS[answer.color] || answer.color) + " · 体温"
      + (answer.temperature === "FEVER" ? "发热" : "正常");
    $("check-alert").hidden = !answer.alert;
    $("check-alert").textContent = answer.alert ? answer.alert.message_zh : "";
    YKM.renderReasons($("check-reasons"), $("check-reasons-section"), answer.reasons || [], function (reason) {
      return { label: reason.label, until: "", guide: reason.guide || "", expanded: false };
    });
    var declaration = answer.latest_declaration;
    $("check-declaration").hidden = !("latest_declaration" in answer);
    $("check-declaration").textContent = declaration
      ? "最近一次健康申报：" + YKM.formatTime(declaration.declared_at) + "，" + (declaration.healthy ? "无异常" : "有异常")
        + (declaration.temperature_c ? "，体温 " + declaration.temperature_c + "℃" : "")
        + (declaration.symptoms && declaration.symptoms.length ? "，症状：" + declaration.symptoms.join("、") : "")
      : "暂无健康申报记录";
    $("check-done").textContent = "已登记 " + YKM.formatTime(answer.checked_at) + "（登记后不可修改，录错请重新扫码登记）";
    $("check-qr").value = "";
    $("check-qr").focus();
    loadInspectorStats();
  }

  function loadInspectorStats() {
    call("/v1/inspector/stats").then(function (stats) {
      $("inspector-today").textContent = stats.today;
      $("inspector-total").textContent = stats.total;
    }, function () { /* the counts catch up on the next load */ });
  }

  function showQuickCode() {
    return call("/v1/venues/" + state.checking.place_id + "/quick-code?format=png", { binary: true, headers: {
      Accept: "image/png" } }).then(function (blob) {
      if (state.quickUrl) URL.revokeObjectURL(state.quickUrl);
      state.quickUrl = URL.createObjectURL(blob);
      $("quick-code-image").src = state.quickUrl;
      $("quick-code-figure").hidden = false;
      var save = $("quick-code-save");
      save.href = state.quickUrl;
      save.hidden = false;
    }, showError);
  }

  // ---------------------------------------------------------------- wiring

  function wire() {
    fillTypes($("create-type"));
    fillTypes($("edit-type"));
    Array.prototype.forEach.call(document.querySelectorAll(".tab[data-tab]"), function (tab) {
      tab.addEventListener("click", function () { showTab(tab.dataset.tab); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-admin-open]"), function (button) {
      button.addEventListener("click", function () { openAdminPane(button.dataset.adminOpen); });
    });
    $("create-form").addEventListener("submit", function (event) {
      event.preventDefault();
      call("/v1/venues", { method: "POST", body: formData($("create-form")) }).then(function (venue) {
        showError(null);
        showVenue(venue);
      }, function (failure) { showError(failure, $("create-form")); });
    });
    $("edit-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var changes = formData($("edit-form"), true);
      if (!Object.keys(changes).length) return showError(new YKM.ApiFailure(400, { message_zh: "请填写需要修改的内容" }));
      call("/v1/venues/" + state.venue.place_id, { method: "PATCH", body: changes }).then(function (venue) {
        showError(null);
        showVenue(venue);
      }, function (failure) { showError(failure, $("edit-form")); });
    });
    $("copy-join-code").addEventListener("click", function () {
      if (navigator.clipboard) navigator.clipboard.writeText($("join-code").textContent).catch(function () {});
    });
    $("transfer-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var body = formData($("transfer-form"));
      body.id_type = "ID_CARD";
      call("/v1/venues/" + state.venue.place_id + "/admin-transfer", { method: "POST", body: body }).then(function (offer) {
        showError(null);
        $("transfer-link").textContent = acceptPathToLink(offer);
        $("transfer-link").hidden = false;
        loadPendingTransfer();
      }, function (failure) { showError(failure, $("transfer-form")); });
    });
    $("transfer-cancel").addEventListener("click", function () {
      if (!window.confirm("确定撤销更换管理员的邀请？撤销后对方的链接失效。")) return;
      call("/v1/venues/" + state.venue.place_id + "/admin-transfer", { method: "DELETE" }).then(function () {
        showError(null);
        loadPendingTransfer();
      }, showError);
    });
    $("join-form").addEventListener("submit", function (event) {
      event.preventDefault();
      call("/v1/venues/join", { method: "POST", body: formData($("join-form")) }).then(function () {
        showError(null);
        $("join-code-input").value = "";
        loadInspector();
      }, function (failure) { showError(failure, $("join-form")); });
    });
    var temperature = "NORMAL";
    Array.prototype.forEach.call(document.querySelectorAll("[data-temperature]"), function (button) {
      button.addEventListener("click", function () { temperature = button.dataset.temperature; });
    });
    $("check-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var submitter = event.submitter;
      submitCheck(submitter && submitter.dataset.temperature ? submitter.dataset.temperature : temperature);
    });
    $("quick-code-show").addEventListener("click", showQuickCode);
    $("checkin-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var qr = $("checkin-qr").value.trim();
      call("/v1/quick-checkin", { method: "POST", body: { qr: qr }, headers: { "Idempotency-Key": YKM.newIdempotencyKey() } })
        .then(function (answer) {
          showError(null);
          var result = $("checkin-result");
          result.textContent = "打卡成功：" + answer.place_name + "，" + YKM.formatTime(answer.checked_at) + "，"
            + (COLOR_LABELS[answer.color] || answer.color);
          result.hidden = false;
          $("checkin-qr").value = "";
        }, function (failure) { showError(failure, $("checkin-form")); });
    });
    $("accept-transfer").addEventListener("click", function () {
      var token = decodeURIComponent(location.hash.split("accept=")[1] || "");
      call("/v1/venues/admin-transfer/" + encodeURIComponent(token) + "/accept", { method: "POST" }).then(function (venue) {
        $("accept-view").hidden = true;
        history.replaceState(null, "", location.pathname);
        showTab("admin");
        showVenue(venue);
      }, showError);
    });
  }

  function start() {
    if (!session) {
      $("no-session").hidden = false;
      return;
    }
    $("venue-main").hidden = false;
    wire();
    if (location.hash.indexOf("#accept=") === 0) $("accept-view").hidden = false;
    var tab = (location.hash.match(/^#tab=(admin|inspector|checkin)$/) || [])[1] || "admin";
    showTab(tab);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
