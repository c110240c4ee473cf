"""Admin search that stays one bounded query however long the search box's text."""

from django.utils.text import smart_split

# More words than anyone types; each one is another AND-ed condition over every
# search field, and past about 1,000 SQLite gives up ("Expression tree is too large").
MAX_SEARCH_WORDS = 20


class BoundedSearchMixin:
    """Search on the first ``MAX_SEARCH_WORDS`` words of the query only."""

    def get_search_results(self, request, queryset, search_term):
        words = list(smart_split(search_term))
        if len(words) > MAX_SEARCH_WORDS:
            search_term = " ".join(words[:MAX_SEARCH_WORDS])
        return super().get_search_results(request, queryset, search_term)
