"""Admin forms refuse a change after which the README could not be written, instead of saving it."""

from django.core.exceptions import ValidationError

from catalog.services.publish import Unexportable, check_exportable


class ExportableChangesMixin:
    """Saves a change, checks that the sections it touches can still be written into the README, and if not,
    rolls it back (the admin saves in a transaction) and shows the form again with the reason."""

    def touched_section_ids(self, obj) -> set[int]:
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        check_exportable(section_ids=self.touched_section_ids(form.instance))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Unexportable as error:
            request.export_problem = str(error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        problem = getattr(request, "export_problem", None)
        if problem is None:
            return form

        class RefusedForm(form):
            def clean(self):
                super().clean()
                raise ValidationError(
                    "Not saved: the README could not be written with this change: %(problem)s.",
                    code="unexportable",
                    params={"problem": problem},
                )

        return RefusedForm
