from django.views.generic import DetailView, ListView

from .models import Provider


class ProviderListView(ListView):
    queryset = Provider.objects.filter(is_blocked=False)


class ProviderDetailView(DetailView):
    queryset = Provider.objects.filter(is_blocked=False)
    slug_field = "domain"
    slug_url_kwarg = "domain"
