"""Editors' decisions through export and import, and how far the feed's ``published`` is
trusted (``NEWSROOM_TRUST_FEED_PUBLISHED``)."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from articles import moderation
from articles.models import Article, ImportRun, StatusChange, Topic
from articles.seedfiles import SeedDecision, build_record, export_seeds, import_seeds
from articles.seedfiles.format import DECISION_KEYS, DECISION_STATUSES
from articles.seedfiles.importer import IGNORED_DECISION
from articles.seedfiles.writer import FEED_PUBLISHED_NOTE, RESTORED_NOTE
from articles.urlnorm import canonical_url
from providers.models import Provider, ProviderAlias

from ..admin_helpers import make_editor
from ..factories import make_article
from ..seedtext import Raw, render_seed, seed_record, write_seed
from .test_exporting import snapshot

pytestmark = pytest.mark.django_db

Status = Article.Status


def url_of(n):
    return canonical_url(seed_record(n)["webUrl"])


def article(n):
    return Article.objects.get(url=url_of(n))


def decisions():
    """What an editor decided on each article, and whether readers see it."""
    published = set(Article.objects.published().values_list("url", flat=True))
    return {
        a.url: (a.status, a.publish_at, a.moderated_at, a.url in published)
        for a in Article.objects.all()
    }


def empty_the_database():
    Article.objects.all().delete()
    ProviderAlias.objects.all().delete()
    Provider.objects.all().delete()
    Topic.objects.all().delete()


def exported_record(directory, n):
    [path] = [p for p in directory.iterdir() if p.name == article(n).slug + ".txt"]
    return next(yaml.safe_load_all(path.read_text(encoding="utf-8")))


@pytest.fixture
def moderated(tmp_path):
    """Seven imported articles, six of them decided on as a desk would."""
    for n in range(1, 8):
        write_seed(tmp_path, f"in/{n}.txt", seed_record(n, published=n in (5, 6)))
    assert import_seeds([tmp_path / "in"]).created == 7
    editor = make_editor()
    in_three_hours = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    moderation.publish([article(1)], editor, note="good")
    moderation.reject([article(2)], editor, note="off topic")
    moderation.schedule([article(3)], editor, in_three_hours)
    moderation.schedule([article(4)], editor, datetime(2020, 3, 1, 9, 0, tzinfo=UTC))  # past
    moderation.send_back([article(5)], editor)  # the feed published it, the desk did not
    # 6: published by the feed and left so; 7: pending, untouched.
    return in_three_hours


def test_decisions_survive_export_and_import_into_an_empty_database(tmp_path, moderated):
    before, before_snapshot = decisions(), snapshot()
    assert {url: state[0] for url, state in before.items()} == {
        url_of(1): Status.PUBLISHED,
        url_of(2): Status.REJECTED,
        url_of(3): Status.PUBLISHED,
        url_of(4): Status.PUBLISHED,
        url_of(5): Status.PENDING,
        url_of(6): Status.PUBLISHED,
        url_of(7): Status.PENDING,
    }
    assert [before[url_of(n)][3] for n in range(1, 8)] == [1, 0, 0, 1, 0, 1, 0]

    export_seeds(tmp_path / "out")
    empty_the_database()
    result = import_seeds([tmp_path / "out"], restore_decisions=True)

    assert (result.created, result.updated, result.failed) == (7, 0, 0)
    assert decisions() == before
    assert snapshot() == before_snapshot
    assert article(3).publish_at == moderated


def test_each_restored_decision_is_in_the_history_dated_when_it_was_taken(tmp_path, moderated):
    decided_at = {n: article(n).moderated_at for n in range(1, 6)}
    export_seeds(tmp_path / "out")
    empty_the_database()
    import_seeds([tmp_path / "out"], restore_decisions=True)

    for n in range(1, 6):
        [change] = article(n).status_changes.all()
        assert change.note == RESTORED_NOTE
        assert change.changed_at == decided_at[n]
        assert (change.from_status, change.to_status) == (Status.PENDING, article(n).status)
        assert change.publish_at == article(n).publish_at
        assert change.changed_by is None
    [feed] = article(6).status_changes.all()
    assert feed.note == FEED_PUBLISHED_NOTE
    assert not article(7).status_changes.exists()


def test_the_export_writes_decision_keys_only_where_an_editor_decided(tmp_path, moderated):
    export_seeds(tmp_path / "out")
    out = tmp_path / "out"
    rejected, scheduled = exported_record(out, 2), exported_record(out, 3)
    assert rejected["published"] is False
    assert rejected["newsroomStatus"] == "rejected"
    assert rejected["newsroomModeratedAt"] == article(2).moderated_at
    assert "newsroomPublishAt" not in rejected
    # A plain reader of the format must not put a scheduled story live early.
    assert scheduled["published"] is False
    assert scheduled["newsroomStatus"] == "published"
    assert scheduled["newsroomPublishAt"] == moderated
    assert exported_record(out, 4)["published"] is True  # its time has come
    assert exported_record(out, 5)["newsroomStatus"] == "pending"
    for n in (6, 7):
        assert not set(DECISION_KEYS) & set(exported_record(out, n))


@pytest.mark.parametrize("published", [True, False])
def test_a_feed_file_nobody_decided_on_still_exports_byte_for_byte(tmp_path, published):
    text = render_seed(seed_record(1, published=published))
    import_seeds([write_seed(tmp_path, "in/000_0123456789abcdef.txt", text)])
    export_seeds(tmp_path / "out")
    [path] = (tmp_path / "out").iterdir()
    assert path.read_text(encoding="utf-8") == text


def test_a_rejected_or_scheduled_article_no_editor_dated_still_exports_its_status(tmp_path):
    later = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    rejected = make_article(status=Status.REJECTED)  # as a fixture or a data fix leaves it
    scheduled = make_article(publish_at=later)
    export_seeds(tmp_path / "out")
    record = next(yaml.safe_load_all((tmp_path / "out" / f"{rejected.slug}.txt").read_text()))
    assert record["newsroomStatus"] == "rejected" and "newsroomModeratedAt" not in record
    empty_the_database()
    started = timezone.now()
    import_seeds([tmp_path / "out"], restore_decisions=True)

    restored = Article.objects.get(url=rejected.url)
    assert restored.status == Status.REJECTED
    assert started <= restored.moderated_at <= timezone.now()  # decided by this import
    restored = Article.objects.get(url=scheduled.url)
    assert (restored.status, restored.publish_at) == (Status.PUBLISHED, later)
    assert not Article.objects.published().exists()


@override_settings(NEWSROOM_TRUST_FEED_PUBLISHED=False)
def test_an_untrusted_feeds_published_is_not_exported_as_published(tmp_path):
    import_seeds([write_seed(tmp_path, "in/1.txt", seed_record(1, published=True))])
    export_seeds(tmp_path / "out")
    [path] = (tmp_path / "out").iterdir()
    record = next(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    # The story was never published here: nothing for a trusting site to put live.
    assert record["published"] is False
    assert not set(DECISION_KEYS) & set(record)


@override_settings(NEWSROOM_TRUST_FEED_PUBLISHED=False)
def test_an_export_restores_decisions_where_the_feed_is_not_trusted(tmp_path, moderated):
    before = decisions()
    export_seeds(tmp_path / "out")
    empty_the_database()
    import_seeds([tmp_path / "out"], restore_decisions=True)
    after = decisions()
    # The feed's own "published" (article 6, no editor decision) is the desk's to review.
    assert after.pop(url_of(6))[0] == Status.PENDING
    before.pop(url_of(6))
    assert after == before


def test_an_export_restores_a_decision_onto_an_article_only_the_feed_has_set(tmp_path):
    feed = write_seed(tmp_path, "feed/1.txt", seed_record(1, published=True))
    import_seeds([feed])
    moderation.reject([article(1)], make_editor())
    decided_at = article(1).moderated_at
    export_seeds(tmp_path / "out")
    empty_the_database()
    import_seeds([feed])  # the feed comes back first: published, by the feed
    assert article(1).status == Status.PUBLISHED and article(1).moderated_at is None

    result = import_seeds([tmp_path / "out"], restore_decisions=True)

    assert (result.created, result.updated, result.failed) == (0, 1, 0)
    restored = article(1)
    assert (restored.status, restored.moderated_at) == (Status.REJECTED, decided_at)
    change = restored.status_changes.get(note=RESTORED_NOTE)
    assert (change.from_status, change.to_status) == (Status.PUBLISHED, Status.REJECTED)
    assert not Article.objects.published().exists()


def test_a_stale_export_never_undoes_a_later_decision(tmp_path):
    import_seeds([write_seed(tmp_path, "in/1.txt", seed_record(1))])
    editor = make_editor()
    moderation.reject([article(1)], editor)
    export_seeds(tmp_path / "out")
    moderation.publish([article(1)], editor, note="changed my mind")
    Article.objects.update(content_hash="")  # make the export count as changed

    result = import_seeds([tmp_path / "out"], restore_decisions=True)

    assert result.updated == 1
    assert article(1).status == Status.PUBLISHED
    assert not StatusChange.objects.filter(note=RESTORED_NOTE).exists()


def test_importing_the_same_export_again_changes_nothing(tmp_path, moderated):
    export_seeds(tmp_path / "out")
    empty_the_database()
    import_seeds([tmp_path / "out"], restore_decisions=True)
    before, history = decisions(), StatusChange.objects.count()
    result = import_seeds([tmp_path / "out"], restore_decisions=True)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 7)
    assert decisions() == before
    assert StatusChange.objects.count() == history


def test_a_hand_written_decision_without_a_time_is_dated_by_the_import(tmp_path):
    record = seed_record(1, newsroomStatus="rejected")
    result = import_seeds([write_seed(tmp_path, "1.txt", record)], restore_decisions=True)
    assert result.created == 1
    rejected = article(1)
    assert rejected.status == Status.REJECTED
    assert result.run.started_at <= rejected.moderated_at <= timezone.now()
    assert rejected.status_changes.get().changed_at == rejected.moderated_at


def test_decision_keys_win_over_published(tmp_path):
    record = seed_record(1, published=True, newsroomStatus="pending")
    import_seeds([write_seed(tmp_path, "1.txt", record)], restore_decisions=True)
    assert article(1).status == Status.PENDING
    assert not Article.objects.published().exists()


def test_the_decision_keys_are_read_into_the_record():
    moderated_at = datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=UTC)
    record = build_record(
        seed_record(
            1,
            newsroomStatus="published",
            newsroomPublishAt=datetime(2026, 1, 3, 9, tzinfo=UTC),
            newsroomModeratedAt=moderated_at,
        )
    )
    assert record.decision == SeedDecision(
        "published", datetime(2026, 1, 3, 9, tzinfo=UTC), moderated_at
    )
    assert record.extra == {}
    assert build_record(seed_record(1)).decision is None


def test_the_format_knows_every_status():
    assert set(DECISION_STATUSES) == set(Status.values)


# (case id, decision keys as written, message fragment)
BAD_DECISIONS = [
    ("unknown status", {"newsroomStatus": "live"}, "newsroomStatus must be pending, published"),
    ("status not text", {"newsroomStatus": 3}, "newsroomStatus must be pending"),
    ("status in capitals", {"newsroomStatus": "Rejected"}, "not 'Rejected'"),
    ("empty status", {"newsroomStatus": Raw('""')}, "newsroomStatus must be"),
    (
        "schedule without status",
        {"newsroomPublishAt": Raw("2026-01-01T00:00:00Z")},
        "newsroomPublishAt needs newsroomStatus",
    ),
    (
        "schedule of a rejected article",
        {"newsroomStatus": "rejected", "newsroomPublishAt": Raw("2026-01-01T00:00:00Z")},
        "newsroomPublishAt schedules a published article, but newsroomStatus is rejected",
    ),
    (
        "schedule that is not a date",
        {"newsroomStatus": "published", "newsroomPublishAt": "tomorrow"},
        "newsroomPublishAt is not a date",
    ),
    (
        "decision time that is not a date",
        {"newsroomStatus": "rejected", "newsroomModeratedAt": 17},
        "newsroomModeratedAt is not a date",
    ),
    (
        "decision taken after the import",
        {"newsroomStatus": "rejected", "newsroomModeratedAt": Raw("2999-01-01T00:00:00Z")},
        "newsroomModeratedAt 2999-01-01T00:00:00+00:00 is more than 24 hours after the import",
    ),
]


@pytest.mark.parametrize(
    ("keys", "message"),
    [case[1:] for case in BAD_DECISIONS],
    ids=[case[0] for case in BAD_DECISIONS],
)
def test_an_invalid_decision_rejects_the_file_with_its_line(tmp_path, keys, message):
    record = seed_record(2, **keys)
    text = render_seed(record)
    path = write_seed(tmp_path, "bad.txt", text)
    write_seed(tmp_path, "good.txt", seed_record(1))

    result = import_seeds([tmp_path])

    assert (result.created, result.failed) == (1, 1)
    [failure] = result.failures
    assert message in failure.message
    # The line is the one of the key the message starts with.
    key = failure.message.split()[0]
    assert key in DECISION_KEYS and key in keys
    lines = text.splitlines()
    assert lines[failure.line - 1].startswith(f"{key}:")
    assert str(failure).startswith(f"{path}:{failure.line}: ")
    assert not Article.objects.filter(url=url_of(2)).exists()


def test_the_command_prints_a_bad_decision_as_file_line_reason(tmp_path):
    record = seed_record(2, newsroomStatus="live")
    path = write_seed(tmp_path, "bad.txt", record)
    line = render_seed(record).splitlines().index("newsroomStatus: live") + 1
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 of 1 files failed"):
        call_command("import_seeds", str(path), stdout=out, stderr=err)
    assert err.getvalue().strip() == (
        f"{path}:{line}: newsroomStatus must be pending, published or rejected, not 'live'"
    )
    assert not Article.objects.exists()


@override_settings(NEWSROOM_TRUST_FEED_PUBLISHED=False)
def test_a_feed_file_cannot_publish_itself_with_decision_keys(tmp_path):
    """A hostile feed that writes Newsroom's keys gets no further than the queue: they
    count only when the import is told it restores an export."""
    record = seed_record(1, published=True, newsroomStatus="published")
    path = write_seed(tmp_path, "1.txt", record)
    result = import_seeds([path])

    assert (result.created, result.failed) == (1, 0)
    assert article(1).status == Status.PENDING and article(1).moderated_at is None
    assert not Article.objects.published().exists()
    assert [str(w) for w in result.warnings] == [f"{path}: {IGNORED_DECISION}"]


def test_the_command_restores_decisions_only_when_asked(tmp_path):
    write_seed(tmp_path, "1.txt", seed_record(1, published=True, newsroomStatus="rejected"))
    call_command("import_seeds", str(tmp_path), verbosity=0)
    assert article(1).status == Status.PUBLISHED  # the feed's published: the keys ignored

    Article.objects.all().delete()
    call_command("import_seeds", str(tmp_path), "--restore-decisions", verbosity=0)
    assert article(1).status == Status.REJECTED


# --- trusting the feed's "published" --------------------------------------------------


def test_by_default_the_feeds_published_goes_live_on_first_import(tmp_path, settings):
    assert settings.NEWSROOM_TRUST_FEED_PUBLISHED is True
    write_seed(tmp_path, "1.txt", seed_record(1, published=True))
    write_seed(tmp_path, "2.txt", seed_record(2, published=False))
    result = import_seeds([tmp_path])
    assert (result.created, result.updated, result.unchanged, result.failed) == (2, 0, 0, 0)
    assert list(Article.objects.published().values_list("url", flat=True)) == [url_of(1)]
    assert article(1).status_changes.get().note == FEED_PUBLISHED_NOTE
    assert article(2).status == Status.PENDING


@override_settings(NEWSROOM_TRUST_FEED_PUBLISHED=False)
def test_an_untrusted_feeds_published_waits_in_the_review_queue(tmp_path):
    write_seed(tmp_path, "1.txt", seed_record(1, published=True))
    write_seed(tmp_path, "2.txt", seed_record(2, published=False))
    result = import_seeds([tmp_path])
    assert (result.created, result.updated, result.unchanged, result.failed) == (2, 0, 0, 0)
    run = ImportRun.objects.get()
    assert (run.created, run.updated, run.unchanged, run.failed) == (2, 0, 0, 0)
    assert not Article.objects.published().exists()
    assert set(Article.objects.pending().values_list("url", flat=True)) == {url_of(1), url_of(2)}
    assert not StatusChange.objects.exists()
    assert article(1).moderated_at is None


@pytest.mark.parametrize("trusted", [True, False], ids=["trusted", "untrusted"])
def test_a_reimport_never_changes_a_decision_whatever_the_trust(tmp_path, trusted):
    with override_settings(NEWSROOM_TRUST_FEED_PUBLISHED=trusted):
        records = {n: seed_record(n, published=n % 2 == 0) for n in range(1, 5)}
        paths = {n: write_seed(tmp_path, f"{n}.txt", r) for n, r in records.items()}
        import_seeds([tmp_path])
        editor = make_editor()
        moderation.reject([article(2)], editor)  # the feed had it published
        moderation.publish([article(3)], editor)  # the feed had it not
        before = decisions()

        for n, record in records.items():  # the feed changes every file, flipping each flag
            record.update(published=not record["published"], quality=90 + n)
            write_seed(tmp_path, paths[n].name, record)
        result = import_seeds([tmp_path])

        assert (result.created, result.updated, result.unchanged, result.failed) == (0, 4, 0, 0)
        run = ImportRun.objects.latest("started_at")
        assert (run.created, run.updated, run.unchanged) == (0, 4, 0)
        assert decisions() == before
        assert article(1).quality == 91


def test_trust_applies_to_the_first_import_only(tmp_path):
    path = write_seed(tmp_path, "1.txt", seed_record(1, published=True))
    with override_settings(NEWSROOM_TRUST_FEED_PUBLISHED=False):
        import_seeds([path])
    assert article(1).status == Status.PENDING
    write_seed(tmp_path, "1.txt", seed_record(1, published=True, quality=77))
    with override_settings(NEWSROOM_TRUST_FEED_PUBLISHED=True):
        result = import_seeds([path])
    assert result.updated == 1
    assert (article(1).status, article(1).quality) == (Status.PENDING, 77)


@override_settings(NEWSROOM_TRUST_FEED_PUBLISHED=False)
def test_a_dry_run_counts_the_same_without_trust(tmp_path):
    write_seed(tmp_path, "1.txt", seed_record(1, published=True))
    result = import_seeds([tmp_path], dry_run=True)
    assert (result.created, result.failed) == (1, 0)
    assert not Article.objects.exists() and not ImportRun.objects.exists()


def test_a_publishers_block_and_merged_domains_survive_export_and_restore(tmp_path):
    """Restored without them, a blocked publisher's stories went live on the new site,
    and the next import of a merged domain made the merged publisher again."""
    from articles.merging import merge_providers

    write_seed(tmp_path, "in/1.txt", seed_record(1, published=True, related=0))
    other = {"name": "Other", "domain": "www.other-news.example"}
    write_seed(tmp_path, "in/2.txt", seed_record(2, published=True, provider=other, related=0))
    import_seeds([tmp_path / "in"])
    survivor = Provider.objects.get(domain="example-news.com")
    merge_providers(survivor, [Provider.objects.get(domain="other-news.example")])
    Provider.objects.filter(pk=survivor.pk).update(is_blocked=True)
    assert not Article.objects.published().exists()

    export_seeds(tmp_path / "out")
    assert exported_record(tmp_path / "out", 1)["provider"]["newsroomBlocked"] is True
    empty_the_database()
    result = import_seeds([tmp_path / "out"], restore_decisions=True)

    assert (result.created, result.failed, result.warnings) == (2, 0, [])
    restored = Provider.objects.get()
    assert restored.is_blocked and not Article.objects.published().exists()
    assert list(restored.aliases.filter(kind="domain").values_list("value", flat=True)) == [
        "other-news.example"
    ]
    import_seeds([write_seed(tmp_path, "later/3.txt", seed_record(3, provider=other, related=0))])
    assert Provider.objects.get() == restored


def test_a_feed_file_cannot_block_or_merge_without_restore(tmp_path):
    provider = {"name": "X", "domain": "x.example", "newsroomBlocked": True}
    provider["newsroomDomains"] = ["y.example"]
    record = seed_record(1, provider=provider, related=0)
    result = import_seeds([write_seed(tmp_path, "a.txt", record)])
    assert [w.message for w in result.warnings] == [IGNORED_DECISION]
    stored = Provider.objects.get()
    assert not stored.is_blocked and not stored.aliases.exists()


def test_an_editors_title_survives_export_restore_and_a_later_feed_file(tmp_path):
    """Restored without its mark, the editor's title was the feed's again after the next
    feed file of the article."""
    from articles.seedfiles.format import EDITABLE_FIELDS

    assert EDITABLE_FIELDS == Article.EDITABLE_FEED_FIELDS
    record = seed_record(1, related=0)
    import_seeds([write_seed(tmp_path, "in/1.txt", record)])
    edited = article(1)
    edited.title = "The desk's headline"
    edited.mark_edited("title")
    edited.save()

    export_seeds(tmp_path / "out")
    assert exported_record(tmp_path / "out", 1)["newsroomEdited"] == ["title"]
    empty_the_database()
    import_seeds([tmp_path / "out"], restore_decisions=True)
    assert article(1).edited_fields == ["title"]

    import_seeds([write_seed(tmp_path, "later/1.txt", {**record, "heat": 90})])
    assert (article(1).title, article(1).heat) == ("The desk's headline", 90)


def test_restoring_an_export_imported_before_without_the_flag_restores_it(tmp_path, moderated):
    """The warning says to import it again with --restore-decisions; that run skipped
    every file as unchanged, by its bytes, and restored nothing."""
    before = decisions()
    export_seeds(tmp_path / "out")
    empty_the_database()
    first = import_seeds([tmp_path / "out"])
    assert first.created == 7 and decisions() != before

    again = import_seeds([tmp_path / "out"], restore_decisions=True)
    assert again.failed == 0
    assert decisions() == before
    assert import_seeds([tmp_path / "out"], restore_decisions=True).failed == 0
    assert decisions() == before


def test_a_blocked_publisher_only_cited_keeps_its_block_through_a_restore(tmp_path):
    """Most publishers are only in related coverage: their blocks were written nowhere."""
    from ..seedtext import related_item

    record = seed_record(1, related=0)
    record["related"] = [related_item(7, domain="cited.example", name="Cited")]
    import_seeds([write_seed(tmp_path, "in/1.txt", record)])
    Provider.objects.filter(domain="cited.example").update(is_blocked=True)

    export_seeds(tmp_path / "out")
    empty_the_database()
    assert import_seeds([tmp_path / "out"], restore_decisions=True).failed == 0
    assert Provider.objects.get(domain="cited.example").is_blocked
    assert not Provider.objects.get(domain="example-news.com").is_blocked
