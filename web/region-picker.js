/* 粤康码 H5: the township picker of the pages that place something in a township (venues, grids): province -> city
   -> county -> township from venue-regions.json (infra/venue_regions.py), the 9-digit code kept in a hidden input.
   A classic script that adds YKM.regionPicker, YKM.regionLabel and YKM.townshipName to window.YKM; load it after core/global.js (a module that defines window.YKM). */
(function () {
  "use strict";

  var loaded = null;

  function loadRegions() {
    if (!loaded) {
      loaded = fetch("venue-regions.json", { cache: "default", credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("regions");
        return r.json();
      });
      loaded.catch(function () { loaded = null; });
    }
    return loaded;
  }

  function option(select, value, text) {
    var item = document.createElement("option");
    item.value = value;
    item.textContent = text;
    select.appendChild(item);
  }

  // Four selects in `container` (data-region-picker="<prefix>": ids <prefix>-region-<level>, test ids
  // <prefix>-<level>) that keep `hidden` at the 9-digit code picked, or "" until a township is picked.
  // onFailure(ApiFailure) hears when the table cannot be loaded. Answers {ready, set(code)}.
  function regionPicker(container, hidden, onFailure) {
    var prefix = container.dataset.regionPicker;
    var levels = [["province", "省"], ["city", "市"], ["county", "区县"], ["township", "乡镇街道"]];
    var selects = levels.map(function (level) {
      var select = document.createElement("select");
      select.id = prefix + "-region-" + level[0];
      select.setAttribute("data-testid", prefix + "-" + level[0]);
      select.setAttribute("aria-label", level[1]);
      container.appendChild(select);
      return select;
    });
    var data = null;
    var children = [
      function () { return data.provinces; },
      function (province) { return province.cities; },
      function (city) { return city.counties; },
      function (county) { return county.townships.map(function (t) { return { code: county.code + t[0], name: t[1] }; }); },
    ];
    var picked = [null, null, null, null];

    function fill(level, parent) {
      var select = selects[level];
      select.textContent = "";
      option(select, "", "请选择" + levels[level][1]);
      var items = parent === undefined ? [] : children[level](parent);
      items.forEach(function (item) { option(select, item.code, item.name); });
      select.disabled = items.length === 0;
      picked[level] = null;
      if (items.length === 1 && level < 3) { // one province, or a city that is its own county: picked already
        select.value = items[0].code;
        choose(level);
      } else {
        for (var below = level + 1; below < 4; below++) fill(below);
      }
    }

    function choose(level) {
      var list = level === 0 ? children[0]() : children[level](picked[level - 1]);
      picked[level] = list.filter(function (item) { return item.code === selects[level].value; })[0] || null;
      if (level < 3) fill(level + 1, picked[level] || undefined);
      hidden.value = picked[3] ? picked[3].code : "";
    }

    selects.forEach(function (select, level) {
      select.addEventListener("change", function () { choose(level); });
    });

    return {
      ready: loadRegions().then(function (table) {
        data = table;
        fill(0, null);
      }, function () {
        if (onFailure) onFailure(new window.YKM.ApiFailure(0, { message_zh: "行政区划加载失败，请刷新页面重试" }));
      }),
      set: function (code) {
        return this.ready.then(function () {
          if (!data) return;
          var prefixes = [code.slice(0, 2), code.slice(0, 4), code.slice(0, 6), code];
          for (var level = 0; level < 4; level++) {
            selects[level].value = prefixes[level];
            if (selects[level].value !== prefixes[level]) break;
            choose(level);
          }
        });
      },
    };
  }

  // The places a 9-digit code names: {province, city, county, township} (their names), or null when the code is
  // unknown or the table cannot be loaded.
  function lookUp(code) {
    code = String(code || "");
    return loadRegions().then(function (data) {
      var found = null;
      data.provinces.forEach(function (province) {
        province.cities.forEach(function (city) {
          city.counties.forEach(function (county) {
            if (county.code !== code.slice(0, 6)) return;
            county.townships.forEach(function (t) {
              if (county.code + t[0] === code) {
                found = { province: province.name, city: city.name, county: county.name, township: t[1] };
              }
            });
          });
        });
      });
      return found;
    }, function () { return null; });
  }

  // "广东省广州市天河区员村街道" ("" when unknown); a city that is its own county (东莞市, 中山市) is named once.
  function regionLabel(code) {
    return lookUp(code).then(function (p) {
      return p ? p.province + (p.city === p.county ? "" : p.city) + p.county + p.township : "";
    });
  }

  // The township's own name ("员村街道"; "" when unknown).
  function townshipName(code) {
    return lookUp(code).then(function (p) { return p ? p.township : ""; });
  }

  window.YKM.regionPicker = regionPicker;
  window.YKM.townshipName = townshipName;
  window.YKM.regionLabel = regionLabel;
})();
