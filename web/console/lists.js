/* What the console's lists share: a table read a page at a time (加载更多 follows the answer's next_cursor), row
   buttons that act after a confirmation, and the system admins' grants of a role (a form granting it, the grant working
   once the person named logs in, above the list of grants, each withdrawn by its button). */

import * as YKM from "../core/ykm.js";
import { card, clear, confirmAction, h, table } from "./dom.js";
import { api, query } from "./session.js";

const current = (value) => (typeof value === "function" ? value() : value);

// The pages of GET path(cursor) in a table. Ids: the box `${prefix}-table` (its table's test id too),
// `${prefix}-error`, `${prefix}-more`. columns, actions (the 操作 column's, see actionColumn) and empty may be
// functions, read at each drawing; the box's data-loaded is loaded() once a page is in; onPage(page) sees each answer,
// onShow() each drawing. The caller places box, error and more.
export function pagedList({ prefix, path, columns, actions = [], empty, rowKey, loaded = () => "true", onPage = null,
  onShow = null }) {
  const box = h("div", { id: `${prefix}-table` });
  const error = h("p", { className: "c-toolbar-error", id: `${prefix}-error`, role: "alert" });
  const more = h("button", { type: "button", className: "c-btn", id: `${prefix}-more`, hidden: true }, "加载更多");
  const list = {
    box, error, more, items: [], cursor: null,
    show() {
      const buttons = current(actions);
      const shown = buttons.length ? [...current(columns), actionColumn(buttons, error)] : current(columns);
      clear(box, table(shown, list.items, { testid: `${prefix}-table`, rowKey, empty: current(empty) }));
      more.hidden = !list.cursor;
      if (onShow) onShow();
    },
    load(fresh) {
      error.textContent = "";
      if (fresh) {
        list.items = [];
        list.cursor = null;
      }
      box.setAttribute("aria-busy", "true");
      return api(path(fresh ? null : list.cursor)).then((page) => {
        list.items.push(...(page.items || []));
        list.cursor = page.next_cursor || null;
        if (onPage) onPage(page);
        list.show();
        box.dataset.loaded = loaded();
      }, (failure) => { error.textContent = failure.messageZh; }).finally(() => box.removeAttribute("aria-busy"));
    },
    // Takes `item` off the list (and whatever shares its key), as the server has.
    drop(item, key = rowKey) {
      list.items = list.items.filter((i) => key(i) !== key(item));
      list.show();
    },
  };
  more.addEventListener("click", () => YKM.whileBusy(more, () => list.load(false), "加载中…"));
  return list;
}

// The 操作 column: a button per action {label, action (its data-action), danger, title, text(row), reason, act(row,
// answer) -> a promise}. A click asks first (the dialog's OK says the label; `reason`: one must be given), then the
// row's buttons wait for act, whose failure `error` says.
function actionColumn(actions, error) {
  return { label: "操作", className: "c-actions", cell: (row) => {
    const buttons = actions.map(({ label, action, danger }) => h("button", { type: "button",
      className: `c-btn ${danger ? "c-btn-danger" : "c-btn-primary"} c-btn-small`, dataset: { action } }, label));
    actions.forEach(({ label, danger, title, text, reason, act }, i) => buttons[i].addEventListener("click", () =>
      confirmAction({ title, text: text(row), okText: label, danger, reason })
        .then((answer) => answer && YKM.whileBusy(buttons, () => act(row, answer).then(null, (failure) => {
          error.textContent = failure.messageZh;
        })))));
    return buttons;
  } };
}

// A form granting a role to the person its fields ([name, label, input attributes]) name. Ids `${prefix}-form`,
// `-submit`, `-info`, each input `${prefix}-<name, - for _>` and its `${prefix}-error-<name>`. On submit: every field
// filled, then POST `path` {the values} (or body(values)); once sent the inputs are emptied, `sentText` said and
// sent() run; a failure goes to the field fieldOf(failure) names, else to `error`.
export function grantForm({ prefix, fields, submitText, path, body = (values) => values, sentText, sent,
  fieldOf = (failure) => failure.field, error }) {
  const inputs = {};
  const errors = {};
  const info = h("p", { className: "c-form-info", id: `${prefix}-info`, role: "status" });
  const submit = h("button", { type: "submit", className: "c-btn c-btn-primary", id: `${prefix}-submit` }, submitText);
  const form = h("form", { className: "c-toolbar", id: `${prefix}-form`, noValidate: true },
    fields.map(([name, label, attrs]) => {
      inputs[name] = h("input", { id: `${prefix}-${name.replace("_", "-")}`, name, ...attrs });
      errors[name] = h("span", { className: "c-field-error", id: `${prefix}-error-${name}` });
      return h("label", { dataset: { field: name } }, label, inputs[name], errors[name]);
    }), submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    info.textContent = "";
    Object.values(errors).forEach((e) => { e.textContent = ""; });
    const values = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, input.value.trim()]));
    const missing = fields.find(([name]) => !values[name]);
    if (missing) {
      errors[missing[0]].textContent = `请填写${missing[1]}`;
      inputs[missing[0]].focus();
      return;
    }
    YKM.whileBusy(submit, () => api(path, { method: "POST", body: body(values) }).then(() => {
      Object.values(inputs).forEach((input) => { input.value = ""; });
      info.textContent = sentText;
      return sent();
    }, (failure) => {
      const field = fieldOf(failure);
      if (field && errors[field]) errors[field].textContent = failure.messageZh;
      else error.textContent = failure.messageZh;
    }), "提交中…");
  });
  return { form, info };
}

// A section of a role's grants: the grant form (grantForm with `form`, POST `path`; a card titled form.title, noted
// form.note) above the grants read from GET `path` a page at a time (pagedList with `list`; a card titled list.title),
// each with its button withdrawing it (`withdraw`: an action of the 操作 column, danger; once its act(item) is done the
// row leaves the list with whatever shares withdraw.key (else the list's rowKey) and withdrawn(item) is said under
// the form). A grant sent reloads the list; a failure of the form that names no field of it goes to the list's error.
export function grantsSection(section, { path, form, list, withdraw }) {
  const { title: formTitle, note, ...formSettings } = form;
  const { title: listTitle, ...listSettings } = list;
  const { key, withdrawn, act, ...button } = withdraw;
  const withdrawAction = { ...button, action: "withdraw", danger: true, act: (item) => act(item).then(() => {
    grants.drop(item, key);
    grant.info.textContent = withdrawn(item);
  }) };
  const grants = pagedList({ ...listSettings, path: (cursor) => `${path}${query({ cursor })}`,
    actions: [withdrawAction] });
  const grant = grantForm({ ...formSettings, path, sent: () => grants.load(true), error: grants.error });
  section.append(card(formTitle, note, grant.form, grant.info),
    card(listTitle, null, grants.error, grants.box, h("div", { className: "c-pager" }, grants.more)));
  grants.load(true);
}
