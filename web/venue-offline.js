/* 粤康码 H5: the inspector's page without the service (DESIGN "The offline code"). The page keeps the public keys
   (GET /v1/keys, an RFC 8037 JWK Set) and the inspector's venues on the phone; when POST /v1/scan cannot be reached
   (network, timeout, 429, 5xx) it verifies the scanned code's Ed25519 signature here, with WebCrypto, and shows what
   that proves: a code of this system, its type and when it was issued. What only the server knows (the colour,
   whether the code was re-issued and so revoked, the name) is said to be unknown. The check is queued with its
   Idempotency-Key in localStorage and sent when the network is back (the online event, page load and a retry with
   backoff and full jitter); the server records a key once and replays its answer, so a check sent twice is
   counted once. A classic script that defines window.YKM_SCAN and nothing else. */
(function () {
  "use strict";

  var KEYS_KEY = "ykm.scanKeys";    // {keys: [JWK], fetched_at}
  var QUEUE_KEY = "ykm.checkQueue"; // [{key, viewer, place_id, venue_name, qr, temperature, with_declaration, queued_at}]
  var VENUES_KEY = "ykm.inspectorVenues"; // {viewer: [{place_id, name, type_label}]}
  var MAX_QUEUE = 2000;             // about 400 bytes a check: under 1 MB for a day's gate
  var TYPES = { R: "居民粤康码", I: "入境人员粤康码", P: "离线粤康码（打印）", Q: "场所快速打卡码（葵花码）", M: "澳门健康码" };

  function read(key, fallback) {
    try {
      var value = JSON.parse(localStorage.getItem(key) || "null");
      return value === null ? fallback : value;
    } catch (e) {
      return fallback;
    }
  }

  function write(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }

  // ---------------------------------------------------------------- keys

  // Fetches the JWK Set and keeps it; a failure keeps what was kept. Answers the keys kept (possibly none).
  function refreshKeys() {
    return fetch("/v1/keys", { cache: "no-store", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (set) {
        if (set && Array.isArray(set.keys) && set.keys.length) write(KEYS_KEY, { keys: set.keys, fetched_at: Date.now() });
        return keptKeys();
      }, function () { return keptKeys(); });
  }

  function keptKeys() { return (read(KEYS_KEY, {}) || {}).keys || []; }

  function unb64url(text) {
    var binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  // Verifies a scanned YKM1 code against the kept keys. Answers {valid, problem, type, typeLabel, issuedAt, kid}:
  // valid false with a Chinese problem for a code that is not ours, broken, or signed by a key not kept.
  function verify(qr) {
    var parts = String(qr || "").trim().split(".");
    var answer = function (valid, problem, claims) {
      return { valid: valid, problem: problem || "", type: claims ? claims.t : "",
               typeLabel: claims ? TYPES[claims.t] || claims.t : "", issuedAt: claims ? claims.iat * 1000 : null,
               kid: parts[1] || "" };
    };
    if (parts.length !== 4 || parts[0] !== "YKM1") return Promise.resolve(answer(false, "不是粤康码"));
    var claims;
    var signature;
    try {
      claims = JSON.parse(new TextDecoder().decode(unb64url(parts[2])));
      signature = unb64url(parts[3]);
    } catch (e) {
      return Promise.resolve(answer(false, "粤康码格式有误"));
    }
    if (!claims || typeof claims.t !== "string" || typeof claims.iat !== "number") {
      return Promise.resolve(answer(false, "粤康码内容不完整"));
    }
    var jwk = keptKeys().filter(function (k) { return k.kid === parts[1]; })[0];
    if (!jwk) return Promise.resolve(answer(false, "本机未保存该码的签名公钥，无法离线核验"));
    if (!window.crypto || !crypto.subtle) return Promise.resolve(answer(false, "本浏览器不支持离线核验"));
    var signed = new TextEncoder().encode(parts.slice(0, 3).join("."));
    return crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, false,
                                   ["verify"])
      .then(function (key) { return crypto.subtle.verify({ name: "Ed25519" }, key, signature, signed); })
      .then(function (ok) { return ok ? answer(true, "", claims) : answer(false, "粤康码签名校验失败", claims); },
            function () { return answer(false, "本浏览器不支持离线核验"); });
  }

  // ---------------------------------------------------------------- venues (to open the check view offline)

  function rememberVenues(viewer, items) {
    var all = read(VENUES_KEY, {}) || {};
    all[viewer] = items.map(function (v) { return { place_id: v.place_id, name: v.name, type_label: v.type_label }; });
    write(VENUES_KEY, all);
  }

  function keptVenues(viewer) { return (read(VENUES_KEY, {}) || {})[viewer] || []; }

  // ---------------------------------------------------------------- the queue of checks made offline

  function queue(viewer) {
    return (read(QUEUE_KEY, []) || []).filter(function (item) { return !viewer || item.viewer === viewer; });
  }

  function enqueue(item) {
    var all = read(QUEUE_KEY, []) || [];
    if (all.some(function (q) { return q.key === item.key; })) return true; // the same check, already queued
    if (all.length >= MAX_QUEUE) return false;
    all.push(item);
    return write(QUEUE_KEY, all);
  }

  function dequeue(key) {
    write(QUEUE_KEY, (read(QUEUE_KEY, []) || []).filter(function (q) { return q.key !== key; }));
  }

  // Sends viewer's queued checks one by one with send(item) (a promise of the answer, or an ApiFailure). An answer
  // (recorded, or replayed from an earlier send) or a refusal (4xx: the code was revoked, the venue unbound…) takes
  // the check off the queue; no answer (network, 429, 5xx, the same key still in progress) stops the round, and it
  // is tried again later. Answers {recorded: [answer], refused: [{item, failure}], left, failure}.
  function flush(viewer, send) {
    var result = { recorded: [], refused: [], left: 0, failure: null };
    var items = queue(viewer);
    var next = function (index) {
      if (index >= items.length) return Promise.resolve();
      var item = items[index];
      return send(item).then(function (answer) {
        dequeue(item.key);
        result.recorded.push(answer || {});
        return next(index + 1);
      }, function (failure) {
        var retry = !failure || !failure.status || failure.status === 429 || failure.status >= 500 ||
          failure.code === "REQUEST_IN_PROGRESS";
        if (retry) {
          result.failure = failure;
          return null;
        }
        dequeue(item.key);
        result.refused.push({ item: item, failure: failure });
        return next(index + 1);
      });
    };
    return next(0).then(function () {
      result.left = queue(viewer).length;
      return result;
    });
  }

  // Logging out on a shared phone: the keys are public and stay; the venues go; queued checks stay until sent
  // (they are the venue's records), but only the inspector who made them sends them.
  function forget(viewer) {
    var all = read(VENUES_KEY, {}) || {};
    delete all[viewer];
    write(VENUES_KEY, all);
  }

  window.YKM_SCAN = {
    TYPES: TYPES,
    refreshKeys: refreshKeys,
    keptKeys: keptKeys,
    verify: verify,
    rememberVenues: rememberVenues,
    keptVenues: keptVenues,
    queue: queue,
    enqueue: enqueue,
    flush: flush,
    forget: forget,
  };
})();
