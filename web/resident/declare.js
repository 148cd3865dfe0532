/* 粤康码 H5, the resident page: 健康申报 (指引 二.(三).5, 常见问题 9) - a declaration of oneself or a member, its types,
   symptoms and questions drawn from the catalogue the API serves; an organization member's declaration names one of
   the organizations they are bound to (指引 四.(一).2), which a join code binds here too. A declaration is sent with
   one Idempotency-Key per submission, reused on its retries. */
import { api, byIds, handleAuthFailure, state, withMember } from "./context.js";
import { joinByCode } from "./orgs.js";
import { answerOf, checkedSymptoms, drawHealthForm, readTemperature } from "./health-form.js";
import { clearFormErrors, make, options, setBusy, showBox, showFormFailure } from "../core/forms.js";
import { submissions } from "../core/idempotency.js";
import { formatTime } from "../core/time.js";

const view = { orgsLoaded: false, chosenPlace: null, questions: null, submission: submissions() };
const el = {};

function init() {
  byIds(el, {
    declareForm: "declare-form", declareType: "declare-type",
    declarePlaceRow: "declare-place-row", declarePlace: "declare-place", declareTemperature: "declare-temperature",
    declarePlaceNone: "declare-place-none", declareJoinRow: "declare-join-row", declareJoinCode: "declare-join-code",
    declareJoin: "declare-join", declareError: "declare-error", declareDone: "declare-done",
    declareSubmit: "declare-submit", declareList: "declare-list", declareEmpty: "declare-empty",
  });
  el.declareType.addEventListener("change", syncDeclareForm);
  el.declareJoin.addEventListener("click", onDeclareJoin);
  el.declareForm.addEventListener("submit", onDeclareSubmit);
  el.declareSubmit.disabled = true; // until the questions are drawn
  drawForm();
}

// The form's types, symptoms and questions, as the API's catalogue (or the copy kept offline) has them.
function drawForm() {
  const form = el.declareForm;
  return drawHealthForm(view, form, {
    prefix: "d-", field: "answers.", questionsBox: "[data-questions]",
    submit: el.declareSubmit, errorBox: el.declareError,
    draw: function (catalogue) {
      options(el.declareType, catalogue.declaration_types, el.declareType.value);
      syncDeclareForm();
      catalogue.questions.filter(function (q) { return q.kind === "text"; }).forEach(function (question) {
        const label = form.querySelector('[data-question="' + question.code + '"]');
        if (label) label.textContent = question.label;
      });
      return catalogue.questions.filter(function (q) { return q.kind === "yes_no"; });
    },
  });
}

function reset() {
  view.orgsLoaded = false;
  view.chosenPlace = null;
}



export default { id: "declare", init: init, open: openDeclare, reset: reset };


function syncDeclareForm() {
  var org = el.declareType.value === "ORG_MEMBER";
  el.declarePlaceRow.hidden = !org;
  el.declareJoinRow.hidden = !org;
  if (org && !view.orgsLoaded) loadMyOrgs(view.chosenPlace);
  view.chosenPlace = null;
}

// The organizations the person declaring (oneself, or the chosen member) is bound to: pick any (指引 四.(一).2).
function loadMyOrgs(choose) {
  var member = state.member;
  view.orgsLoaded = true;
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
      view.orgsLoaded = false;
      if (!handleAuthFailure(failure)) showBox(el.declareError, "组织机构加载失败：" + failure.messageZh);
    });
}

function onDeclareJoin() {
  joinByCode(el.declareForm, el.declareJoinCode, el.declareJoin, el.declareError, el.declareDone).then(function (org) {
    if (org) return loadMyOrgs(org.place_id);
  });
}

// detail.place_id: the organizations' view sends here to declare for that one (指引 四.(一).2.(2): 选择任意机构，
// 跳转申报页面).
function openDeclare(detail) {
  view.chosenPlace = (detail && detail.place_id) || null;
  clearFormErrors(el.declareForm, el.declareError, el.declareDone);
  view.orgsLoaded = false; // the member may have changed since: their own organizations
  if (view.chosenPlace) el.declareType.value = "ORG_MEMBER";
  syncDeclareForm();
  if (!view.questions) drawForm();
  loadDeclarations();
}

function onDeclareSubmit(event) {
  event.preventDefault();
  var form = el.declareForm;
  clearFormErrors(form, el.declareError, el.declareDone);
  var temperature = readTemperature(el.declareTemperature);
  if (temperature.error) {
    showFormFailure(form, { field: "temperature_c", messageZh: temperature.error }, el.declareError);
    return;
  }
  var answers = {};
  view.questions.forEach(function (q) { answers[q.code] = answerOf(form, "d-" + q.code); });
  Array.prototype.forEach.call(form.querySelectorAll("[data-answer]"), function (input) {
    if (input.value.trim()) answers[input.dataset.answer] = input.value.trim();
  });
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
  var key = view.submission.keyFor([withMember(""), body]);
  setBusy(el.declareSubmit, true, "提交中…");
  api(withMember("/v1/me/declarations"), { method: "POST", auth: true, body: body,
                                           headers: { "Idempotency-Key": key } })
    .then(function (declared) {
      view.submission.done();
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
