from django.db.models import Count
from django.views.generic import DetailView, TemplateView

from catalog.models import Paper, Resource, Section, Venue


class HomeView(TemplateView):
    template_name = "catalog/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = Section.objects.filter(level__gte=1).annotate(
            paper_count=Count("papers", distinct=True),
            resource_count=Count("resources", distinct=True),
            child_count=Count("children", distinct=True),
        )
        context["sections"] = [s for s in sections if s.paper_count or s.resource_count or s.child_count]
        context["counts"] = {
            "papers": Paper.objects.count(),
            "resources": Resource.objects.count(),
            "venues": Venue.objects.count(),
        }
        return context


class PaperDetailView(DetailView):
    queryset = Paper.objects.select_related("venue", "section").prefetch_related("links", "tags")


class ResourceDetailView(DetailView):
    queryset = Resource.objects.select_related("section").prefetch_related("links", "tags")


class SectionDetailView(DetailView):
    model = Section

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["papers"] = self.object.papers.select_related("venue").prefetch_related("links").order_by("position")
        context["resources"] = self.object.resources.prefetch_related("links").order_by("position")
        context["subsections"] = self.object.children.all()
        return context
