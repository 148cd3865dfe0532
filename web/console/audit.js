/* 数据访问审计: who read a person's data — every masked-data read by an org admin, a grid worker, a medic or a
   scanner writes an audit entry (DESIGN "Codes and tokens"); a system admin lists them for one person
   (GET /v1/admin/audit?subject=<person_id>), newest first, a page at a time. */

import * as YKM from "../core/ykm.js";
import { card, formatTime, h } from "./dom.js";
import { pagedList } from "./lists.js";
import { query } from "./session.js";

export const ACTION_LABELS = {
  ORG_DECLARATIONS_READ: "组织机构查看申报明细",
  ORG_REPORT_READ: "组织机构下载申报报表",
  SCAN: "扫码查验",
  VENUE_CHECK: "场所测温登记",
  QUICK_CHECKIN: "场所码自助登记",
  VENUE_READMIT: "场所重新接纳",
  DECLARATIONS_READ: "查看健康申报",
  RECORDS_READ: "查看健康记录",
  DISPLAY_LOG_READ: "查看亮码记录",
  CODE_SHOWN: "展示粤康码",
  CODE_REISSUED: "重新生成离线码",
  PRINTED_CODE_READ: "查看离线码",
  FAMILY_MEMBER_ADDED: "添加家庭成员",
  FAMILY_MEMBER_REMOVED: "解除家庭成员",
  MACAU_CODE_ISSUED: "申领粤澳码",
  MACAU_CODE_READ: "查看粤澳码",
  RELEASE_NOTICE_ISSUED: "签发解除隔离告知书",
  AUDIT_TRAIL_READ: "系统管理员查看审计记录",
  MEDICAL_ROLE_WITHDRAWN: "撤销医护人员授权",
  GRID_COLLECTION: "网格信息采集",
  GRID_PERSON_READ: "网格员查看申报",
};

// The purpose recorded with an entry, in words; anything else is shown as written.
const PURPOSES = { org_admin: "组织机构管理员", system_admin: "系统管理员", medical: "医护人员", guardian: "监护人代办",
  self: "本人", inspector: "场所检测员", grid_worker: "网格员" };

const COLUMNS = [
  { label: "时间", cell: (e) => formatTime(e.at) },
  { label: "操作人", cell: (e) => ((e.actor || "").startsWith("partner:") ? `合作方 ${e.actor.slice(8)}`
    : [e.actor_name_masked, e.actor].filter(Boolean).join(" · ")) },
  { label: "操作", cell: (e) => ACTION_LABELS[e.action] || e.action },
  { label: "身份/用途", cell: (e) => PURPOSES[e.purpose] || e.purpose || "" },
  { label: "场所/组织", cell: (e) => e.place_id || "" },
];

export default {
  id: "audit",
  title: "数据访问审计",
  group: "系统管理",
  allowed: (grants) => grants.roles.includes("system_admin"),
  open(section) {
    let asked = "";
    const subject = h("input", { id: "audit-subject", maxLength: 40, placeholder: "被查看人员的 person_id",
      autocomplete: "off" });
    const status = h("span", { id: "audit-count" });
    const who = h("p", { className: "c-card-note", id: "audit-subject-name" }, "每次查看个人信息均记录在案");
    const list = pagedList({ prefix: "audit", columns: COLUMNS, empty: "暂无访问记录", loaded: () => asked,
      path: (cursor) => `/v1/admin/audit${query({ subject: asked, cursor })}`,
      onPage: (page) => { who.textContent = `被查看人员：${page.subject_name_masked || "—"}（${page.subject}）`; },
      onShow: () => { status.textContent = `共 ${list.items.length} 条${list.cursor ? "（还有更多）" : ""}`; } });
    const search = h("button", { type: "submit", className: "c-btn c-btn-primary", id: "audit-query" }, "查询");
    const form = h("form", { className: "c-toolbar", noValidate: true }, h("label", null, "人员编号", subject), search);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      YKM.whileBusy(search, () => {
        const typed = subject.value.trim();
        if (!/^[0-9A-Za-z]{26}$/.test(typed)) {
          list.error.textContent = "请输入被查看人员的26位人员编号（person_id）";
          subject.focus();
          return null;
        }
        asked = typed;
        return list.load(true);
      });
    });
    section.append(
      h("div", { className: "c-card" }, form, list.error),
      card("个人数据访问记录", who, list.box, h("div", { className: "c-pager" }, status, list.more)));
  },
};
