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
        # One publisher whichever way its internationalised name is spelled.
        ("MÜNCHEN.de", "xn--mnchen-3ya.de"),
        ("https://www.münchen.de/x", "xn--mnchen-3ya.de"),
        ("xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
        ("ｋnowtechie.com", "knowtechie.com"),  # a full-width k, as browsers map it
        ("WWW。example。com", "example.com"),  # ideographic full stops
        ("faß.de", "xn--fa-hia.de"),  # as browsers resolve it: not fass.de
        ("ςοφία.gr", "xn--kxae4blv.gr"),  # a final sigma kept
        ("☃.net", "xn--n3h.net"),
        (
            "münchen.de。",
            "xn--mnchen-3ya.de",
        ),  # a full-width trailing dot  # IDNA 2008 disallows it; browsers resolve it so
    ],
)
def test_normalize_domain(raw, expected):
    assert normalize_domain(raw) == expected
