/* 区域管理员: the superiors who confirm grids inside their area (a 6-digit county or 9-digit township code) —
   granted by a system admin by name and ID number (the grant works once that person logs in), listed, withdrawn
   (POST, GET, DELETE {grant_id} /v1/admin/region-admins). */

import { formatTime } from "./dom.js";
import { grantsSection } from "./lists.js";
import { api } from "./session.js";

const FIELDS = [
  ["name", "姓名", { maxLength: 50, placeholder: "与身份证一致" }],
  ["id_number", "身份证号码", { maxLength: 18, placeholder: "18位居民身份证号码" }],
  ["region_code", "管辖区域代码", { maxLength: 9, placeholder: "6位区县或9位镇街代码", inputMode: "numeric" }],
];

export default {
  id: "regions",
  title: "区域管理员",
  group: "上级管理",
  // only system admins grant; a region admin's own areas are named in the header
  allowed: (grants) => grants.roles.includes("system_admin"),
  open(section) {
    grantsSection(section, { path: "/v1/admin/region-admins",
      form: { title: "授予区域管理员", note: "区域管理员可审核其管辖区域内的网格", prefix: "region", fields: FIELDS,
        submitText: "授予权限", sentText: "已授予区域管理员权限，本人登录后生效" },
      list: { title: "区域管理员名单", prefix: "regions", rowKey: (item) => item.grant_id, empty: "暂无区域管理员",
        columns: [
          { label: "姓名", cell: (i) => i.name_masked || "" },
          { label: "管辖区域", cell: (i) => [i.region_name, i.region_code].filter(Boolean).join(" ") },
          { label: "身份证号码", cell: (i) => i.id_masked || "" },
          { label: "授予时间", cell: (i) => formatTime(i.granted_at) },
        ] },
      withdraw: { label: "撤销", title: "撤销区域管理员",
        text: (item) => `撤销 ${item.name_masked || ""}（${item.region_name || item.region_code}）的区域管理员权限？`,
        act: (item) => api("/v1/admin/region-admins", { method: "DELETE", body: { grant_id: item.grant_id } }),
        withdrawn: () => "已撤销" } });
  },
};
