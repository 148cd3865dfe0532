/* 网格审核: the grids awaiting their superior's approval (guide 四(三)2.(1)2) 授权确认) — a system admin sees every
   pending grid, a region admin those inside their area; each is approved, or rejected with a reason that the grid
   admin then reads (GET /v1/admin/grids?status=PENDING, POST .../approve, POST .../reject {reason}). */

import { card, formatTime, h, tag } from "./dom.js";
import { pagedList } from "./lists.js";
import { api, query } from "./session.js";

export const SUPERIOR_ROLES = ["system_admin", "region_admin"];
const STATUSES = [["PENDING", "待审核"], ["ACTIVE", "已生效"], ["REJECTED", "未通过"]];
const STATUS_TAGS = { PENDING: "orange", ACTIVE: "green", REJECTED: "red" };

export default {
  id: "grids",
  title: "网格审核",
  group: "上级管理",
  allowed: (grants) => grants.roles.some((role) => SUPERIOR_ROLES.includes(role)),
  open(section) {
    const status = h("select", { id: "grids-status" }, STATUSES.map(([value, label]) => h("option", { value }, label)));
    const notice = h("span", { className: "c-card-note", id: "grids-notice", role: "status" });
    // POST .../approve or .../reject; the grid leaves the pending list
    const decide = (grid, verb, body, done) => api(`/v1/admin/grids/${encodeURIComponent(grid.place_id)}/${verb}`,
      { method: "POST", body }).then(() => {
      notice.textContent = `${grid.name}：${done}`;
      list.drop(grid);
    });
    const decisions = [
      { label: "确认通过", action: "approve", title: "确认网格",
        text: (grid) => `确认“${grid.name}”（${grid.region_name || grid.region_code}）生效？生效后网格员即可绑定。`,
        act: (grid) => decide(grid, "approve", {}, "已确认生效") },
      { label: "驳回", action: "reject", danger: true, title: "驳回网格", reason: true,
        text: (grid) => `驳回“${grid.name}”的申请，原因将告知网格管理员。`,
        act: (grid, answer) => decide(grid, "reject", { reason: answer.reason }, "已驳回") },
    ];
    const list = pagedList({ prefix: "grids", rowKey: (g) => g.place_id, loaded: () => status.value,
      path: (cursor) => `/v1/admin/grids${query({ status: status.value, cursor })}`,
      empty: () => (status.value === "PENDING" ? "暂无待审核的网格" : "暂无网格"),
      columns: () => [
        { label: "网格名称", cell: (g) => g.name },
        { label: "所在区域", cell: (g) => [g.region_name, g.region_code].filter(Boolean).join(" ") },
        { label: "网格管理员", cell: (g) => [g.admin_name_masked, g.admin_phone_masked].filter(Boolean).join(" ") },
        { label: "申请时间", cell: (g) => formatTime(g.created_at) },
        { label: "状态", cell: (g) => tag(g.status_label || g.status, STATUS_TAGS[g.status] || "grey") },
        ...(status.value === "REJECTED" ? [{ label: "驳回原因", cell: (g) => g.reject_reason || g.reason || "" }] : []),
      ],
      actions: () => (status.value === "PENDING" ? decisions : []) });
    const reload = () => {
      notice.textContent = "";
      return list.load(true);
    };
    status.addEventListener("change", reload);
    section.append(
      h("div", { className: "c-card" }, h("div", { className: "c-toolbar" }, h("label", null, "审核状态", status),
        h("button", { type: "button", className: "c-btn", onclick: reload }, "刷新"),
        h("span", { className: "c-spacer" }), notice), list.error),
      card("网格授权确认", "网格管理员创建网格后，由直属上级确认后方可生效", list.box, h("div", { className: "c-pager" }, list.more)));
    reload();
  },
};
