"""Full-text search over articles' titles and excerpts, the same on SQLite and PostgreSQL.

The index is the database's own (migration 0004), kept in step by triggers whatever
writes an article: an FTS5 table on SQLite, a GIN-indexed ``search_vector`` on
PostgreSQL. This module parses the query once, in Python, and asks each database the
same question:

- the query is a list of *terms*: each whitespace-separated word, or each "quoted
  phrase" (an unbalanced quote runs to the end); every term must match (AND);
- a term is the run of its *tokens*: letters and digits, everything else a separator,
  so ``Europe’s``, ``Europe's`` and ``"Europe s"`` are all the phrase *europe s*, and
  ``ft.com`` is *ft com*; tokens match whole (no prefixes), case and accents folded;
- folded means ``search_tokens()``: PostgreSQL's ``unaccent`` rules (``Ø`` is *o*, ``ß``
  *ss*, ``ﬁ`` *fi*, ``Ё`` *е*), lower case, and every character that is not a letter or
  a decimal digit a separator (``①`` is punctuation). PostgreSQL folds the text it
  indexes so with ``articles_search_text()``; SQLite's FTS5 index holds the text as
  this function folds it, from the copy of those rules in ``articles/unaccent.rules``
  (PostgreSQL 15's ``contrib/unaccent``, under the PostgreSQL License), so both
  databases hold the same words. Changing the rules means rebuilding both indexes;
- results come best first (a title match weighs more than an excerpt match), then
  newest first.

User text never reaches the database as syntax: each term becomes a quoted FTS5 phrase
of its tokens, or a ``phraseto_tsquery`` of them.
"""

import importlib
import re
import unicodedata
from functools import cache, reduce
from operator import and_
from pathlib import Path

from django.db import connections
from django.db.models import BooleanField, Expression, F, Func, Value
from django.utils.html import escape
from django.utils.safestring import mark_safe

from newsroom.paginators import bounded_count

# A query is cut to this many terms, each to this many tokens, and the whole to this many
# characters, so a pasted paragraph cannot build a huge query.
MAX_WORDS = 8
MAX_PHRASE_TOKENS = 16
MAX_QUERY_CHARS = 1000

# Title matches count this much more than excerpt matches (PostgreSQL's default weights
# for A and B, given to SQLite's bm25 too).
TITLE_WEIGHT, EXCERPT_WEIGHT = 1.0, 0.4

FTS_TABLE = "articles_article_fts"
# PostgreSQL indexes no word longer than this (in UTF-8): a query term holding one
# could never match there, so it matches nothing on either database.
MAX_WORD_BYTES = 2047
# Runs of letters and digits of every kind, combining marks excluded (re's \w).
TOKEN_RE = re.compile(r"[^\W_]+")
TERM_RE = re.compile(r'"([^"]*)"?|([^\s"]+)')
QUOTES = str.maketrans(dict.fromkeys("“”„«»", '"'))


def search_terms(query):
    """The distinct terms of ``query``, in order, each a tuple of folded tokens.

    ``'Grand "École d’été" grand'`` gives ``[("grand",), ("ecole", "d", "ete")]``.
    """
    return _all_terms(query)[:MAX_WORDS]


def search_was_cut(query):
    """Whether ``query`` says more than the search reads: over ``MAX_QUERY_CHARS``
    characters, over ``MAX_WORDS`` terms, or a phrase over ``MAX_PHRASE_TOKENS`` words."""
    terms = _all_terms(query, cap=None)
    return (
        len(query or "") > MAX_QUERY_CHARS
        or len(terms) > MAX_WORDS
        or any(len(term) > MAX_PHRASE_TOKENS for term in terms)
    )


def _all_terms(query, cap=MAX_PHRASE_TOKENS):
    text = unicodedata.normalize("NFC", (query or "")[:MAX_QUERY_CHARS]).translate(QUOTES)
    terms, seen = [], set()
    for phrase, word in TERM_RE.findall(text):
        tokens = tuple(search_tokens(phrase or word))[:cap]
        if tokens and tokens not in seen:
            seen.add(tokens)
            terms.append(tokens)
    return terms


