/* 粤康码 H5 core: the API client - JSON in and out, the answer's data or an ApiFailure (status, code, messages,
   the field at fault, Retry-After). */

// The API's error ({error: {code, message, message_zh, field, details}}) with the HTTP status (0: the network
// failed) and Retry-After in seconds (0 when not given). With a fallback text, messageZh is always something to
// show: the Chinese message, else the English one, else the fallback; without one it is only the Chinese message.
export function ApiFailure(status, error, retryAfter, fallbackZh) {
  this.status = status;
  this.code = error.code || "ERROR";
  this.message = error.message || "";
  this.messageZh = error.message_zh || (fallbackZh ? this.message || fallbackZh : "");
  this.field = error.field || null;
  this.details = error.details || null;
  this.retryAfter = retryAfter || 0;
}

// A page's `api(path, {method, body, auth, headers, timeoutMs})`: JSON in and out, the answer's data or an
// ApiFailure. settings.token(): the session token sent for {auth: true}; headers: extra request headers
// (Idempotency-Key); timeoutMs: give up after that long (an ApiFailure of status 0, code TIMEOUT).
// settings.zhTexts {failed, network, badBody}: the Chinese texts of a page that shows failure.messageZh as it is;
// with them a successful answer without JSON is a failure too. Without them (a page that words failures itself)
// messageZh is only what the server said, and such an answer is null.
export function apiClient(settings) {
  var texts = settings.zhTexts || null;
  var failure = function (status, error, retryAfter) {
    return new ApiFailure(status, error, retryAfter, texts && texts.failed);
  };
  return function api(path, options) {
    options = options || {};
    var headers = { Accept: "application/json" };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    if (options.auth) headers.Authorization = "Bearer " + settings.token();
    Object.keys(options.headers || {}).forEach(function (name) { headers[name] = options.headers[name]; });
    var controller = options.timeoutMs && typeof AbortController === "function" ? new AbortController() : null;
    var timedOut = false;
    var timer = controller ? setTimeout(function () { timedOut = true; controller.abort(); }, options.timeoutMs) : null;
    var settle = function () { if (timer) clearTimeout(timer); };
    return fetch(path, {
      method: options.method || "GET",
      headers: headers,
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      credentials: "same-origin",
      cache: "no-store",
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      var body = response.text().then(null, function () {
        settle(); // the answer broke off (or timed out) halfway
        throw failure(0, { code: timedOut ? "TIMEOUT" : "NETWORK", message_zh: texts ? texts.network : undefined });
      });
      return body.then(function (text) {
        settle();
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!response.ok) {
          var retry = parseInt(response.headers.get("Retry-After") || "0", 10) || 0;
          throw failure(response.status, (data && data.error) || {}, retry);
        }
        if (response.status === 204) return null; // no content: a removal, for one
        if (data === null && texts) throw failure(response.status, { message_zh: texts.badBody });
        return data;
      });
    }, function () {
      settle();
      throw failure(0, { code: timedOut ? "TIMEOUT" : "NETWORK", message_zh: texts ? texts.network : undefined });
    });
  };
}
