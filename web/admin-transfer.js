/* 粤康码 H5: what the admin pages of places (venue.html, org.html, grid.html) share about handing the admin role over
   (更换管理员, the successor confirms): the invitation link (#accept=<token>; a grid's identity link #transfer=<token>),
   opening a page on an invitation — through the login first when there is no session (the login page brings the
   successor back) —, the successor's screen (#accept-view: the place offered, 确认接任), the pending offer the admin
   may withdraw and, for venues and organizations, the admin's whole pane (with the form naming the successor and the
   link to send; a grid's admin gets an identity code instead, grid.js).
   A classic script, after core/global.js, that defines window.YKM_TRANSFER and nothing else. */
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }

  function until(expiresAt) {
    return YKM.formatTime(expiresAt).slice(0, 16);
  }

  function named(masked) {
    return masked ? " " + masked + " " : "对方";
  }

  function pendingText(pending) {
    return pending ? "待" + named(pending.successor_name_masked) + "确认接任管理员（" + until(pending.expires_at) + " 前有效）" : "";
  }

  // The offer awaiting the successor (one at a time: a new offer voids the previous one), drawn in place of
  // `container`, which the admin may withdraw (撤销邀请: the link accepts no more). `page`: {call, place() (the place's
  // API path, null without one), showError, showDone}; `none()` runs when a read finds nothing pending. Answers
  // {load} (reads it again).
  function pendingOffer(container, page, none) {
    var make = YKM.make;
    var pending = make("ul", "family-list");
    pending.id = "transfer-pending";
    pending.setAttribute("data-testid", "transfer-pending");
    pending.hidden = true;
    var row = pending.appendChild(make("li", "family-member"));
    var line = row.appendChild(make("span"));
    line.id = "transfer-pending-text";
    line.setAttribute("data-testid", "transfer-pending-text");
    var cancel = row.appendChild(make("button", "btn btn-link inline-btn", "撤销邀请"));
    cancel.id = "transfer-cancel";
    cancel.type = "button";
    cancel.setAttribute("data-testid", "transfer-cancel");
    container.replaceWith(pending);

    var asked = 0;
    function load() {
      if (!page.place()) return Promise.resolve();
      var mine = asked += 1;
      return page.call(page.place() + "/admin-transfer").then(function (answer) {
        if (mine !== asked) return; // a later read (after an offer or a withdrawal) is the one to show
        pending.hidden = !answer.pending;
        line.textContent = pendingText(answer.pending);
        if (!answer.pending) none();
      }, page.showError);
    }

    cancel.addEventListener("click", function () {
      if (!window.confirm("确定撤销更换管理员的邀请？撤销后对方的链接失效。")) return;
      YKM.whileBusy(cancel, function () {
        return page.call(page.place() + "/admin-transfer", { method: "DELETE" }).then(function () {
          page.showDone("已撤销更换管理员的邀请。");
          load();
        }, page.showError);
      });
    });
    return { load: load };
  }

  // The admin-change pane of venues and organizations drawn in place of `container`: the pending offer
  // (pendingOffer), the form naming the successor, and the link for them, shown once, when offered. `page` as for
  // pendingOffer, with link(token); the container's data-submit is the submit button's text. Answers {load}.
  function adminPane(container, page) {
    var make = YKM.make;
    var form = make("form");
    form.id = "transfer-form";
    form.noValidate = true;
    form.setAttribute("data-testid", "transfer-form");
    [["name", "transfer-name", "接任管理员姓名", 64], ["id_number", "transfer-id-number", "接任管理员身份证号码", 32]]
      .forEach(function (field) {
        var wrapper = form.appendChild(make("div", "field"));
        wrapper.dataset.field = field[0];
        var label = wrapper.appendChild(make("label", "", field[2]));
        label.htmlFor = field[1];
        var input = wrapper.appendChild(make("input"));
        input.type = "text";
        input.id = field[1];
        input.name = field[0];
        input.maxLength = field[3];
        input.required = true;
        input.setAttribute("data-testid", field[1]);
      });
    var submit = form.appendChild(make("button", "btn btn-outline", container.dataset.submit || "提交"));
    submit.type = "submit";
    submit.setAttribute("data-testid", "transfer-submit");
    var link = make("p", "notice");
    link.id = "transfer-link";
    link.setAttribute("data-testid", "transfer-link");
    link.hidden = true;
    var slot = make("div");
    container.replaceWith(slot, form, link);
    var pending = pendingOffer(slot, page, function () { link.hidden = true; });

    YKM.submitWhileBusy(form, function () {
      var body = { name: form.elements.name.value.trim(), id_number: form.elements.id_number.value.trim(),
                   id_type: "ID_CARD" };
      return page.call(page.place() + "/admin-transfer", { method: "POST", body: body }).then(function (offer) {
        page.showError(null);
        // the link works only for the one named (the offer is answered alike whoever it names)
        link.textContent = "已邀请" + named(offer.successor_name_masked) + "接任管理员，请将以下链接发送给对方确认（"
          + until(offer.expires_at) + " 前有效）：" + page.link(offer.token);
        link.hidden = false;
        form.reset();
        pending.load();
      }, function (failure) { page.showError(failure, form); });
    }, "提交中…");
    return pending;
  }

  // One page's handover. `settings`: {prefix (of the link's fragment), page (the file, for the way back after the
  // login), invited (the no-session paragraph's two halves around its login link, for an invitation)}.
  function handover(settings) {
    var prefix = settings.prefix;

    function isInvitation() {
      return location.hash.indexOf(prefix) === 0;
    }

    function token() {
      return isInvitation() ? decodeURIComponent(location.hash.slice(prefix.length).split("&")[0]) : "";
    }

    // The link for the successor.
    function link(offerToken) {
      return location.origin + location.pathname + prefix + encodeURIComponent(offerToken);
    }

    var showOffer = null; // the successor's screen, once wired

    // The successor's screen closed (accepted, or put aside): the page's address forgets the invitation.
    function leave() {
      $("accept-view").hidden = true;
      history.replaceState(null, "", location.pathname);
    }

    // Starts the page. An invitation opened over it (only the fragment changes) reloads it. Without a session
    // #no-session asks for the login, and an invitation is remembered for after it (the paragraph #no-session-text,
    // "请先<a>登录</a>…", says so). With one, `main` is shown and `wire()` run; then the invitation alone (no pane, no
    // tab picked) until it is accepted or put aside, or else `land()`.
    function start(hasSession, main, wire, land) {
      window.addEventListener("hashchange", function () {
        if (isInvitation()) location.reload();
      });
      if (!hasSession) {
        if (isInvitation()) {
          YKM.rememberReturn(settings.page + location.hash);
          $("no-session-text").firstChild.textContent = settings.invited[0];
          $("no-session-text").lastChild.textContent = settings.invited[1];
        }
        $("no-session").hidden = false;
        return;
      }
      YKM.takeReturn(); // already logged in: a remembered page is stale
      main.hidden = false;
      wire();
      if (!isInvitation()) return land();
      YKM.showOnly("pane", null);
      YKM.selectTab("tab", null);
      return showOffer();
    }

    // Wires the successor's screen (#accept-view), which start() opens on an invitation: the place offered, read from
    // `path` + the token and shown by `fill(offer)` in the view's <dl>, then 确认接任 (#accept-transfer) hands it over
    // and `accepted(answer)` shows the page for its new admin. `page`: {call, showError}.
    function successor(page, path, fill, accepted) {
      var view = $("accept-view");
      var details = view.querySelector("dl");
      var button = $("accept-transfer");
      button.addEventListener("click", function () {
        YKM.whileBusy(button, function () {
          return page.call(path + encodeURIComponent(token()) + "/accept", { method: "POST" }).then(function (answer) {
            leave();
            return accepted(answer);
          }, page.showError);
        }, "确认中…");
      });
      showOffer = function () {
        view.hidden = false;
        return page.call(path + encodeURIComponent(token())).then(function (offer) {
          fill(offer);
          $("accept-expires").textContent = offer.expires_at ? until(offer.expires_at) : "";
          details.hidden = false;
          button.disabled = false;
        }, function (failure) {
          details.hidden = true;
          button.disabled = true;
          page.showError(failure);
        });
      };
    }

    return { link: link, start: start, successor: successor, leave: leave, pendingOffer: pendingOffer,
             adminPane: function (container, page) { return adminPane(container, Object.assign({ link: link }, page)); } };
  }

  // A venue's or an organization's handover: #accept=<token>, the invitation worded with the place's name.
  function placeHandover(page, placeWords) {
    return handover({ prefix: "#accept=", page: page,
                      invited: ["您收到了接任" + placeWords + "管理员的邀请。请先", "，登录后将回到本页确认接任。"] });
  }

  window.YKM_TRANSFER = { handover: handover, placeHandover: placeHandover };
})();
