/* 粤康码 H5 core: Idempotency-Keys - one per submission, the same on its retries, so the server stores it once. */

// An Idempotency-Key (healthcode.idempotency: 1-128 of A-Z a-z 0-9 . _ : -): one per submission, reused when the
// same submission is sent again after a lost answer, so the server stores it once.
export function newIdempotencyKey() {
  var c = window.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  if (c && typeof c.getRandomValues === "function") {
    return Array.prototype.map.call(c.getRandomValues(new Uint8Array(16)), function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  }
  return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
}

// The key of the submission being sent: the same for the same body sent again (after a lost answer), a new one
// for a changed body; done() after a success so the next submission gets a new key.
export function submissions() {
  var attempt = null; // {sent, key}
  return {
    keyFor: function (body) {
      var sent = JSON.stringify(body);
      if (!attempt || attempt.sent !== sent) attempt = { sent: sent, key: newIdempotencyKey() };
      return attempt.key;
    },
    done: function () { attempt = null; },
  };
}
