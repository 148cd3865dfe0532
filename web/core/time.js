/* 粤康码 H5 core: the product's clock (Asia/Shanghai), whatever zone the phone is set to. */
export const TIME_ZONE = "Asia/Shanghai";

const formatter = (function () {
  var options = {
    year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  };
  try {
    return new Intl.DateTimeFormat("zh-CN", Object.assign({ timeZone: TIME_ZONE }, options));
  } catch (e) {
    return new Intl.DateTimeFormat("zh-CN", options);
  }
})();

// "2026-11-20 09:30:00" on the product's clock; a value that is no time is shown as it is.
export function formatTime(value) {
  var moment = value instanceof Date ? value : new Date(value);
  if (isNaN(moment.getTime())) return String(value || "");
  var parts = {};
  formatter.formatToParts(moment).forEach(function (p) { parts[p.type] = p.value; });
  var hour = parts.hour === "24" ? "00" : parts.hour;
  return parts.year + "-" + parts.month + "-" + parts.day + " " + hour + ":" + parts.minute + ":" + parts.second;
}
