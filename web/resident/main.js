/* 粤康码 H5, the resident page (index.html): logging in, the code, and the resident's services, each a view with
   its own history entry (web/core/views.js) and its own module - family members, records, declarations, the
   itinerary card, the Macau health code and the organizations one is bound to. A new view is a module exporting
   {id, init(), open(detail), reset()}, its <section id="<id>-view"> and its button data-view="<id>" in the services. */
import { nav, onExpired, SESSION_KEY, state, subjectLabel, $ } from "./context.js";
import * as code from "./code.js";
import declare from "./declare.js";
import family, { closeMemberMenu, loadFamily } from "./family.js";
import itinerary from "./itinerary.js";
import * as login from "./login.js";
import macau from "./macau.js";
import * as offline from "./offline.js";
import orgs from "./orgs.js";
import records from "./records.js";
import * as LAST from "../core/lastcode.js";
import { clearSession, loadSession } from "../core/session.js";
import { viewRouter } from "../core/views.js";

const VIEWS = [family, records, declare, itinerary, macau, orgs];
const HOME = "code";

const router = viewRouter({
  home: HOME,
  views: Object.fromEntries(VIEWS.map(function (view) { return [view.id, { section: $(view.id + "-view") }]; })),
  show: showView,
  active: function () { return !!state.session && !login.isShown(); }, // logged out: the login form stays
});

function showView(name, detail) {
  closeMemberMenu();
  if (name === HOME) {
    code.shown();
    window.scrollTo(0, 0);
    return;
  }
  code.hide();
  $(name + "-view").hidden = false;
  Array.prototype.forEach.call(document.querySelectorAll("[data-subject-note]"), function (note) {
    note.textContent = state.member ? "当前为家庭成员 " + subjectLabel() + " 办理" : "";
    note.hidden = !state.member;
  });
  VIEWS.find(function (view) { return view.id === name; }).open(detail);
  window.scrollTo(0, 0);
}

function showLoginView(notice) {
  state.session = null;
  clearSession(SESSION_KEY);
  code.hide();
  router.settle("login");
  code.reset();
  offline.hide();
  VIEWS.forEach(function (view) { view.reset(); });
  login.show(notice);
}

function showCodeView() {
  login.hide();
  router.settle(HOME);
  code.start();
  loadFamily();
  window.scrollTo(0, 0);
}

function logout() {
  LAST.clear(); // the codes kept for an outage leave the phone with the session
  login.reset();
  showLoginView("");
  login.focus();
}

function init() {
  nav.open = router.open;
  nav.back = router.back;
  onExpired(showLoginView);
  login.init(showCodeView);
  code.init();
  offline.init();
  VIEWS.forEach(function (view) { view.init(); });
  Array.prototype.forEach.call(document.querySelectorAll(".service[data-view]"), function (button) {
    button.addEventListener("click", function () { router.open(button.dataset.view); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-back]"), function (button) {
    button.addEventListener("click", router.back);
  });
  $("logout").addEventListener("click", logout);

  state.session = loadSession(SESSION_KEY);
  if (state.session) showCodeView();
  else login.syncStoredCode();
  document.documentElement.dataset.ready = "true";
}

init(); // a module runs once the document is parsed
