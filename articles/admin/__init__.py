"""The editorial admin: the review queue first, then topics, publishers, imports, history.

One module a page of the desk, each registering its own admin class:

- ``articles``: the review queue and the article change page (``ArticleAdmin``);
- ``decisions``: the table of moderation decisions, from which the queue's bulk
  actions, the change page's buttons and the one-article pages are made;
- ``topics`` and ``publishers``: renamed, counted and merged, by one merge action;
- ``stories``: titled, given a lead, merged (split on the queue, grouped by story);
- ``imports`` and ``history``: records the system keeps, read-only;
- ``accounts``: Django's user and group admins, with the desk's safe ``_to_field``;
- ``filters``, ``actions`` and ``base``: the pieces these share.

Dependencies point one way: these modules call the services (``articles.moderation``,
``articles.merging``) and the models; nothing outside the admin imports them.
"""

from .accounts import GroupAdmin, UserAdmin
from .articles import ArticleAdmin
from .history import StatusChangeAdmin
from .imports import ImportRunAdmin
from .publishers import ProviderAdmin
from .stories import StoryAdmin
from .topics import TopicAdmin

__all__ = [
    "ArticleAdmin",
    "GroupAdmin",
    "ImportRunAdmin",
    "ProviderAdmin",
    "StatusChangeAdmin",
    "StoryAdmin",
    "TopicAdmin",
    "UserAdmin",
]
