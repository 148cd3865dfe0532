/* 粤康码 H5, venue page: the admin's scanner devices (数字哨兵, issue 14). A panel of its own under 我的场所: register
   a device by name (its key is shown once, to be entered into the device, with a copy button), list the devices
   and revoke one (its key is refused at once). It appears whenever the admin's venue is shown (#my-venue) and
   reads the venue itself, so venue.js needs to know nothing of it. */
(function () {
  "use strict";

  var session = YKM.loadSession("ykm.session");
  var api = YKM.apiClient({
    token: function () { return session.token; },
    zhTexts: { failed: "操作失败，请稍后再试", network: "网络异常，请检查网络后重试", badBody: "服务器返回有误" },
  });
  var state = { placeId: null, loading: false };
  var panel;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function build() {
    panel = el("section", { id: "devices-view", "class": "panel", "data-testid": "devices-view" });
    panel.hidden = true;
    panel.appendChild(el("h2", { "class": "panel-title" }, "场所设备（数字哨兵）"));
    panel.appendChild(el("p", { "class": "hint" },
      "登记扫码测温设备后，设备用自己的密钥上传扫码、刷身份证和测温结果，计入本场所统计。密钥只显示一次，请立即录入设备；停用后该密钥立即失效。"));
    var form = el("form", { id: "device-form", "data-testid": "device-form", novalidate: "" });
    var field = el("div", { "class": "field", "data-field": "name" });
    field.appendChild(el("label", { "for": "device-name" }, "设备名称"));
    field.appendChild(el("input", { id: "device-name", type: "text", name: "name", "data-testid": "device-name", maxlength: "40",
                                    placeholder: "如 东门哨兵", required: "" }));
    form.appendChild(field);
    form.appendChild(el("button", { "class": "btn btn-primary", "data-testid": "device-register", type: "submit" },
                        "登记设备"));
    panel.appendChild(form);
    panel.appendChild(el("p", { id: "device-error", "class": "form-error", "data-testid": "device-error",
                                role: "alert", hidden: "" }));
    var shown = el("div", { id: "device-key-box", "class": "notice", "data-testid": "device-key-box", hidden: "" });
    shown.appendChild(el("p", {}, "设备密钥（仅显示这一次，请录入设备）："));
    var code = el("code", { id: "device-key", "data-testid": "device-key" });
    code.style.wordBreak = "break-all";
    code.style.display = "block";
    shown.appendChild(code);
    shown.appendChild(el("button", { id: "device-key-copy", "class": "btn btn-link inline-btn",
                                     "data-testid": "device-key-copy", type: "button" }, "复制密钥"));
    panel.appendChild(shown);
    panel.appendChild(el("ul", { id: "device-list", "class": "family-list", "data-testid": "device-list" }));
    panel.appendChild(el("p", { id: "device-empty", "class": "subtle", "data-testid": "device-empty", hidden: "" },
                         "尚未登记设备。"));
    var anchor = document.getElementById("my-venue");
    anchor.parentNode.insertBefore(panel, anchor.nextSibling);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      register(document.getElementById("device-name").value.trim());
    });
    document.getElementById("device-key-copy").addEventListener("click", function () {
      var key = document.getElementById("device-key").textContent;
      if (navigator.clipboard) navigator.clipboard.writeText(key).catch(function () { /* select by hand */ });
    });
  }

  function showError(failure) {
    var box = document.getElementById("device-error");
    box.textContent = failure ? failure.messageZh || "操作失败" : "";
    box.hidden = !failure;
    box.dataset.code = failure ? failure.code : "";
    if (failure && failure.field === "name") document.getElementById("device-name").focus();
  }

  function register(name) {
    showError(null);
    if (!name) return showError(new YKM.ApiFailure(400, { field: "name", message_zh: "请填写设备名称" }));
    return api("/v1/venues/" + state.placeId + "/devices", { method: "POST", auth: true, body: { name: name } })
      .then(function (created) {
        document.getElementById("device-key").textContent = created.device_key;
        document.getElementById("device-key-box").hidden = false;
        document.getElementById("device-name").value = "";
        return load();
      }, showError);
  }

  function row(device) {
    var item = el("li", { "class": "family-member", "data-testid": "device", "data-status": device.status });
    var revoked = device.status === "REVOKED";
    item.appendChild(el("span", {}, device.name + (revoked ? "（已停用）" : "（使用中）")));
    if (!revoked) {
      var button = el("button", { "class": "btn btn-link inline-btn", "data-testid": "device-revoke",
                                  type: "button" }, "停用");
      button.addEventListener("click", function () {
        if (!window.confirm("确定停用设备“" + device.name + "”？停用后其密钥立即失效，不能恢复。")) return;
        api("/v1/venues/" + state.placeId + "/devices/" + encodeURIComponent(device.device_id),
            { method: "DELETE", auth: true }).then(function () {
          document.getElementById("device-key-box").hidden = true; // a key shown earlier may be the revoked one
          return load();
        }, showError);
      });
      item.appendChild(button);
    }
    return item;
  }

  function load() {
    return api("/v1/venues/" + state.placeId + "/devices", { auth: true }).then(function (answer) {
      var list = document.getElementById("device-list");
      list.textContent = "";
      answer.devices.forEach(function (device) { list.appendChild(row(device)); });
      document.getElementById("device-empty").hidden = answer.devices.length > 0;
    }, showError);
  }

  // Shown with the admin's venue: when #my-venue appears, find the venue (GET /v1/venues/mine) and list its devices.
  function follow() {
    var venue = document.getElementById("my-venue");
    var visible = !venue.hidden;
    panel.hidden = !visible || !state.placeId;
    if (!visible || state.placeId || state.loading) return;
    state.loading = true;
    api("/v1/venues/mine", { auth: true }).then(function (mine) {
      state.placeId = mine.place_id;
      panel.hidden = document.getElementById("my-venue").hidden;
      return load();
    }, function () { /* no venue (yet): venue.js shows the creation form */ }).then(function () {
      state.loading = false;
    });
  }

  function start() {
    if (!session || !document.getElementById("my-venue")) return;
    build();
    new MutationObserver(follow).observe(document.getElementById("my-venue"), { attributes: true,
                                                                                 attributeFilter: ["hidden"] });
    follow();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
