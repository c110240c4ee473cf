"""A story's page, "Full coverage": the reader's lead, our other articles on it, and the
outside coverage by publisher (``articles.coverage`` decides what readers see)."""

from django.views.generic import TemplateView

from ..coverage import coverage_for
from ..templatetags.site_tags import clip, safe_url
from .mixins import FeedLinksMixin


def _publisher(provider, request):
    data = {"@type": "Organization", "name": provider.name}
    home = safe_url(f"https://{provider.domain}/")
    if home:
        data["url"] = home
    logo = safe_url(provider.display_logo_url)
    if logo:
        data["logo"] = {"@type": "ImageObject", "url": request.build_absolute_uri(logo)}
    return data


class StoryDetailView(FeedLinksMixin, TemplateView):
    """One story; a story with no published member is not found."""

    template_name = "articles/story_detail.html"
    feed_url_name = "articles:story_feed_{format}"

    def get_feed_url_kwargs(self):
        return {"slug": self.coverage.story.slug}

    def get(self, request, *args, **kwargs):
        self.coverage = coverage_for(kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def structured_data(self, canonical):
        """schema.org for a page that gathers news articles: a ``CollectionPage`` whose
        main entity is the ``ItemList`` of our ``NewsArticle``s on the story, lead first."""
        coverage = self.coverage
        items = []
        for position, article in enumerate(coverage.members, start=1):
            url = self.request.build_absolute_uri(article.get_absolute_url())
            item = {
                "@type": "NewsArticle",
                "headline": article.title,
                "url": url,
                "datePublished": article.published_at.isoformat(),
                "dateModified": article.updated_at.isoformat(),
                "publisher": _publisher(article.provider, self.request),
                "author": _publisher(article.provider, self.request),
            }
            images = [image.url for image in article.images.all() if safe_url(image.url)]
            if images:
                item["image"] = images
            if based_on := safe_url(article.url):
                item["isBasedOn"] = based_on
            items.append({"@type": "ListItem", "position": position, "item": item})
        return {
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": coverage.title,
            "description": clip(coverage.lead.excerpt, 300),
            "url": canonical,
            "datePublished": coverage.first_published.isoformat(),
            "dateModified": coverage.last_modified.isoformat(),
            "mainEntity": {
                "@type": "ItemList",
                "numberOfItems": len(items),
                "itemListElement": items,
            },
        }

    def get_context_data(self, **kwargs):
        canonical = self.request.build_absolute_uri(self.coverage.story.get_absolute_url())
        kwargs.update(
            coverage=self.coverage,
            story=self.coverage.story,
            canonical_url=canonical,
            structured_data=self.structured_data(canonical),
            feed_title=self.coverage.title,
        )
        return super().get_context_data(**kwargs)
