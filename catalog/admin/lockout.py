"""The page shown when django-axes locks out sign-ins after repeated failures."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timeuntil


def lockout_page(request, response=None, credentials=None):
    now = timezone.now()
    context = {
        **admin.site.each_context(request),
        "username": (credentials or {}).get("username") or request.POST.get("username", ""),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off": timeuntil(now + settings.AXES_COOLOFF_TIME, now),
    }
    return render(request, "admin/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
