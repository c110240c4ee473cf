"""``load_demo``: the demo fixture into an empty database, never over an editor's work."""

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.tests.factories import make_topic

pytestmark = pytest.mark.django_db


def test_loads_into_an_empty_database():
    call_command("load_demo", verbosity=0)
    assert Article.objects.count() > 10


def test_a_second_run_keeps_editors_decisions(capsys):
    call_command("load_demo", verbosity=0)
    article = Article.objects.order_by("pk").first()
    article.title = "Retitled by the desk"
    article.status = Article.Status.REJECTED
    article.save()
    count = Article.objects.count()
    call_command("load_demo")
    assert "already has content" in capsys.readouterr().out
    article.refresh_from_db()
    assert (article.title, article.status) == ("Retitled by the desk", Article.Status.REJECTED)
    assert Article.objects.count() == count


def test_any_content_counts(capsys):
    make_topic("Local news")
    call_command("load_demo")
    assert "already has content" in capsys.readouterr().out
    assert not Article.objects.exists()
