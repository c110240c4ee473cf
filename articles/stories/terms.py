"""The significant words of a headline and an excerpt's lead, with no database access.

``significant_terms(title, excerpt)`` gives ``{term: Term}``: lower-cased words of three
letters or more (digits kept: "6.1", "2020"), less the stop words, a plural ``s`` or a
possessive folded ("cameras" and "camera" are one term), from the headline (weight 2) and
the first ``EXCERPT_CHARS`` of the excerpt (weight 1), at most ``MAX_TERMS``, headline
first. A word written with a capital inside a sentence (not its first word, and not a
headline in Title Case, where every word has one) is a *name*: a place, a person, an
organisation. Distinct events told in the same words ("earthquake strikes off the coast
of ...") differ in their names, so names are what the text evidence checks last.
"""

import re
import unicodedata
from typing import NamedTuple

EXCERPT_CHARS = 300
MAX_TERMS = 40
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
    """``(word, is_name)`` for each word of ``text``, sentence by sentence."""
    for sentence in SENTENCE_END.split(text):
        words = WORD.findall(sentence)
        capitals = sum(1 for w in words if w[:1].isupper())
        title_case = len(words) > 3 and capitals >= 0.6 * len(words)
        for index, word in enumerate(words):
            is_name = index > 0 and not title_case and word[:1].isupper() and not word.isupper()
            yield word, is_name or (word.isupper() and len(word) > 1 and word.isalpha())


def significant_terms(title, excerpt=""):
    """``{term: Term}`` for a headline and an excerpt (see the module's docstring)."""
    terms = {}
    for text, weight in ((title, 2), (excerpt[:EXCERPT_CHARS], 1)):
        for word, is_name in _words(text):
            term = fold(word)
            if len(term) < 3 or term in STOP_WORDS or fold(word.lower()) in STOP_WORDS:
                continue
            old = terms.get(term)
            if old is None:
                if len(terms) >= MAX_TERMS:
                    continue
                terms[term] = Term(weight, is_name)
            elif is_name and not old.is_name:
                terms[term] = Term(old.weight, True)
    return terms
