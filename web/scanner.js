/* 粤康码 H5: reading a code the way a scanning page gets it — the phone's camera (getUserMedia, each frame decoded
   with vendor/jsQR.js, loaded by the page), a hardware scanner that types the code and presses Enter, or a pasted
   text. A module (the venue page's classic scripts get attachScanner on window.YKM from core/global.js). */
var FRAME_WIDTH = 640; // decoded size: a code held at arm's length stays readable, the phone stays cool
var FRAME_GAP_MS = 120; // about 8 decodes a second: quick enough for a code held up, light on a phone's battery

// attachScanner({input, form, cameraButton, cameraBox, onCode}): Enter in `input` (what a hardware scanner sends
// after the code) calls onCode(text) instead of adding a line; Shift+Enter still adds one. Sending `form` (the page's
// read button under a pasted code) calls onCode(input's value, maybe empty: the page says what is missing).
// `cameraButton` opens the camera in `cameraBox` (a <video> and a status line are added to it); the first code seen
// closes the camera, fills `input` and calls onCode(text). Answers {stop()} to close the camera (a page that hides
// the box).
export function attachScanner(options) {
  var input = options.input;
  var box = options.cameraBox;
  var video = document.createElement("video");
  video.setAttribute("playsinline", "");
  video.muted = true;
  video.className = "camera-video";
  video.setAttribute("data-testid", "camera-video");
  var status = document.createElement("p");
  status.className = "subtle";
  status.setAttribute("data-testid", "camera-status");
  status.setAttribute("role", "status");
  var close = document.createElement("button");
  close.type = "button";
  close.className = "btn btn-link";
  close.setAttribute("data-testid", "camera-close");
  close.textContent = "关闭摄像头";
  box.appendChild(video);
  box.appendChild(status);
  box.appendChild(close);
  box.hidden = true;
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var frame = 0;
  var lastDecode = 0;

  function found(text) {
    stop();
    input.value = text;
    options.onCode(text);
  }

  function stop() {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.srcObject = null;
    box.hidden = true;
    options.cameraButton.hidden = false;
  }

  function look(now) {
    frame = 0;
    if (!stream) return;
    if (video.readyState >= 2 && video.videoWidth && !(now - lastDecode < FRAME_GAP_MS)) {
      lastDecode = now;
      var scale = Math.min(1, FRAME_WIDTH / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: "attemptBoth" });
      if (code && code.data) return found(code.data.trim());
    }
    frame = requestAnimationFrame(look);
  }

  function start() {
    box.hidden = false;
    video.hidden = true; // shown once the camera plays: no black box over a refusal
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof window.jsQR !== "function") {
      status.textContent = "当前浏览器无法使用摄像头，请使用扫码枪或粘贴码内容";
      return;
    }
    status.textContent = "正在打开摄像头…";
    options.cameraButton.hidden = true;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (media) {
      stream = media;
      video.srcObject = media;
      video.hidden = false;
      var playing = video.play();
      if (playing && playing.catch) playing.catch(function () { /* muted inline video: autoplay is allowed */ });
      status.textContent = "请将粤康码置于画面中";
      frame = requestAnimationFrame(look);
    }, function (error) {
      stop();
      box.hidden = false;
      status.textContent = (error && error.name === "NotAllowedError" ? "未获得摄像头权限" : "无法打开摄像头")
        + "，请使用扫码枪或粘贴码内容";
    });
  }

  options.cameraButton.addEventListener("click", start);
  close.addEventListener("click", stop);
  input.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    var text = input.value.trim();
    if (text) options.onCode(text);
  });
  options.form.addEventListener("submit", function (event) {
    event.preventDefault();
    options.onCode(input.value);
  });
  return { stop: stop };
}
