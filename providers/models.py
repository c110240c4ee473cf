import uuid

from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.urls import reverse

from newsroom.fields import URLField

from .validators import ALLOWED_EXTENSIONS, logo_extension


def logo_upload_to(instance, filename):
    """A fresh random name: whoever uploads a logo never chooses where it is stored.

    Only the extension is kept, and only one of the allowed ones (``LogoField`` names
    every file it cleans ``logo.<ext>`` after the format it detected).
    """
    extension = logo_extension(filename)
    suffix = f".{extension}" if extension in ALLOWED_EXTENSIONS else ""
    return f"providers/logos/{uuid.uuid4().hex}{suffix}"


class ProviderManager(models.Manager):
    def get_by_natural_key(self, domain):
        return self.get(domain=domain)


class Provider(models.Model):
    """A publisher. Its identity is its normalised domain (see ``normalize_domain``)."""

    domain = models.CharField(max_length=253, help_text="Lower case, without www. or port.")
    name = models.CharField(max_length=200)
    name_edited = models.BooleanField(
        "name set by an editor",
        default=False,
        help_text="Imports never overwrite a name an editor set.",
    )
    logo_url = URLField("logo URL", max_length=2000, blank=True)
    logo = models.ImageField(upload_to=logo_upload_to, blank=True)
    is_blocked = models.BooleanField(
        "blocked", default=False, help_text="A blocked publisher's articles never reach readers."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProviderManager()

    class Meta:
        ordering = ["name", "domain"]
        verbose_name = "publisher"
        verbose_name_plural = "publishers"
        constraints = [
            models.UniqueConstraint(fields=["domain"], name="provider_unique_domain"),
        ]

    def __str__(self):
        return self.name or self.domain

    def get_absolute_url(self):
        return reverse("providers:provider_detail", kwargs={"domain": self.domain})

    def natural_key(self):
        return (self.domain,)

    @property
    def display_logo_url(self):
        """The uploaded logo if there is one, else the feed's logo URL."""
        if self.logo:
            return self.logo.url
        return self.logo_url


def delete_unused_logo(name, using=None):
    """Delete a logo's file once the transaction commits, unless a row still uses it.

    A rolled-back save or delete keeps the file its row still names; ``robust`` so a
    storage error is logged rather than turned into an error for a change already made.
    """
    if not name:
        return
    storage = Provider._meta.get_field("logo").storage

    def delete():
        if not Provider.objects.using(using).filter(logo=name).exists():
            storage.delete(name)

    transaction.on_commit(delete, using=using, robust=True)


@receiver(pre_save, sender=Provider)
def _remember_stored_logo(sender, instance, raw, using, update_fields, **kwargs):
    """Note the logo the row had, so that ``post_save`` can tell it was replaced."""
    instance._stored_logo = None
    if raw or instance.pk is None or (update_fields is not None and "logo" not in update_fields):
        return
    instance._stored_logo = (
        Provider.objects.using(using).filter(pk=instance.pk).values_list("logo", flat=True).first()
    )


@receiver(post_save, sender=Provider)
def _delete_replaced_logo(sender, instance, using, **kwargs):
    stored = getattr(instance, "_stored_logo", None)
    if stored and stored != instance.logo.name:
        delete_unused_logo(stored, using=using)


@receiver(post_delete, sender=Provider)
def _delete_logo_of_deleted_provider(sender, instance, using, **kwargs):
    delete_unused_logo(instance.logo.name, using=using)


class ProviderAlias(models.Model):
    """Another name a publisher was seen under, or a domain merged into it.

    A domain alias sends later imports of that domain to this publisher.
    """

    class Kind(models.TextChoices):
        NAME = "name", "name"
        DOMAIN = "domain", "domain"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NAME)
    value = models.CharField(max_length=253)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["provider", "kind", "value"]
        verbose_name = "publisher alias"
        verbose_name_plural = "publisher aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "kind", "value"], name="provider_alias_unique_per_provider"
            ),
            models.UniqueConstraint(
                fields=["value"],
                condition=Q(kind="domain"),
                name="provider_alias_unique_domain",
            ),
        ]

    def __str__(self):
        return f"{self.value} ({self.get_kind_display()} of {self.provider})"