def search_words(query):
    """The distinct terms of ``query`` as strings, at most ``MAX_WORDS``."""
    return [" ".join(tokens) for tokens in search_terms(query)]


@cache
def _unaccent():
    """``articles/unaccent.rules`` as a ``str.translate`` table: one character a line,
    a tab, what it becomes (nothing, for a combining mark)."""
    table = {}
    rules = Path(__file__).with_name("unaccent.rules").read_text(encoding="utf-8")
    for line in rules.splitlines():
        source, _, target = line.partition("\t")
        if source:
            table[ord(source)] = target
    return table


def _is_word_character(character):
    # What PostgreSQL's [[:alnum:]] is under ICU (u_isalnum): letters and decimal digits.
    category = unicodedata.category(character)
    return category[0] == "L" or category == "Nd"


def search_tokens(text):
    """The words of ``text`` as the search indexes and compares them (the module says
    how): ``"Ørsted’s ①ﬁnal"`` gives ``["orsted", "s", "final"]``."""
    folded = (text or "").translate(_unaccent()).lower()
    tokens = []
    for run in TOKEN_RE.findall(folded):
        if run.isascii() or all(map(_is_word_character, run)):
            tokens.append(run)
            continue
        word = ""
        for character in run:  # a run holding other numbers (①, Ⅻ) splits at them
            if _is_word_character(character):
                word += character
            elif word:
                tokens.append(word)
                word = ""
        if word:
            tokens.append(word)
    return tokens


def search_text(text):
    """``text`` folded to its words, space-separated: what SQLite's index holds (its
    triggers call it as ``newsroom_search_text()``). ``None`` stays ``None``."""
    return None if text is None else " ".join(search_tokens(text))


def register_sqlite_function(sender, connection, **kwargs):
    """``connection_created``: give a SQLite connection ``newsroom_search_text()``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "newsroom_search_text", 1, search_text, deterministic=True
        )


def search_articles(queryset, query):
    """Narrow ``queryset`` to articles matching ``query``, best match first, then newest.

    Pass ``Article.objects.published()`` for readers; the admin passes its own queryset.
    An empty query returns ``queryset`` itself, unordered by relevance; a query with no
    letters or digits in it (``"_"``, ``"***"``) matches nothing. Each article gets a
    ``search_rank`` (higher is better).
    """
    if not (query or "").strip():
        return queryset
    terms = search_terms(query)
    if not terms or any(len(t.encode()) > MAX_WORD_BYTES for term in terms for t in term):
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        queryset = _search_postgresql(queryset, terms)
    else:
        queryset = _search_sqlite(queryset, terms)
    return queryset.order_by("-search_rank", "-published_at", "-id")


def matching_ids(queryset, query):
    """The ids of the articles in ``queryset`` matching ``query``, for ``pk__in=``.

    An empty query matches every article of ``queryset``.
    """
    return search_articles(queryset, query).order_by().values("pk")


def count_matches(queryset, query, cap):
    """How many articles of ``queryset`` match ``query``, counting no further than
    ``cap + 1``: a result above ``cap`` means "more than ``cap``" (as the topic pages'
    ``capped_count``)."""
    return bounded_count(search_articles(queryset, query), cap + 1)


# SQLite: an FTS5 MATCH joined on rowid ---------------------------------------------


class MatchesFts(Expression):
    """``articles_article_fts MATCH %s`` for the article row of this query.

    Written as an expression rather than ``extra(where=…)`` so that it names the
    article table by the query's alias, which changes when the query is a subquery.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, match):
        super().__init__()
        self.match = match

    def as_sql(self, compiler, connection):
        article = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"{FTS_TABLE}.rowid = {article}.id AND {FTS_TABLE} MATCH %s", [self.match]


def fts5_match(terms):
    """The FTS5 query for ``terms``: each a quoted phrase of its tokens, all required."""
    return " ".join('"{}"'.format(" ".join(tokens).replace('"', '""')) for tokens in terms)


