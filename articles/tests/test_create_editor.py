"""``create_editor``: a staff login in the Editors group, or a clear error."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_creates_a_staff_user_in_the_editors_group(monkeypatch, capsys):
    monkeypatch.setenv("NEWSROOM_EDITOR_PASSWORD", "a-long-desk-password")
    call_command("create_editor", "alice", "--email", "alice@example.com")
    user = get_user_model().objects.get(username="alice")
    assert user.is_staff and not user.is_superuser
    assert user.email == "alice@example.com"
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert user.check_password("a-long-desk-password")
    assert user.has_perm("articles.publish_article")
    assert not user.has_perm("auth.add_user")
    assert "alice" in capsys.readouterr().out


def test_existing_user_is_an_error(monkeypatch):
    monkeypatch.setenv("NEWSROOM_EDITOR_PASSWORD", "a-long-desk-password")
    get_user_model().objects.create_user("bob")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_editor", "bob")


def test_no_password_without_a_terminal_is_an_error(monkeypatch):
    monkeypatch.delenv("NEWSROOM_EDITOR_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="NEWSROOM_EDITOR_PASSWORD"):
        call_command("create_editor", "carol", "--no-input")
    assert not get_user_model().objects.filter(username="carol").exists()


def test_weak_password_is_refused(monkeypatch):
    monkeypatch.setenv("NEWSROOM_EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_editor", "dave")
    assert not get_user_model().objects.filter(username="dave").exists()


def test_prompts_in_a_terminal(monkeypatch):
    monkeypatch.delenv("NEWSROOM_EDITOR_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["a-long-desk-password", "a-long-desk-password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("create_editor", "erin", verbosity=0)
    assert get_user_model().objects.get(username="erin").check_password("a-long-desk-password")
