"""The reader site's URLconfs, one a namespace, both included by ``newsroom/urls.py``.

- :mod:`.articles` (``articles:``): the front page, articles, topics and the site's feeds.
- :mod:`.publishers` (``providers:``): publisher pages and feeds. They are served from
  the articles app (``providers`` knows nothing of articles) under the name templates and
  links have always used.
"""
