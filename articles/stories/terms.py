"""The significant words of a headline and an excerpt's lead, with no database access.

``significant_terms(title, excerpt)`` gives ``{term: Term}``: lower-cased words of three
letters or more (digits kept: "6.1", "2020"), less the stop words, a plural ``s`` or a
possessive folded ("cameras" and "camera" are one term), from the headline (weight 2) and
the first ``EXCERPT_CHARS`` of the excerpt (weight 1), at most ``MAX_TERMS``, headline
first. A word written with a capital inside a sentence (not its first word, and not a
headline in Title Case, where every word has one), and never without, is a *name*: a
place, a person, an organisation. Distinct events told in the same words ("earthquake
strikes off the coast of ...") differ in their names, so names are what the text
evidence checks last.
"""

import functools
import re
import unicodedata
from typing import NamedTuple

EXCERPT_CHARS = 160
MAX_TERMS = 16
MAX_TERM_LENGTH = 40

WORD = re.compile(r"[^\W_]+(?:[.’'-][^\W_]+)*")
SENTENCE_END = re.compile(r"[.!?:;]\s+|\n")

_STOP_WORDS = """
    a about above after again against all almost also although always am among an and
    another any anyone anything are around as at away back be became because become been
    before being below between both but by came can cannot could did do does doing done
    down during each either else even ever every few first for from further get gets got
    had has have having he her here hers herself him himself his how however i if in into
    is it its itself just last least less like made make makes many may me might more
    most much must my myself near need needs never new next no nor not now of off often
    on once one only or other others our ours ourselves out over own part per put rather
    really said same say says see seen set several she should show shows since so some
    still such take takes than that the their theirs them themselves then there these they
    thing things this those though three through thus to too two under until up upon us
    use used very via want was way we week well were what when where whether which while
    who whom whose why will with within without would year years yet you your yours
    yourself today yesterday here’s what’s it’s don’t doesn’t can’t won’t isn’t
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


class Term(NamedTuple):
    weight: int  # 2: in the headline; 1: in the excerpt's lead only
    is_name: bool


@functools.lru_cache(maxsize=1 << 16)
def fold(word):
    """Lower case, accents off, curly apostrophes straight, a plural or possessive off."""
    word = unicodedata.normalize("NFKD", word.lower().replace("’", "'"))
    word = "".join(c for c in word if not unicodedata.combining(c))
    if word.endswith("'s"):
        word = word[:-2]
    elif len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word[:MAX_TERM_LENGTH]


def _words(text):
    """``[(word, capitalised)]`` for each word of ``text``: True or False inside a sentence
    in sentence case, None where a capital says nothing (a sentence's first word, a
    headline in Title Case). A list, not a generator: the importer calls this for every
    article, and the generator's overhead was a third of its cost."""
    found = []
    for sentence in SENTENCE_END.split(text):
        words = WORD.findall(sentence)
        if not words:
            continue
        capitals = [word[0].isupper() for word in words]
        title_case = len(words) > 3 and capitals.count(True) >= 0.6 * len(words)
        for index, word in enumerate(words):
            if word.isupper() and len(word) > 1 and word.isalpha():
                found.append((word, True))  # an acronym
            elif index == 0 or title_case:
                found.append((word, None))
            else:
                found.append((word, capitals[index]))
    return found


def significant_terms(title, excerpt=""):
    """``{term: Term}`` for a headline and an excerpt (see the module's docstring). A
    term is a name when written with a capital wherever a capital means something, at
    least once: "Bank" in "the Bank of England" is no name beside "the central bank"."""
    terms, capitals = {}, {}
    for text, weight in ((title, 2), (excerpt[:EXCERPT_CHARS], 1)):
        for word, capitalised in _words(text):
            term = fold(word)
            if len(term) < 3 or term in STOP_WORDS:
                continue
            if term not in terms:
                if len(terms) >= MAX_TERMS:
                    continue
                terms[term] = weight
            if capitalised is not None:
                capitals[term] = capitals.get(term, True) and capitalised
    return {term: Term(weight, capitals.get(term, False)) for term, weight in terms.items()}


def headline_terms(title):
    """The significant words of a headline, as a set (no weights, no names): what a
    related item's headline is checked against."""
    return {term for word in WORD.findall(title) if len(term := fold(word)) > 2} - STOP_WORDS
