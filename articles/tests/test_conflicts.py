"""An editor's decision or merge that meets another writer is run again, not lost.

The first tests hold ``retried``'s rules on any database. The others race real
transactions on PostgreSQL, a second connection in a thread each (``transaction=True``,
so each side sees what the other commits): a deadlock with an editor's decision, and
an import committing an article of a publisher being merged.
"""

import threading
from unittest import mock

import pytest
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction

from articles import conflicts, merging, moderation
from articles.models import Article, StatusChange
from providers.models import Provider, ProviderAlias

from .factories import make_article, make_provider

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's row locks: SQLite lets one writer in at a time",
)
Status = Article.Status


class Cause(Exception):
    def __init__(self, sqlstate):
        self.sqlstate = sqlstate


def database_error(sqlstate, message="deadlock detected"):
    error = OperationalError(message)
    error.__cause__ = Cause(sqlstate)
    return error


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_transaction_aborted_for_a_conflict_is_run_again_with_nothing_of_the_lost_try(
    sqlstate,
):
    article = make_article(status=Status.PENDING)
    tries = []

    @conflicts.retried
    def decide():
        tries.append(1)
        StatusChange.objects.create(article=article, to_status=Status.REJECTED)
        if len(tries) == 1:
            raise database_error(sqlstate)
        return len(tries)

    assert decide() == 2
    assert StatusChange.objects.filter(article=article).count() == 1


@pytest.mark.django_db(transaction=True)
def test_other_errors_and_a_conflict_that_keeps_coming_are_raised():
    @conflicts.retried
    def refused():
        raise IntegrityError("duplicate key value")

    with pytest.raises(IntegrityError):
        refused()

    tries = []

    @conflicts.retried
    def always_deadlocked():
        tries.append(1)
        raise database_error("40P01")

    with mock.patch.object(conflicts, "BACKOFF", 0), pytest.raises(OperationalError):
        always_deadlocked()
    assert len(tries) == conflicts.ATTEMPTS


@pytest.mark.django_db(transaction=True)
def test_inside_an_outer_transaction_a_conflict_is_left_to_that_transaction():
    tries = []

    @conflicts.retried
    def deadlocked():
        tries.append(1)
        raise database_error("40P01")

    with pytest.raises(OperationalError), transaction.atomic():
        deadlocked()
    assert tries == [1]


def in_thread(work):
    """Run ``work()`` on a connection of its own; ``join()`` returns what it raised."""
    outcome = {}

    def run():
        try:
            work()
        except DatabaseError as exc:
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def join():
        thread.join(timeout=30)
        assert not thread.is_alive(), "the other transaction never ended"
        return outcome.get("error")

    return join


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_decision_deadlocked_with_another_transaction_is_taken_once_it_wins(
    django_user_model,
):
    """The other transaction locks the second article, then the first; the decision
    locks the first, then the second. PostgreSQL aborts the decision (it waited first),
    and its second try goes through once the other transaction is done."""
    editor = django_user_model.objects.create(username="ada", is_staff=True)
    first, second = (make_article(status=Status.PENDING) for _ in range(2))
    holding_second = threading.Event()

    def other():
        with transaction.atomic():
            list(Article.objects.select_for_update().filter(pk=second.pk))
            holding_second.set()
            # Long enough for the decision to wait on the second article first.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(0.3)")
            list(Article.objects.select_for_update().filter(pk=first.pk))

    join = in_thread(other)
    assert holding_second.wait(10)
    with mock.patch.object(conflicts, "is_conflict", wraps=conflicts.is_conflict) as judged:
        changed = moderation.reject([first, second], editor, note="duplicate")
    assert join() is None
    assert judged.call_count == 1  # one deadlock, lost by the decision, then taken
    assert {a.pk for a in changed} == {first.pk, second.pk}
    assert set(Article.objects.values_list("status", flat=True)) == {Status.REJECTED}
    assert StatusChange.objects.filter(to_status=Status.REJECTED).count() == 2


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_article_committed_while_its_publisher_is_merged_waits_and_is_refused():
    """The import's article is stored while the merge re-points articles. Before the
    merge locked the publisher, that article committed between the merge's re-pointing
    and its delete, and the delete failed (``ProtectedError``: a server error in the
    admin). Now its commit waits for the merge and is refused (the importer writes it
    again, on the survivor), and the merge is done."""
    survivor = make_provider(domain="survivor.example")
    merged = make_provider(domain="merged.example")
    make_article(provider=merged)
    stored, commit_now = threading.Event(), threading.Event()

    def importing():
        with transaction.atomic():
            make_article(provider_id=merged.pk, url="https://merged.example/late")
            stored.set()
            assert commit_now.wait(10)

    join = in_thread(importing)
    assert stored.wait(10)
    re_point = merging._aliases_to_add

    def aliases_then_let_the_import_commit(*args):
        commit_now.set()
        threading.Event().wait(0.5)  # time for an unlocked commit to get through
        return re_point(*args)

    with mock.patch.object(merging, "_aliases_to_add", aliases_then_let_the_import_commit):
        result = merging.merge_providers(survivor, [merged])

    error = join()
    assert isinstance(error, IntegrityError)
    assert "foreign key" in str(error)
    assert result.articles_moved == 1
    assert not Provider.objects.filter(pk=merged.pk).exists()
    assert ProviderAlias.objects.filter(provider=survivor, value="merged.example").exists()
    assert list(Article.objects.values_list("provider_id", flat=True)) == [survivor.pk]
