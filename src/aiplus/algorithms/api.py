"""The registers' API under /api/v1/algorithms/: lists (the pages' rows and filters), one row, and the writes.

A model's serving endpoint is in its detail only, and there only for its owner's members (`endpoint_url` is null
for everyone else); no list carries it."""


import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import ConfigDict, create_model

from aiplus.algorithms import selectors, services
from aiplus.algorithms.listings import ALGORITHMS, HARDWARE, MODELS, PROJECTS
from aiplus.algorithms.models import (
    AIModel,
    FilingStatus,
    Hardware,
    HardwareKind,
    Modality,
    ModelKind,
    OpenSourceProject,
)
from aiplus.api import lists, writes
from aiplus.api.auth import OPTIONAL
from aiplus.core.domains import bounds

router = Router(tags=["algorithms"])

Name = Annotated[str, Field(min_length=1, max_length=200)]
Short = Annotated[str, Field(max_length=200)]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a 422 naming it, never silently dropped


class _Out(Schema):
    id: int
    name: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    is_published: bool
    updated_at: dt.datetime


class PublishIn(_In):
    is_published: bool


def _patch(create: type[_In], name: str) -> Any:
    """The PATCH body of a register: the create body's fields and constraints, each optional (absent: unchanged),
    but the owner organisation, which does not change."""
    fields: dict[str, Any] = {}
    for key, info in create.model_fields.items():
        if key != "organisation_id":
            kind: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            fields[key] = (kind | None, None)
    return create_model(name, __base__=_In, **fields)


# --- models -----------------------------------------------------------------------------------------------------

class ModelOut(_Out):
    kind: str
    base_model_id: int | None  # null where the caller may not see the base model

    @staticmethod
    def resolve_base_model_id(obj: Any) -> int | None:
        return obj.base_model_id if getattr(obj, "base_model_name", None) else None

    modalities: list[str]
    parameters_billion: Decimal | None
    licence: str
    open_weights: bool
    summary: str
    filing_status: str
    filing_number: str


class ModelDetailOut(ModelOut):
    # null unless the caller is a member of the owner organisation
    endpoint_url: str | None = None

    @staticmethod
    def resolve_endpoint_url(obj: Any) -> str | None:
        return getattr(obj, "shown_endpoint", "") or None


class ModelIn(_In):
    organisation_id: int
    name: Name
    kind: ModelKind
    base_model_id: int | None = None
    modalities: list[Modality] = []
    parameters_billion: Annotated[Decimal, bounds(AIModel, "parameters_billion")] | None = None
    licence: Annotated[str, Field(max_length=100)] = ""
    open_weights: bool = False
    summary: Annotated[str, Field(max_length=5000)] = ""
    endpoint_url: Annotated[str, Field(max_length=300)] = ""
    filing_status: FilingStatus = FilingStatus.NOT_FILED
    filing_number: Annotated[str, Field(max_length=80)] = ""
    is_published: bool = False


ModelPatch = _patch(ModelIn, "ModelPatch")


