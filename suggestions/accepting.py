"""Accepting a suggestion through the paper add form (`?suggestion=ID`): filled from the suggestion, edited by the
maintainer, and saved as the paper in one transaction with the suggestion marked accepted."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from catalog.models import PaperAuthor, PaperLink
from suggestions.models import Suggestion
from suggestions.services import NotPending, accept, paper_initial

QUEUE = "admin:suggestions_suggestion_changelist"


class AcceptSuggestionMixin:
    """For the paper admin: its add form takes a pending suggestion's values and marks it accepted on save."""

    def suggestion(self, request) -> Suggestion | None:
        pk = request.GET.get("suggestion", "")
        return Suggestion.objects.select_related("section").filter(pk=pk).first() if pk.isdigit() else None

    def add_view(self, request, form_url="", extra_context=None):
        if "suggestion" not in request.GET:
            return super().add_view(request, form_url, extra_context)
        suggestion = self.suggestion(request)
        if suggestion is None or suggestion.status != Suggestion.Status.PENDING:
            messages.error(request, "This suggestion is not pending any more: it was accepted or rejected already.")
            return redirect(QUEUE)
        context = {**(extra_context or {}), "subtitle": f"From the suggestion of {suggestion.suggester}"}
        try:
            return super().add_view(request, form_url, context)
        except NotPending:
            messages.error(request, "Nothing was added: another maintainer reviewed this suggestion meanwhile.")
            return redirect(QUEUE)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        suggestion = self.suggestion(request)
        return {**initial, **paper_initial(suggestion)} if suggestion else initial

    def get_formsets_with_inlines(self, request, obj=None):
        for inline in self.get_inline_instances(request, obj):
            initial = self._suggested_rows(request, obj, inline)
            extra = {"extra": len(initial)} if initial else {}
            yield inline.get_formset(request, obj, **extra), inline

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if request.method != "POST" and (initial := self._suggested_rows(request, obj, inline)):
            kwargs["initial"] = initial
        return kwargs

    def _suggested_rows(self, request, obj, inline) -> list[dict]:
        """The inline rows a new paper gets from the suggestion: its authors, its code link."""
        suggestion = self.suggestion(request) if obj is None or obj.pk is None else None
        if suggestion is None:
            return []
        if inline.model is PaperLink and suggestion.code_url:
            label = "Github" if "github.com" in suggestion.code_url.lower() else "Code"
            return [{"kind": PaperLink.Kind.CODE, "label": label, "url": suggestion.code_url, "position": 0}]
        if inline.model is PaperAuthor:
            names = [name.strip() for name in suggestion.authors.split(",") if name.strip()]
            return [{"name": name, "position": position} for position, name in enumerate(names)]
        return []

    def log_addition(self, request, obj, message):
        suggestion = self.suggestion(request)
        if suggestion is None:
            return super().log_addition(request, obj, message)
        accept(suggestion=suggestion, paper=obj, user=request.user)
        return super().log_addition(request, obj, f"Added from the suggestion of {suggestion.suggester}.")

    def response_add(self, request, obj, post_url_continue=None):
        suggestion = self.suggestion(request)
        if suggestion is None or "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        link = reverse("admin:catalog_paper_change", args=[obj.pk])
        message = format_html('Accepted <a href="{}">“{}”</a>, suggested by {}.', link, obj, suggestion.suggester)
        messages.success(request, message)
        return redirect(QUEUE)
