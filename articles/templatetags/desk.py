from django import template

from articles.dashboard import desk_overview

register = template.Library()


@register.inclusion_tag("admin/includes/desk_overview.html", takes_context=True)
def desk_overview_panel(context):
    overview = desk_overview()
    perms = context.get("perms")
    overview["can_upload"] = bool(perms and perms["articles"]["import_seeds"])
    return overview
