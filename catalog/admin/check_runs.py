"""Link checks and metadata refreshes from the admin: the check runs' list with the two buttons, the view they post
to, and the same as actions on the entries selected in the papers' and resources' lists."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from catalog.admin.parameters import CheckedParametersMixin
from catalog.models import CheckRun
from catalog.services.check_runs import RunRefused
from catalog.tasks import start_check_run

# The papers' and resources' lists, with the buttons and the last run of each kind above them.
ENTRY_CHANGE_LIST = "admin/catalog/entry_change_list.html"
# Who may check the whole catalog: the work writes the link results and the metadata of papers and resources.
WHOLE_CATALOG_PERMISSIONS = ("catalog.change_paper", "catalog.change_resource")
LEVELS = {
    CheckRun.Status.QUEUED: messages.INFO,
    CheckRun.Status.RUNNING: messages.INFO,
    CheckRun.Status.DONE: messages.SUCCESS,
}


def start(request, *, kind: str, selection=None) -> None:
    """Start a run of `kind` for the user and say in a message how it went, or why it did not start."""
    try:
        run = start_check_run(kind=kind, user=request.user, selection=selection)
    except RunRefused as refused:
        messages.error(request, str(refused))
        return
    link = reverse("admin:catalog_checkrun_change", args=[run.pk])
    what = f"{run.get_kind_display().capitalize()} of {run.scope}"
    if run.active:
        text = format_html('{} {}: <a href="{}">follow it in the check runs</a>.', what, run.state(), link)
    else:
        text = format_html('{} {}: {} (<a href="{}">the whole report</a>)', what, run.state(), run.outcome(), link)
    messages.add_message(request, LEVELS.get(run.status, messages.ERROR), text)


@require_POST
def start_view(request):
    if not request.user.has_perms(WHOLE_CATALOG_PERMISSIONS):
        raise PermissionDenied("Checking the whole catalog needs the change permission on papers and resources.")
    kind = request.POST.get("kind", "")
    if kind not in CheckRun.Kind.values:
        messages.error(request, f"Nothing started: {kind!r} is neither a link check nor a metadata refresh.")
    else:
        start(request, kind=kind)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("admin:catalog_checkrun_changelist")


def _selection(modeladmin, queryset) -> dict[str, list[int]]:
    return {modeladmin.model._meta.model_name: sorted(queryset.values_list("pk", flat=True))}


@admin.action(description="Check the links of the selected %(verbose_name_plural)s", permissions=["change"])
def check_links_of_selected(modeladmin, request, queryset):
    start(request, kind=CheckRun.Kind.LINKS, selection=_selection(modeladmin, queryset))


@admin.action(description="Refresh the metadata of the selected %(verbose_name_plural)s", permissions=["change"])
def refresh_metadata_of_selected(modeladmin, request, queryset):
    start(request, kind=CheckRun.Kind.METADATA, selection=_selection(modeladmin, queryset))


CHECK_ACTIONS = [check_links_of_selected, refresh_metadata_of_selected]


@admin.register(CheckRun)
class CheckRunAdmin(CheckedParametersMixin, admin.ModelAdmin):
    """Every run, newest first, with where it is and what it found; read-only."""

    list_display = ["what", "state", "requested_by", "requested_at", "finished_at", "outcome"]
    list_filter = ["kind", "status"]
    list_select_related = ["requested_by"]
    date_hierarchy = "requested_at"
    fields = [
        "kind",
        "scope",
        "status",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "step",
        "done",
        "total",
        "summary",
        "error",
    ]

    def get_urls(self):
        starting = path("start/", self.admin_site.admin_view(start_view), name="catalog_checkrun_start")
        status = path(
            "<int:run_id>/status/", self.admin_site.admin_view(self.status_view), name="catalog_checkrun_status"
        )
        return [starting, status, *super().get_urls()]

    @method_decorator(require_GET)
    def status_view(self, request, run_id):
        """Where run `run_id` is, as JSON, for the admin's pages to follow it (static/js/admin-check-runs.js):
        whether it is still `active`, its state and outcome, and its line as `html`."""
        if not self.has_view_permission(request):
            return JsonResponse({"error": "You may not view check runs."}, status=403)
        run = get_object_or_404(CheckRun, pk=run_id)
        line = render_to_string("admin/catalog/check_run_state.html", {"run": run}, request=request)
        return JsonResponse(
            {
                "active": run.active,
                "state": run.state(),
                "done": run.done,
                "total": run.total,
                "outcome": run.outcome(),
                "html": line,
            }
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="check", ordering="kind")
    def what(self, run):
        return f"{run.get_kind_display().capitalize()} of {run.scope}"

    @admin.display(description="where it is")
    def state(self, run):
        return run.state()

    @admin.display(description="what it found")
    def outcome(self, run):
        return run.outcome()
