import pytest

from providers.domains import normalize_domain


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("www.cbc.ca", "cbc.ca"),
        ("FT.com", "ft.com"),
        ("https://www.Independent.co.uk/news", "independent.co.uk"),
        ("example.com:8080", "example.com"),
        ("example.com.", "example.com"),
        ("  theverge.com ", "theverge.com"),
    ],
)
def test_normalize_domain(raw, expected):
    assert normalize_domain(raw) == expected
