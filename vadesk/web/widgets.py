"""A select whose options are written in Python: the same HTML as Django's templates, without two template
renders per option (a time sheet's engagement list is a hundred options and more)."""

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: dict) -> str:
    """What django/forms/widgets/attrs.html writes: ` name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(option: dict) -> str:
    label = option["label"]
    text = conditional_escape(label if isinstance(label, str) else localize(label))
    return f'<option value="{conditional_escape(str(option["value"]))}"{_attributes(option["attrs"])}>{text}</option>'


class Select(forms.Select):
    """forms.Select, byte for byte (select.html and select_option.html), rendered without templates."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(f"\n  {_option(option)}\n" for option in options)  # the option template ends in a newline
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every value above is escaped
