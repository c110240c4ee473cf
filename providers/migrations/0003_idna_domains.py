"""Internationalised domains stored in their ASCII form (IDNA), as ``normalize_domain``
spells them from now on: ``münchen.de`` and ``xn--mnchen-3ya.de`` had become two
publishers, so a block or a merge of one missed the other.

A stored Unicode domain whose ASCII form another publisher already has is left as it
is here; ``articles`` 0028 merges the two (this app knows nothing of articles).
"""

import idna
from django.db import migrations


def ascii_form(domain):
    """As ``providers.domains.ascii_host``: UTS 46, else IDNA 2003, else None."""
    try:
        return idna.encode(domain, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        pass
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Provider = apps.get_model("providers", "Provider")
    ProviderAlias = apps.get_model("providers", "ProviderAlias")
    taken = set(Provider.objects.using(db).values_list("domain", flat=True))
    for provider in Provider.objects.using(db).exclude(domain__regex=r"^[ -~]*$"):
        new = ascii_form(provider.domain)
        if not new or new in taken:
            continue
        taken.add(new)
        Provider.objects.using(db).filter(pk=provider.pk).update(domain=new)
    aliases = set(
        ProviderAlias.objects.using(db).filter(kind="domain").values_list("value", flat=True)
    )
    for alias in (
        ProviderAlias.objects.using(db).filter(kind="domain").exclude(value__regex=r"^[ -~]*$")
    ):
        new = ascii_form(alias.value)
        if not new or new in aliases or new in taken:
            continue
        aliases.add(new)
        ProviderAlias.objects.using(db).filter(pk=alias.pk).update(value=new)


class Migration(migrations.Migration):
    dependencies = [("providers", "0002_logo_upload_to_random_name")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
