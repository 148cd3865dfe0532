/* 粤康码 H5: installs the service worker (web/sw.js) that keeps the pages' shell for a reload without the network.
   A classic script; a browser without service workers (or one that blocks them) just goes on online. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  window.addEventListener("load", function () {
    try {
      navigator.serviceWorker.register("sw.js", { scope: "./" }).catch(function () { /* blocked: online only */ });
    } catch (e) { /* not allowed here */ }
  });
})();
