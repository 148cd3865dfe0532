/* 粤康码 H5: the organization admin (guide 四.(一).1, FAQ (四)) on the resident's session (ykm.session, from the login
   page; reached from 防疫工作台 on the code page). The admin registers and binds the organization (name, address,
   行政归属层级, optionally the phone they log in to the PC side with), copies the join code (组织机构申报码) to share
   with the members, reads how many members are bound and how many declared today (GET /v1/orgs/{id}/stats), edits
   the level, name and phone once a natural week from 绑定人信息 -> 修改信息 with the form filled from the current
   details (FAQ (四) 2; a second edit in the week is refused in words, with the date it is allowed again), and hands
   the admin role over as a venue's admin does (web/admin-transfer.js): the successor named opens the link
   (#accept=<token>, kept through the login when they must log in first), sees the organization and confirms. Every button that sends is disabled while
   its request runs (YKM.whileBusy). */
(function () {
  "use strict";

  var SESSION_KEY = "ykm.session";
  var LEVELS = [{ code: "", label: "请选择行政归属层级" }, { code: "PROVINCE", label: "省级" },
                { code: "CITY", label: "地市级" }, { code: "COUNTY", label: "区县级" },
                { code: "TOWNSHIP", label: "乡镇（街道）级" }, { code: "VILLAGE", label: "村（社区）级" }];
  var EDITABLE = ["level", "name", "phone"]; // FAQ (四) 2: 行政归属层级、组织机构名称、管理员手机号码

  var session = YKM.loadSession(SESSION_KEY);
  var TRANSFER = YKM_TRANSFER.placeHandover("org.html", "组织机构"); // web/admin-transfer.js
  var state = { org: null, statsAsked: 0, transfer: null };
  var api = YKM.apiClient({
    token: function () { return session.token; },
    zhTexts: { failed: "操作失败，请稍后再试", network: "网络异常，请检查网络后重试", badBody: "服务返回异常，请稍后再试" },
  });

  function $(id) { return document.getElementById(id); }

  function call(path, options) {
    return api(path, Object.assign({ auth: true }, options || {}));
  }

  // ---------------------------------------------------------------- messages

  function showError(failure, form) {
    YKM.showFailure($("org-error"), failure, form);
    if (failure) $("org-done").hidden = true;
  }

  function showDone(text) {
    showError(null);
    $("org-done").textContent = text;
    $("org-done").hidden = !text;
  }

  function formData(form, skipUnchanged) {
    var body = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name], select[name]"), function (el) {
      var value = el.value.trim();
      if (skipUnchanged ? value === el.dataset.original : !value) return; // unchanged; an empty optional field
      body[el.name] = value; // an emptied field of the edit is sent: the answer names it
    });
    return body;
  }

  // ---------------------------------------------------------------- the organization

  function openPane(name) {
    YKM.showOnly("pane", name);
    if (name === "edit") fillEdit(state.org);
    if (name === "transfer") state.transfer.load();
    var opened = name && document.querySelector('[data-pane="' + name + '"]');
    if (opened && opened.scrollIntoView) opened.scrollIntoView({ block: "start" });
  }

  // 修改信息 opens with the organization's current details (FAQ (四) 2: 进入修改页面时带入原信息).
  function fillEdit(org) {
    var form = $("edit-form");
    EDITABLE.forEach(function (field) {
      var input = form.elements[field];
      input.value = (field === "phone" ? localPhone(org.phone) : org[field]) || "";
      input.dataset.original = input.value;
    });
    showEditable(org);
  }

  // +8613800138000 as people type it: 13800138000 (the API takes either).
  function localPhone(phone) {
    return String(phone || "").replace(/^\+86/, "");
  }

  function showEditable(org) {
    $("edit-limit").textContent = org.editable ? "每周仅可修改一次（按自然周计算），保存后本周内不能再修改。"
      : "本周已修改过信息，每周仅可修改一次（按自然周计算），下次可修改日期：" + org.next_edit_date;
    $("edit-limit").classList.toggle("warn", !org.editable);
    $("org-next-edit").textContent = org.editable ? "本周可修改" : org.next_edit_date + " 起";
    YKM.setDisabled($("edit-form").querySelector("button[type=submit]"), !org.editable);
  }

  function showOrg(org) {
    state.org = org;
    $("create-form").hidden = true;
    ["my-org", "stats-view", "binder-view"].forEach(function (id) { $(id).hidden = false; });
    $("org-name").textContent = org.name;
    $("org-address").textContent = org.address;
    $("org-level").textContent = org.level_label;
    $("join-code").textContent = org.join_code;
    $("org-phone").textContent = org.phone ? localPhone(org.phone) : org.phone_masked || "未填写";
    showEditable(org);
  }

  function showCreate() {
    state.org = null;
    ["my-org", "stats-view", "binder-view"].forEach(function (id) { $(id).hidden = true; });
    openPane(null);
    $("create-form").hidden = false;
  }

  function loadMyOrg() {
    return call("/v1/orgs/mine").then(function (org) {
      showOrg(org);
      return loadStats();
    }, function (failure) {
      if (failure.status === 404) return showCreate();
      showError(failure);
    });
  }

  // Members bound and today's declarations, from the statistics the declarations stream keeps (a declaration is
  // counted a moment after it is made: 刷新 reads again).
  function loadStats() {
    if (!state.org) return Promise.resolve();
    var asked = state.statsAsked = state.statsAsked + 1;
    return call("/v1/orgs/" + encodeURIComponent(state.org.place_id) + "/stats").then(function (stats) {
      if (asked !== state.statsAsked) return;
      $("stats-date").textContent = stats.date;
      $("stats-members").textContent = stats.members;
      $("stats-declared").textContent = stats.declared_members_today;
      $("stats-undeclared").textContent = stats.undeclared_members_today;
      $("stats-declarations-today").textContent = stats.declarations_today;
      $("stats-fever-today").textContent = stats.fever_today;
      $("stats-symptomatic-today").textContent = stats.symptomatic_today;
      $("stats-risk-today").textContent = stats.risk_today;
      $("stats-declarations-total").textContent = stats.declarations_total;
      $("stats-updated").textContent = stats.updated_at ? "数据更新于 " + YKM.formatTime(stats.updated_at) : "";
    }, showError);
  }

  // The join code onto the clipboard; where the browser refuses (no permission, an old WebView), the code is
  // selected so a long press copies it.
  function copyJoinCode() {
    var code = $("join-code").textContent;
    var status = $("copy-status");
    var copied = function () {
      status.textContent = "已复制组织机构申报码 " + code + "，可粘贴发送给组织成员";
      status.hidden = false;
    };
    var selectIt = function () {
      var range = document.createRange();
      range.selectNodeContents($("join-code"));
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      if (ok) return copied();
      status.textContent = "请长按申报码复制：" + code;
      status.hidden = false;
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(code).then(copied, selectIt);
    }
    selectIt();
    return Promise.resolve();
  }

  // ---------------------------------------------------------------- the admin transfer (web/admin-transfer.js)

  // The successor is shown which organization they are asked to take over before they confirm.
  function fillOffer(offer) {
    $("accept-org-name").textContent = offer.org.name;
    $("accept-org-address").textContent = offer.org.address;
    $("accept-org-level").textContent = offer.org.level_label;
  }

  function offerAccepted(org) {
    $("admin-view").hidden = false;
    showDone("您已接任组织机构“" + org.name + "”的管理员。");
    showOrg(org);
    loadStats();
  }

  // ---------------------------------------------------------------- wiring

  function wire() {
    YKM.options($("create-level"), LEVELS); // the blank first: the level is picked, never assumed
    YKM.options($("edit-level"), LEVELS);
    YKM.submitWhileBusy($("create-form"), function () {
      var body = formData($("create-form"));
      var missing = ["name", "address", "level"].filter(function (field) { return !body[field]; })[0];
      if (missing) {
        var words = { name: "请填写组织机构名称", address: "请填写组织机构地址", level: "请选择行政归属层级" };
        return showError(new YKM.ApiFailure(400, { field: missing, message_zh: words[missing] }), $("create-form"));
      }
      return call("/v1/orgs", { method: "POST", body: body }).then(function (org) {
        showDone("组织机构绑定成功，已生成组织机构申报码。");
        showOrg(org);
        return loadStats();
      }, function (failure) {
        // bound by an earlier try whose answer was lost: show the organization rather than an error over it
        if (failure.code === "ALREADY_ORG_ADMIN") return loadMyOrg();
        showError(failure, $("create-form"));
      });
    }, "提交中…");
    YKM.submitWhileBusy($("edit-form"), function () {
      var changes = formData($("edit-form"), true);
      if (!Object.keys(changes).length) {
        return showError(new YKM.ApiFailure(400, { message_zh: "信息未改动：请修改后再保存" }));
      }
      return call("/v1/orgs/" + encodeURIComponent(state.org.place_id), { method: "PATCH", body: changes })
        .then(function (org) {
          showOrg(org);
          openPane(null);
          showDone("信息已修改。每周仅可修改一次，下次可修改日期：" + org.next_edit_date);
        }, function (failure) {
          showError(failure, $("edit-form"));
          if (failure.code !== "EDIT_LIMIT") return;
          // edited meanwhile (from another phone): this week's edit is used up; show what the details are now
          var next = (failure.details && failure.details.next_allowed_date) || state.org.next_edit_date;
          state.org = Object.assign({}, state.org, { editable: false, next_edit_date: next });
          showEditable(state.org);
          return call("/v1/orgs/mine").then(function (org) {
            showOrg(org);
            fillEdit(org);
          }, function () { /* the words above stand; the details refresh on the next load */ });
        });
    }, "保存中…");
    Array.prototype.forEach.call(document.querySelectorAll("[data-open]"), function (button) {
      button.addEventListener("click", function () { showError(null); openPane(button.dataset.open); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-close]"), function (button) {
      button.addEventListener("click", function () { openPane(null); });
    });
    $("copy-join-code").addEventListener("click", copyJoinCode);
    $("stats-refresh").addEventListener("click", function () {
      YKM.whileBusy($("stats-refresh"), loadStats, "刷新中…");
    });
    var place = function () { return state.org && "/v1/orgs/" + encodeURIComponent(state.org.place_id); };
    state.transfer = TRANSFER.adminPane(document.querySelector("[data-admin-transfer]"),
                                        { call: call, place: place, showError: showError, showDone: showDone });
    TRANSFER.successor({ call: call, showError: showError }, "/v1/orgs/admin-transfer/", fillOffer,
                       offerAccepted);
    $("accept-skip").addEventListener("click", function () {
      TRANSFER.leave();
      $("admin-view").hidden = false;
      showError(null);
      loadMyOrg();
    });
  }

  function start() {
    TRANSFER.start(!!session, $("org-main"), wire, function () {
      $("admin-view").hidden = false;
      loadMyOrg();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
