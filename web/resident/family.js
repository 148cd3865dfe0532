/* 粤康码 H5, the resident page: family members (管理家庭成员, 指引 二.(三).2, 常见问题 8) - the switcher under the
   guardian's name (the triangle beside it) that shows a member's code, and the view that lists, adds and removes
   members. */
import { api, byIds, COLORS, handleAuthFailure, nav, state } from "./context.js";
import * as code from "./code.js";
import * as offline from "./offline.js";
import { actionButton, clearFormErrors, make, options, setBusy, showBox, showFormFailure } from "../core/forms.js";

const el = {};

function init() {
  byIds(el, {
    familyList: "family-list", familyEmpty: "family-empty", familyError: "family-error",
    memberForm: "member-form", memberRelationSelect: "member-relation-select", memberName: "member-name",
    memberIdType: "member-id-type", memberIdNumber: "member-id-number", memberIssueRow: "member-issue-row",
    memberIssueCount: "member-issue-count", memberProof: "member-proof", memberFormError: "member-form-error",
    memberFormDone: "member-form-done", memberSubmit: "member-submit",
    memberSwitch: "member-switch", memberMenu: "member-menu",
  });
  el.memberSwitch.addEventListener("click", function (event) {
    event.stopPropagation();
    if (el.memberMenu.hidden) openMemberMenu();
    else closeMemberMenu();
  });
  el.memberMenu.addEventListener("keydown", function (event) {
    var choices = Array.prototype.slice.call(el.memberMenu.querySelectorAll("[role=option]"));
    var index = choices.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var next = choices[(index + (event.key === "ArrowDown" ? 1 : choices.length - 1)) % choices.length];
      if (next) next.focus();
    } else if (event.key === "Escape") {
      closeMemberMenu();
      el.memberSwitch.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!el.memberMenu.hidden && !el.memberMenu.contains(event.target)) closeMemberMenu();
  });
  el.memberIdType.addEventListener("change", syncMemberForm);
  el.memberForm.addEventListener("submit", onMemberSubmit);
  syncMemberForm();
}

// Logged out: oneself again, no members known.
function reset() {
  state.member = null;
  state.selfName = "";
  state.family = [];
  closeMemberMenu();
  el.memberMenu.textContent = "";
}

export default { id: "family", init: init, open: loadFamily, reset: reset };


export function loadFamily() {
  var session = state.session;
  return api("/v1/me/family?limit=100", { auth: true })
    .then(function (page) {
      if (state.session !== session) return;
      state.family = page.items || [];
      // 成员身份 as the API words them (the list answers them with the members)
      if (page.relations) options(el.memberRelationSelect, page.relations, el.memberRelationSelect.value);
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
    nav.open("family");
    el.memberName.focus();
  }));
  el.memberMenu.appendChild(menuOption("管理家庭成员", "member-option-manage", function () { nav.open("family"); }));
}

function openMemberMenu() {
  renderMemberMenu();
  el.memberMenu.hidden = false;
  el.memberSwitch.setAttribute("aria-expanded", "true");
  var current = el.memberMenu.querySelector(".selected") || el.memberMenu.firstChild;
  if (current) current.focus();
}

export function closeMemberMenu() {
  if (!el.memberMenu) return;
  el.memberMenu.hidden = true;
  el.memberSwitch.setAttribute("aria-expanded", "false");
}

function selectMember(member) {
  closeMemberMenu();
  var changed = (state.member && state.member.person_id) !== (member && member.person_id);
  state.member = member;
  if (!changed) return;
  offline.hide();
  code.memberChanged();
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
    actions.appendChild(actionButton("btn btn-light small", "查看粤康码", "family-show", function () {
      selectMember(member);
      nav.back();
    }));
    actions.appendChild(actionButton("btn btn-outline small", "解除", "family-remove", function (event) {
      removeMember(member, event.currentTarget);
    }));
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
  clearFormErrors(form, el.memberFormError, el.memberFormDone);
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
