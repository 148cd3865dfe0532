/* 医护人员授权: the medical-staff grants of the system admins — added by name, phone, unit and position (the medic's
   next login claims the grant), listed, and withdrawn (GET, POST /v1/admin/medical-staff, DELETE
   /v1/admin/medical-staff/{person_id}). */

import { formatTime, tag } from "./dom.js";
import { grantsSection } from "./lists.js";
import { api } from "./session.js";

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
    grantsSection(section, { path: "/v1/admin/medical-staff",
      form: { title: "添加医护人员", note: "医护人员可扫码签发解除隔离告知书", prefix: "medical", fields: FIELDS,
        submitText: "添加授权", sentText: "已添加，医护人员本人登录后生效",
        // a list of one; a mainland mobile typed without its 区号 is +86
        body: (staff) => [{ ...staff, phone: /^1\d{10}$/.test(staff.phone) ? `+86${staff.phone}` : staff.phone }],
        fieldOf: (failure) => {
          const rows = (failure.details && failure.details.staff) || [];
          return rows.length ? rows[0].field : (failure.field || "").split(".").pop();
        } },
      list: { title: "医护人员名单", prefix: "medical", rowKey: (i) => i.grant_id, empty: "暂无医护人员授权", columns: [
        { label: "姓名", cell: (i) => i.name_masked || "" },
        { label: "手机号码", cell: (i) => i.phone_masked || "" },
        { label: "所在单位", cell: (i) => i.unit || "" },
        { label: "职务", cell: (i) => i.position || "" },
        { label: "授权时间", cell: (i) => formatTime(i.granted_at) },
        { label: "状态", cell: (i) => (i.person_id ? tag(`已生效 ${formatTime(i.claimed_at)}`, "green")
          : tag("待本人登录", "grey")) },
      ] },
      withdraw: { label: "撤销授权", title: "撤销医护人员授权", key: staffKey,
        text: (item) => `撤销 ${item.name_masked || ""}（${item.unit || ""}）的医护人员权限？撤销后其无法再签发解除隔离告知书。`,
        act: (item) => api(`/v1/admin/medical-staff/${encodeURIComponent(staffKey(item))}`, { method: "DELETE" }),
        withdrawn: (item) => `已撤销 ${item.name_masked || ""} 的授权` } });
  },
};
