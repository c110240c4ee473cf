from django.db import models
from django.db.models import Q
from django.urls import reverse

from newsroom.fields import URLField


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
    logo = models.ImageField(upload_to="providers/logos/", blank=True)
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
