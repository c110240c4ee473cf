"""Helpers for admin actions that ask one more question on an intermediate page."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse


class MergeForm(forms.Form):
    """Pick which of the selected objects survives a merge."""

    survivor = forms.ModelChoiceField(
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="The others are merged into it and then deleted.",
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = queryset


class ValidSelectionMixin:
    """An action posted with an id that is not a number runs on nothing, not a 500.

    Django's ``response_action`` filters ``pk__in`` the posted ids as they are, and an id
    like ``abc`` raised ValueError there. Every model here has an integer key.
    """

    def response_action(self, request, queryset):
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        if not all(pk.isdigit() for pk in selected):
            self.message_user(request, "The selection was not valid: nothing done.", messages.ERROR)
            return None
        return super().response_action(request, queryset)


def action_form(request, form_class, **kwargs):
    """The action's form, bound once the intermediate page was submitted ("apply")."""
    if "apply" in request.POST:
        return form_class(request.POST, **kwargs)
    return form_class(**kwargs)


def intermediate_page(modeladmin, request, queryset, form, *, action, title, intro, submit):
    """Render the page that asks the action's question about the selected objects."""
    opts = modeladmin.model._meta
    # "Select all N" comes back as select_across=1 (the admin then ignores the ids), so a
    # huge selection is not written out as one hidden input per row.
    select_across = request.POST.get("select_across") == "1"
    ids = queryset.values_list("pk", flat=True)
    selected_ids = [str(pk) for pk in (ids[:1] if select_across else ids)]
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "submit": submit,
        "form": form,
        "objects": queryset[:200],
        "object_count": queryset.count(),
        "action": action,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "selected_ids": selected_ids,
        "select_across": select_across,
        "opts": opts,
        "app_label": opts.app_label,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/intermediate_action.html", context)
