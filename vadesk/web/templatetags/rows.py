"""What every row of a list needs, worked out once per list instead of once per row: URLs and choice labels."""

from django import template
from django.apps import apps

from vadesk.web.views.common import url_parts as reversed_parts

register = template.Library()


@register.simple_tag
def url_parts(name: str, *within: int) -> tuple[str, str]:
    """`{% url_parts "task_detail" as task_url %}`, then `{{ task_url.0 }}{{ t.pk }}{{ task_url.1 }}` in the loop;
    `{% url_parts "fact_pin" client.pk as pin_url %}` for a URL that starts with the client's id."""
    return reversed_parts(name, *within)


@register.simple_tag
def choice_labels(model: str, field: str) -> dict[str, str]:
    """`{% choice_labels "tasks.Task" "status" as statuses %}`, then `{{ statuses|get:t.status }}`: the label
    `get_status_display` shows, in the page's language (Django builds the choices' dict on every call)."""
    return {str(value): str(label) for value, label in apps.get_model(model)._meta.get_field(field).flatchoices}
