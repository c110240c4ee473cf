from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from .models import Article, RelatedLink, Topic


class PublishedArticleMixin:
    """Every public article view starts from ``Article.objects.published()``."""

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("provider")
            .prefetch_related("images", "topics")
        )


class ArticleListView(PublishedArticleMixin, ListView):
    paginate_by = 20


class ArticleDetailView(PublishedArticleMixin, DetailView):
    def get_queryset(self):
        visible_links = RelatedLink.objects.filter(is_hidden=False).select_related("provider")
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("related_links", queryset=visible_links, to_attr="visible_related")
            )
        )


class TopicListView(ListView):
    model = Topic


class TopicDetailView(DetailView):
    model = Topic
