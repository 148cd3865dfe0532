/* 粤康码 H5 core: the code on screen keeps time, on the resident page (web/resident/code.js) and the inbound page
   (inbound.js) alike. Its clock ticks every second; the code is asked for again every minute and, after a display
   that failed for want of the service, after a backoff with full jitter (web/core/lastcode.js) - but only while it
   is seen: a code not on screen is not shown (nor logged as shown), its refresh falls due for when it is back. */
import { retryDelay } from "./lastcode.js";
import { formatTime } from "./time.js";

const REFRESH_MS = 60 * 1000;

// clock: the element that shows the time; seen(): whether the code is on screen; refresh(): asks for the code.
// The page reads and sets .due (a refresh fell due while the code was not seen) and tells it when a refresh starts
// (refreshing), succeeds (succeeded) or fails for want of the service (retry).
export function codeClock(clock, seen, refresh) {
  var timers = { clock: null, refresh: null, retry: null };
  var attempt = 0;
  var self = { due: false };

  function tick() { clock.textContent = formatTime(new Date()); }

  function refreshIfSeen() {
    if (seen()) refresh();
    else self.due = true;
  }

  self.start = function () {
    self.stop();
    tick();
    timers.clock = setInterval(tick, 1000);
    timers.refresh = setInterval(refreshIfSeen, REFRESH_MS);
  };

  self.stop = function () {
    clearInterval(timers.clock);
    clearInterval(timers.refresh);
    clearTimeout(timers.retry);
    timers.clock = timers.refresh = timers.retry = null;
    attempt = 0;
    self.due = false;
  };

  self.refreshing = function () {
    self.due = false;
    clearTimeout(timers.retry);
    timers.retry = null;
  };

  self.succeeded = function () { attempt = 0; };

  // Asks again after the backoff (at least the answer's Retry-After); the minute's refresh goes on as well.
  self.retry = function (failure) {
    var delay = retryDelay(attempt, failure.retryAfter);
    attempt += 1;
    clearTimeout(timers.retry);
    timers.retry = setTimeout(function () {
      timers.retry = null;
      refreshIfSeen();
    }, delay);
  };

  return self;
}
