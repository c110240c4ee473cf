"""The publishers app depends on nothing in ``articles``: what joins the two lives there.

Read from the source with ``ast`` (no module is imported), so an import hidden inside a
function counts as much as one at the top of a file. The app's tests may use articles
to build data; its code and its migrations may not.
"""

import ast
from pathlib import Path

import pytest

import providers

APP_DIR = Path(providers.__file__).parent


def app_modules():
    """Every module of the app but its tests, migrations included."""
    for path in sorted(APP_DIR.rglob("*.py")):
        if "tests" not in path.relative_to(APP_DIR).parts:
            yield path


def package_of(path):
    """The dotted package a module file belongs to, as parts (``providers.migrations``)."""
    return path.relative_to(APP_DIR.parent).with_suffix("").parts[:-1]


def imported_modules(source, package):
    """The absolute names of the modules ``source`` imports, relative ones resolved
    from ``package``; imports inside functions and ``if`` blocks count too."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            yield ".".join([*base, *filter(None, [node.module])])
        elif isinstance(node, ast.ImportFrom):
            yield node.module


def imports_articles(name):
    return name == "articles" or name.startswith("articles.")


def test_the_check_reads_every_module_of_the_app_but_its_tests():
    names = {path.relative_to(APP_DIR).as_posix() for path in app_modules()}
    assert {"models.py", "domains.py", "validators.py", "migrations/0001_initial.py"} <= names
    assert not any(name.startswith("tests/") for name in names)


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("import articles.models", ["articles.models"]),
        ("from articles import models", ["articles"]),
        ("def f():\n    from articles.models import Article", ["articles.models"]),
        ("from . import models", ["providers.migrations"]),
        ("from ..models import Provider", ["providers.models"]),
    ],
)
def test_the_check_sees_every_spelling_of_an_import(source, names):
    assert list(imported_modules(source, ("providers", "migrations"))) == names


def test_only_the_articles_package_counts():
    assert imports_articles("articles") and imports_articles("articles.models")
    assert not imports_articles("articles_extra") and not imports_articles("providers.articles")


def test_no_module_of_the_providers_app_imports_articles():
    offenders = [
        f"{path.relative_to(APP_DIR.parent)} imports {name}"
        for path in app_modules()
        for name in imported_modules(path.read_text(encoding="utf-8"), package_of(path))
        if imports_articles(name)
    ]
    assert offenders == []
