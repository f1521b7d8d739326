"""Every model a page can show reads as a name, never as Django's "Redemption object (1)"."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from aiplus.core.models.base import NamedByTitle

PLATFORM_MODELS = [m for m in apps.get_models() if m.__module__.startswith("aiplus")]


@pytest.mark.parametrize("model", PLATFORM_MODELS, ids=lambda m: m._meta.label)
def test_every_model_has_a_name_for_people(model: type[models.Model]) -> None:
    assert model.__str__ is not models.Model.__str__, f"{model._meta.label} has no __str__"
    if model.__str__ is NamedByTitle.__str__ and not {f.name for f in model._meta.concrete_fields} & {"title", "name"}:
        # the fallback reads as the verbose name and a number: the verbose name must be the Chinese noun
        assert not str(model._meta.verbose_name).isascii(), f"{model._meta.label} needs a verbose_name or a __str__"
