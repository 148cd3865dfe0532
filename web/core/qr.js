/* 粤康码 H5 core: a QR code drawn on a canvas (vendor/qrcode.js, loaded by the page before its modules). */

const QR_QUIET_MODULES = 4;

// Draws `text` as a QR code (qrcode.js, level M) with a quiet zone, whole device pixels per module so the edges
// stay sharp for scanners, and marks the canvas with data-qr. Without a text it clears the canvas.
// Returns the number of modules a side (0 when cleared).
export function drawQr(canvas, text, moduleColor) {
  var ctx = canvas.getContext("2d");
  if (!text || typeof window.qrcode !== "function") {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    canvas.removeAttribute("data-qr");
    return 0;
  }
  var qr = window.qrcode(0, "M");
  qr.addData(text, "Byte");
  qr.make();
  var modules = qr.getModuleCount();
  var cssSize = canvas.getBoundingClientRect().width || 264;
  var ratio = window.devicePixelRatio || 1;
  var total = modules + QR_QUIET_MODULES * 2;
  var cell = Math.max(1, Math.floor((cssSize * ratio) / total));
  var size = cell * total;
  canvas.width = size;
  canvas.height = size;
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, size, size);
  ctx.fillStyle = moduleColor;
  for (var row = 0; row < modules; row++) {
    for (var col = 0; col < modules; col++) {
      if (qr.isDark(row, col)) {
        ctx.fillRect((col + QR_QUIET_MODULES) * cell, (row + QR_QUIET_MODULES) * cell, cell, cell);
      }
    }
  }
  canvas.dataset.qr = text;
  return modules;
}
