"""The review queue: pending suggestions newest first with their duplicate check, a review page per suggestion
(accept through the paper add form, or reject with a reason) and a bulk reject for spam bursts."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from catalog.admin.actions import ActionFormErrorsMixin, CatalogActionForm, for_actions
from suggestions.duplicates import find_duplicates
from suggestions.models import Suggestion
from suggestions.services import reject

REASON_MAX_LENGTH = Suggestion._meta.get_field("reason").max_length


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason for rejecting",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Kept with the suggestion, for the maintainers.",
    )


class SuggestionActionForm(CatalogActionForm):
    reason = forms.CharField(
        required=False,
        label="Reason",
        max_length=REASON_MAX_LENGTH,
        widget=for_actions(forms.TextInput(attrs={"placeholder": "e.g. spam"}), "reject_selected"),
    )


class StatusFilter(admin.SimpleListFilter):
    """Pending suggestions unless another status is chosen."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Suggestion.Status.choices, ("all", "All")]

    def choices(self, changelist):
        current = self.value() or Suggestion.Status.PENDING
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or Suggestion.Status.PENDING
        return queryset if value == "all" else queryset.filter(status=value)


@admin.action(description="Reject the selected suggestions with the reason", permissions=["change"])
def reject_selected(modeladmin, request, queryset):
    reason = request.POST.get("reason", "").strip()
    if not reason:
        modeladmin.message_user(request, "Give a reason next to the action, then run it again.", messages.ERROR)
        return
    with transaction.atomic():
        count = reject(suggestions=queryset, reason=reason[:REASON_MAX_LENGTH], user=request.user)
    modeladmin.message_user(request, f"Rejected {count} suggestion{'s' if count != 1 else ''}.", messages.SUCCESS)


@admin.register(Suggestion)
class SuggestionAdmin(ActionFormErrorsMixin, admin.ModelAdmin):
    list_display = ["title", "reference_link", "section", "credit", "created_at", "duplicate_check", "status"]
    list_filter = [StatusFilter]
    list_select_related = ["section"]
    search_fields = ["title", "url", "reference", "credit"]
    ordering = ["-created_at", "-id"]
    action_form = SuggestionActionForm
    actions = [reject_selected]

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": "Readers' suggestions to review", **(extra_context or {})})

    @admin.display(description="link")
    def reference_link(self, suggestion):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', suggestion.url, suggestion.reference)

    @admin.display(description="already there?")
    def duplicate_check(self, suggestion):
        return duplicate_summary(suggestion)

    def get_urls(self):
        reject_url = path(
            "<path:object_id>/reject/",
            self.admin_site.admin_view(self.reject_view),
            name="suggestions_suggestion_reject",
        )
        return [reject_url, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review page, in place of a change form: a reader's suggestion is accepted or rejected, not edited."""
        return self._review(request, self._get(request, object_id), RejectForm())

    def _get(self, request, object_id):
        suggestion = self.get_object(request, object_id)
        if suggestion is None:
            raise Http404("There is no such suggestion.")
        if not self.has_view_or_change_permission(request, suggestion):
            raise PermissionDenied
        return suggestion

    def _review(self, request, suggestion, reject_form, status=200):
        can_change = self.has_change_permission(request, suggestion)
        pending = suggestion.status == Suggestion.Status.PENDING
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Suggestion: {suggestion}",
            "suggestion": suggestion,
            "duplicates": find_duplicates(url=suggestion.url, title=suggestion.title, exclude_pk=suggestion.pk),
            "can_accept": pending and can_change and request.user.has_perm("catalog.add_paper"),
            "can_reject": pending and can_change,
            "accept_url": f"{reverse('admin:catalog_paper_add')}?suggestion={suggestion.pk}",
            "reject_form": reject_form,
        }
        return TemplateResponse(request, "admin/suggestions/suggestion/review.html", context, status=status)

    @method_decorator(require_POST)
    def reject_view(self, request, object_id):
        suggestion = self._get(request, object_id)
        if not self.has_change_permission(request, suggestion):
            raise PermissionDenied
        form = RejectForm(request.POST)
        if not form.is_valid():
            return self._review(request, suggestion, form, status=400)
        with transaction.atomic():
            rejected = reject(suggestions=[suggestion], reason=form.cleaned_data["reason"], user=request.user)
        if rejected:
            self.message_user(request, f"Rejected “{suggestion}”.", messages.SUCCESS)
        else:
            self.message_user(request, f"“{suggestion}” was not pending any more; nothing changed.", messages.WARNING)
        return redirect("admin:suggestions_suggestion_changelist")


def duplicate_summary(suggestion):
    found = find_duplicates(url=suggestion.url, title=suggestion.title, exclude_pk=suggestion.pk)
    parts = []
    if found.papers:
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:catalog_paper_change", args=[paper.pk]), paper.title) for paper in found.papers),
        )
        parts.append(format_html("Listed: {}", links))
    if found.pending:
        links = format_html_join(
            ", ",
            '<a href="{}">#{}</a>',
            ((reverse("admin:suggestions_suggestion_change", args=[other.pk]), other.pk) for other in found.pending),
        )
        parts.append(format_html("Also suggested: {}", links))
    return format_html_join("; ", "{}", ((part,) for part in parts)) if parts else "No"
