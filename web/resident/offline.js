/* 粤康码 H5, the resident page: 保存离线粤康码 - the black printable code of oneself or a family member (指引
   二.(三).2.(3), 常见问题 6), and its re-issue when a printout is lost (the old one is then refused). */
import { api, byIds, expire, handleAuthFailure, state, subjectLabel, withMember } from "./context.js";
import { refreshCode } from "./code.js";
import { setBusy } from "../core/forms.js";

const OFFLINE_TRIES = 6;  // the card is drawn a moment after a sign-up or re-issue: ask again as Retry-After says

const view = { offlineUrl: null, offlineOpened: 0 };
const el = {};

export function init() {
  byIds(el, {
    offlineOpen: "offline-open", offlineSection: "offline-section", offlineStatus: "offline-status",
    offlineFigure: "offline-figure", offlineImage: "offline-image", offlineSave: "offline-save",
    offlineReissue: "offline-reissue",
  });
  el.offlineOpen.addEventListener("click", function () { openOffline(); });
  el.offlineReissue.addEventListener("click", reissueOffline);
}

export function hide() { hideOffline(); }


function hideOffline() {
  el.offlineSection.hidden = true;
  el.offlineFigure.hidden = true;
  el.offlineSave.hidden = true;
  el.offlineReissue.hidden = true;
  if (view.offlineUrl) URL.revokeObjectURL(view.offlineUrl);
  view.offlineUrl = null;
  el.offlineImage.removeAttribute("src");
}

function openOffline(attempt) {
  attempt = typeof attempt === "number" ? attempt : 1;
  if (attempt === 1) hideOffline();
  el.offlineSection.hidden = false;
  el.offlineStatus.textContent = "正在生成" + (state.member ? subjectLabel() + "的" : "") + "离线实体粤康码…";
  var member = state.member;
  var opened = view.offlineOpened = (view.offlineOpened || 0) + (attempt === 1 ? 1 : 0);
  fetch(withMember("/v1/me/code/physical"), {
    headers: { Authorization: "Bearer " + state.session.token, Accept: "image/png" },
    cache: "no-store", credentials: "same-origin",
  }).then(function (response) {
    if (state.member !== member) return;
    if (response.status === 401) { expire("登录已过期，请重新登录"); return; }
    if (response.status === 404) {
      var wait = Number(response.headers.get("Retry-After"));
      if (wait > 0 && attempt < OFFLINE_TRIES) {
        setTimeout(function () {
          // still on this page, for this person, and not opened again meanwhile
          if (!el.offlineSection.hidden && state.member === member && view.offlineOpened === opened) {
            openOffline(attempt + 1);
          }
        }, Math.min(wait, 10) * 1000);
        return;
      }
      el.offlineStatus.textContent = "离线实体粤康码暂未生成，请稍后再试。";
      return;
    }
    if (!response.ok) {
      el.offlineStatus.textContent = "离线实体粤康码获取失败，请稍后再试。";
      return;
    }
    return response.blob().then(function (blob) {
      view.offlineUrl = URL.createObjectURL(blob);
      el.offlineImage.src = view.offlineUrl;
      el.offlineSave.href = view.offlineUrl;
      el.offlineFigure.hidden = false;
      el.offlineSave.hidden = false;
      el.offlineReissue.hidden = false;
      el.offlineStatus.textContent = "实体粤康码为黑色，可保存至手机相册后打印，方便不便使用智能手机的人员出行时随身携带。";
    });
  }, function () {
    el.offlineStatus.textContent = "网络连接失败，请检查网络后重试";
  });
}

// A lost printout: a new code version; the old printed code (and screen code) is then refused as revoked.
function reissueOffline() {
  if (!window.confirm("重新生成后，原实体粤康码将作废，不能再被扫描使用。确定重新生成吗？")) return;
  setBusy(el.offlineReissue, true, "重新生成中…");
  api(withMember("/v1/me/code/reissue"), { method: "POST", auth: true })
    .then(function () {
      setBusy(el.offlineReissue, false);
      openOffline();
      refreshCode();  // the screen code of the old version is revoked too
    }, function (failure) {
      setBusy(el.offlineReissue, false);
      if (!handleAuthFailure(failure)) el.offlineStatus.textContent = "重新生成失败：" + failure.messageZh;
    });
}
