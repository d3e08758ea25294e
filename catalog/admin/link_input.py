"""The inline link rows of papers and resources: each input named for assistive technology, and the label chosen
from the labels in use ("Github", "Blog", "Demo", …) or typed."""

from collections import Counter

from django import forms
from django.db.models import Count

from catalog.admin.forms import label_inputs
from catalog.models import PaperLink, ResourceLink

LABELS_OFFERED = 30


def labels_in_use() -> list[str]:
    """The labels of the catalog's links, most used first."""
    counts = Counter()
    for model in (PaperLink, ResourceLink):
        counts.update(dict(model.objects.values_list("label").annotate(n=Count("id"))))
    return [label for label, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0].lower()))][:LABELS_OFFERED]


class LinkLabelInput(forms.TextInput):
    template_name = "catalog/widgets/link_label_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"].update({"list": f"{widget['attrs']['id']}-choices", "autocomplete": "off"})
        widget["labels"] = labels_in_use()
        return context


class LinkForm(forms.ModelForm):
    """A link row of a tabular inline, whose column headers do not label its inputs."""

    class Meta:
        widgets = {"label": LinkLabelInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_inputs(self, "Link")
