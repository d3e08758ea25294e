// Small enhancements; every page works without them.
(function () {
  "use strict";

  // Filters take the whole width of a phone: start them folded there.
  var narrow = window.matchMedia("(max-width: 60rem)");
  document.querySelectorAll("details[data-close-when-narrow]").forEach(function (details) {
    if (narrow.matches) details.open = false;
  });

  // Leave empty fields out of the query, so shared links stay short.
  document.querySelectorAll("form[data-drop-empty]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[name], select[name]").forEach(function (field) {
        if (field.value === "") field.disabled = true;
      });
      window.setTimeout(function () {
        form.querySelectorAll("[disabled]").forEach(function (field) { field.disabled = false; });
      }, 0);
    });
  });

  // Copy buttons: <button data-copy="ID"> copies the text of element ID.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    var status = button.parentElement.querySelector("[role=status]");
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim() + "\n").then(
        function () { if (status) status.textContent = "Copied to the clipboard."; },
        function () { if (status) status.textContent = "Copying failed: select the text and copy it."; }
      );
    });
  });
})();
