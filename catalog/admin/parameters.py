"""Query parameters of the admin's pages that the database could not take: refused or left out, never a 500.

A NUL character (PostgreSQL cannot hold one) or a number too large for a date or an integer column in a
changelist's filters makes the changelist say its filters are wrong, as Django does for other bad filters; the
same in an add form's prefilled values (`?section=…`) leaves that value out; an autocomplete search holding a NUL
finds nothing (no stored text can hold one).
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError

NUL = "\x00"


def holds_nul(query) -> bool:
    return any(NUL in name or any(NUL in value for value in values) for name, values in query.lists())


class CheckedChangeList(ChangeList):
    def get_filters(self, request):
        if holds_nul(request.GET):
            raise IncorrectLookupParameters("A filter holds a NUL character.")
        try:
            return super().get_filters(request)
        except OverflowError as error:  # a date_hierarchy year or month beyond any date
            raise IncorrectLookupParameters(error) from error


class CheckedParametersMixin:
    """For a ModelAdmin: its changelist, add form and autocomplete read only parameters the database can take."""

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        fields = self.get_form(request).base_fields
        return {name: value for name, value in initial.items() if name not in fields or _valid(fields[name], value)}

    def get_search_results(self, request, queryset, search_term):
        if NUL in search_term:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


def _valid(field, value) -> bool:
    if NUL in str(value):
        return False
    try:
        field.clean(value)
    except (ValidationError, OverflowError):
        return False
    return True
