"""What the log says about the outside world's noise: one line, no traceback."""

import logging

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_a_bad_host_header_is_one_warning_line(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) == 1
    (record,) = records
    assert record.name == "django.security.DisallowedHost"
    assert record.levelname == "WARNING"
    assert record.exc_info is None
    line = logging.Formatter(settings.LOGGING["formatters"]["line"]["format"]).format(record)
    assert "\n" not in line
    assert "Traceback" not in line
    assert (
        "WARNING django.security.DisallowedHost: Invalid HTTP_HOST header: 'evil.example'" in line
    )


@pytest.mark.django_db
def test_a_host_with_a_newline_stays_on_one_line(client, caplog):
    response = client.get("/", headers={"host": "evil.example\nFORGED ERROR"})
    assert response.status_code == 400
    (record,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "\n" not in record.getMessage()


def test_other_errors_keep_their_traceback(caplog):
    """The filter is on the DisallowedHost logger only."""
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /")
    (record,) = caplog.records
    assert record.levelname == "ERROR"
    assert record.exc_info is not None
