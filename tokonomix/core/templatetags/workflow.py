"""The admin header's link to "My work", with how many items wait for the signed-in person."""

from typing import Any

from django import template

from tokonomix.core.workflow.dashboard import my_work

register = template.Library()


@register.simple_tag
def my_work_count(user: Any) -> int:
    if not getattr(user, "is_staff", False):
        return 0
    return my_work(user, details=False).count()
