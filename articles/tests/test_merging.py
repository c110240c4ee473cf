import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry

from articles.merging import merge_topics
from articles.tests.factories import make_provider, make_topic
from providers.merging import merge_providers

pytestmark = pytest.mark.django_db


def test_a_merge_logs_each_merged_object_and_the_survivor(admin_user):
    survivor, other = make_topic("AI"), make_topic("Machine learning")
    merge_topics(survivor, [other], user=admin_user)

    deleted = LogEntry.objects.get(action_flag=DELETION)
    changed = LogEntry.objects.get(action_flag=CHANGE)
    assert (deleted.object_repr, deleted.change_message) == ("Machine learning", "Merged into “AI”")
    assert (changed.object_id, changed.change_message) == (
        str(survivor.pk),
        "Merged in “Machine learning”",
    )


def test_a_publisher_merge_names_the_merged_domains(admin_user):
    survivor = make_provider("independent.co.uk", name="The Independent")
    merge_providers(survivor, [make_provider("indy100.example", name="Indy")], user=admin_user)

    changed = LogEntry.objects.get(action_flag=CHANGE)
    assert changed.change_message == "Merged in “Indy” (indy100.example)"


def test_a_merge_without_a_user_logs_nothing():
    merge_topics(make_topic("Space"), [make_topic("Astronomy")])
    assert not LogEntry.objects.exists()
