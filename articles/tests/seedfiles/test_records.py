"""One seed file's bytes to a checked record (bad files: test_import_errors.py)."""

from articles.seedfiles import load_seed

from ..seedtext import render_seed, seed_record


def test_a_real_shaped_record():
    record = load_seed(render_seed(seed_record(3, related=2)).encode())
    assert record.url_style == "web"
    assert len(record.related) == 2
    assert record.related[0].domain == "publisher6.example"
    assert record.warnings == []
