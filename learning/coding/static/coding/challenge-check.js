// The challenge editor's Check button (learning/coding/editor_check.py): post the edit
// form as it is now to the check URL and show the answer under the button, without
// reloading the page. Served from the app's static files: no CDN.
(function () {
  "use strict";

  function say(box, text) {
    box.textContent = "";
    const p = document.createElement("p");
    p.className = "help-block help-critical";
    p.textContent = text;
    box.appendChild(p);
  }

  async function check(button) {
    const form = button.closest("form");
    const panel = button.closest("[data-challenge-check]");
    const box = panel.querySelector("[data-challenge-check-result]");
    button.disabled = true;
    box.setAttribute("aria-busy", "true");
    box.textContent = "Checking in the sandbox…";
    try {
      // new FormData(form) fires the form's `formdata` event: code editor widgets that
      // copy their text into the form on that event are read as on a save.
      const body = new FormData(form);
      const token = body.get("csrfmiddlewaretoken") || "";
      const response = await fetch(button.dataset.challengeCheckUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest", "X-CSRFToken": token },
      });
      if (response.headers.get("X-Challenge-Check") === "1") {
        // an HTML fragment rendered (and escaped) by the server's template
        box.innerHTML = await response.text();
      } else if (response.status === 403 || response.status === 404) {
        say(box, "You may not check this challenge (HTTP " + response.status + "). Reload the page and sign in again if your session ended.");
      } else {
        say(box, "The check could not run (HTTP " + response.status + "). Save your work, reload the page and try again.");
      }
    } catch (error) {
      say(box, "The server could not be reached. Check your connection and click Check again.");
    } finally {
      box.removeAttribute("aria-busy");
      button.disabled = false;
    }
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-challenge-check-url]");
    if (button) {
      event.preventDefault();
      check(button);
    }
  });
})();
