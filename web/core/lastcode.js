/* 粤康码 H5: the last code shown, kept on the phone (DESIGN "The offline code"). When GET /v1/me/code cannot be
   reached, times out, or answers 5xx or 429, the resident page (web/resident/) and the inbound page (inbound.js) show
   the code they last drew for that person with its time and an offline label instead of a blank 亮码失败, and
   ask again with exponential backoff and full jitter (never sooner than the server's Retry-After).

   One localStorage entry ("ykm.lastCodes") holds, per viewer (the logged-in person) and subject (oneself or a
   family member / companion), what the page needs to draw the code again: the signed QR string, the colour,
   the reasons, the name as masked by the server, the code type, the latest test and the server's time (the
   QR's signed iat). About 0.5-1.2 KB a person. Logging out removes the entry.

   The bound: a stored code is drawn as it was for up to FRESH_MS (24 h) after the server issued it, labelled
   离线显示 · 更新于 <time>; older, it is drawn grey with a warning that the colour may have changed; after
   KEEP_MS (7 days) it is forgotten. A module. */

const KEY = "ykm.lastCodes";
export const FRESH_MS = 24 * 3600 * 1000;    // drawn as it was, with the offline label
export const KEEP_MS = 7 * 24 * 3600 * 1000; // drawn grey with a warning until then; forgotten after
const MAX_SUBJECTS = 24;             // per viewer: oneself and family members / companions
export const TIMEOUT_MS = 5000;             // the page waits this long for GET /v1/me/code
const BACKOFF_BASE_MS = 2000;
const BACKOFF_CAP_MS = 60000;        // the page refreshes every minute anyway

function readAll() {
  try {
    var all = JSON.parse(localStorage.getItem(KEY) || "{}");
    return all && typeof all === "object" && !Array.isArray(all) ? all : {};
  } catch (e) {
    return {}; // a damaged entry is the same as none
  }
}

function writeAll(all) {
  try {
    if (Object.keys(all).length) localStorage.setItem(KEY, JSON.stringify(all));
    else localStorage.removeItem(KEY);
  } catch (e) { /* storage full or private mode: the page still works online */ }
}

// The server's time of a signed code: its iat (seconds), in milliseconds; null for no YKM1 code.
export function issuedAt(qr) {
  var parts = String(qr || "").split(".");
  if (parts.length !== 4 || parts[0] !== "YKM1") return null;
  try {
    var text = atob(parts[2].replace(/-/g, "+").replace(/_/g, "/"));
    var iat = JSON.parse(text).iat;
    return typeof iat === "number" && isFinite(iat) ? iat * 1000 : null;
  } catch (e) {
    return null;
  }
}

function subjectKey(subject) { return subject || "self"; }

// Keeps the code the server just answered for viewer (person id) and subject (a member's id, or null).
export function save(viewer, subject, code) {
  var served = issuedAt(code.qr);
  if (!viewer || !served) return;
  var all = readAll();
  var mine = all[viewer] || {};
  mine[subjectKey(subject)] = {
    qr: code.qr,
    color: code.color || "",
    reasons: code.reasons || [],
    code_type: code.code_type || "",
    name_masked: code.name_masked || "",
    person_id: code.person_id || "",
    updated_at: code.updated_at || null,
    nucleic_acid: code.nucleic_acid || null,
    served_at: served,
  };
  var keys = Object.keys(mine);
  if (keys.length > MAX_SUBJECTS) {
    keys.sort(function (a, b) { return mine[a].served_at - mine[b].served_at; });
    keys.slice(0, keys.length - MAX_SUBJECTS).forEach(function (k) { delete mine[k]; });
  }
  all[viewer] = mine;
  writeAll(all);
}

// The stored code of viewer and subject as {code, servedAt, stale}, or null (none, or older than KEEP_MS).
export function load(viewer, subject, now) {
  now = now || Date.now();
  var all = readAll();
  var kept = all[viewer] && all[viewer][subjectKey(subject)];
  if (!kept || !kept.qr || typeof kept.served_at !== "number") return null;
  var age = now - kept.served_at;
  if (age > KEEP_MS) {
    delete all[viewer][subjectKey(subject)];
    if (!Object.keys(all[viewer]).length) delete all[viewer];
    writeAll(all);
    return null;
  }
  return { code: kept, servedAt: kept.served_at, stale: age > FRESH_MS };
}

// The phone's own code last shown (the "self" entry of whoever viewed last), as load() answers it, or null: for
// the login page when the service is down and the session is gone (an installed page opened anew).
export function latestOwn(now) {
  var all = readAll();
  var viewer = Object.keys(all).filter(function (v) { return all[v] && all[v].self; })
    .sort(function (a, b) { return all[b].self.served_at - all[a].self.served_at; })[0];
  return viewer ? load(viewer, null, now) : null;
}

// Logging out: every stored code of this phone goes.
export function clear() {
  try { localStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
}

// A failure that the stored code stands in for: no answer (network, timeout) or the server overloaded (429, 5xx).
// 4xx answers (401 logged out, 404 member removed, 403) are real answers and are not covered up.
export function isOutage(failure) {
  return !failure || !failure.status || failure.status === 429 || failure.status >= 500;
}

// The wait before retry number `attempt` (0 for the first): full jitter, uniform in [0, min(cap, base·2^attempt)),
// so a million phones that failed together do not come back together; never sooner than Retry-After.
export function retryDelay(attempt, retryAfterSeconds, random) {
  var ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, Math.max(0, attempt)));
  var jittered = Math.floor((random || Math.random)() * ceiling);
  return Math.max(jittered, (retryAfterSeconds || 0) * 1000, 250);
}
