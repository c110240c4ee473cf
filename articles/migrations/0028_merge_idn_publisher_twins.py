"""A publisher stored under the Unicode spelling of a domain whose ASCII form another
publisher has (``münchen.de`` and ``xn--mnchen-3ya.de``; ``providers`` 0003 left them)
is merged into that one: since 0003 imports land on the ASCII one only, and a block on
the Unicode twin no longer held for new stories.

The twin's articles, related links and aliases move to the ASCII publisher, its name
becomes a name alias there, and if either was blocked the merged one is: a block is an
editor's word that these stories stay unseen. Then the twin is deleted. Likewise a
merged domain kept in Unicode as an alias, whose ASCII form became a publisher of its
own since, has that publisher merged into the alias's owner, as the desk's merge said.
"""

import importlib

from django.db import migrations

# How providers 0003 spells a name in ASCII (UTS 46, else IDNA 2003, else None).
ascii_form = importlib.import_module("providers.migrations.0003_idna_domains").ascii_form


def merge_twins(apps, schema_editor):
    db = schema_editor.connection.alias
    Provider = apps.get_model("providers", "Provider")
    ProviderAlias = apps.get_model("providers", "ProviderAlias")
    providers = Provider.objects.using(db)
    for twin in providers.exclude(domain__regex=r"^[ -~]*$"):
        survivor = providers.filter(domain=ascii_form(twin.domain) or "").first()
        if survivor is not None:
            _merge_into(apps, db, survivor, twin)
    # A merged domain kept in Unicode (an alias) whose ASCII form a publisher of its own
    # was made of since: the desk's merge said these stories are the alias owner's.
    aliases = ProviderAlias.objects.using(db).filter(kind="domain")
    for alias in aliases.exclude(value__regex=r"^[ -~]*$").select_related("provider"):
        new = ascii_form(alias.value)
        if not new:
            continue
        twin = providers.filter(domain=new).exclude(pk=alias.provider_id).first()
        if twin is not None:
            _merge_into(apps, db, alias.provider, twin)
        if not aliases.filter(value=new).exists():
            aliases.filter(pk=alias.pk).update(value=new)


def _merge_into(apps, db, survivor, twin):
    """Move ``twin``'s articles, links and aliases to ``survivor``, its name as a name
    alias, its block if it had one; then delete it."""
    Provider = apps.get_model("providers", "Provider")
    ProviderAlias = apps.get_model("providers", "ProviderAlias")
    Article = apps.get_model("articles", "Article")
    RelatedLink = apps.get_model("articles", "RelatedLink")
    Article.objects.using(db).filter(provider=twin).update(provider=survivor)
    RelatedLink.objects.using(db).filter(provider=twin).update(provider=survivor)
    kept = set(
        ProviderAlias.objects.using(db).filter(provider=survivor).values_list("kind", "value")
    )
    for alias in ProviderAlias.objects.using(db).filter(provider=twin):
        if (alias.kind, alias.value) in kept:
            alias.delete()
        else:
            ProviderAlias.objects.using(db).filter(pk=alias.pk).update(provider=survivor)
    if twin.name != survivor.name and ("name", twin.name) not in kept:
        ProviderAlias.objects.using(db).create(provider=survivor, kind="name", value=twin.name)
    if twin.is_blocked and not survivor.is_blocked:
        Provider.objects.using(db).filter(pk=survivor.pk).update(is_blocked=True)
    twin.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0027_fold_urls_again"),
        ("providers", "0003_idna_domains"),
    ]

    operations = [migrations.RunPython(merge_twins, migrations.RunPython.noop)]
