from django.urls import path

from . import views

app_name = "providers"

urlpatterns = [
    path("providers/", views.ProviderListView.as_view(), name="provider_list"),
    path("providers/<str:domain>/", views.ProviderDetailView.as_view(), name="provider_detail"),
]
