/* 区域管理员: the superiors who confirm grids inside their area (a 6-digit county or 9-digit township code) —
   granted by a system admin by name and ID number (the grant works once that person logs in), listed, withdrawn
   (POST, GET, DELETE {grant_id} /v1/admin/region-admins). */

import * as YKM from "../core/ykm.js";
import { clear, confirmAction, formatTime, h, table } from "./dom.js";
import { api, query } from "./session.js";

const FIELDS = [
  ["name", "姓名", { maxLength: 50, placeholder: "与身份证一致" }],
  ["id_number", "身份证号码", { maxLength: 18, placeholder: "18位居民身份证号码" }],
  ["region_code", "管辖区域代码", { maxLength: 9, placeholder: "6位区县或9位镇街代码", inputMode: "numeric" }],
];

const grantKey = (item) => item.grant_id;

export default {
  id: "regions",
  title: "区域管理员",
  group: "上级管理",
  // only system admins grant; a region admin's own areas are named in the header
  allowed: (grants) => grants.roles.includes("system_admin"),
  open(section) {
    const state = { items: [], cursor: null };
    const inputs = {};
    const errors = {};
    const formInfo = h("p", { className: "c-form-info", id: "region-info", role: "status" });
    const submit = h("button", { type: "submit", className: "c-btn c-btn-primary", id: "region-submit" }, "授予权限");
    const form = h("form", { className: "c-toolbar", id: "region-form", noValidate: true },
      FIELDS.map(([name, label, attrs]) => {
        inputs[name] = h("input", { id: `region-${name.replace("_", "-")}`, name, ...attrs });
        errors[name] = h("span", { className: "c-field-error", id: `region-error-${name}` });
        return h("label", { dataset: { field: name } }, label, inputs[name], errors[name]);
      }), submit);
    const box = h("div", { id: "regions-table" });
    const error = h("p", { className: "c-toolbar-error", id: "regions-error", role: "alert" });
    const more = h("button", { type: "button", className: "c-btn", id: "regions-more", hidden: true }, "加载更多");

    const withdraw = (item, button) => confirmAction({ title: "撤销区域管理员",
      text: `撤销 ${item.name_masked || ""}（${item.region_name || item.region_code}）的区域管理员权限？`,
      okText: "撤销", danger: true }).then((ok) => ok && YKM.whileBusy(button, () => api(
      "/v1/admin/region-admins", { method: "DELETE", body: { grant_id: item.grant_id } }).then(() => {
      state.items = state.items.filter((i) => grantKey(i) !== grantKey(item));
      formInfo.textContent = "已撤销";
      show();
    }, (failure) => { error.textContent = failure.messageZh; })));

    const columns = [
      { label: "姓名", cell: (i) => i.name_masked || "" },
      { label: "管辖区域", cell: (i) => [i.region_name, i.region_code].filter(Boolean).join(" ") },
      { label: "身份证号码", cell: (i) => i.id_masked || "" },
      { label: "授予时间", cell: (i) => formatTime(i.granted_at) },
      { label: "操作", className: "c-actions", cell: (i) => {
        const button = h("button", { type: "button", className: "c-btn c-btn-danger c-btn-small",
          dataset: { action: "withdraw" } }, "撤销");
        button.addEventListener("click", () => withdraw(i, button));
        return button;
      } },
    ];
    const show = () => {
      clear(box, table(columns, state.items, { testid: "regions-table", rowKey: grantKey, empty: "暂无区域管理员" }));
      more.hidden = !state.cursor;
    };
    const load = (fresh) => {
      error.textContent = "";
      if (fresh) {
        state.items = [];
        state.cursor = null;
      }
      return api(`/v1/admin/region-admins${query({ cursor: fresh ? null : state.cursor })}`).then((page) => {
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
      const body = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, input.value.trim()]));
      const missing = FIELDS.find(([name]) => !body[name]);
      if (missing) {
        errors[missing[0]].textContent = `请填写${missing[1]}`;
        inputs[missing[0]].focus();
        return;
      }
      YKM.whileBusy(submit, () => api("/v1/admin/region-admins", { method: "POST", body }).then(() => {
        Object.values(inputs).forEach((input) => { input.value = ""; });
        formInfo.textContent = "已授予区域管理员权限，本人登录后生效";
        return load(true);
      }, (failure) => {
        if (failure.field && errors[failure.field]) errors[failure.field].textContent = failure.messageZh;
        else error.textContent = failure.messageZh;
      }), "提交中…");
    });
    more.addEventListener("click", () => YKM.whileBusy(more, () => load(false), "加载中…"));
    section.append(
      h("section", { className: "c-card" }, h("div", { className: "c-card-head" },
        h("h2", { className: "c-card-title" }, "授予区域管理员"),
        h("p", { className: "c-card-note" }, "区域管理员可审核其管辖区域内的网格")), form, formInfo),
      h("section", { className: "c-card" }, h("div", { className: "c-card-head" },
        h("h2", { className: "c-card-title" }, "区域管理员名单")), error, box, h("div", { className: "c-pager" }, more)));
    load(true);
  },
};
