// The admin's autocomplete pickers (select2) type into a search box of their own that has no
// label; screen readers then announce an unnamed field. Each box gets its field's label.
"use strict";
(function () {
  function labelOf(select) {
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function name(root) {
    root.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
      const container = field.closest(".select2-container");
      const select = container && container.previousElementSibling;
      if (select && select.tagName === "SELECT") {
        const text = labelOf(select);
        if (text) field.setAttribute("aria-label", text);
      }
    });
  }

  // select2 draws the box again after each choice, so name every box it ever adds.
  new MutationObserver(function () { name(document); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
