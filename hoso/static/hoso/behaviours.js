/* HoSo — small page behaviours, declared by data- attributes (the Content-Security-Policy allows
   no inline script or on*= handler: hoso/core/security.py). One listener per event on the
   document, so content swapped in by htmx behaves the same.

   data-autosubmit            <select>: submit its form when the choice changes
   data-check-all="NAME"      checkbox: tick or untick every input[name=NAME] of its table
   data-print                 button: print the page
   data-fill-traits="KEY"     button (with data-value, data-only-empty) or <select> (its value):
                              set every select[data-trait=KEY] (KEY "" = every trait) not disabled
   data-append-to="ID"        <select>: append the chosen text to the field #ID, then reset
   data-select-on-focus       input: select its text when focused (a link to copy)
   data-shows="NAME"          <select>: show only the fieldset[data-NAME] equal to its value
   data-confirm="QUESTION"    <form>: ask QUESTION before sending it; "Hủy" sends nothing
   data-roll-cycle            row of a roll holding a <select>: a tap on the row moves the select to
                              its next option (present → absent → late → left early → present) and
                              mirrors the value in the row's data-status (attendance/roll.html) */
(function () {
  "use strict";

  function fillTraits(key, value, onlyEmpty) {
    var selector = key ? 'select[data-trait="' + key + '"]' : "select[data-trait]";
    document.querySelectorAll(selector).forEach(function (s) {
      if (!s.disabled && (!onlyEmpty || !s.value)) s.value = value;
    });
  }

  function showFieldsets(select) {
    var name = select.getAttribute("data-shows");
    document.querySelectorAll("fieldset[data-" + name + "]").forEach(function (f) {
      f.hidden = f.getAttribute("data-" + name) !== select.value;
    });
  }

  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (!(el instanceof HTMLElement)) return;
    if (el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    } else if (el.tagName === "SELECT" && el.hasAttribute("data-fill-traits")) {
      if (el.value) {
        fillTraits(el.getAttribute("data-fill-traits"), el.value, false);
        el.selectedIndex = 0;
      }
    } else if (el.hasAttribute("data-append-to")) {
      var target = document.getElementById(el.getAttribute("data-append-to"));
      if (target && el.value) {
        target.value = target.value ? target.value + " " + el.value : el.value;
        el.selectedIndex = 0;
      }
    } else if (el.hasAttribute("data-shows")) {
      showFieldsets(el);
    } else if (el.tagName === "SELECT" && el.closest("[data-roll-cycle]")) {
      el.closest("[data-roll-cycle]").setAttribute("data-status", el.value);
    }
  });

  document.addEventListener("click", function (ev) {
    var target = ev.target instanceof Element ? ev.target : null;
    var row = target ? target.closest("[data-roll-cycle]") : null;
    if (!row || target.closest("select, a, button, input")) return;
    var select = row.querySelector("select");
    if (!select || select.disabled) return;
    select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
    row.setAttribute("data-status", select.value);
  });

  document.addEventListener("click", function (ev) {
    var el = ev.target instanceof Element ? ev.target.closest("[data-check-all], [data-print], button[data-fill-traits]") : null;
    if (!el) return;
    if (el.hasAttribute("data-check-all")) {
      var name = el.getAttribute("data-check-all");
      var table = el.closest("table") || document;
      table.querySelectorAll('input[name="' + name + '"]').forEach(function (c) {
        c.checked = el.checked;
      });
    } else if (el.hasAttribute("data-print")) {
      window.print();
    } else {
      fillTraits(
        el.getAttribute("data-fill-traits"),
        el.getAttribute("data-value") || "",
        el.hasAttribute("data-only-empty")
      );
    }
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
      if (!window.confirm(form.getAttribute("data-confirm"))) ev.preventDefault();
    }
  }, true);

  document.addEventListener("focusin", function (ev) {
    var el = ev.target;
    if (el instanceof HTMLInputElement && el.hasAttribute("data-select-on-focus")) el.select();
  });

  function init(root) {
    root.querySelectorAll("select[data-shows]").forEach(showFieldsets);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:load", function (ev) { init(ev.target); });
})();
