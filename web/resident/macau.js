/* 粤康码 H5, the resident page: 申领澳门健康码 (指引 二.(三).6) - a declaration, its port, symptoms and questions drawn
   from the catalogue the API serves, turned into Macau's health code unless it declares a risk. */
import { api, byIds, COLORS, handleAuthFailure, state, withMember } from "./context.js";
import { drawQrOn } from "./code.js";
import { answerOf, checkedSymptoms, drawHealthForm, readTemperature } from "./health-form.js";
import { clearFormErrors, make, options, setBusy, showBox, showFormFailure } from "../core/forms.js";
import { formatTime } from "../core/time.js";

const MACAU_STATUS = { VALID: "绿码 · 有效", EXPIRED: "已过期，请重新申领", REVOKED: "已失效" };
const view = { questions: null };
const el = {};

function init() {
  byIds(el, {
    macauCard: "macau-card", macauName: "macau-name", macauQr: "macau-qr",
    macauQrFrame: "macau-qr-frame", macauStatus: "macau-status", macauValidUntil: "macau-valid-until",
    macauPort: "macau-port", macauTest: "macau-test", macauReasons: "macau-reasons", macauAgain: "macau-again",
    macauForm: "macau-form", macauPortSelect: "macau-port-select", macauTemperature: "macau-temperature",
    macauConfirm: "macau-confirm", macauError: "macau-error", macauRefusal: "macau-refusal",
    macauSubmit: "macau-submit",
  });
  el.macauForm.addEventListener("submit", onMacauSubmit);
  el.macauAgain.addEventListener("click", function () {
    el.macauForm.hidden = false;
    el.macauForm.scrollIntoView();
  });
  el.macauSubmit.disabled = true; // until the questions are drawn
  drawForm();
}

// The ports, symptoms and questions of the Macau declaration, as the API's catalogue has them. Server errors name
// "declaration.contact_with_case"; the radios are named "m-contact_with_case".
function drawForm() {
  return drawHealthForm(view, el.macauForm, {
    prefix: "m-", field: "declaration.", questionsBox: "[data-macau-questions]",
    submit: el.macauSubmit, errorBox: el.macauError,
    draw: function (catalogue) {
      options(el.macauPortSelect, catalogue.macau.ports, el.macauPortSelect.value);
      return catalogue.macau.questions.map(function (code) {
        return catalogue.questions.find(function (q) { return q.code === code; }) || { code: code, label: code };
      });
    },
  });
}

function open() {
  if (!view.questions) drawForm();
  openMacau();
}

export default { id: "macau", init: init, open: open, reset: function () {} };


function openMacau() {
  el.macauCard.hidden = true;
  el.macauForm.hidden = true;
  clearFormErrors(el.macauForm, el.macauError);
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
  clearFormErrors(form, el.macauError);
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
  view.questions.forEach(function (q) { declaration[q.code] = answerOf(form, "m-" + q.code); });
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
