/* 粤康码 service worker: the pages' shell (HTML, JS and every module they import, CSS, the QR and scanner libraries,
   icons) from a versioned cache, so a reload without the network still draws the last code (web/core/lastcode.js)
   and an inspector's page still scans (web/venue.js). The shell is network-first: a page online always gets the deployed files (and
   refreshes the cache); without an answer within SHELL_TIMEOUT_MS it gets the cached copy. API calls (/v1/*,
   /dev/*) are never answered here nor cached: they go to the network as if there were no worker. */
"use strict";

var VERSION = "ykm-shell-v6"; // bump with every change of SHELL; older caches are deleted on activation
var SHELL_TIMEOUT_MS = 3000;
var SHELL = [
  "./", "index.html", "inbound.html", "venue.html", "org.html", "grid.html", "style.css", "inbound.css", "grid.css", "grid.js", "region-picker.js", "offline-shell.js",
  "inbound-regions.js", "inbound.js", "venue.js", "org.js", "admin-transfer.js", "venue-offline.js", "venue-devices.js", "scanner.js",
  "venue-regions.json", "core/api.js", "core/catalogue.js", "core/codeclock.js", "core/forms.js", "core/global.js", "core/idempotency.js",
  "core/lastcode.js", "core/qr.js", "core/reasons.js", "core/records.js", "core/session.js", "core/time.js",
  "core/views.js", "core/ykm.js", "resident/code.js", "resident/context.js", "resident/declare.js",
  "resident/family.js", "resident/health-form.js", "resident/itinerary.js", "resident/login.js", "resident/macau.js",
  "resident/main.js", "resident/offline.js", "resident/orgs.js", "resident/records.js", "vendor/qrcode.js",
  "vendor/jsQR.js", "manifest.json", "inbound-manifest.json", "icon-192.png", "icon-512.png",
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(VERSION).then(function (cache) {
    // one by one: a file missing from a deployment leaves the rest cached
    return Promise.all(SHELL.map(function (path) {
      return cache.add(new Request(path, { cache: "reload" })).catch(function () { return null; });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("ykm-shell-") === 0 && name !== VERSION; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function isApi(url) {
  return url.pathname.indexOf("/v1/") === 0 || url.pathname.indexOf("/dev/") === 0;
}

function fromNetwork(request) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, SHELL_TIMEOUT_MS);
    fetch(request).then(function (response) { clearTimeout(timer); resolve(response); },
      function (error) { clearTimeout(timer); reject(error); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || isApi(url)) return; // the network's
  var navigation = request.mode === "navigate";
  var cached = function () {
    return caches.open(VERSION).then(function (cache) {
      return cache.match(request, { ignoreSearch: navigation });
    });
  };
  event.respondWith(fromNetwork(request).then(function (response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      caches.open(VERSION).then(function (cache) { return cache.put(request, copy); });
      return response;
    }
    // an overloaded server's 5xx: the cached shell if there is one, else its answer
    if (response.status >= 500) return cached().then(function (hit) { return hit || response; });
    return response;
  }, function (error) {
    return cached().then(function (hit) {
      if (hit) return hit;
      throw error;
    });
  }));
});
