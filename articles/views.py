from django.views.generic import DetailView, ListView

from .models import Article, Topic


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
    pass


class TopicListView(ListView):
    model = Topic


class TopicDetailView(DetailView):
    model = Topic
