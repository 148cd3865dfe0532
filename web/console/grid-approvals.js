/* 网格审核: the grids awaiting their superior's approval (guide 四(三)2.(1)2) 授权确认) — a system admin sees every
   pending grid, a region admin those inside their area; each is approved, or rejected with a reason that the grid
   admin then reads (GET /v1/admin/grids?status=PENDING, POST .../approve, POST .../reject {reason}). */

import * as YKM from "../core/ykm.js";
import { clear, confirmAction, formatTime, h, table, tag } from "./dom.js";
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
    const state = { items: [], cursor: null };
    const status = h("select", { id: "grids-status" }, STATUSES.map(([value, label]) => h("option", { value }, label)));
    const error = h("p", { className: "c-toolbar-error", id: "grids-error", role: "alert" });
    const notice = h("span", { className: "c-card-note", id: "grids-notice", role: "status" });
    const box = h("div", { id: "grids-table" });
    const more = h("button", { type: "button", className: "c-btn", id: "grids-more", hidden: true }, "加载更多");

    const decide = (grid, approve, button) => confirmAction(approve
      ? { title: "确认网格", text: `确认“${grid.name}”（${grid.region_name || grid.region_code}）生效？生效后网格员即可绑定。`,
        okText: "确认通过" }
      : { title: "驳回网格", text: `驳回“${grid.name}”的申请，原因将告知网格管理员。`, okText: "驳回", danger: true,
        reason: true })
      .then((answer) => {
        if (!answer) return null;
        return YKM.whileBusy(button, () => api(
          `/v1/admin/grids/${encodeURIComponent(grid.place_id)}/${approve ? "approve" : "reject"}`,
          { method: "POST", body: approve ? {} : { reason: answer.reason } }).then(() => {
          notice.textContent = `${grid.name}：${approve ? "已确认生效" : "已驳回"}`;
          state.items = state.items.filter((g) => g.place_id !== grid.place_id);
          show();
        }, (failure) => { error.textContent = failure.messageZh; }));
      });

    const columns = () => {
      const list = [
        { label: "网格名称", cell: (g) => g.name },
        { label: "所在区域", cell: (g) => [g.region_name, g.region_code].filter(Boolean).join(" ") },
        { label: "网格管理员", cell: (g) => [g.admin_name_masked, g.admin_phone_masked].filter(Boolean).join(" ") },
        { label: "申请时间", cell: (g) => formatTime(g.created_at) },
        { label: "状态", cell: (g) => tag(g.status_label || g.status, STATUS_TAGS[g.status] || "grey") },
      ];
      if (status.value === "REJECTED") list.push({ label: "驳回原因", cell: (g) => g.reject_reason || g.reason || "" });
      if (status.value === "PENDING") {
        list.push({ label: "操作", className: "c-actions", cell: (g) => {
          const ok = h("button", { type: "button", className: "c-btn c-btn-primary c-btn-small", dataset: { action: "approve" } },
            "确认通过");
          const no = h("button", { type: "button", className: "c-btn c-btn-danger c-btn-small", dataset: { action: "reject" } },
            "驳回");
          ok.addEventListener("click", () => decide(g, true, [ok, no]));
          no.addEventListener("click", () => decide(g, false, [ok, no]));
          return [ok, no];
        } });
      }
      return list;
    };
    const show = () => {
      clear(box, table(columns(), state.items, { testid: "grids-table", rowKey: (g) => g.place_id,
        empty: status.value === "PENDING" ? "暂无待审核的网格" : "暂无网格" }));
      more.hidden = !state.cursor;
    };
    const load = (fresh) => {
      error.textContent = "";
      if (fresh) {
        state.items = [];
        state.cursor = null;
        notice.textContent = "";
      }
      box.setAttribute("aria-busy", "true");
      return api(`/v1/admin/grids${query({ status: status.value, cursor: fresh ? null : state.cursor })}`)
        .then((page) => {
          state.items.push(...(page.items || []));
          state.cursor = page.next_cursor || null;
          show();
          box.dataset.loaded = status.value;
        }, (failure) => { error.textContent = failure.messageZh; })
        .finally(() => box.removeAttribute("aria-busy"));
    };
    status.addEventListener("change", () => load(true));
    more.addEventListener("click", () => YKM.whileBusy(more, () => load(false), "加载中…"));
    section.append(
      h("div", { className: "c-card" }, h("div", { className: "c-toolbar" }, h("label", null, "审核状态", status),
        h("button", { type: "button", className: "c-btn", onclick: () => load(true) }, "刷新"),
        h("span", { className: "c-spacer" }), notice), error),
      h("section", { className: "c-card" }, h("div", { className: "c-card-head" },
        h("h2", { className: "c-card-title" }, "网格授权确认"),
        h("p", { className: "c-card-note" }, "网格管理员创建网格后，由直属上级确认后方可生效")),
      box, h("div", { className: "c-pager" }, more)));
    load(true);
  },
};
