"""Grant the workflow groups their permissions on an app's models (used by data migrations)."""

from typing import Any

from django.contrib.auth.management import create_permissions

from .models import EDITORS_GROUP, REVIEWERS_GROUP


def grant(
    apps: Any, app_label: str, *, editors: dict[str, list[str]], reviewers: dict[str, list[str]]
) -> None:
    """`editors` and `reviewers` map model names to actions (add, change, view, delete)."""
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True  # permissions are normally created after migrate
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in ((EDITORS_GROUP, editors), (REVIEWERS_GROUP, reviewers)):
        group, _created = Group.objects.get_or_create(name=group_name)
        codenames = [f"{action}_{model}" for model, actions in grants.items() for action in actions]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
