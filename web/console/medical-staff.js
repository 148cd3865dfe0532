/* 医护人员授权: the medical-staff grants of the system admins — added by name, phone, unit and position (the medic's
   next login claims the grant), listed, and withdrawn (GET, POST /v1/admin/medical-staff, DELETE
   /v1/admin/medical-staff/{person_id}). */

import * as YKM from "../core/ykm.js";
import { clear, confirmAction, formatTime, h, table, tag } from "./dom.js";
import { api, query } from "./session.js";

const FIELDS = [
  ["name", "姓名", { maxLength: 50 }],
  ["phone", "手机号码", { maxLength: 14, inputMode: "numeric", placeholder: "11位手机号码" }],
  ["unit", "所在单位", { maxLength: 100 }],
  ["position", "职务", { maxLength: 50 }],
];

// DELETE names a claimed grant by its person, one not yet claimed by its grant_id
const staffKey = (item) => item.person_id || item.grant_id;

export default {
  id: "medical",
  title: "医护人员授权",
  group: "系统管理",
  allowed: (grants) => grants.roles.includes("system_admin"),
  open(section) {
    const state = { items: [], cursor: null };
    const inputs = {};
    const errors = {};
    const formInfo = h("p", { className: "c-form-info", id: "medical-info", role: "status" });
    const submit = h("button", { type: "submit", className: "c-btn c-btn-primary", id: "medical-submit" }, "添加授权");
    const form = h("form", { className: "c-toolbar", id: "medical-form", noValidate: true },
      FIELDS.map(([name, label, attrs]) => {
        inputs[name] = h("input", { id: `medical-${name}`, name, ...attrs });
        errors[name] = h("span", { className: "c-field-error", id: `medical-error-${name}` });
        return h("label", { dataset: { field: name } }, label, inputs[name], errors[name]);
      }), submit);
    const box = h("div", { id: "medical-table" });
    const error = h("p", { className: "c-toolbar-error", id: "medical-error", role: "alert" });
    const more = h("button", { type: "button", className: "c-btn", id: "medical-more", hidden: true }, "加载更多");

    const withdraw = (item, button) => confirmAction({ title: "撤销医护人员授权",
      text: `撤销 ${item.name_masked || ""}（${item.unit || ""}）的医护人员权限？撤销后其无法再签发解除隔离告知书。`,
      okText: "撤销授权", danger: true }).then((ok) => ok && YKM.whileBusy(button, () => api(
      `/v1/admin/medical-staff/${encodeURIComponent(staffKey(item))}`, { method: "DELETE" }).then(() => {
      state.items = state.items.filter((i) => staffKey(i) !== staffKey(item));
      formInfo.textContent = `已撤销 ${item.name_masked || ""} 的授权`;
      show();
    }, (failure) => { error.textContent = failure.messageZh; })));

    const columns = [
      { label: "姓名", cell: (i) => i.name_masked || "" },
      { label: "手机号码", cell: (i) => i.phone_masked || "" },
      { label: "所在单位", cell: (i) => i.unit || "" },
      { label: "职务", cell: (i) => i.position || "" },
      { label: "授权时间", cell: (i) => formatTime(i.granted_at) },
      { label: "状态", cell: (i) => (i.person_id ? tag(`已生效 ${formatTime(i.claimed_at)}`, "green")
        : tag("待本人登录", "grey")) },
      { label: "操作", className: "c-actions", cell: (i) => {
        const button = h("button", { type: "button", className: "c-btn c-btn-danger c-btn-small",
          dataset: { action: "withdraw" } }, "撤销授权");
        button.addEventListener("click", () => withdraw(i, button));
        return button;
      } },
    ];
    const show = () => {
      clear(box, table(columns, state.items, { testid: "medical-table", rowKey: (i) => i.grant_id,
        empty: "暂无医护人员授权" }));
      more.hidden = !state.cursor;
    };
    const load = (fresh) => {
      error.textContent = "";
      if (fresh) {
        state.items = [];
        state.cursor = null;
      }
      return api(`/v1/admin/medical-staff${query({ cursor: fresh ? null : state.cursor })}`).then((page) => {
        state.items.push(...(page.items || []));
        state.cursor = page.next_cursor || null;
        show();
        box.dataset.loaded = "true";
      }, (failure) => { error.textContent = failure.messageZh; });
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      formInfo.textContent = "";
      Object.values(errors).forEach((e) => { e.textContent = ""; });
      const staff = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, input.value.trim()]));
      const missing = FIELDS.find(([name]) => !staff[name]);
      if (missing) {
        errors[missing[0]].textContent = `请填写${missing[1]}`;
        inputs[missing[0]].focus();
        return;
      }
      if (/^1\d{10}$/.test(staff.phone)) staff.phone = `+86${staff.phone}`;
      YKM.whileBusy(submit, () => api("/v1/admin/medical-staff", { method: "POST", body: [staff] })
        .then(() => {
          Object.values(inputs).forEach((input) => { input.value = ""; });
          formInfo.textContent = "已添加，医护人员本人登录后生效";
          return load(true);
        }, (failure) => {
          const rows = (failure.details && failure.details.staff) || [];
          const field = rows.length ? rows[0].field : (failure.field || "").split(".").pop();
          if (errors[field]) errors[field].textContent = failure.messageZh;
          else error.textContent = failure.messageZh;
        }), "提交中…");
    });
    more.addEventListener("click", () => YKM.whileBusy(more, () => load(false), "加载中…"));
    section.append(
      h("section", { className: "c-card" }, h("div", { className: "c-card-head" },
        h("h2", { className: "c-card-title" }, "添加医护人员"),
        h("p", { className: "c-card-note" }, "医护人员可扫码签发解除隔离告知书")), form, formInfo),
      h("section", { className: "c-card" }, h("div", { className: "c-card-head" },
        h("h2", { className: "c-card-title" }, "医护人员名单")), error, box, h("div", { className: "c-pager" }, more)));
    load(true);
  },
};
