"""The reader site's views, one module per kind of page.

- :mod:`.articles`: the front page (filters, sort order, pages), an article's page, its
  related coverage and robots.txt.
- :mod:`.topics`: the topic index and a topic's page.
- :mod:`.stories`: a story's page, "Full coverage" (``articles.coverage``).
- :mod:`.publishers`: the publisher index and a publisher's page. They live here, not in
  ``providers``, because they join publishers with articles and ``providers`` depends on
  nothing in ``articles``; their URL names keep the ``providers:`` namespace.
- :mod:`.mixins`: what those pages share: pages without ``COUNT(*)``, feed links, indexes
  with exact story counts (``articles.counts``).

Every queryset starts from ``Article.objects.published()`` and its companions on
``ArticleQuerySet``, ``TopicQuerySet`` and ``RelatedLinkQuerySet``; views define none of
their own. The one exception is the staff preview in :class:`ArticleDetailView`, which is
never cached.
"""

from .articles import ArticleDetailView, ArticleListView, ArticleRelatedView, robots_txt
from .publishers import ProviderDetailView, ProviderListView
from .stories import StoryDetailView
from .topics import TopicDetailView, TopicListView

__all__ = [
    "ArticleDetailView",
    "ArticleListView",
    "ArticleRelatedView",
    "ProviderDetailView",
    "ProviderListView",
    "StoryDetailView",
    "TopicDetailView",
    "TopicListView",
    "robots_txt",
]
