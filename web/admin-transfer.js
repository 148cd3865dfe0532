/* 粤康码 H5: what the admin pages of places (venue.html, org.html) share about handing the admin role over (更换管理员,
   the successor confirms): the invitation link (#accept=<token>), the words of a new and of a pending offer, and
   opening a page on an invitation — through the login first when there is no session (the login page brings the
   successor back). A classic script, after core/global.js, that defines window.YKM_TRANSFER and nothing else. */
(function () {
  "use strict";

  var PREFIX = "#accept=";

  function isInvitation() {
    return location.hash.indexOf(PREFIX) === 0;
  }

  function token() {
    return isInvitation() ? decodeURIComponent(location.hash.slice(PREFIX.length).split("&")[0]) : "";
  }

  function until(expiresAt) {
    return YKM.formatTime(expiresAt).slice(0, 16);
  }

  function named(masked) {
    return masked ? " " + masked + " " : "对方";
  }

  // The link for the successor, which works only for the one named (the offer is answered alike whoever it names).
  function offerText(offer) {
    var link = location.origin + location.pathname + PREFIX + encodeURIComponent(offer.token);
    return "已邀请" + named(offer.successor_name_masked) + "接任管理员，请将以下链接发送给对方确认（" + until(offer.expires_at)
      + " 前有效）：" + link;
  }

  function pendingText(pending) {
    return pending ? "待" + named(pending.successor_name_masked) + "确认接任管理员（" + until(pending.expires_at) + " 前有效）" : "";
  }

  // Call once when the page starts. An invitation opened over the page (only the fragment changes) reloads it; without
  // a session the invitation is remembered for after the login and `noSessionText` (a paragraph "请先<a>登录</a>…")
  // says so. Answers whether the page, with a session, opens on an invitation.
  function open(page, hasSession, placeWords, noSessionText) {
    window.addEventListener("hashchange", function () {
      if (isInvitation()) location.reload();
    });
    if (!hasSession) {
      if (isInvitation()) {
        YKM.rememberReturn(page + location.hash);
        noSessionText.firstChild.textContent = "您收到了接任" + placeWords + "管理员的邀请。请先";
        noSessionText.lastChild.textContent = "，登录后将回到本页确认接任。";
      }
      return false;
    }
    YKM.takeReturn(); // already logged in: a remembered page is stale
    return isInvitation();
  }

  window.YKM_TRANSFER = { token: token, offerText: offerText, pendingText: pendingText, open: open };
})();
