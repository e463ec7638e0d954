"""Small factories for tests: plain functions with sensible defaults."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from models_catalog.models import (
    Capability,
    Host,
    Model,
    ModelCapability,
    Offering,
    Provider,
    Region,
    Tier,
)

_counter = itertools.count(1)


def provider(**fields: Any) -> Provider:
    n = next(_counter)
    fields.setdefault("name", f"Maker {n}")
    fields.setdefault("slug", f"maker-{n}")
    fields.setdefault("country", "France")
    return Provider.objects.create(**fields)


def tier(**fields: Any) -> Tier:
    n = next(_counter)
    fields.setdefault("code", f"T{n}")
    fields.setdefault("label", f"Tier {n}")
    fields.setdefault("rank", n)
    return Tier.objects.create(**fields)


def model(*, capabilities: dict[str, bool] | None = None, **fields: Any) -> Model:
    n = next(_counter)
    fields.setdefault("name", f"Model {n}")
    fields.setdefault("slug", f"model-{n}")
    fields.setdefault("is_published", True)
    if "provider" not in fields:
        fields["provider"] = provider()
    created = Model.objects.create(**fields)
    for capability, supported in (capabilities or {}).items():
        ModelCapability.objects.create(
            model=created,
            capability=Capability(capability),
            supported=supported,
            source="litellm (test)",
        )
    return created


def host(**fields: Any) -> Host:
    n = next(_counter)
    fields.setdefault("slug", f"host-{n}")
    fields.setdefault("name", f"Host {n}")
    return Host.objects.create(**fields)


def offering(*, regions: list[str] = (), **fields: Any) -> Offering:  # type: ignore[assignment]
    n = next(_counter)
    if "model" not in fields:
        fields["model"] = model()
    if "host" not in fields:
        fields["host"] = host()
    fields.setdefault("source", "litellm")
    fields.setdefault("source_key", f"{fields['host'].slug}/{fields['model'].slug}-{n}")
    created = Offering.objects.create(**fields)
    for code in regions:
        region, _ = Region.objects.get_or_create(code=code, defaults={"name": code.upper()})
        created.regions.add(region)
    return created


def user(*, staff: bool = False, superuser: bool = False, **fields: Any) -> User:
    n = next(_counter)
    fields.setdefault("username", f"user{n}")
    fields.setdefault("email", f"user{n}@example.com")
    created: User = get_user_model().objects.create_user(
        password="a-long-test-password-9",
        is_staff=staff or superuser,
        is_superuser=superuser,
        **fields,
    )
    return created


def group_user(*groups: str, staff: bool = True, **fields: Any) -> User:
    """A staff user in the given workflow groups (Editors, Reviewers)."""
    from django.contrib.auth.models import Group

    created = user(staff=staff, **fields)
    for name in groups:
        # get_or_create: transactional tests flush the groups the data migration made.
        created.groups.add(Group.objects.get_or_create(name=name)[0])
    return created


def editor(**fields: Any) -> User:
    """A member of Editors (staff), named Dana Editor unless told otherwise."""
    fields.setdefault("first_name", "Dana")
    fields.setdefault("last_name", "Editor")
    return group_user("Editors", **fields)


def reviewer(**fields: Any) -> User:
    """A member of Reviewers (staff), named Remy Reviewer unless told otherwise."""
    fields.setdefault("first_name", "Remy")
    fields.setdefault("last_name", "Reviewer")
    return group_user("Reviewers", **fields)


def publish(item: Any, *, editor: User, reviewer: User, comment: str = "Checked.") -> Any:
    """Reviewed content as it is now, through the real workflow: saved by the editor,
    submitted, approved and published by the reviewer."""
    item.record_revision(by=editor)
    item.submit(by=editor)
    item.approve(by=reviewer, comment=comment)
    item.publish(by=reviewer)
    item.refresh_from_db()
    return item


def profile(*, by: User, model: Model | None = None, body: str = "It is fast."):
    """A model profile with one section, saved as a revision by `by`."""
    from tokonomix.editorial.models import ModelProfile, ProfilePoint, ProfileSection

    created = ModelProfile.objects.create(model=model or globals()["model"]())
    ProfileSection.objects.create(profile=created, order=0, title="Overview", body=body)
    ProfilePoint.objects.create(profile=created, kind="strength", text="Cheap")
    created.authors.add(by)
    created.record_revision(by=by)
    return created
