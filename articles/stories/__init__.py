"""Stories: our articles that tell one event, grouped at import and by editors.

``clustering`` keeps membership up to date as chunks are imported (``cluster_articles``)
and rebuilds it for a whole database (``cluster_all``); ``editing`` is what editors do
(split, merge, take out, choose the lead and title); ``terms`` finds the significant
words of a headline. The admin and the commands call these; none of them sees a request.
"""

from .clustering import ClusterResult, cluster_all, cluster_articles
from .editing import merge_stories, split_story, take_out_of_stories

__all__ = [
    "ClusterResult",
    "cluster_all",
    "cluster_articles",
    "merge_stories",
    "split_story",
    "take_out_of_stories",
]
