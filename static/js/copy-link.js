/* Copy buttons and the print button of an entry page.
 *
 * Buttons carrying data-copy-link copy that URL, and buttons carrying data-copy-text (a
 * situation's phrase cards) copy that text alone: through the Clipboard API where the page may
 * use it (HTTPS or localhost), else through a selected text field and execCommand("copy"), and
 * when even that fails the text is left selected in a field for the reader to copy. The result
 * is announced in the #copy-status live region, in the button's own words (data-copied,
 * data-manual) when it has them. Without JavaScript the buttons stay hidden; links are ordinary
 * links and phrases ordinary text.
 */
(function () {
  "use strict";

  var status = document.getElementById("copy-status");

  function announce(message) {
    if (!status) return;
    // Emptied first, so saying the same message twice is announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function copyWithSelection(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.top = "0";
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    field.remove();
    return copied;
  }

  function offerManualCopy(button, text) {
    var field = button.parentNode.querySelector("input.copy-field");
    if (!field) {
      field = document.createElement("input");
      field.type = "text";
      field.readOnly = true;
      field.className = "copy-field";
      field.setAttribute("aria-label", button.getAttribute("aria-label") || button.textContent);
      button.insertAdjacentElement("afterend", field);
    }
    field.value = text;
    field.focus();
    field.select();
  }

  function message(button, name) {
    return button.dataset[name] || (status ? status.dataset[name] : "");
  }

  function copy(button) {
    var text = button.hasAttribute("data-copy-link")
      ? button.getAttribute("data-copy-link")
      : button.getAttribute("data-copy-text");
    var done = function () { announce(message(button, "copied")); };
    var fallback = function () {
      if (copyWithSelection(text)) {
        done();
      } else {
        offerManualCopy(button, text);
        announce(message(button, "manual"));
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  document.querySelectorAll("[data-copy-link], [data-copy-text]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });

  document.querySelectorAll("[data-print]").forEach(function (control) {
    control.hidden = false;
    control.addEventListener("click", function (event) {
      event.preventDefault();
      window.print();
    });
  });
})();
