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

  // Filters apply as they change; the page that comes back puts the focus where it was. The Apply button stays for
  // the search box and for pages without this script.
  var FOCUS = "focusAfterApply";
  document.querySelectorAll("form[data-apply-on-change]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      var field = event.target;
      if (!field.name || field.type === "search") return;
      var selector = field.type === "checkbox"
        ? "input[name=\"" + CSS.escape(field.name) + "\"][value=\"" + CSS.escape(field.value) + "\"]"
        : "#" + CSS.escape(field.id);
      try { window.sessionStorage.setItem(FOCUS, selector); } catch (error) { /* focus is not restored */ }
      form.requestSubmit();
    });
  });
  try {
    var selector = window.sessionStorage.getItem(FOCUS);
    window.sessionStorage.removeItem(FOCUS);
    var again = selector && document.querySelector(selector);
    if (again) {
      var folded = again.closest("details");
      if (folded) folded.open = true;
      again.focus();
    }
  } catch (error) { /* no storage: the focus starts at the top */ }

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

  // A selection of papers to cite, kept in this browser across pages: each entry's "Select" box adds or removes
  // its paper; the bar links the selection's list and BibTeX, and copies the BibTeX.
  var bar = document.querySelector("[data-selection]");
  var boxes = document.querySelectorAll("input[data-select-paper]");
  var STORE = "selectedPapers";
  var read = function () {
    try {
      var ids = JSON.parse(window.localStorage.getItem(STORE) || "[]");
      return Array.isArray(ids) ? ids.filter(function (id) { return /^[1-9][0-9]*$/.test(id); }) : [];
    } catch (error) { return []; }
  };
  var write = function (ids) {
    try { window.localStorage.setItem(STORE, JSON.stringify(ids)); } catch (error) { /* private mode: this page only */ }
  };
  if (bar && window.localStorage) {
    var status = bar.querySelector("[data-selection-status]");
    var query = function (ids) { return "?id=" + ids.join(","); };
    var show = function () {
      var ids = read();
      boxes.forEach(function (box) { box.checked = ids.indexOf(box.dataset.selectPaper) !== -1; });
      bar.hidden = ids.length === 0;
      bar.querySelector("[data-selection-count]").textContent = ids.length + (ids.length === 1 ? " paper" : " papers");
      bar.querySelectorAll("[data-selection-link]").forEach(function (link) {
        link.href = link.dataset.selectionLink + query(ids);
      });
    };
    boxes.forEach(function (box) {
      box.closest(".select-paper").hidden = false;
      box.addEventListener("change", function () {
        var ids = read().filter(function (id) { return id !== box.dataset.selectPaper; });
        if (box.checked) ids.push(box.dataset.selectPaper);
        write(ids);
        status.textContent = "";
        show();
      });
    });
    bar.querySelector("[data-selection-clear]").addEventListener("click", function () {
      write([]);
      show();
    });
    var copy = bar.querySelector("[data-selection-copy]");
    copy.hidden = !navigator.clipboard;
    copy.addEventListener("click", function () {
      fetch(bar.querySelector("[data-selection-link][download]").href)
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (text) { return navigator.clipboard.writeText(text); })
        .then(
          function () { status.textContent = "BibTeX of " + read().length + " papers copied to the clipboard."; },
          function () { status.textContent = "Copying failed: download the BibTeX instead."; }
        );
    });
    // Another tab changed the selection.
    window.addEventListener("storage", function (event) { if (event.key === STORE) show(); });
    show();
  }
})();
