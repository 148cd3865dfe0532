/* 粤康码 H5 core, as one namespace: what the pages share (the API client, the session, the clock, the QR code, the
   red code's reasons, forms, Idempotency-Keys). A page's module imports what it needs from the core modules; the
   pages still written as one closure import this namespace (`import * as YKM from "./core/ykm.js"`). */
export * from "./api.js";
export * from "./forms.js";
export * from "./idempotency.js";
export * from "./qr.js";
export * from "./reasons.js";
export * from "./session.js";
export * from "./time.js";
