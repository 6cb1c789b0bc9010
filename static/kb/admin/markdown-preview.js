// Shows, beside each markdown textarea in the admin (below it on narrow screens), the text as
// the site will render it. The preview is a sandboxed frame holding the site's own stylesheets,
// so the admin's rules (its list bullets and indents, headings, links) cannot change how it looks.
"use strict";
(function () {
  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function frameDocument(stylesheets, html) {
    const links = stylesheets
      .map(function (href) { return '<link rel="stylesheet" href="' + href + '">'; })
      .join("");
    // The same wrappers as on an entry page: `.entry` sets the measure, `.prose` the text.
    return '<!doctype html><html lang="' + (document.documentElement.lang || "ru") + '">' +
      '<head><meta charset="utf-8"><base target="_blank">' + links +
      "</head>" +
      '<body><div class="entry"><div class="prose">' + html + "</div></div></body></html>";
  }

  function attach(textarea) {
    const url = textarea.dataset.previewUrl;
    if (!url || textarea.dataset.previewAttached) return;
    textarea.dataset.previewAttached = "1";
    const stylesheets = (textarea.dataset.previewStylesheets || "").split(" ").filter(Boolean);
    const pane = document.createElement("div");
    pane.className = "markdown-preview";
    const heading = document.createElement("p");
    heading.className = "markdown-preview__label";
    heading.textContent = textarea.dataset.previewLabel || "Предпросмотр";
    const frame = document.createElement("iframe");
    frame.className = "markdown-preview__frame";
    frame.title = heading.textContent;
    // No scripts run inside; same origin only so that the admin can read its height.
    frame.setAttribute("sandbox", "allow-same-origin allow-popups");
    pane.append(heading, frame);
    // The textarea and its preview share a row that wraps on narrow screens.
    const row = document.createElement("div");
    row.className = "markdown-editor";
    textarea.before(row);
    row.append(textarea, pane);

    function fitHeight() {
      const doc = frame.contentDocument;
      if (doc && doc.documentElement) {
        frame.style.height = Math.max(48, doc.documentElement.scrollHeight) + "px";
      }
    }
    frame.addEventListener("load", function () {
      fitHeight();
      frame.dataset.previewReady = "1";
    });
    new ResizeObserver(fitHeight).observe(pane);

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
        frame.srcdoc = frameDocument(stylesheets, json.html);
      } catch (error) {
        frame.srcdoc = frameDocument(stylesheets, "");
      }
    }
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    refresh();
  }

  function attachAll() {
    document.querySelectorAll("textarea[data-markdown-preview]").forEach(function (textarea) {
      // The "add another step" template is copied by the admin; only real steps get previews.
      if (!textarea.closest(".empty-form")) attach(textarea);
    });
  }

  document.addEventListener("DOMContentLoaded", attachAll);
  // A step added with "add another step" is previewed too.
  document.addEventListener("formset:added", attachAll);
})();
