/* 粤康码 H5: community grids (guide 四.(三)) on the resident's session (ykm.session, from the login page).
   网格管理员: creates the one grid they may create (township picked from venue-regions.json, name), which stays
   pending until the direct superior confirms it; shares the join code (网格申报码); reads the statistics (each day's
   results of the last 14 days and each worker's work); manages the workers (authorize, withdraw the authorization,
   unbind); changes the admin (the successor's name and ID number give an identity code and link; the successor,
   shown the grid, logs in as that person and confirms with #transfer=<token>, kept through the login); reads the key
   persons; dissolves the grid after typing its name (everything of it is purged for good).
   网格员: binds grids with their join codes, sees them, sets the current one, unbinds; 开始信息采集 by scanning a
   code (camera, hardware scanner + Enter, or paste: scanner.js; POST /v1/scan previews the person, masked) or by
   entering someone without a phone by hand, then the temperature and the door-to-door answers (one Idempotency-Key
   per filled form, reused on a retry or a second click); 继续采集 goes straight back to the next person. Authorized
   workers also read the person's full declarations and the grid's key persons (each read audited by the server).
   Every button that sends is disabled while its request runs (YKM.whileBusy). */
(function () {
  "use strict";

  var SESSION_KEY = "ykm.session";
  var COLOR_LABELS = { GREEN: "绿码", RED: "红码" };
  var STATUS_LABELS = { PENDING: "待上级审核", ACTIVE: "已生效", REJECTED: "审核未通过", DISSOLVING: "解散中" };
  var TEMPERATURE_LABELS = { NORMAL: "正常", FEVER: "发热" };
  var SYMPTOMS = { fever: "发热", cough: "咳嗽", fatigue: "乏力", sore_throat: "咽痛", shortness_of_breath: "呼吸困难",
                   diarrhea: "腹泻", loss_of_taste_or_smell: "嗅觉或味觉减退", muscle_pain: "肌肉酸痛" };
  var DECLARATION_TYPES = { PERSONAL: "个人健康申报", EMPLOYEE: "企业单位员工健康申报", ORG_MEMBER: "组织机构成员健康申报",
                            STUDENT: "学生健康申报", STAFF: "教职工健康申报", SELF_CHECK: "个人自查申报" };
  // The door-to-door questions (the keys of a declaration's answers, so a visit and a declaration read alike).
  var VISIT_QUESTIONS = [
    ["contact_with_case", "14天内是否接触过新冠肺炎确诊、疑似病例或无症状感染者"],
    ["visited_risk_area", "14天内是否到过中高风险地区"],
    ["returned_from_abroad", "14天内是否有境外旅居史"],
    ["household_unwell", "共同居住人员是否有发热、咳嗽等症状"],
  ];
  var RED_ALERT = "红码人员：请查看红码原因，并按当地相应处理办法进一步核实和处理。";

  var session = YKM.loadSession(SESSION_KEY);
  // web/admin-transfer.js: the identity link (#transfer=<token>) and the successor's screen
  var TRANSFER = YKM_TRANSFER.handover({ prefix: "#transfer=", page: "grid.html",
    invited: ["您被指定为网格的继任管理员。请先用本人身份", "完成身份认证，登录后将回到本页确认接任。"] });
  var state = {
    grid: null,          // the admin's grid
    grids: [],           // the worker's grids
    current: null,       // the worker's current grid
    mode: "scan",        // how the worker collects: scan | manual
    preview: null,       // {qr, answer}: the scanned person
    attempt: null,       // {fingerprint, key}: the collection being submitted, until it is recorded
    counts: null,        // {date, today, total}: the worker's collections, never less than this page recorded
    personBack: "home",  // the worker pane the person view returns to
    membersCursor: null,
    scanner: null,
    transfer: null,      // the admin change awaiting the successor (web/admin-transfer.js)
  };

  function $(id) { return document.getElementById(id); }

  var api = YKM.apiClient({
    token: function () { return session.token; },
    zhTexts: { failed: "操作失败，请稍后再试", network: "网络异常，请检查网络后重试", badBody: "服务返回内容有误" },
  });

  function call(path, options) {
    return api(path, Object.assign({ auth: true }, options || {}));
  }

  var make = YKM.make; // web/core/forms.js

  function gridPath(grid, rest) {
    return "/v1/grids/" + encodeURIComponent(grid.place_id) + (rest || "");
  }

  // ---------------------------------------------------------------- failures

  // A lapsed session sends back to the login page; anything else is shown above the screen, its field focused.
  function showError(failure, form) {
    if (failure && failure.status === 401) {
      YKM.clearSession(SESSION_KEY);
      $("grid-main").hidden = true;
      $("no-session-text").firstChild.textContent = "登录已过期，请重新";
      $("no-session").hidden = false;
      return;
    }
    YKM.showFailure($("grid-error"), failure, form);
    if (failure) $("grid-error").scrollIntoView({ block: "nearest" });
  }

  function fail(message, field, form) {
    showError(new YKM.ApiFailure(400, { field: field, message_zh: message }), form);
    return null;
  }

  // ---------------------------------------------------------------- tabs

  function showTab(name) {
    YKM.selectTab("tab", name);
    YKM.showOnly("pane", name);
    $("accept-view").hidden = true;
    $("stats-view").hidden = true; // shared by both tabs
    showError(null);
    if (state.scanner) state.scanner.stop();
    if (name === "admin") return loadMyGrid();
    return loadWorker();
  }

  // ---------------------------------------------------------------- the person shown (masked or, for authorized
  // workers, in full)

  function symptomLabel(code) {
    return SYMPTOMS[code] || code;
  }

  function colorLabel(color) {
    return COLOR_LABELS[color] || color || "";
  }

  function showColor(cell, card, color) {
    cell.textContent = colorLabel(color);
    cell.className = color === "RED" ? "warn" : color === "GREEN" ? "ok-text" : "";
    if (card) card.dataset.color = color || "";
  }

  function showReasons(list, section, reasons) {
    YKM.renderReasons(list, section, reasons || [], function (reason) {
      return { label: reason.label, until: reason.until ? "（至 " + String(reason.until).slice(0, 10) + "）" : "",
               guide: reason.guide || "", expanded: false };
    });
  }

  // The risk questions answered yes: a declaration's `risks` (the keys) or, for a visit, its answers.
  function answersText(record) {
    var risks = record && record.risks ? record.risks : null;
    var answers = record && record.answers ? record.answers : {};
    var yes = VISIT_QUESTIONS.filter(function (q) { return risks ? risks.indexOf(q[0]) >= 0 : answers[q[0]] === true; })
      .map(function (q) { return q[1].replace(/^14天内是否|^是否/, "").replace(/^共同居住人员是否/, "共同居住人员"); });
    return yes.length ? "风险情况：" + yes.join("；") : "";
  }

  function declarationText(declaration) {
    if (!declaration) return "暂无健康申报记录";
    var parts = ["最近一次健康申报：" + YKM.formatTime(declaration.declared_at)];
    if (declaration.healthy !== undefined) parts.push(declaration.healthy ? "无异常" : "有异常");
    if (declaration.temperature_c) parts.push("体温 " + declaration.temperature_c + "°C");
    if (declaration.symptoms && declaration.symptoms.length) {
      parts.push("症状：" + declaration.symptoms.map(symptomLabel).join("、"));
    }
    var risks = answersText(declaration);
    if (risks) parts.push(risks);
    return parts.join("，");
  }

  // ---------------------------------------------------------------- 网格管理员: the grid

  function showGrid(grid) {
    state.grid = grid;
    $("create-form").hidden = true;
    $("my-grid").hidden = false;
    $("grid-name").textContent = grid.name;
    $("dissolve-name").textContent = grid.name;
    var region = $("grid-region");
    region.textContent = (grid.region_name || "") + "（" + grid.region_code + "）";
    YKM.regionLabel(grid.region_code).then(function (label) {
      if (label && state.grid === grid) region.textContent = label + "（" + grid.region_code + "）";
    });
    var status = $("grid-status");
    status.textContent = STATUS_LABELS[grid.status] || grid.status_label || grid.status;
    status.dataset.status = grid.status;
    var note = $("grid-status-note");
    note.hidden = grid.status === "ACTIVE";
    note.className = "notice" + (grid.status === "REJECTED" ? " bad" : "");
    note.textContent = grid.status === "PENDING"
      ? "网格创建后需联系直属上级管理员登录管理系统进行授权确认，确认后网格方可生效；生效前网格员暂不能绑定。"
      : grid.status === "REJECTED" ? "直属上级审核未通过" + (grid.reject_reason ? "：" + grid.reject_reason : "")
        + "。可解散本网格后重新创建，如有疑问请联系直属上级管理员。" : "";
    $("join-code").textContent = grid.join_code || "";
    $("copy-done").hidden = true;
    var active = grid.status === "ACTIVE", dissolving = grid.status === "DISSOLVING";
    ["open-stats", "open-admin-keys"].forEach(function (id) {
      YKM.setDisabled(document.querySelector("[data-testid=" + id + "]"), !active);
    });
    ["open-members", "open-dissolve", "copy-join-code"].forEach(function (id) {
      YKM.setDisabled(document.querySelector("[data-testid=" + id + "]"), dissolving);
    });
    $("grid-summary").hidden = true; // shown once the counts are read
    if (active) loadSummary();
    // A dissolve the admin confirmed and that stopped half-way (the page closed, a timeout): it goes on from here.
    if (dissolving) {
      note.textContent = "网格正在解散，历史数据正在清除，请稍候…";
      purgeGrid(grid).then(null, function (failure) { showError(failure); });
    }
  }

  function loadMyGrid() {
    return call("/v1/grids/mine").then(showGrid, function (failure) {
      if (failure.status !== 404) return showError(failure);
      state.grid = null;
      $("my-grid").hidden = true;
      $("create-form").hidden = false;
      YKM.showOnly("adminPane", null);
    });
  }

  function openAdminPane(name) {
    if (!state.grid) return;
    YKM.showOnly("adminPane", name);
    showError(null);
    var pane = document.querySelector("[data-admin-pane=" + name + "]");
    if (name === "stats") loadStats(state.grid, false);
    if (name === "members") loadMembers(false);
    if (name === "keys") loadKeyPersons(state.grid, "admin");
    if (name === "transfer") {
      showTransferForm();
      state.transfer.load();
    }
    if (name === "dissolve") {
      $("dissolve-confirm").value = "";
      YKM.setDisabled(document.querySelector("[data-testid=dissolve-submit]"), true);
    }
    if (pane) pane.scrollIntoView({ block: "start" });
  }

  function createGrid() {
    var form = $("create-form");
    var body = { region_code: $("create-region").value, name: $("create-name").value.trim() };
    if (!body.region_code) return fail("请选择所在区域（到乡镇街道）", "region_code", form);
    if (!body.name) return fail("请填写网格名称", "name", form);
    if (!window.confirm("网格组织一旦创建不可修改、不可删除。确认在" + $("create-region-township").selectedOptions[0].textContent
                        + "创建“" + body.name + "”？")) return null;
    return call("/v1/grids", { method: "POST", body: body }).then(function (grid) {
      showError(null);
      showGrid(grid);
      return loadMyGrid(); // the full view (region name, counts) of the grid just made
    }, function (failure) {
      // created by an earlier try whose answer was lost: show the grid rather than an error over it
      if (failure.status === 409 && failure.code !== "VALIDATION_FAILED") {
        return loadMyGrid().then(function () { if (!state.grid) showError(failure, form); });
      }
      showError(failure, form);
    });
  }

  function loadSummary() {
    var grid = state.grid;
    return call(gridPath(grid, "/stats")).then(function (stats) {
      if (state.grid === grid) showSummary(stats);
    }, function () { /* the counts stay "–"; 查看数据统计 shows the failure */ });
  }

  function showSummary(stats) {
    $("grid-summary").hidden = false;
    $("sum-workers").textContent = stats.workers_bound;
    $("sum-authorized").textContent = stats.workers_authorized;
    $("sum-today").textContent = stats.collections_today;
    $("sum-total").textContent = stats.collections_total;
  }

  // The grid's statistics, for its admin or (back button shown) an authorized worker.
  function loadStats(grid, forWorker) {
    $("stats-back").hidden = !forWorker;
    $("stats-grid").textContent = grid.name;
    return call(gridPath(grid, "/stats")).then(function (stats) {
      $("stats-date").textContent = stats.date;
      $("stats-workers").textContent = stats.workers_bound + " 人（已授权 " + stats.workers_authorized + " 人）";
      $("stats-today").textContent = stats.collections_today + " 次";
      $("stats-people").textContent = stats.people_today + " 人";
      $("stats-fever").textContent = stats.fever_today + " 人次";
      $("stats-red").textContent = stats.red_today + " 人次";
      $("stats-total").textContent = stats.collections_total + " 次";
      if (grid === state.grid) showSummary(stats);
      var daily = $("stats-daily-rows");
      daily.textContent = "";
      (stats.daily || []).slice().reverse().forEach(function (day) { // newest first
        var row = make("tr");
        row.setAttribute("data-testid", "stats-day");
        [day.date.slice(5), day.collections, day.fever, day.red].forEach(function (value, i) {
          var cell = make(i ? "td" : "th", i && (i > 1 && value) ? "warn" : "", value);
          if (!i) cell.scope = "row";
          row.appendChild(cell);
        });
        daily.appendChild(row);
      });
      var workers = $("stats-workers-rows");
      workers.textContent = "";
      (stats.workers || []).forEach(function (worker) {
        var row = make("tr");
        row.setAttribute("data-testid", "stats-worker");
        var who = make("th", "", worker.name_masked);
        who.scope = "row";
        row.appendChild(who);
        row.appendChild(make("td", "", worker.today));
        row.appendChild(make("td", "", worker.total));
        workers.appendChild(row);
      });
      $("stats-workers-empty").hidden = (stats.workers || []).length > 0;
    }, showError);
  }

  // ---------------------------------------------------------------- 网格成员管理

  function loadMembers(more) {
    var grid = state.grid;
    var path = gridPath(grid, "/workers?limit=50") + (more && state.membersCursor
      ? "&cursor=" + encodeURIComponent(state.membersCursor) : "");
    return call(path).then(function (page) {
      var list = $("members-list");
      if (!more) list.textContent = "";
      var items = page.items || page.workers || [];
      items.forEach(function (worker) { list.appendChild(memberRow(worker)); });
      state.membersCursor = page.next_cursor || null;
      $("members-more").hidden = !state.membersCursor;
      $("members-empty").hidden = list.children.length > 0;
    }, showError);
  }

  function memberRow(worker) {
    var item = make("li", "family-member member");
    item.setAttribute("data-testid", "member");
    item.dataset.personId = worker.person_id;
    item.dataset.authorized = String(!!worker.authorized);
    var who = make("div", "family-who");
    who.appendChild(make("span", "family-name", worker.name_masked));
    var badge = make("span", "badge" + (worker.authorized ? " ok" : ""), worker.authorized ? "已授权" : "未授权");
    badge.setAttribute("data-testid", "member-status");
    who.appendChild(badge);
    item.appendChild(who);
    if (worker.bound_at) item.appendChild(make("p", "subtle family-id", "绑定于 " + YKM.formatTime(worker.bound_at).slice(0, 16)));
    var actions = make("div", "family-actions");
    var path = gridPath(state.grid, "/workers/" + encodeURIComponent(worker.person_id));
    var withdraw = worker.authorized; // withdrawing is confirmed first, authorizing not
    actions.appendChild(YKM.busyButton("btn btn-light small", withdraw ? "取消授权" : "授权",
      withdraw ? "member-withdraw" : "member-authorize",
      withdraw ? "确定取消 " + worker.name_masked + " 的授权？取消后其不能再查看群众全部申报信息和重点管控人员。" : null, function () {
        return call(path + "/authorization", { method: withdraw ? "DELETE" : "POST" }).then(function (answer) {
          showError(null);
          worker.authorized = answer && answer.authorized !== undefined ? answer.authorized : !worker.authorized;
          item.replaceWith(memberRow(worker));
          loadSummary();
        }, showError);
      }));
    actions.appendChild(YKM.busyButton("btn btn-link small", "解绑", "member-unbind",
      "确定解绑网格员 " + worker.name_masked + "？解绑后其不能再为本网格采集信息。", function () {
        return call(path, { method: "DELETE" }).then(function () {
          showError(null);
          item.remove();
          $("members-empty").hidden = $("members-list").children.length > 0;
          loadSummary();
        }, showError);
      }));
    item.appendChild(actions);
    return item;
  }

  // ---------------------------------------------------------------- 网格管理员变更

  function showTransferForm() {
    $("transfer-result").hidden = true;
    $("transfer-form").hidden = false;
  }

  function offerTransfer() {
    var form = $("transfer-form");
    var body = { name: $("transfer-name").value.trim(), id_number: $("transfer-id-number").value.trim().toUpperCase() };
    if (!body.name) return fail("请填写继任管理员姓名", "name", form);
    if (!body.id_number) return fail("请填写继任管理员身份证号码", "id_number", form);
    return call(gridPath(state.grid, "/admin-transfer"), { method: "POST", body: body }).then(function (offer) {
      showError(null);
      var link = offer.link || TRANSFER.link(offer.token);
      $("transfer-text").textContent = "已生成身份认证码：继任管理员 " + (offer.successor_name_masked || maskName(body.name))
        + (offer.expires_at ? "，" + YKM.formatTime(offer.expires_at).slice(0, 16) + " 前有效" : "") + "。";
      $("transfer-link").textContent = link;
      YKM.drawQr($("transfer-qr"), offer.qr || link, "#000000"); // the identity code: the link, to scan
      $("transfer-form").hidden = true;
      $("transfer-result").hidden = false;
      form.reset();
      state.transfer.load(); // the change now awaiting the successor, to withdraw
    }, function (failure) { showError(failure, form); });
  }

  function maskName(name) {
    return name.length <= 1 ? name : name.length === 2 ? name[0] + "*" : name[0] + "*".repeat(name.length - 2) + name[name.length - 1];
  }

  // The successor is shown which grid they are asked to take over before they confirm.
  function fillOffer(offer) {
    var grid = offer.grid || offer;
    $("accept-grid-name").textContent = grid.name;
    $("accept-grid-region").textContent = grid.region_name || grid.region_code;
    YKM.regionLabel(grid.region_code).then(function (label) { if (label) $("accept-grid-region").textContent = label; });
  }

  // ---------------------------------------------------------------- 解散网格

  function dissolveGrid() {
    var grid = state.grid;
    var typed = $("dissolve-confirm").value.trim();
    if (typed !== grid.name) return fail("输入的网格名称与本网格不一致", "confirm", $("dissolve-form"));
    if (!window.confirm("最后确认：解散“" + grid.name + "”，历史数据将清空且不可恢复？")) return null;
    return purgeGrid(grid).then(null, function (failure) { showError(failure, $("dissolve-form")); });
  }

  // A big grid is purged in bounded batches: 202 DISSOLVING asks for the same call again, which resumes the purge
  // (the scheduled grid_purge carries it on too, should this page close first). A 404 of a grid this page has just
  // read means that purge finished it meanwhile.
  function purgeGrid(grid) {
    var path = gridPath(grid, "?confirm=" + encodeURIComponent(grid.name));
    var purge = function (round) {
      return call(path, { method: "DELETE" }).then(function (answer) {
        return answer && answer.status === "DISSOLVING" && round < 100 ? purge(round + 1) : answer;
      }, function (failure) {
        if (failure && failure.status === 404) return { status: "DISSOLVED" };
        throw failure;
      });
    };
    return purge(1).then(function () {
      showError(null);
      state.grid = null;
      YKM.showOnly("adminPane", null);
      $("my-grid").hidden = true;
      $("create-form").hidden = false;
      $("create-form").reset();
      var done = $("grid-error");
      done.textContent = "网格“" + grid.name + "”已解散，数据已清空。";
      done.className = "notice ok";
      done.hidden = false;
      done.dataset.code = "DISSOLVED";
    });
  }

  // ---------------------------------------------------------------- 重点管控人员 (admin, authorized workers)

  // A page may hold fewer people than asked (those no longer red are skipped): the pages are read to the end.
  function loadKeyPersons(grid, who) {
    var list = $(who + "-keys-list");
    var shown = [];
    var read = function (cursor, round) {
      var path = gridPath(grid, "/key-persons?limit=100") + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
      return call(path).then(function (page) {
        shown = shown.concat(page.items || []);
        return page.next_cursor && round < 20 ? read(page.next_cursor, round + 1) : shown;
      });
    };
    return read(null, 1).then(function (people) {
      list.textContent = "";
      people.forEach(function (person) { list.appendChild(keyPersonRow(grid, person, who)); });
      $(who + "-keys-empty").hidden = people.length > 0;
    }, showError);
  }

  function keyPersonRow(grid, person, who) {
    var item = make("li", "family-member key-person");
    item.setAttribute("data-testid", "key-person");
    item.dataset.color = person.color || "RED";
    var head = make("div", "family-who");
    head.appendChild(make("span", "family-name", person.name || person.name_masked));
    head.appendChild(make("span", "family-color", colorLabel(person.color || "RED")));
    item.appendChild(head);
    var facts = [];
    if (person.phone || person.phone_masked) facts.push(person.phone || person.phone_masked);
    if (person.since) facts.push("红码自 " + YKM.formatTime(person.since).slice(0, 10));
    if (person.last_collected_at) facts.push("最近采集 " + YKM.formatTime(person.last_collected_at).slice(0, 16));
    if (facts.length) item.appendChild(make("p", "subtle family-id", facts.join(" · ")));
    var reasons = (person.reasons || []).map(function (r) { return r.label; }).join("、");
    if (reasons) {
      var why = make("p", "key-reasons", "红码原因：" + reasons);
      why.setAttribute("data-testid", "key-person-reasons");
      item.appendChild(why);
    }
    if (who === "worker") {
      var details = make("button", "btn btn-link small", "查看详情");
      details.type = "button";
      details.setAttribute("data-testid", "key-person-details");
      details.addEventListener("click", function () { openPerson(grid, person.person_id, "keys", details); });
      item.appendChild(details);
    }
    return item;
  }

  // ---------------------------------------------------------------- 网格员: home, my grids

  function openWorkerPane(name) {
    YKM.showOnly("workerPane", name);
    $("worker-home").hidden = name !== "home" && name !== "grids";
    if (name !== "collect" && state.scanner) state.scanner.stop();
    showError(null);
    if (name === "grids") loadMyGrids();
    if (name === "collect") startCollect();
    if (name === "keys" && state.current) {
      $("keys-grid").textContent = state.current.name;
      loadKeyPersons(state.current, "worker");
    }
    if (name === "stats" && state.current) loadStats(state.current, true);
    if (name === "home") loadWorkerStats();
    var pane = document.querySelector("[data-worker-pane=" + name + "]");
    if (pane && name !== "home") pane.scrollIntoView({ block: "start" });
  }

  function loadWorker() {
    openWorkerPane("home");
    return loadMyGrids();
  }

  function loadMyGrids() {
    return call("/v1/me/grids?limit=100").then(showMyGrids, showError);
  }

  function showMyGrids(page) {
    var grids = state.grids = page.items || page.grids || [];
    // the current grid; with none set (the current one was unbound) the only grid left is current by itself
    var currentId = page.current_place_id || (grids.filter(function (g) { return g.is_current; })[0] || {}).place_id;
    state.current = grids.filter(function (g) { return g.place_id === currentId; })[0]
      || (grids.length === 1 ? grids[0] : null);
    var list = $("my-grids");
    list.textContent = "";
    $("my-grids-empty").hidden = grids.length > 0;
    grids.forEach(function (grid) {
      var isCurrent = state.current && grid.place_id === state.current.place_id;
      var item = make("li", "family-member");
      item.setAttribute("data-testid", "my-grid-item");
      item.dataset.current = String(!!isCurrent);
      var who = make("div", "family-who");
      who.appendChild(make("span", "family-name", grid.name));
      if (isCurrent) who.appendChild(make("span", "family-relation", "当前组织"));
      var badge = make("span", "badge" + (grid.authorized ? " ok" : ""), grid.authorized ? "已授权" : "未授权");
      who.appendChild(badge);
      item.appendChild(who);
      var region = make("p", "subtle family-id", grid.region_name || grid.region_code);
      YKM.regionLabel(grid.region_code).then(function (label) { if (label) region.textContent = label; });
      item.appendChild(region);
      var actions = make("div", "family-actions");
      if (!isCurrent) {
        actions.appendChild(YKM.busyButton("btn btn-light small", "设为当前组织", "my-grid-current", null, function () {
          return call("/v1/me/grids/current", { method: "PUT", body: { place_id: grid.place_id } })
            .then(loadMyGrids, showError);
        }));
      }
      actions.appendChild(YKM.busyButton("btn btn-link small", "解绑", "my-grid-leave",
        "确定解绑网格组织“" + grid.name + "”？解绑后不能再为该网格采集信息。", function () {
          return call("/v1/me/grids/" + encodeURIComponent(grid.place_id), { method: "DELETE" })
            .then(loadMyGrids, showError);
        }));
      item.appendChild(actions);
      list.appendChild(item);
    });
    showWorkerHome();
  }

  function showWorkerHome() {
    var current = state.current;
    $("worker-current").textContent = current ? current.name : state.grids.length
      ? "请在“查看我的网格组织”中设为当前组织" : "尚未绑定网格，请在“查看我的网格组织”中输入网格申报码绑定";
    $("worker-authorized").textContent = current ? (current.authorized ? "已授权" : "未授权") : "–";
    $("worker-authorized").className = current && current.authorized ? "ok-text" : "";
    YKM.setDisabled($("start-collect"), !current);
    $("open-worker-keys").hidden = !(current && current.authorized);
    $("open-worker-stats").hidden = !(current && current.authorized);
    $("worker-unauthorized-note").hidden = !(current && !current.authorized);
  }

  function joinGrid() {
    var form = $("join-form");
    var code = $("join-code-input").value.replace(/\s+/g, "");
    if (!code) return fail("请输入网格申报码", "join_code", form);
    return call("/v1/grids/join", { method: "POST", body: { join_code: code } }).then(function (joined) {
      showError(null);
      $("join-code-input").value = "";
      var note = $("grid-error");
      note.textContent = "已绑定网格组织" + (joined && joined.name ? "“" + joined.name + "”" : "") + "。";
      note.className = "notice ok";
      note.hidden = false;
      note.dataset.code = "JOINED";
      return loadMyGrids();
    }, function (failure) { showError(failure, form); });
  }

  // 今日登记次数 / 累计登记次数: the statistics are folded from the collections' stream a moment after each one, so the
  // page counts the collections it recorded itself and never shows less; a later read catches up with other phones.
  function showCounts() {
    $("worker-today").textContent = state.counts ? state.counts.today : 0;
    $("worker-total").textContent = state.counts ? state.counts.total : 0;
  }

  function countCollection(at) {
    var day = YKM.formatTime(at || new Date()).slice(0, 10);
    if (!state.counts || state.counts.date !== day) {
      state.counts = { date: day, today: 0, total: state.counts ? state.counts.total : 0 };
    }
    state.counts.today += 1;
    state.counts.total += 1;
    showCounts();
  }

  function loadWorkerStats() {
    return call("/v1/me/grid-stats").then(function (stats) {
      var known = state.counts && state.counts.date === stats.date ? state.counts : { today: 0 };
      state.counts = { date: stats.date, today: Math.max(stats.today, known.today),
                       total: Math.max(stats.total, state.counts ? state.counts.total : 0) };
      showCounts();
    }, function () { /* the counts catch up on the next load */ });
  }

  // ---------------------------------------------------------------- 信息采集

  function startCollect() {
    if (!state.current) return;
    $("collect-grid").textContent = state.current.name;
    resetCollect();
  }

  function showMode(mode) {
    state.mode = mode;
    YKM.selectTab("mode", mode);
    YKM.showOnly("modePane", mode);
    if (mode === "manual" && state.scanner) state.scanner.stop();
    $("scan-preview").hidden = mode !== "scan" || !state.preview;
    if (mode === "scan" && state.preview) $("scan-form").hidden = true; // 重新扫码 on the preview brings it back
    showError(null);
  }

  // A new person: the form emptied (temperature normal, every answer 否) and the scan field ready.
  function resetCollect() {
    state.preview = null;
    state.attempt = null;
    $("scan-preview").hidden = true;
    $("collect-qr").value = "";
    $("visit-form").reset();
    ["manual-name", "manual-id-number", "manual-phone"].forEach(function (id) { $(id).value = ""; });
    $("manual-id-type").value = "ID_CARD";
    showMode(state.mode);
  }

  // Scan -> preview: POST /v1/scan reads the code (masked name and phone, colour, reasons, latest declaration); the
  // visit is recorded only when the worker submits the form.
  function previewCode(qr) {
    qr = (qr || "").trim();
    if (!qr) return fail("请先扫描群众的粤康码", "qr", $("scan-form"));
    if (state.preview && state.preview.qr === qr) return null; // the same code again
    return YKM.whileBusy($("collect-read"), function () {
      return call("/v1/scan", { method: "POST", body: { qr: qr } }).then(function (answer) {
        showError(null);
        state.preview = { qr: qr, answer: answer };
        var card = $("scan-preview");
        $("preview-name").textContent = answer.name_masked || "";
        $("preview-phone").textContent = answer.phone_masked || "未登记";
        showColor($("preview-color"), card, answer.color);
        showReasons($("preview-reasons"), $("preview-reasons-section"), answer.reasons);
        $("preview-declaration").textContent = declarationText(answer.latest_declaration);
        card.hidden = false;
        if (state.scanner) state.scanner.stop();
        $("scan-form").hidden = true;
        var first = document.querySelector("[data-testid=temp-normal]");
        if (first) first.focus({ preventScroll: true });
      }, function (failure) {
        $("scan-preview").hidden = true;
        state.preview = null;
        showError(failure, $("scan-form"));
      });
    }, "读取中…");
  }

  function visitBody() {
    var form = $("visit-form");
    var answers = {};
    VISIT_QUESTIONS.forEach(function (q) {
      var picked = form.querySelector('input[name="v-' + q[0] + '"]:checked');
      answers[q[0]] = !!picked && picked.value === "true";
    });
    var body = { temperature: form.querySelector('input[name="temperature"]:checked').value, answers: answers };
    var note = $("visit-note").value.trim();
    if (note) body.note = note;
    return body;
  }

  function submitCollection() {
    var grid = state.current;
    if (!grid) return null;
    var body = visitBody();
    if (state.mode === "scan") {
      if (!state.preview) {
        var typed = $("collect-qr").value.trim();
        return typed ? fail("请先点击“读取扫码枪或粘贴的码”核对群众信息", "qr", $("scan-form"))
          : fail("请先扫描群众的粤康码", "qr", $("scan-form"));
      }
      body.qr = state.preview.qr;
    } else {
      var person = { name: $("manual-name").value.trim(), id_type: $("manual-id-type").value,
                     id_number: $("manual-id-number").value.trim().toUpperCase() };
      var phone = $("manual-phone").value.trim();
      if (phone) person.phone = phone;
      if (!person.name) return fail("请填写姓名", "person.name", $("collect-view"));
      if (!person.id_number) return fail("请填写证件号码", "person.id_number", $("collect-view"));
      body.person = person;
    }
    // One Idempotency-Key per filled form: a second click, or a retry after a lost answer, is the same collection.
    var fingerprint = grid.place_id + "|" + JSON.stringify(body);
    if (!state.attempt || state.attempt.fingerprint !== fingerprint) {
      state.attempt = { fingerprint: fingerprint, key: YKM.newIdempotencyKey() };
    }
    var key = state.attempt.key;
    var send = function () {
      return call(gridPath(grid, "/collections"), { method: "POST", body: body, headers: { "Idempotency-Key": key } });
    };
    return send().catch(function (failure) {
      if (failure.status === 0 || failure.status >= 500 || failure.code === "REQUEST_IN_PROGRESS") return send();
      throw failure;
    }).then(function (answer) {
      showError(null);
      state.attempt = null;
      if (!answer.replayed) countCollection(answer.collected_at);
      showDone(grid, answer, body.temperature);
    }, function (failure) {
      var field = failure.field || "";
      showError(failure, field.indexOf("person.") === 0 ? $("collect-view") : field === "qr" ? $("scan-form") : $("visit-form"));
    });
  }

  function showDone(grid, answer, temperature) {
    var person = answer.person || {};
    var card = $("done-person");
    $("done-name").textContent = person.name_masked || "";
    $("done-phone").textContent = person.phone_masked || "未登记";
    showColor($("done-color"), card, person.color);
    $("done-temperature").textContent = TEMPERATURE_LABELS[temperature] || temperature;
    $("done-temperature").className = temperature === "FEVER" ? "warn" : "";
    $("done-alert").hidden = !answer.alert && person.color !== "RED";
    $("done-alert").textContent = (answer.alert && answer.alert.message_zh) || RED_ALERT;
    showReasons($("done-reasons"), $("done-reasons-section"), person.reasons);
    $("done-declaration").textContent = declarationText(answer.latest_declaration);
    var details = $("done-details");
    details.hidden = !grid.authorized || !person.person_id;
    details.onclick = function () { openPerson(grid, person.person_id, "done", details); };
    if (state.scanner) state.scanner.stop();
    openWorkerPane("done");
  }

  // ---------------------------------------------------------------- the person in full (authorized workers)

  // GET people/{id}: the full name, phone and declarations (newest first, a page at a time); the server audits it.
  function openPerson(grid, personId, back, button) {
    state.personBack = back;
    state.person = { grid: grid, personId: personId, cursor: null };
    return YKM.whileBusy(button, function () {
      return readPerson().then(function (answer) {
        showError(null);
        showPerson(answer);
        openWorkerPane("person");
      }, showError);
    });
  }

  function readPerson() {
    var shown = state.person;
    return call(gridPath(shown.grid, "/people/" + encodeURIComponent(shown.personId) + "?limit=20")
                + (shown.cursor ? "&cursor=" + encodeURIComponent(shown.cursor) : "")).then(function (answer) {
      shown.cursor = answer.next_cursor || null;
      $("person-more").hidden = !shown.cursor;
      return answer;
    });
  }

  function showPerson(answer) {
    var person = answer.person;
    var card = $("person-card");
    $("person-name").textContent = person.name || person.name_masked || "";
    $("person-id").textContent = person.id_masked || "";
    $("person-phone").textContent = person.phone || person.phone_masked || "未登记";
    showColor($("person-color"), card, person.color);
    showReasons($("person-reasons"), $("person-reasons-section"), person.reasons);
    $("person-declarations").textContent = "";
    addDeclarations(answer.declarations || []);
  }

  function addDeclarations(declarations) {
    var list = $("person-declarations");
    declarations.forEach(function (d) {
      var item = make("li", "record");
      item.setAttribute("data-testid", "person-declaration");
      var head = make("div", "record-head");
      head.appendChild(make("span", "record-kind", DECLARATION_TYPES[d.type] || "健康申报"));
      head.appendChild(make("span", "record-time", YKM.formatTime(d.declared_at).slice(0, 16)));
      item.appendChild(head);
      var facts = [d.healthy === false ? "有异常" : "无异常"];
      if (d.temperature_c) facts.push("体温 " + d.temperature_c + "°C");
      if (d.symptoms && d.symptoms.length) facts.push("症状：" + d.symptoms.map(symptomLabel).join("、"));
      var risks = answersText(d);
      if (risks) facts.push(risks);
      item.appendChild(make("p", "subtle", facts.join("，")));
      list.appendChild(item);
    });
    $("person-declarations-empty").hidden = list.children.length > 0;
  }

  function morePerson() {
    return YKM.whileBusy($("person-more"), function () {
      return readPerson().then(function (answer) { addDeclarations(answer.declarations || []); }, showError);
    });
  }

  // ---------------------------------------------------------------- wiring

  function yesNoQuestions(container) {
    container.textContent = "";
    VISIT_QUESTIONS.forEach(function (question) {
      var set = make("fieldset", "field question");
      set.dataset.field = "answers." + question[0];
      set.appendChild(make("legend", "", question[1]));
      var choices = make("div", "yes-no");
      [["false", "否"], ["true", "是"]].forEach(function (option) {
        var label = make("label", "choice");
        var radio = document.createElement("input");
        radio.type = "radio";
        radio.name = "v-" + question[0];
        radio.value = option[0];
        radio.defaultChecked = option[0] === "false";
        radio.setAttribute("data-testid", "v-" + question[0] + "-" + option[0]);
        label.appendChild(radio);
        label.appendChild(make("span", "", option[1]));
        choices.appendChild(label);
      });
      set.appendChild(choices);
      container.appendChild(set);
    });
  }

  function copyText(text, done) {
    var shown = function () { done.textContent = "已复制：" + text; done.hidden = false; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(shown, function () { done.textContent = "请长按选择复制：" + text; done.hidden = false; });
    } else {
      done.textContent = "请长按选择复制：" + text;
      done.hidden = false;
    }
  }

  function wire() {
    YKM.regionPicker(document.querySelector("[data-region-picker=create]"), $("create-region"), showError);
    yesNoQuestions($("visit-questions"));
    Array.prototype.forEach.call(document.querySelectorAll(".tab[data-tab]"), function (tab) {
      tab.addEventListener("click", function () {
        state.tabPicked = true;
        showTab(tab.dataset.tab);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-admin-open]"), function (button) {
      button.addEventListener("click", function () { openAdminPane(button.dataset.adminOpen); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-worker-open]"), function (button) {
      button.addEventListener("click", function () { openWorkerPane(button.dataset.workerOpen); });
    });
    Array.prototype.forEach.call(document.querySelectorAll(".tab[data-mode]"), function (tab) {
      tab.addEventListener("click", function () { showMode(tab.dataset.mode); });
    });
    YKM.submitWhileBusy($("create-form"), createGrid, "提交中…");
    $("copy-join-code").addEventListener("click", function () { copyText($("join-code").textContent, $("copy-done")); });
    $("members-more").addEventListener("click", function () {
      YKM.whileBusy($("members-more"), function () { return loadMembers(true); });
    });
    YKM.submitWhileBusy($("transfer-form"), offerTransfer, "提交中…");
    state.transfer = TRANSFER.pendingOffer(document.querySelector("[data-admin-transfer-pending]"), {
      call: call, place: function () { return state.grid && gridPath(state.grid); },
      showError: showError, showDone: function () { showError(null); } }, showTransferForm);
    $("copy-transfer-link").addEventListener("click", function () {
      copyText($("transfer-link").textContent, $("transfer-text"));
    });
    $("dissolve-confirm").addEventListener("input", function () {
      var matches = !!state.grid && $("dissolve-confirm").value.trim() === state.grid.name;
      YKM.setDisabled(document.querySelector("[data-testid=dissolve-submit]"), !matches);
    });
    YKM.submitWhileBusy($("dissolve-form"), dissolveGrid, "解散中…");
    TRANSFER.successor({ call: call, showError: showError }, "/v1/grids/admin-transfer/", fillOffer,
                       function () { return showTab("admin"); });
    YKM.submitWhileBusy($("join-form"), joinGrid, "绑定中…");
    state.scanner = YKM.attachScanner({ input: $("collect-qr"), form: $("scan-form"),
                                        cameraButton: $("collect-camera"), cameraBox: $("collect-camera-box"),
                                        onCode: previewCode });
    $("preview-cancel").addEventListener("click", resetCollect);
    YKM.submitWhileBusy($("visit-form"), submitCollection, "提交中…");
    $("continue-collect").addEventListener("click", function () { openWorkerPane("collect"); });
    $("person-back").addEventListener("click", function () { openWorkerPane(state.personBack); });
    $("person-more").addEventListener("click", morePerson);
  }

  // Where the page opens: the tab asked for (#tab=...), else the admin's grid for its admin, else the worker's view
  // for someone bound to a grid, else the admin tab (creating a grid).
  function landingTab() {
    var asked = (location.hash.match(/^#tab=(admin|worker)$/) || [])[1];
    if (asked) return Promise.resolve(asked);
    return call("/v1/grids/mine").then(function () { return "admin"; }, function () {
      return call("/v1/me/grids?limit=1").then(function (page) {
        return (page.items || page.grids || []).length ? "worker" : "admin";
      }, function () { return "admin"; });
    });
  }

  function start() {
    TRANSFER.start(!!session, $("grid-main"), wire, function () {
      landingTab().then(function (name) { if (!state.tabPicked) showTab(name); }); // a tab tapped meanwhile wins
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
