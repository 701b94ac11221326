// tqa review page: filters, URL state and keyboard navigation. Carries no data: it reads the
// DOM the report wrote. Filtering sets the `hidden` attribute (visible in the DOM).
(function () {
  "use strict";
  var d = document;
  var bar = d.getElementById("controls");
  if (!bar) return;
  d.documentElement.classList.add("js");
  bar.hidden = false;
  var setBarHeight = function () {
    d.documentElement.style.setProperty("--ctl-h", bar.offsetHeight + "px");
  };
  setBarHeight();
  window.addEventListener("resize", setBarHeight);

  var selRule = d.getElementById("f-rule");
  var only = d.getElementById("f-only");
  var waivedBox = d.getElementById("f-waived");
  var status = d.getElementById("f-status");
  var sevBoxes = Array.prototype.slice.call(bar.querySelectorAll("input[data-sev]"));
  var findings = Array.prototype.slice.call(d.querySelectorAll(".finding"));
  var rows = Array.prototype.slice.call(d.querySelectorAll(".pair"));
  var rowFindings = rows.map(function (r) {
    return Array.prototype.slice.call(r.querySelectorAll(".finding"));
  });
  var pairCount = d.querySelectorAll(".pair:not(.outside)").length;
  var current = null;

  function state() {
    return {
      rule: selRule.value,
      sevs: sevBoxes.filter(function (b) { return b.checked; }).map(function (b) { return b.dataset.sev; }),
      waived: waivedBox.checked,
      only: only.checked
    };
  }

  function hashOf(s) {
    var parts = [];
    if (s.rule) parts.push("rule=" + encodeURIComponent(s.rule));
    if (s.sevs.length !== sevBoxes.length) parts.push("sev=" + s.sevs.join(","));
    if (!s.waived) parts.push("waived=0");
    var implied = !!(s.rule || s.sevs.length !== sevBoxes.length);
    if (s.only !== implied) parts.push("only=" + (s.only ? "1" : "0"));
    return parts.join("&");
  }

  function apply(keepHash) {
    var s = state();
    var sevs = {};
    s.sevs.forEach(function (x) { sevs[x] = true; });
    var shown = 0, total = 0, shownRows = 0;
    findings.forEach(function (f) {
      var w = f.classList.contains("waived");
      var ok = (!s.rule || f.dataset.rule === s.rule) && sevs[f.dataset.sev] === true && (!w || s.waived);
      f.hidden = !ok;
      if (!w) { total++; if (ok) shown++; }
    });
    rows.forEach(function (r, i) {
      var any = rowFindings[i].some(function (f) { return !f.hidden; });
      r.hidden = s.only && !any;
      if (!r.hidden && !r.classList.contains("outside")) shownRows++;
    });
    status.textContent = "Showing " + shown + " of " + total + " findings" +
      (s.rule ? " for " + s.rule : "") + " · " + shownRows + " of " + pairCount + " pairs";
    status.dataset.shown = shown;
    if (current && (current.hidden || current.closest(".pair[hidden]"))) setCurrent(null);
    if (!keepHash) {
      var h = hashOf(s);
      try {
        history.replaceState(null, "", h ? "#" + h : location.pathname + location.search);
      } catch (e) { /* some file: URLs refuse; the filter still applies */ }
    }
  }

  function reset() {
    selRule.value = "";
    sevBoxes.forEach(function (b) { b.checked = true; });
    waivedBox.checked = true;
    only.checked = false;
  }

  // `#rule=NAME&sev=a,b&waived=0&only=1`; a filter given without `only` implies only=1.
  function readHash() {
    var h = location.hash.slice(1);
    if (h.indexOf("=") < 0) return false;
    var p = new URLSearchParams(h);
    reset();
    var rule = p.get("rule") || "";
    if (rule && !Array.prototype.some.call(selRule.options, function (o) { return o.value === rule; })) {
      var opt = d.createElement("option");
      opt.value = rule;
      opt.textContent = rule + " (0)";
      selRule.appendChild(opt);
    }
    selRule.value = rule;
    var sev = p.get("sev");
    if (sev) {
      var want = sev.split(",");
      sevBoxes.forEach(function (b) { b.checked = want.indexOf(b.dataset.sev) >= 0; });
    }
    waivedBox.checked = p.get("waived") !== "0";
    only.checked = p.has("only") ? p.get("only") === "1" : !!(rule || sev);
    return true;
  }

  function visible() {
    return findings.filter(function (f) { return !f.hidden && !f.closest(".pair[hidden]"); });
  }

  function setCurrent(f) {
    if (current) current.classList.remove("current");
    current = f;
    if (f) f.classList.add("current");
  }

  function focusFinding(f) {
    setCurrent(f);
    f.scrollIntoView({ block: "center" });
    f.focus({ preventScroll: true });
    var v = visible();
    status.textContent = status.textContent.replace(/ · finding \d+ of \d+$/, "") +
      " · finding " + (v.indexOf(f) + 1) + " of " + v.length;
  }

  function move(dir) {
    var v = visible();
    if (!v.length) return;
    var i = current ? v.indexOf(current) : -1;
    if (i < 0) {
      // Start from what is on screen: the first finding below the sticky bars, or the last above.
      var top = bar.offsetHeight + 40;
      i = -1;
      for (var k = 0; k < v.length; k++) {
        if (v[k].getBoundingClientRect().top > top) { i = dir > 0 ? k : k - 1; break; }
      }
      if (i < 0) i = dir > 0 ? (k === v.length ? v.length - 1 : 0) : v.length - 1;
    } else {
      i += dir;
    }
    i = Math.max(0, Math.min(v.length - 1, i));
    focusFinding(v[i]);
  }

  // An anchor to a finding or pair that the filters hide: clear them first.
  function reveal(id) {
    var el = id && d.getElementById(id);
    if (!el) return;
    if (el.hidden || el.closest("[hidden]")) { reset(); apply(true); }
    if (el.classList.contains("finding")) focusFinding(el); else el.scrollIntoView();
  }

  function onHash() {
    if (readHash()) apply(true); else reveal(decodeURIComponent(location.hash.slice(1)));
  }

  [selRule, only, waivedBox].concat(sevBoxes).forEach(function (el) {
    el.addEventListener("change", function () { apply(false); });
  });
  d.getElementById("f-reset").addEventListener("click", function () { reset(); apply(false); });
  d.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[data-filter-rule]");
    if (!a) return;
    e.preventDefault();
    reset();
    selRule.value = a.dataset.filterRule;
    only.checked = true;
    apply(false);
    var v = visible();
    if (v.length) focusFinding(v[0]);
  });
  d.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = e.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || tag === "BUTTON") {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    if (e.key === "j" || e.key === "n") { move(1); e.preventDefault(); }
    else if (e.key === "k" || e.key === "p") { move(-1); e.preventDefault(); }
    else if (e.key === "Escape") { reset(); apply(false); }
  });
  window.addEventListener("hashchange", onHash);
  if (readHash()) apply(true);
  else { apply(true); if (location.hash.length > 1) reveal(decodeURIComponent(location.hash.slice(1))); }
})();
