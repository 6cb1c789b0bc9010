/* Suggestions under the search boxes, and "/" to jump to search.
 *
 * Every input[data-search-input] becomes a WAI-ARIA 1.2 combobox with a list of suggestions
 * (role="listbox", options with a title and a kind label) fetched as the reader types from
 * data-suggest-url?q=… ({"results": [{"title", "kind_label", "url"}, …]}). The highlighted option
 * is aria-activedescendant of the input, so focus never leaves the input: ArrowDown and ArrowUp
 * move (wrapping), Enter opens the highlighted entry (with none highlighted the form is submitted
 * to the full search page, as without JavaScript), Escape closes the list and a second Escape
 * empties the box, Tab closes. A click or tap on an option opens it. A polite live region says
 * how many suggestions are shown; its texts come from the template, translated:
 * data-suggest-counts ("1 … | 2 … | … | 8 …", one per number of suggestions),
 * data-suggest-none and data-suggest-label (the list's name).
 *
 * "/" anywhere outside a text field focuses the first search box of the page (the header's,
 * or the home page's own).
 */
(function () {
  "use strict";

  var DELAY = 80; // ms after the last keystroke
  var MIN_LENGTH = 2;

  function sameOriginPath(url) {
    // Only links to this site are followed, whatever the response says.
    try {
      var target = new URL(url, window.location.href);
      return target.origin === window.location.origin ? target.href : null;
    } catch (error) {
      return null;
    }
  }

  function enhance(input, index) {
    var endpoint = input.getAttribute("data-suggest-url");
    if (!endpoint || !window.fetch) return;
    var counts = (input.getAttribute("data-suggest-counts") || "").split("|");
    var baseId = input.id || "search-" + index;

    var listbox = document.createElement("ul");
    listbox.id = baseId + "-suggestions";
    listbox.className = "search-suggest";
    listbox.setAttribute("role", "listbox");
    if (input.hasAttribute("data-suggest-label")) {
      listbox.setAttribute("aria-label", input.getAttribute("data-suggest-label"));
    }
    listbox.hidden = true;

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");

    var row = input.closest(".search-form__row") || input;
    row.insertAdjacentElement("afterend", listbox);
    listbox.insertAdjacentElement("afterend", status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("aria-expanded", "false");

    var options = []; // [{element, url}]
    var active = -1;
    var shownFor = null; // the query whose suggestions the list holds
    var timer = null;
    var controller = null;
    var sequence = 0;
    var cache = new Map();

    function query() {
      return input.value.trim();
    }

    function announce(text) {
      if (status.textContent !== text) status.textContent = text;
    }

    function highlight(next) {
      if (active >= 0 && options[active]) {
        options[active].element.removeAttribute("aria-selected");
      }
      active = next;
      if (active >= 0 && options[active]) {
        var element = options[active].element;
        element.setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", element.id);
        element.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function isOpen() {
      return !listbox.hidden;
    }

    function open() {
      if (!options.length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      highlight(-1);
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function pending() {
      return timer !== null || controller !== null;
    }

    function cancel() {
      window.clearTimeout(timer);
      timer = null;
      sequence += 1;
      if (controller) controller.abort();
      controller = null;
    }

    function render(text, results) {
      highlight(-1);
      listbox.textContent = "";
      options = [];
      shownFor = text;
      results.forEach(function (result) {
        var url = sameOriginPath(result.url);
        if (!url || !result.title) return;
        var element = document.createElement("li");
        element.id = baseId + "-suggestion-" + options.length;
        element.className = "search-suggest__option";
        element.setAttribute("role", "option");
        var title = document.createElement("span");
        title.className = "search-suggest__title";
        title.textContent = result.title;
        element.appendChild(title);
        if (result.kind_label) {
          // A comma between title and kind for screen readers; the layout separates them.
          var comma = document.createElement("span");
          comma.className = "visually-hidden";
          comma.textContent = ", ";
          var kind = document.createElement("span");
          kind.className = "search-suggest__kind";
          kind.textContent = result.kind_label;
          element.appendChild(comma);
          element.appendChild(kind);
        }
        listbox.appendChild(element);
        options.push({ element: element, url: url });
      });
      if (options.length) {
        open();
        announce(counts[options.length - 1] || counts[counts.length - 1] || "");
      } else {
        close();
        announce(input.getAttribute("data-suggest-none") || "");
      }
    }

    function fetchSuggestions(text) {
      cancel();
      if (cache.has(text)) {
        render(text, cache.get(text));
        return;
      }
      var mine = sequence;
      controller = window.AbortController ? new AbortController() : null;
      var url = new URL(endpoint, window.location.href);
      url.searchParams.set("q", text);
      window
        .fetch(url.href, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: controller ? controller.signal : undefined,
        })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          var results = data && Array.isArray(data.results) ? data.results : [];
          if (cache.size > 50) cache.clear();
          cache.set(text, results);
          // A later keystroke has asked again, or the box changed: this answer is stale.
          if (mine !== sequence) return;
          controller = null;
          if (query() !== text) return;
          render(text, results);
        })
        .catch(function () {
          // Aborted, offline or a server error: no list; Enter still searches the full page.
          if (mine !== sequence) return;
          controller = null;
          close();
        });
    }

    function schedule() {
      cancel();
      var text = query();
      if (text.length < MIN_LENGTH) {
        close();
        announce("");
        return;
      }
      // The list shown stays until the new one comes, but nothing in it is chosen any more:
      // Enter now searches for what was typed.
      highlight(-1);
      timer = window.setTimeout(function () {
        timer = null;
        fetchSuggestions(text);
      }, DELAY);
    }

    function reopen() {
      // Show the list again for the text it was made for (after Escape, a click elsewhere).
      if (options.length && shownFor === query()) {
        open();
        return true;
      }
      return false;
    }

    function go(position, inNewTab) {
      var option = options[position];
      if (!option) return;
      if (inNewTab) {
        window.open(option.url, "_blank", "noopener");
        return;
      }
      close();
      window.location.assign(option.url);
    }

    input.addEventListener("input", schedule);

    input.addEventListener("keydown", function (event) {
      if (event.isComposing || event.ctrlKey || event.metaKey) return;
      switch (event.key) {
        case "ArrowDown":
        case "ArrowUp": {
          var down = event.key === "ArrowDown";
          if (!isOpen()) {
            if (!reopen()) {
              if (query().length >= MIN_LENGTH) fetchSuggestions(query());
              return;
            }
            event.preventDefault();
            if (!event.altKey) highlight(down ? 0 : options.length - 1);
            return;
          }
          event.preventDefault();
          var count = options.length;
          if (active < 0) highlight(down ? 0 : count - 1);
          else highlight((active + (down ? 1 : -1) + count) % count);
          return;
        }
        case "Enter":
          if (isOpen() && active >= 0) {
            event.preventDefault();
            go(active);
          }
          return; // otherwise the form is submitted
        case "Escape":
          if (isOpen() || pending()) {
            // A list on its way is stopped like a list shown.
            event.preventDefault();
            cancel();
            close();
          } else if (input.value) {
            event.preventDefault();
            cancel();
            input.value = "";
            announce("");
          }
          return;
        case "Tab":
          close();
          return;
        default:
          return;
      }
    });

    // Keep the focus in the box when an option is pressed, so the list stays until the click.
    ["pointerdown", "mousedown"].forEach(function (type) {
      listbox.addEventListener(type, function (event) { event.preventDefault(); });
    });
    listbox.addEventListener("click", function (event) {
      var element = event.target.closest('[role="option"]');
      if (!element) return;
      var position = options.findIndex(function (option) { return option.element === element; });
      go(position, event.ctrlKey || event.metaKey || event.shiftKey);
    });

    input.addEventListener("click", function () {
      if (!isOpen()) reopen();
    });

    input.addEventListener("focusout", function (event) {
      // Focus moved elsewhere (not a press on the list, which keeps it): close.
      if (event.relatedTarget && !listbox.contains(event.relatedTarget)) close();
    });

    document.addEventListener("pointerdown", function (event) {
      if (isOpen() && event.target !== input && !listbox.contains(event.target)) close();
    });

    if (input.form) input.form.addEventListener("submit", function () { cancel(); close(); });

    // Back from an entry (page restored from the back-forward cache): no stale open list.
    window.addEventListener("pageshow", function () { close(); });
  }

  var inputs = document.querySelectorAll("input[data-search-input]");
  inputs.forEach(enhance);

  function typingIn(element) {
    if (!element || element === document.body) return false;
    if (element.isContentEditable) return true;
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    // "/" wherever it is on the layout (Shift+\ on the Russian one), or the key that gives "/"
    // on the US layout (it types "." on the Russian one), so nobody has to switch layouts.
    var slash = event.key === "/" || (event.code === "Slash" && !event.shiftKey);
    if (!slash || !inputs.length) return;
    if (typingIn(event.target) || typingIn(document.activeElement)) return;
    event.preventDefault();
    inputs[0].focus();
    inputs[0].select();
  });
  if (inputs.length) inputs[0].setAttribute("aria-keyshortcuts", "/");
})();
