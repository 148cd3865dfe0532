/* 粤康码 H5 core: the red code's reasons, each a tag to tap for how to clear it (FAQ 5). */

// FAQ 5: each reason is a tag to tap for how to clear the red code. describe(reason) gives the page's words:
// {label, until (a text, "" for none), guide, expanded}; onToggle(reason, open), if given, hears of each tap.
export function renderReasons(list, section, reasons, describe, onToggle) {
  list.textContent = "";
  section.hidden = reasons.length === 0;
  reasons.forEach(function (reason, index) {
    var shown = describe(reason);
    var item = document.createElement("li");
    item.className = "reason";
    item.dataset.code = reason.code;

    var guideId = "reason-guide-" + index;
    var tag = document.createElement("button");
    tag.type = "button";
    tag.className = "reason-tag";
    tag.setAttribute("data-testid", "reason-tag");
    tag.setAttribute("aria-controls", guideId);
    tag.setAttribute("aria-expanded", String(!!shown.expanded));
    tag.textContent = shown.label;
    if (shown.until) {
      var until = document.createElement("span");
      until.className = "reason-until";
      until.textContent = shown.until;
      tag.appendChild(until);
    }

    var guide = document.createElement("div");
    guide.id = guideId;
    guide.className = "reason-guide";
    guide.setAttribute("data-testid", "reason-guide");
    guide.textContent = shown.guide;
    guide.hidden = !shown.expanded;
    tag.addEventListener("click", function () {
      var open = tag.getAttribute("aria-expanded") !== "true";
      tag.setAttribute("aria-expanded", String(open));
      guide.hidden = !open;
      if (onToggle) onToggle(reason, open);
    });

    item.appendChild(tag);
    item.appendChild(guide);
    list.appendChild(item);
  });
}