def _model(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.model(user, result.pk)  # read back with the endpoint as this caller may see it


lists.add_operation(router, "/models", MODELS, ModelOut, auth=OPTIONAL)


@router.get("/models/{model_id}", response=ModelDetailOut, auth=OPTIONAL)
def get_model(request: HttpRequest, model_id: int) -> Any:
    return selectors.model(request.user, model_id)


writes.add_action(router, "POST", "/models", services.create_model, payload=ModelIn, response=ModelDetailOut,
                  created=True, reply=_model)
writes.add_action(router, "PATCH", "/models/{model_id}", services.update_model, payload=ModelPatch,
                  response=ModelDetailOut, partial=True, reply=_model)
writes.add_action(router, "POST", "/models/{model_id}/publish", services.publish_model, payload=PublishIn,
                  response=ModelDetailOut, reply=_model)


# --- algorithms -------------------------------------------------------------------------------------------------

class AlgorithmOut(_Out):
    algorithm_type: str
    application_field: str
    service_name: str
    mechanism_summary: str
    model_id: int | None  # null where the caller may not see the model

    @staticmethod
    def resolve_model_id(obj: Any) -> int | None:
        return obj.model_id if getattr(obj, "model_name", None) else None


class AlgorithmIn(_In):
    organisation_id: int
    name: Name
    algorithm_type: Annotated[str, Field(max_length=40, description="a code of the packs' algorithm_types")]
    application_field: Annotated[str, Field(max_length=120)] = ""
    service_name: Short = ""
    mechanism_summary: Annotated[str, Field(max_length=5000)] = ""
    model_id: int | None = None
    is_published: bool = False


lists.add_operation(router, "/algorithms", ALGORITHMS, AlgorithmOut, auth=OPTIONAL)


@router.get("/algorithms/{algorithm_id}", response=AlgorithmOut, auth=OPTIONAL)
def get_algorithm(request: HttpRequest, algorithm_id: int) -> Any:
    return selectors.algorithm(request.user, algorithm_id)


AlgorithmPatch = _patch(AlgorithmIn, "AlgorithmPatch")


def _algorithm(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.algorithm(user, result.pk)


writes.add_action(router, "POST", "/algorithms", services.create_algorithm, payload=AlgorithmIn,
                  response=AlgorithmOut, created=True, reply=_algorithm)
writes.add_action(router, "PATCH", "/algorithms/{algorithm_id}", services.update_algorithm, payload=AlgorithmPatch,
                  response=AlgorithmOut, partial=True, reply=_algorithm)
writes.add_action(router, "POST", "/algorithms/{algorithm_id}/publish", services.publish_algorithm,
                  payload=PublishIn, response=AlgorithmOut, reply=_algorithm)


# --- hardware ---------------------------------------------------------------------------------------------------

class HardwareOut(_Out):
    kind: str
    vendor: str
    domestic: bool
    fp16_tflops: Decimal | None
    memory_gb: int | None
    summary: str
    pool_ids: list[int]
    model_ids: list[int]

    @staticmethod
    def resolve_pool_ids(obj: Any) -> list[int]:
        return [pool.pk for pool in obj.pools.all()]

    @staticmethod
    def resolve_model_ids(obj: Any) -> list[int]:
        return [model.pk for model in getattr(obj, "visible_models", [])]  # those the caller may see


class HardwareIn(_In):
    organisation_id: int
    name: Name
    kind: HardwareKind
    vendor: Name
    domestic: bool = False
    fp16_tflops: Annotated[Decimal, bounds(Hardware, "fp16_tflops")] | None = None
    memory_gb: Annotated[int, bounds(Hardware, "memory_gb")] | None = None
    summary: Annotated[str, Field(max_length=5000)] = ""
    pool_ids: list[int] = []
    model_ids: list[int] = []
    is_published: bool = False


HardwarePatch = _patch(HardwareIn, "HardwarePatch")


def _hardware(user: Any, result: Any, **ids: Any) -> Any:
    return selectors.hardware(user, result.pk)


lists.add_operation(router, "/hardware", HARDWARE, HardwareOut, auth=OPTIONAL, prefetch=("pools",))


@router.get("/hardware/{hardware_id}", response=HardwareOut, auth=OPTIONAL)
def get_hardware(request: HttpRequest, hardware_id: int) -> Any:
    return selectors.hardware(request.user, hardware_id)


writes.add_action(router, "POST", "/hardware", services.create_hardware, payload=HardwareIn, response=HardwareOut,
                  created=True, reply=_hardware)
writes.add_action(router, "PATCH", "/hardware/{hardware_id}", services.update_hardware, payload=HardwarePatch,
                  response=HardwareOut, partial=True, reply=_hardware)
writes.add_action(router, "POST", "/hardware/{hardware_id}/publish", services.publish_hardware, payload=PublishIn,
                  response=HardwareOut, reply=_hardware)


# --- open-source projects ---------------------------------------------------------------------------------------

class ProjectOut(_Out):
    repository_url: str
    licence: str
    summary: str
    support_received: str
    support_amount_cny: Decimal | None


class ProjectIn(_In):
    organisation_id: int
    name: Name
    repository_url: Annotated[str, Field(min_length=1, max_length=300)]
    licence: Annotated[str, Field(min_length=1, max_length=100, description="an SPDX identifier or expression")]
    summary: Annotated[str, Field(max_length=5000)] = ""
    support_received: Annotated[str, Field(max_length=5000)] = ""
    support_amount_cny: Annotated[Decimal, bounds(OpenSourceProject, "support_amount_cny")] | None = None
    is_published: bool = False


ProjectPatch = _patch(ProjectIn, "ProjectPatch")


lists.add_operation(router, "/projects", PROJECTS, ProjectOut, auth=OPTIONAL)


@router.get("/projects/{project_id}", response=ProjectOut, auth=OPTIONAL)
def get_project(request: HttpRequest, project_id: int) -> Any:
    return selectors.project(request.user, project_id)


writes.add_action(router, "POST", "/projects", services.create_project, payload=ProjectIn, response=ProjectOut,
                  created=True)
writes.add_action(router, "PATCH", "/projects/{project_id}", services.update_project, payload=ProjectPatch,
                  response=ProjectOut, partial=True)
writes.add_action(router, "POST", "/projects/{project_id}/publish", services.publish_project, payload=PublishIn,
                  response=ProjectOut)
