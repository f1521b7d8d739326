"""The registers' numbers (a model's parameters, hardware's FP16 throughput and memory, an open-source project's
support) driven with hostile values (hypothesis) through the API and the forms: each is refused naming the field and
writes nothing; values in the domain round-trip."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import given

from aiplus.algorithms.models import AIModel, Hardware, OpenSourceProject
from aiplus.core import testing
from aiplus.core.models import AuditEvent

pytestmark = pytest.mark.django_db

# (model, field, API path, API body, form path, form fields)
CASES = [
    (AIModel, "parameters_billion", "/api/v1/algorithms/models", {"name": "模型", "kind": "foundation"},
     "/algorithms/models/new/", {"name": "模型", "kind": "foundation"}),
    (Hardware, "fp16_tflops", "/api/v1/algorithms/hardware", {"name": "卡", "kind": "accelerator", "vendor": "V"},
     "/algorithms/hardware/new/", {"name": "卡", "kind": "accelerator", "vendor": "V"}),
    (Hardware, "memory_gb", "/api/v1/algorithms/hardware", {"name": "卡", "kind": "accelerator", "vendor": "V"},
     "/algorithms/hardware/new/", {"name": "卡", "kind": "accelerator", "vendor": "V"}),
    (OpenSourceProject, "support_amount_cny", "/api/v1/algorithms/projects",
     {"name": "项目", "repository_url": "https://git.example.org/p", "licence": "MIT"}, "/algorithms/open-source/new/",
     {"name": "项目", "repository_url": "https://git.example.org/p", "licence": "MIT"}),
]


def _rows() -> tuple[int, ...]:
    return (AIModel.objects.count(), Hardware.objects.count(), OpenSourceProject.objects.count(),
            AuditEvent.objects.count())


@pytest.mark.parametrize(("model", "name", "api_path", "body", "form_path", "form"), CASES,
                         ids=[case[1] for case in CASES])
def test_a_hostile_number_is_a_4xx_naming_the_field_and_writes_nothing(member: Any, company: Any, model: Any,
                                                                         name: str, api_path: str, body: dict,
                                                                         form_path: str, form: dict) -> None:
    api, page = testing.bearer(member), testing.signed_in(member)
    payload = {**body, "organisation_id": company.pk, name: 1}

    @given(text=testing.out_of_domain(model, name))
    @testing.domain_settings()
    def hostile(text: str) -> None:
        before = _rows()
        response = api.post(api_path, testing.json_with(payload, (name,), text), content_type="application/json")
        testing.assert_refused_naming(response, name)
        response = page.post(form_path, {**form, "organisation": company.pk, name: text.strip('"')})
        assert response.status_code == 400 and f'data-field="{name}"' in response.content.decode(), text
        assert _rows() == before

    hostile()

    @given(value=testing.in_domain(model, name))
    @testing.domain_settings(8)
    def valid(value: Decimal) -> None:
        with transaction.atomic():
            response = api.post(api_path, testing.json_with(payload, (name,), testing.literal(value)),
                                content_type="application/json")
            assert response.status_code == 201, response.json()
            assert Decimal(str(model.objects.get(pk=response.json()["id"]).__dict__[name])) == Decimal(value)
            transaction.set_rollback(True)

    valid()
