from django import template

from articles.dashboard import desk_overview

register = template.Library()


@register.inclusion_tag("admin/includes/desk_overview.html")
def desk_overview_panel():
    return desk_overview()
