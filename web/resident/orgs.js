/* 粤康码 H5, the resident page: 我的组织机构 - the organizations the shown person (oneself or a family member) is bound
   to, each with 去申报 and 解绑 after a confirmation (绑定组织机构管理, 指引 四.(一).2.(3), 图 4-8), and binding
   another by its join code (组织机构申报码, 图 4-6). One member may be bound to many organizations. */
import { api, byIds, handleAuthFailure, nav, state, withMember } from "./context.js";
import { actionButton, clearFormErrors, make, setBusy, showBox, showFormFailure } from "../core/forms.js";
import { formatTime } from "../core/time.js";

const view = { cursor: null, loading: 0 };
const el = {};

function init() {
  byIds(el, {
    list: "orgs-list", empty: "orgs-empty", error: "orgs-error", done: "orgs-done", more: "orgs-more",
    joinForm: "orgs-join-form", joinCode: "orgs-join-code", join: "orgs-join", joinError: "orgs-join-error",
  });
  el.more.addEventListener("click", function () { load(true); });
  el.joinForm.addEventListener("submit", onJoin);
}

function open() {
  showBox(el.done, "");
  showBox(el.error, "");
  clearFormErrors(el.joinForm, el.joinError);
  return load(false);
}

function reset() {
  el.list.textContent = "";
  el.joinForm.reset();
  view.cursor = null;
}

export default { id: "orgs", init: init, open: open, reset: reset };

// The organizations this person is bound to, a page of 50 at a time.
function load(more) {
  const member = state.member;
  const loading = view.loading += 1;
  let path = withMember("/v1/me/orgs?limit=50");
  if (more && view.cursor) path += "&cursor=" + encodeURIComponent(view.cursor);
  if (more) setBusy(el.more, true, "加载中…");
  return api(path, { auth: true })
    .then(function (page) {
      if (state.member !== member || view.loading !== loading) return; // switched or reloaded meanwhile
      if (!more) el.list.textContent = "";
      (page.items || []).forEach(function (org) { el.list.appendChild(orgRow(org)); });
      view.cursor = page.next_cursor || null;
      el.more.hidden = !view.cursor;
      el.empty.hidden = el.list.children.length > 0;
    })
    .catch(function (failure) {
      if (handleAuthFailure(failure)) return;
      el.more.hidden = true;
      showBox(el.error, "组织机构加载失败：" + failure.messageZh);
    })
    .then(function () { if (more) setBusy(el.more, false); });
}

function orgRow(org) {
  const row = make("li", "org-item");
  row.dataset.placeId = org.place_id;
  row.setAttribute("data-testid", "org-item");
  const who = make("div", "org-who");
  const name = make("span", "org-name", org.name);
  name.setAttribute("data-testid", "org-name");
  who.appendChild(name);
  if (org.level_label) who.appendChild(make("span", "org-level", org.level_label));
  if (org.is_admin) who.appendChild(make("span", "org-level", "管理员"));
  row.appendChild(who);
  if (org.address) row.appendChild(make("p", "subtle org-address", org.address));
  if (org.bound_at) {
    const since = make("p", "subtle org-since", "绑定时间：");
    const when = make("time", "", formatTime(org.bound_at));
    when.dateTime = org.bound_at;
    since.appendChild(when);
    row.appendChild(since);
  }
  const actions = make("div", "family-actions");
  actions.appendChild(actionButton("btn btn-light small", "去申报", "org-declare", function () {
    nav.open("declare", { place_id: org.place_id });
  }));
  actions.appendChild(actionButton("btn btn-outline small", "解绑", "org-unbind", function (event) {
    onUnbind(org, event.currentTarget);
  }));
  row.appendChild(actions);
  return row;
}

function onUnbind(org, button) {
  if (!window.confirm("确定解绑组织机构“" + org.name + "”吗？解绑后不能再向该机构申报，需要时可凭组织机构申报码重新绑定。")) {
    return;
  }
  showBox(el.done, "");
  showBox(el.error, "");
  setBusy(button, true, "解绑中…");
  const member = state.member;
  api(withMember("/v1/me/orgs/" + encodeURIComponent(org.place_id)), { method: "DELETE", auth: true })
    .then(function () {
      if (state.member !== member) return;
      showBox(el.done, "已解绑 " + org.name);
      return load(false);
    }, function (failure) {
      setBusy(button, false);
      if (handleAuthFailure(failure)) return;
      showBox(el.error, "解绑失败：" + failure.messageZh);
      if (failure.status === 404) load(false); // unbound meanwhile (another phone): the list as it is now
    });
}

// Binds the shown person to the organization whose join code (组织机构申报码) is in `input` (POST /v1/orgs/join),
// saying so in doneBox, or what is wrong under the form's join_code field (else in errorBox). Answers the
// organization bound, or null.
export function joinByCode(form, input, button, errorBox, doneBox) {
  clearFormErrors(form, errorBox, doneBox);
  const code = input.value.replace(/\s+/g, "");
  if (!code) {
    showFormFailure(form, { field: "join_code", messageZh: "请输入组织机构申报码" }, errorBox);
    return Promise.resolve(null);
  }
  setBusy(button, true, "绑定中…");
  return api(withMember("/v1/orgs/join"), { method: "POST", auth: true, body: { join_code: code } })
    .then(function (org) {
      input.value = "";
      showBox(doneBox, "已绑定 " + org.name + "，可选择该机构申报");
      return org;
    }, function (failure) {
      if (!handleAuthFailure(failure)) showFormFailure(form, failure, errorBox);
      return null;
    })
    .then(function (org) {
      setBusy(button, false);
      return org;
    });
}

function onJoin(event) {
  event.preventDefault();
  joinByCode(el.joinForm, el.joinCode, el.join, el.joinError, el.done).then(function (org) {
    if (org) return load(false);
  });
}
