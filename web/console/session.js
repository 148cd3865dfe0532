/* The console's session (one sessionStorage entry, as the H5 pages keep theirs) and its API client: JSON calls
   through the core's apiClient (../core/ykm.js), and downloads of the reports (they need the Authorization header, so no plain
   link can fetch them). A 401 ends the session and shows the login again. */

import * as YKM from "../core/ykm.js";
const SESSION_KEY = "ykm.console.session";
const TEXTS = { failed: "操作失败，请稍后再试", network: "网络异常，请检查网络后重试", badBody: "服务返回异常，请稍后再试" };

let current = YKM.loadSession(SESSION_KEY);
const listeners = [];

export function session() {
  return current;
}

export function startSession(answer, phone) {
  current = YKM.saveSession(SESSION_KEY, { token: answer.token, person_id: answer.person_id,
    roles: answer.roles || [], expires_at: answer.expires_at, phone });
  return current;
}

export function endSession() {
  current = null;
  YKM.clearSession(SESSION_KEY);
  listeners.forEach((listener) => listener());
}

export function onSessionEnd(listener) {
  listeners.push(listener);
}

const client = YKM.apiClient({ token: () => (current ? current.token : ""), zhTexts: TEXTS });

// api(path, {method, body}): authenticated unless {auth: false}; a 401 ends the session.
export function api(path, options = {}) {
  const auth = options.auth !== false && !!current;
  return client(path, { ...options, auth, timeoutMs: options.timeoutMs || 30000 }).catch((failure) => {
    if (failure.status === 401 && auth) endSession();
    throw failure;
  });
}

// A query string of the defined values.
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

// Fetches `path` with the session and saves the answer as a file (the name from Content-Disposition if given).
export async function download(path, fallbackName) {
  let response;
  try {
    response = await fetch(path, { headers: { Authorization: `Bearer ${current ? current.token : ""}` },
      credentials: "same-origin", cache: "no-store" });
  } catch (e) {
    throw new YKM.ApiFailure(0, { code: "NETWORK", message_zh: TEXTS.network });
  }
  if (!response.ok) {
    let error = {};
    try { error = (await response.json()).error || {}; } catch (e) { /* no JSON body */ }
    if (response.status === 401) endSession();
    throw new YKM.ApiFailure(response.status, error, 0, TEXTS.failed);
  }
  const blob = await response.blob();
  const name = fileName(response.headers.get("Content-Disposition")) || fallbackName;
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return { name, size: blob.size };
}

// RFC 6266: filename*=UTF-8''... first, else filename="...".
function fileName(disposition) {
  if (!disposition) return null;
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (extended) {
    try { return decodeURIComponent(extended[1]); } catch (e) { /* fall through */ }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : null;
}
