"""The public form: a suggestion is stored for review, never shown on the site until a maintainer accepts it."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from suggestions.forms import SuggestionForm
from suggestions.throttle import take_one


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request):
    if request.method != "POST":
        return _form_page(request, SuggestionForm())
    form = SuggestionForm(request.POST)
    if form.honeypot_filled:
        return render(request, "suggestions/refused.html", status=400)
    limited = take_one(request)
    if limited:
        response = render(request, "suggestions/limited.html", {"limited": limited}, status=429)
        response["Retry-After"] = str(limited.retry_after)
        return response
    if not form.is_valid():
        return _form_page(request, form, status=200 if form.duplicates else 400)
    form.save()
    return redirect("suggestions:thanks")


def _form_page(request, form, status=200):
    context = {
        "form": form,
        "rate_limit": settings.SUGGESTIONS_RATE_LIMIT,
        "rate_window_minutes": max(1, settings.SUGGESTIONS_RATE_WINDOW // 60),
    }
    return render(request, "suggestions/suggest.html", context, status=status)


def thanks(request):
    return render(request, "suggestions/thanks.html")
