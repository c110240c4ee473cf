"""A password validator for the guesses tried first against a newsroom's logins."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

SEASONS_AND_MONTHS = {
    "spring", "summer", "autumn", "fall", "winter",
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december",
}  # fmt: skip
OBVIOUS_WORDS = {"newsroom", "news", "editor", "desk", "admin", "password", "welcome", "letmein"}


class GuessablePatternValidator:
    """Refuse a guessable word dressed up with digits and symbols.

    "Newsroom1", "Summer2026!" and "Desk#2026" are the site's name, a season or month, or
    a word of the trade, plus a number: the first guesses of any attack on this site.
    The letters of the password, lowercased, must not be one of those words, once or
    repeated.
    """

    def words(self):
        site_name = re.sub(r"[^a-z]", "", settings.NEWSROOM_SITE_NAME.lower())
        return (SEASONS_AND_MONTHS | OBVIOUS_WORDS | {site_name}) - {""}

    def validate(self, password, user=None):
        letters = re.sub(r"[^a-z]", "", password.lower())
        if any(is_repeated(word, letters) for word in self.words()):
            raise ValidationError(
                "This password is a common word with numbers or symbols added: "
                "the site's name, a season or a month are guessed first.",
                code="password_guessable",
            )

    def get_help_text(self):
        return "Your password can't be the site's name, a season or a month plus numbers."


def is_repeated(word, letters):
    """Whether ``letters`` is ``word`` once or several times over."""
    times, rest = divmod(len(letters), len(word))
    return times > 0 and rest == 0 and letters == word * times
