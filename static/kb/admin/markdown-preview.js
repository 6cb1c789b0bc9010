// Shows, under each markdown textarea in the admin, the text as the site will render it.
"use strict";
(function () {
  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function attach(textarea) {
    const url = textarea.dataset.previewUrl;
    if (!url || textarea.dataset.previewAttached) return;
    textarea.dataset.previewAttached = "1";
    const pane = document.createElement("div");
    pane.className = "markdown-preview";
    pane.setAttribute("aria-live", "polite");
    const heading = document.createElement("p");
    heading.className = "markdown-preview__label";
    heading.textContent = textarea.dataset.previewLabel || "Предпросмотр";
    const body = document.createElement("div");
    body.className = "markdown-preview__body";
    pane.append(heading, body);
    textarea.after(pane);

    let timer = null;
    let latest = 0;
    async function refresh() {
      const request = ++latest;
      const data = new FormData();
      data.append("text", textarea.value);
      try {
        const response = await fetch(url, {
          method: "POST",
          body: data,
          headers: { "X-CSRFToken": csrfToken() },
          credentials: "same-origin",
        });
        if (!response.ok || request !== latest) return;
        const json = await response.json();
        // The server returns HTML sanitised by the same function that renders the site.
        body.innerHTML = json.html;
      } catch (error) {
        body.textContent = "";
      }
    }
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-markdown-preview]").forEach(attach);
  });
})();
