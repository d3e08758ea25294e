"use strict";
// The paper add form: a pasted arXiv id or URL, OpenReview URL or DOI fills in the title, URL, date, authors
// and abstract from the source. What the maintainer typed is kept; what a previous lookup filled is replaced.
// The admin loads it in the page's head: it starts once the form is there.
document.addEventListener("DOMContentLoaded", function () {
  const input = document.getElementById("id_reference");
  if (!input || !input.dataset.lookupUrl) return;

  const button = document.createElement("button");
  button.type = "button";
  button.className = "button lookup-button";
  button.textContent = "Fill in";
  const status = document.createElement("p");
  status.className = "lookup-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  input.after(button);
  button.after(status);

  const filled = new Map();

  function typedByHand(field) {
    return field.value.trim() !== "" && filled.get(field) !== field.value;
  }

  function setValue(field, value) {
    field.value = value;
    filled.set(field, value);
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function fillField(id, value, label, report) {
    const field = document.getElementById(id);
    if (!field || !value) return;
    if (typedByHand(field)) {
      report.kept.push(label);
    } else {
      setValue(field, value);
      report.filled.push(label);
    }
  }

  function nameInputs() {
    return Array.from(
      document.querySelectorAll('#paper_authors-group input[name^="paper_authors-"][name$="-name"]'),
    ).filter((field) => !field.name.includes("__prefix__"));
  }

  function fillAuthors(names, report) {
    const group = document.getElementById("paper_authors-group");
    if (!group || !names.length) return;
    if (nameInputs().some(typedByHand)) {
      report.kept.push("authors");
      return;
    }
    const addRow = group.querySelector(".add-row a");
    while (nameInputs().length < names.length && addRow) addRow.click();
    const fields = nameInputs();
    fields.forEach((field, index) => {
      const row = field.closest("tr");
      if (index >= names.length) {
        const remove = row && row.querySelector("a.inline-deletelink");
        if (remove) remove.click();
        return;
      }
      setValue(field, names[index]);
      const position = row && row.querySelector('input[name$="-position"]');
      if (position) setValue(position, String(index));
    });
    report.filled.push(names.length === 1 ? "1 author" : `${names.length} authors`);
  }

  function show(message, failed) {
    status.textContent = message;
    status.classList.toggle("lookup-failed", failed);
  }

  async function lookUp() {
    const reference = input.value.trim();
    if (!reference) return;
    button.disabled = true;
    show(`Looking up ${reference}…`, false);
    try {
      const address = `${input.dataset.lookupUrl}?${new URLSearchParams({ reference })}`;
      const response = await fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok || answer.error) {
        const reason = answer.error || `The lookup failed (HTTP ${response.status}); fill in the fields by hand.`;
        show(reason, true);
        return;
      }
      const report = { filled: [], kept: [] };
      fillField("id_title", answer.title, "title", report);
      fillField("id_url", answer.url, "URL", report);
      fillField("id_date", answer.date, "date", report);
      fillAuthors(answer.authors || [], report);
      fillField("id_abstract", answer.abstract, "abstract", report);
      fillField("id_doi", answer.doi, "DOI", report);
      fillField("id_openreview_id", answer.openreview_id, "OpenReview id", report);
      fillField("id_arxiv_primary_category", answer.arxiv_primary_category, "arXiv category", report);
      let message = `Filled in from ${answer.source}: ${report.filled.join(", ") || "nothing new"}.`;
      if (report.kept.length) message += ` Kept what you typed: ${report.kept.join(", ")}.`;
      show(message, false);
    } catch (error) {
      show("The lookup could not be made; fill in the fields by hand.", true);
    } finally {
      button.disabled = false;
    }
  }

  button.addEventListener("click", lookUp);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      lookUp();
    }
  });
  input.addEventListener("paste", () => setTimeout(lookUp, 0));
});
