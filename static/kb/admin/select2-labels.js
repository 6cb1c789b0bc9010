// The admin's autocomplete pickers (select2) draw controls of their own over the hidden <select>
// that have no name: the combobox (its selection, named only by the chosen value, so by nothing
// while empty), the box showing the value, and the search box. Screen readers then announce an
// unnamed field. Each gets its field's <label>, or where it has none (a row of a table) the
// aria-label of its <select>.
"use strict";
(function () {
  function labelFor(select) {
    return select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
  }

  function labelId(label, select) {
    if (!label.id) label.id = select.id + "-label";
    return label.id;
  }

  function selectOf(node) {
    let container = node.closest(".select2-container");
    const dropdown = node.closest(".select2-dropdown");
    const results = dropdown && dropdown.querySelector(".select2-results__options[id]");
    if (results) {
      // A single choice's dropdown hangs at the end of the page: the open picker owns its list.
      const owner = document.querySelector('[aria-owns="' + results.id + '"]');
      container = owner && owner.closest(".select2-container");
    }
    const select = container && container.previousElementSibling;
    return select && select.tagName === "SELECT" ? select : null;
  }

  // The name of a picker without a <label>: its <select>'s own.
  function ownName(select) {
    return (select && select.getAttribute("aria-label")) || "";
  }

  function name(root) {
    root.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
      const select = selectOf(field);
      const label = select && labelFor(select);
      const text = label ? label.textContent.replace(/:\s*$/, "").trim() : ownName(select);
      if (text) field.setAttribute("aria-label", text);
    });
    // The combobox: the label, then (a single choice) the chosen value select2 names it by.
    root.querySelectorAll(".select2-selection:not([data-labelled])").forEach(function (box) {
      const select = selectOf(box);
      const label = select && labelFor(select);
      const own = box.getAttribute("aria-labelledby");
      const shown = box.querySelectorAll(".select2-selection__rendered[role=textbox]");
      if (label) {
        const id = labelId(label, select);
        box.setAttribute("aria-labelledby", own ? id + " " + own : id);
        // The box showing the value is a read-only textbox of its own.
        shown.forEach(function (value) { value.setAttribute("aria-labelledby", id); });
      } else if (ownName(select)) {
        // Its own aria-label first, then the chosen value (a box may name itself this way; the
        // value box read as part of it gives its text, so it takes its name from the box).
        if (!box.id) box.id = select.id + "-combobox";
        box.setAttribute("aria-label", ownName(select));
        box.setAttribute("aria-labelledby", own ? box.id + " " + own : box.id);
        shown.forEach(function (value) { value.setAttribute("aria-labelledby", box.id); });
      } else {
        return;
      }
      box.setAttribute("data-labelled", "");
    });
  }

  // A multiple choice's "clear all" cross is a <span> right inside the <ul> of chosen values,
  // where only <li>s belong (axe "list"): it gets an <li> of its own. select2 finds the cross
  // by its class wherever it is, and draws it anew (so it is wrapped again) on every change.
  function wrapClear(root) {
    root.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear")
      .forEach(function (cross) {
        const item = document.createElement("li");
        item.className = "select2-selection__clear-item";
        cross.replaceWith(item);
        item.appendChild(cross);
      });
  }

  // An open picker's combobox says which list it owns (aria-owns) but not that it controls it,
  // which a combobox that is expanded must (aria-controls, ARIA 1.2): the same list.
  function controls(box) {
    const list = box.getAttribute("aria-owns");
    if (list) box.setAttribute("aria-controls", list);
    else box.removeAttribute("aria-controls");
  }

  // select2 draws its boxes when a picker starts (also in inline rows added later) and again
  // after each choice, so name every box it ever adds; it sets aria-owns as a picker opens
  // and removes it as it closes.
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      if (change.type === "attributes" && change.target.matches(".select2-selection")) {
        controls(change.target);
      }
    });
    wrapClear(document);
    name(document);
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["aria-owns"],
  });
})();
