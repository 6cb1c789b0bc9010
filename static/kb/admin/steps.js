// Keeps the steps' headings «Шаг 1», «Шаг 2», … in their order on the page: after a drag,
// after "add another" and after removing a new step.
"use strict";
(function () {
  function renumber(group) {
    const template = group.dataset.stepLabel || "{n}";
    const rows = group.querySelectorAll(".inline-related:not(.empty-form)");
    rows.forEach(function (row, index) {
      const label = row.querySelector(".step-label");
      if (label) label.textContent = template.replace("{n}", String(index + 1));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".steps-group[data-step-label]").forEach(function (group) {
      const rows = group.querySelector("fieldset");
      new MutationObserver(function () { renumber(group); }).observe(rows, { childList: true });
      renumber(group);
    });
  });
})();
