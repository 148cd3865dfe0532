/* 粤康码 H5 core: forms - focus, busy buttons, errors under the field the server named. */

export function focusField(form, field) {
  var wrapper = form.querySelector('[data-field="' + field + '"]');
  var input = wrapper && wrapper.querySelector("input:not([disabled]), select");
  if (input) input.focus();
}

// Runs task() (a promise) with `buttons` (one or a list) disabled and aria-busy until it settles, the first one
// showing busyText if given: a double click or a second Enter sends nothing more. While any of them is busy a
// second call does not run the task and answers null. Answers the task's promise otherwise.
export function whileBusy(buttons, task, busyText) {
  var list = [].concat(buttons).filter(Boolean);
  if (list.some(function (b) { return b.getAttribute("aria-busy") === "true"; })) return null;
  list.forEach(function (b) {
    b.dataset.wasDisabled = b.disabled ? "1" : "";
    b.disabled = true;
    b.setAttribute("aria-busy", "true");
  });
  if (busyText && list[0]) {
    list[0].dataset.label = list[0].textContent;
    list[0].textContent = busyText;
  }
  var done = function () {
    list.forEach(function (b) {
      b.disabled = b.dataset.wasDisabled === "1";
      b.removeAttribute("aria-busy");
    });
    if (busyText && list[0] && list[0].dataset.label) list[0].textContent = list[0].dataset.label;
  };
  var running;
  try { running = Promise.resolve(task()); } catch (e) { running = Promise.reject(e); }
  return running.then(function (value) { done(); return value; }, function (error) { done(); throw error; });
}

// Enables or disables a button that may be busy: while whileBusy holds it, the state is kept for when it is done.
export function setDisabled(button, disabled) {
  if (button.getAttribute("aria-busy") === "true") button.dataset.wasDisabled = disabled ? "1" : "";
  else button.disabled = disabled;
}

// A button that shows `text` (加载中…) and is disabled until setBusy(button, false) puts its label back.
export function setBusy(button, busy, text) {
  if (busy) {
    button.dataset.label = button.textContent;
    button.textContent = text;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  } else {
    if (button.dataset.label) button.textContent = button.dataset.label;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

// An element with a class and a text: the pages build their lists with it (never innerHTML).
export function make(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// A button of a list's row (type=button: it never sends a form) with its data-testid and what a click does.
export function actionButton(className, text, testid, onClick) {
  var button = make("button", className, text);
  button.type = "button";
  button.setAttribute("data-testid", testid);
  button.addEventListener("click", onClick);
  return button;
}

export function showBox(box, message) {
  box.textContent = message || "";
  box.hidden = !message;
}

// Errors go under the field the server named ("symptoms.3" falls back to "symptoms"), else into the form box.
// A form sent or opened again starts clean: no field error, and its message boxes (the form's error, done...) empty.
export function clearFormErrors(form, ...boxes) {
  Array.prototype.forEach.call(form.querySelectorAll("[data-error]"), function (box) { showBox(box, ""); });
  Array.prototype.forEach.call(form.querySelectorAll(".field.invalid"), function (f) { f.classList.remove("invalid"); });
  boxes.forEach(function (box) { showBox(box, ""); });
}

export function showFormFailure(form, failure, formBox) {
  var field = failure.field || "";
  while (field) {
    var box = form.querySelector('[data-error="' + field + '"]');
    if (box) {
      showBox(box, failure.messageZh);
      var wrapper = form.querySelector('[data-field="' + field + '"]');
      if (wrapper) wrapper.classList.add("invalid");
      return;
    }
    field = field.indexOf(".") >= 0 ? field.slice(0, field.lastIndexOf(".")) : "";
  }
  showBox(formBox, failure.messageZh);
}

// <option>s of a select from [{code, label}], the first chosen unless `chosen` names another.
export function options(select, items, chosen) {
  select.textContent = "";
  items.forEach(function (item) {
    var option = make("option", "", item.label);
    option.value = item.code;
    select.appendChild(option);
  });
  if (chosen) select.value = chosen;
}

// A form whose submit button is disabled while send() runs: a double click or a second Enter sends once.
export function submitWhileBusy(form, send, busyText) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    whileBusy(form.querySelector("button[type=submit]"), send, busyText);
  });
}

// A page's failure box (cleared with null): the failure's words and code, its field focused in `form` if given.
export function showFailure(box, failure, form) {
  box.textContent = failure ? failure.messageZh || failure.message || "操作失败" : "";
  box.hidden = !failure;
  box.dataset.code = failure ? failure.code : "";
  if (failure && form && failure.field) focusField(form, failure.field);
}

// Of the elements with the data attribute `key` (its dataset name: "pane", "adminPane"), the one whose value is
// `name` is shown and the others hidden; `name` null hides them all.
export function showOnly(key, name) {
  var attribute = "data-" + key.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); });
  Array.prototype.forEach.call(document.querySelectorAll("[" + attribute + "]"), function (element) {
    element.hidden = element.dataset[key] !== name;
  });
}

// Marks the .tab of the data attribute `key` ("tab", "mode") whose value is `name` as the selected one.
export function selectTab(key, name) {
  Array.prototype.forEach.call(document.querySelectorAll(".tab[data-" + key + "]"), function (tab) {
    tab.setAttribute("aria-selected", String(tab.dataset[key] === name));
  });
}

// A button in a list row that does one thing, asking `question` first when given; busy while act() runs.
export function actionButton(className, text, testid, question, act) {
  var button = make("button", className, text);
  button.type = "button";
  button.setAttribute("data-testid", testid);
  button.addEventListener("click", function () {
    if (question && !window.confirm(question)) return;
    whileBusy(button, act);
  });
  return button;
}
