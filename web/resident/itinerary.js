/* 粤康码 H5, the resident page: 通信大数据行程卡 (指引 二.(三).4) - a phone number and its SMS code give the cities the
   phone reached or passed in the last 14 days. */
import { api, byIds, handleAuthFailure } from "./context.js";
import { clearFormErrors, make, setBusy, showBox, showFormFailure } from "../core/forms.js";
import { formatTime } from "../core/time.js";

const view = { countdownTimer: null };
const el = {};

function init() {
  byIds(el, {
    itineraryForm: "itinerary-form", itineraryPhone: "itinerary-phone",
    itineraryCode: "itinerary-code", itinerarySend: "itinerary-send", itineraryError: "itinerary-error",
    itinerarySent: "itinerary-sent", itinerarySubmit: "itinerary-submit", itineraryCard: "itinerary-card",
    itineraryPhoneMasked: "itinerary-phone-masked", itineraryUpdated: "itinerary-updated",
    itineraryCities: "itinerary-cities", itineraryList: "itinerary-list", itineraryPeriod: "itinerary-period",
  });
  el.itinerarySend.addEventListener("click", onItinerarySend);
  el.itineraryForm.addEventListener("submit", onItinerarySubmit);
}

// Logged out: the last card and the countdown go.
function reset() {
  el.itineraryCard.hidden = true;
  el.itineraryForm.reset();
  showBox(el.itinerarySent, "");
  stopCountdown();
}

export default { id: "itinerary", init: init, open: openItinerary, reset: reset };


function stopCountdown() {
  clearInterval(view.countdownTimer);
  view.countdownTimer = null;
  el.itinerarySend.disabled = false;
  el.itinerarySend.textContent = "获取验证码";
}

function startCountdown(seconds) {
  stopCountdown();
  var left = seconds;
  el.itinerarySend.disabled = true;
  el.itinerarySend.textContent = left + "秒后重发";
  view.countdownTimer = setInterval(function () {
    left -= 1;
    if (left <= 0) stopCountdown();
    else el.itinerarySend.textContent = left + "秒后重发";
  }, 1000);
}

function itineraryPhone() { return el.itineraryPhone.value.replace(/[\s-]+/g, ""); }

function openItinerary() {
  clearFormErrors(el.itineraryForm, el.itineraryError);
  el.itineraryPhone.focus();
}

function onItinerarySend() {
  var form = el.itineraryForm;
  clearFormErrors(form, el.itineraryError, el.itinerarySent);
  if (!itineraryPhone()) {
    showFormFailure(form, { field: "phone", messageZh: "请输入手机号码" }, el.itineraryError);
    return;
  }
  el.itinerarySend.disabled = true;
  api("/v1/itinerary/sms-code", { method: "POST", auth: true, body: { phone: itineraryPhone() } })
    .then(function (sent) {
      showBox(el.itinerarySent, "验证码已发送至 " + sent.phone_masked + "，" + Math.round(sent.expires_in / 60) + "分钟内有效");
      startCountdown(sent.resend_after || 60);
      el.itineraryCode.focus();
    })
    .catch(function (failure) {
      el.itinerarySend.disabled = false;
      if (!handleAuthFailure(failure)) showFormFailure(form, failure, el.itineraryError);
    });
}

function onItinerarySubmit(event) {
  event.preventDefault();
  var form = el.itineraryForm;
  clearFormErrors(form, el.itineraryError);
  var body = { phone: itineraryPhone(), sms_code: el.itineraryCode.value.trim() };
  if (!body.phone) return showFormFailure(form, { field: "phone", messageZh: "请输入手机号码" }, el.itineraryError);
  if (!/^\d{6}$/.test(body.sms_code)) {
    return showFormFailure(form, { field: "sms_code", messageZh: "请输入6位短信验证码" }, el.itineraryError);
  }
  setBusy(el.itinerarySubmit, true, "查询中…");
  api("/v1/itinerary", { method: "POST", auth: true, body: body })
    .then(renderItinerary)
    .catch(function (failure) {
      if (!handleAuthFailure(failure)) showFormFailure(form, failure, el.itineraryError);
    })
    .then(function () { setBusy(el.itinerarySubmit, false); });
}

function renderItinerary(card) {
  el.itineraryPhoneMasked.textContent = card.phone_masked;
  el.itineraryUpdated.textContent = formatTime(card.queried_at);
  el.itineraryUpdated.dateTime = card.queried_at;
  var cities = card.cities || [];
  el.itineraryCities.textContent = cities.length ? cities.map(function (c) { return c.city; }).join("、") : "无";
  el.itineraryList.textContent = "";
  cities.forEach(function (visit) {
    var row = make("li", "itinerary-city");
    row.setAttribute("data-testid", "itinerary-city");
    row.appendChild(make("span", "", visit.city));
    row.appendChild(make("span", "subtle", visit.date));
    el.itineraryList.appendChild(row);
  });
  el.itineraryPeriod.textContent = card.period.from + " 至 " + card.period.to;
  el.itineraryCard.hidden = false;
  el.itineraryCode.value = "";
}
