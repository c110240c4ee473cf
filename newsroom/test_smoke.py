import pytest
from django.urls import reverse

from articles.tests.factories import make_article


@pytest.mark.django_db
def test_healthz(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.browser
def test_front_page_in_a_real_browser(live_server, page):
    article = make_article(title="Browsers can read this")
    page.goto(live_server.url + "/")
    assert page.get_by_role("link", name=article.title).is_visible()
    assert page.console_errors == []
