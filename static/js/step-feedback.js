/* "Did this step help?" without leaving the page.
 *
 * Each step has a form that posts a vote (and, after it, one for an optional comment). Without
 * JavaScript they post and come back to the step with a thank-you. Here they are sent with
 * fetch instead, the answer is announced in the step's live region, and after a vote the
 * comment field is offered under the step.
 */
(function () {
  "use strict";

  function announce(region, message) {
    // Emptied first, so the same message said twice is announced twice.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  function send(form, submitter) {
    var body = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    return fetch(form.action, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (answer) {
        return { ok: response.ok, answer: answer };
      });
    });
  }

  function enhance(block) {
    var status = block.querySelector("[data-feedback-status]");
    var vote = block.querySelector(".step-feedback__vote");
    var comment = block.querySelector("[data-feedback-comment]");
    var label = comment.querySelector("label");
    var field = comment.querySelector("textarea");

    function chosen(helped) {
      vote.querySelectorAll("button").forEach(function (button) {
        button.classList.toggle("is-chosen", button.value === (helped ? "yes" : "no"));
      });
    }

    block.querySelectorAll("form[data-feedback-form]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        // One answer at a time; the buttons stay enabled so that focus stays where it is.
        if (form.dataset.busy) return;
        form.dataset.busy = "1";
        send(form, event.submitter)
          .then(function (result) {
            announce(status, result.answer.message);
            if (!result.ok) return;
            chosen(result.answer.helped);
            if (form === comment) {
              field.value = "";
              comment.hidden = true;
              // The form that had the focus is gone: give it to the answer given.
              var given = vote.querySelector(".is-chosen");
              if (given) given.focus();
            } else if (!result.answer.commented) {
              comment.elements.helped.value = result.answer.helped ? "yes" : "no";
              label.textContent = result.answer.helped ? label.dataset.labelYes : label.dataset.labelNo;
              comment.hidden = false;
            }
          })
          .catch(function () { announce(status, status.dataset.failed); })
          .then(function () { delete form.dataset.busy; });
      });
    });
  }

  document.querySelectorAll("[data-step-feedback]").forEach(enhance);
})();