def _search_sqlite(queryset, terms):
    # bm25() is smaller for better matches; search_rank is higher for them, as on PG.
    rank = f"-bm25({FTS_TABLE}, {TITLE_WEIGHT}, {EXCERPT_WEIGHT})"
    return queryset.extra(tables=[FTS_TABLE], select={"search_rank": rank}).filter(
        MatchesFts(fts5_match(terms))
    )


# PostgreSQL: the search_vector column against a tsquery ----------------------------


class SearchVectorColumn(Expression):
    """The ``search_vector`` column of this query's article row (not a model field)."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        article = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"{article}.search_vector", []


def tsquery(terms):
    """A ``SearchQuery`` requiring every term, each a phrase of its folded tokens."""
    from django.contrib.postgres.search import SearchQuery

    return reduce(
        and_,
        (
            SearchQuery(
                Func(Value(" ".join(tokens)), function="articles_search_text"),
                config="simple",
                search_type="phrase",
            )
            for tokens in terms
        ),
    )


def _search_postgresql(queryset, terms):
    from django.contrib.postgres.search import SearchRank

    query = tsquery(terms)
    return (
        queryset.alias(search_vector=SearchVectorColumn())
        .filter(search_vector=query)
        .annotate(
            search_rank=SearchRank(
                F("search_vector"), query, weights=[0.0, 0.0, EXCERPT_WEIGHT, TITLE_WEIGHT]
            )
        )
    )


# Keeping the SQLite triggers ---------------------------------------------------------


def restore_sqlite_triggers(using="default", **kwargs):
    """Put back the FTS5 triggers if a migration dropped them, and re-index.

    Django's SQLite schema editor alters a table by copying it into a new one and
    dropping the old, which drops the old table's triggers with it. Run after every
    ``migrate`` (``post_migrate``); a no-op when the triggers are there.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    migration = importlib.import_module("articles.migrations.0022_search_folding")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            [f"{FTS_TABLE}%"],
        )
        present = {name for (name,) in cursor.fetchall()}
        if FTS_TABLE not in present or present >= set(migration.SQLITE_TRIGGERS):
            return False
        for sql in [*migration.SQLITE_TRIGGERS.values(), *migration.SQLITE_REBUILD]:
            cursor.execute(sql)
    return True


# Highlighting --------------------------------------------------------------------


def highlight(text, query, max_words=None):
    """``text`` as safe HTML, escaped, with each match of ``query`` in ``<mark>``.

    With ``max_words``, a snippet: that many words from just before the first match,
    with "…" where text was cut. Matching follows the search's rules (whole tokens, case
    and accents folded, phrases as runs of tokens), done here in Python so that it is the
    same on both databases and nothing but ``<mark>`` is ever unescaped.
    """
    text = text or ""
    tokens = list(TOKEN_RE.finditer(text))
    # The folded words, each with the run of the text it comes from (a run may give
    # several, "①x" or "1℃", or none, a lone "①").
    words, runs = [], []
    for index, match in enumerate(tokens):
        for word in search_tokens(match.group()):
            words.append(word)
            runs.append(index)
    marked = [False] * len(tokens)
    for wanted in search_terms(query):
        for start in range(len(words) - len(wanted) + 1):
            if tuple(words[start : start + len(wanted)]) == wanted:
                for index in runs[start : start + len(wanted)]:
                    marked[index] = True

    first, last = 0, len(tokens)
    if max_words and len(tokens) > max_words:
        first = max(0, min(marked.index(True) if True in marked else 0, last - max_words) - 3)
        last = min(last, first + max_words)
    begin = tokens[first].start() if first else 0
    end = tokens[last - 1].end() if last < len(tokens) else len(text)

    parts, position = ["…" if begin else ""], begin
    index = first
    while index < last:
        if not marked[index]:
            index += 1
            continue
        run_end = index
        while run_end + 1 < last and marked[run_end + 1]:
            run_end += 1
        start, stop = tokens[index].start(), tokens[run_end].end()
        parts += [escape(text[position:start]), "<mark>", escape(text[start:stop]), "</mark>"]
        position, index = stop, run_end + 1
    parts += [escape(text[position:end]), "…" if end < len(text) else ""]
    return mark_safe("".join(parts))
