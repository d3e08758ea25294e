"""What the README writes of an entry that the catalog has no field for, shown and edited in the admin as written."""

from django import forms
from django.utils.html import format_html

from catalog.readme import text_problem
from catalog.readme.layout import new_entry_hints
from catalog.readme.rows import NO_LINKS, kept_cell_problem
from catalog.services.entry_readme import EntryInReadme, entry_in_readme

_WRITTEN = "_written_in_readme"
README_FIELDSET = "In the README"
_KEPT_CELL = "kept_cell_"


def readme_of(entry) -> EntryInReadme | None:
    """How the saved `entry` is written in the README, worked out once per instance (a change page asks for its
    fieldsets, its form and its display)."""
    if entry.pk is None:
        return None
    if _WRITTEN not in entry.__dict__:
        entry.__dict__[_WRITTEN] = entry_in_readme(entry)
    return entry.__dict__[_WRITTEN]


def readme_lines(entry) -> str:
    """The entry's lines in the README, as preformatted text (a dash for an entry not saved yet)."""
    written = readme_of(entry)
    if written is None:
        return "-"
    return format_html('<pre class="readme-lines">{}</pre>', "\n".join(written.lines))


class ReadmeTextMixin:
    """What the README writes of a paper that the catalog has no field for, edited as written: the description of a
    paper written as a list item or heading, and its cells in the columns of its table the catalog does not know
    (`kept_cell_0`, ... labelled with the column's name; on the change form, as the table is known once saved)."""

    def add_readme_fields(self):
        written = readme_of(self.instance)
        self.kept_columns = written.kept_columns if written else []
        values = readme_field_values(self.instance)
        self.fields["readme_description"].initial = values["readme_description"]
        for index, name in enumerate(self.kept_columns):
            self.fields[kept_cell_field(index)] = forms.CharField(
                required=False,
                label=f"{name} (README column)",
                initial=values[kept_cell_field(index)],
                help_text="As written in the README table: markdown, a '|' written '\\|'.",
                widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
            )
        self.recorded_fields = list(values)

    def clean_readme_description(self):
        value = self.cleaned_data["readme_description"]
        if problem := text_problem(value, required=False):
            raise forms.ValidationError(f"The description {problem}.")
        return value

    def check_readme_description(self, cleaned):
        """A description needs a paper written as a list item or heading: a table row has no place for one."""
        section = cleaned.get("section")
        if not cleaned.get("readme_description") or section is None:
            return
        hints = self.instance.render_hints if self.instance.pk else new_entry_hints(section.render_hints, paper=True)
        if not hints.get("shape"):
            self.add_error(
                "readme_description",
                "This paper is a row of a README table, which has no place for a description.",
            )

    def clean(self):
        cleaned = super().clean()
        for index in range(len(self.kept_columns)):
            value = cleaned.get(kept_cell_field(index))
            if value is not None and (problem := kept_cell_problem(value)):
                self.add_error(kept_cell_field(index), f"The cell {problem}.")
        self.check_readme_description(cleaned)
        return cleaned

    def edited_hints(self, hints: dict) -> dict:
        if "readme_description" in self.changed_data:
            hints.pop("description_source", None)
            hints.pop("description", None)
            if self.cleaned_data["readme_description"]:
                hints["description"] = self.cleaned_data["readme_description"]
        fields = [kept_cell_field(index) for index in range(len(self.kept_columns))]
        if set(fields) & set(self.changed_data):
            hints["kept_cells"] = [self.cleaned_data[name] for name in fields]
        return hints


def readme_field_values(entry) -> dict[str, str]:
    """The values of the README fields of a paper's form: its description, and its cells in its table's columns
    the catalog has no field for (the table's placeholder where a row has none)."""
    hints = entry.render_hints
    written = readme_of(entry)
    cells, empty = hints.get("kept_cells", []), hints.get("empty", NO_LINKS)
    kept = written.kept_columns if written else []
    values = {"readme_description": hints.get("description", "")}
    values |= {kept_cell_field(index): cells[index] if index < len(cells) else empty for index in range(len(kept))}
    return values


def kept_cell_field(index: int) -> str:
    return f"{_KEPT_CELL}{index}"


def with_kept_cells(fieldsets, entry) -> list:
    """`fieldsets` with a field for each kept cell of `entry`'s table row in the README fieldset."""
    written = readme_of(entry)
    names = [kept_cell_field(index) for index in range(len(written.kept_columns))] if written else []
    return [
        (name, {**options, "fields": [*options["fields"], *names]}) if name == README_FIELDSET else (name, options)
        for name, options in fieldsets
    ]


def without_kept_cells(fields) -> list[str]:
    """The fields of a form class: the kept cells' fields are added by each form, for its entry's table."""
    return [name for name in fields if not name.startswith(_KEPT_CELL)]
