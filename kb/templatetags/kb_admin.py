"""Template filters of the editors' admin."""

import json

from django import template

register = template.Library()


@register.filter
def with_add_text(inline_formset_data: str, add_text: str) -> str:
    """An inline's formset data (JSON) whose "add another" link reads `add_text`.

    Django's text puts the model name in the nominative after «Добавить еще один».
    """
    data = json.loads(inline_formset_data)
    data["options"]["addText"] = str(add_text)
    return json.dumps(data)
