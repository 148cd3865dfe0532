/* 粤康码 H5 core: the session of a page (one sessionStorage entry per page), and where to go back after logging in. */

export function loadSession(key) {
  try {
    var saved = JSON.parse(sessionStorage.getItem(key) || "null");
    if (saved && saved.token && (!saved.expires_at || saved.expires_at * 1000 > Date.now())) return saved;
  } catch (e) { /* a damaged entry is the same as none */ }
  sessionStorage.removeItem(key);
  return null;
}

export function saveSession(key, session) {
  sessionStorage.setItem(key, JSON.stringify(session));
  return session;
}

export function clearSession(key) {
  sessionStorage.removeItem(key);
}

// A page that needs a session (an invitation link opened before logging in, for one) remembers where it was; the
// login page goes back there once logged in. Only a page of this site: "name.html" and its #fragment.
var RETURN_KEY = "ykm.returnTo";
var RETURN_PATH = /^[a-z][a-z0-9-]*\.html(#[A-Za-z0-9=&%._~-]*)?$/;

export function rememberReturn(path) {
  if (RETURN_PATH.test(path)) sessionStorage.setItem(RETURN_KEY, path);
}

export function takeReturn() {
  var path = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  return path && RETURN_PATH.test(path) ? path : null;
}
