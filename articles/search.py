"""Text search over articles, behind one function so the database can change.

Today every word of the query must appear in the title or the excerpt (``icontains``).
A later switch to PostgreSQL full-text search (``SearchVector``/``SearchQuery`` and a GIN
index) only has to change :func:`search_articles`; its callers, the list's ``q`` filter
among them, stay as they are.
"""

from django.db.models import Q

# A query is cut to this many words so a pasted paragraph cannot build a huge WHERE clause.
MAX_WORDS = 8


def search_words(query):
    """The distinct words of ``query``, in order, at most ``MAX_WORDS``."""
    words = []
    for word in (query or "").split():
        if word.casefold() not in (w.casefold() for w in words):
            words.append(word)
    return words[:MAX_WORDS]


def search_articles(queryset, query):
    """Narrow ``queryset`` (already ``published()``) to articles matching ``query``.

    Each word must occur in the title or the excerpt, case-insensitively; an empty query
    returns the queryset unchanged. Words are matched as substrings, so ``vision`` also
    finds "supervision".

    Case folding is the database's: PostgreSQL's ``UPPER`` folds every script, but
    SQLite's ``LIKE`` folds ASCII letters only, so there "ÉCOLE" does not find "école".
    """
    for word in search_words(query):
        queryset = queryset.filter(Q(title__icontains=word) | Q(excerpt__icontains=word))
    return queryset
