"""DCAT-AP 3 as other portals read it: the export in JSON-LD, Turtle and RDF/XML conforms to the SEMIC shapes
(shapes.ttl and range.ttl, run by pyshacl), the catalogue and dataset URLs negotiate the format, and
`manage.py dcat_validate` reports each violation with its record and field in the user's language.

The shapes are read from the shared DCAT-AP folder (AIPLUS_DCAT_AP_DIR); without it these tests are skipped."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rdflib import Graph

from aiplus.datahub import dcat, dcat_rdf, selectors, services, shacl

pytestmark = pytest.mark.django_db

needs_shapes = pytest.mark.skipif(
    not (shacl.data_dir() / "shacl" / "shapes.ttl").is_file(),
    reason=f"the SEMIC DCAT-AP 3 shapes are not in {shacl.data_dir()} (set AIPLUS_DCAT_AP_DIR)")


@pytest.fixture
def catalogue(world):
    """A catalogue with what the profile asks for and what it makes hard: a dataset without a summary, a
    distribution without an access address, a mapped and an unmapped theme, a place, lineage, a data service."""
    provider = world.user("provider")
    org = world.orgs["suzhou:provider"].pk
    full = services.create_dataset(
        acting_user=provider, provider_id=org, identifier="bus", title="公交到站数据", description="到站时刻",
        theme="交通运输", spatial_coverage="苏州市", lineage="车载终端采集", licence="CC-BY-4.0", language="zh,en",
        keywords=["公交"], is_published=True,
        distributions=[{"identifier": "bus-csv", "format": "CSV", "media_type": "text/csv",
                        "access_url": "https://data.example.org/bus", "byte_size": 1024}])
    services.create_dataset(acting_user=provider, provider_id=org, identifier="bare", title="仅有名称",
                            theme="人工智能", is_published=True, distributions=[{"format": "JSONL"}])
    services.create_data_service(acting_user=provider, provider_id=org, identifier="bus-api", title="公交接口",
                                 endpoint_url="https://api.example.org/bus", is_published=True, serves=[full.pk])
    return selectors.catalogue_document(world.admin)


def _graph(text, fmt):
    return Graph().parse(data=text, format={"jsonld": "json-ld", "ttl": "turtle", "rdf": "xml"}[fmt])


@needs_shapes
@pytest.mark.parametrize("fmt", ["jsonld", "ttl", "rdf"])
def test_the_demo_catalogue_export_conforms_in_every_format(demo, fmt, client):
    text = client.get(f"/data/catalogue.jsonld?format={fmt}").content.decode()
    report = shacl.validate(_graph(text, fmt))
    assert report.shapes == ["shapes.ttl", "range.ttl"]
    assert report.lines() == []
    assert report.conforms
    assert len(set(report.data.subjects(predicate=None, object=dcat_rdf_class("Dataset")))) == 4


def dcat_rdf_class(name):
    from rdflib import URIRef
    return URIRef("http://www.w3.org/ns/dcat#" + name)


@needs_shapes
@pytest.mark.parametrize("fmt", ["jsonld", "ttl", "rdf"])
def test_an_export_with_empty_mandatory_fields_still_conforms(catalogue, fmt):
    report = shacl.validate(dcat_rdf.reparse(dcat_rdf.render(catalogue, dcat_rdf.FORMATS[fmt]),
                                             dcat_rdf.FORMATS[fmt]))
    assert report.lines() == []


def test_themes_places_and_addresses_are_concepts_and_iris(catalogue):
    bus = next(d for d in catalogue["dcat:dataset"] if d["dct:identifier"] == "bus")
    own, eu = bus["dcat:theme"]
    assert own["@type"] == "skos:Concept" and own["skos:prefLabel"] == {"@value": "交通运输", "@language": "zh"}
    assert own["@id"].startswith(dcat.AIPLUS_THEMES)
    assert eu["@id"] == "http://publications.europa.eu/resource/authority/data-theme/TRAN"
    assert bus["dct:spatial"]["skos:prefLabel"] == {"@value": "苏州市", "@language": "zh"}
    assert bus["dcat:distribution"][0]["dcat:accessURL"] == {"@id": "https://data.example.org/bus"}
    # An unmapped theme keeps only the platform's concept; a missing summary and address are filled and marked.
    bare = next(d for d in catalogue["dcat:dataset"] if d["dct:identifier"] == "bare")
    assert [t["skos:prefLabel"]["@value"] for t in bare["dcat:theme"]] == ["人工智能"]
    assert bare["dct:description"] == "仅有名称" and bare["aiplus:filledForProfile"] == ["dct:description"]
    distribution = bare["dcat:distribution"][0]
    assert distribution["dcat:accessURL"] == {"@id": "urn:aiplus:dataset:bare"}
    assert catalogue["dct:publisher"]["@type"] == "foaf:Agent" and catalogue["dct:description"]


def test_the_filled_values_read_back_as_empty(world, catalogue):
    from aiplus.datahub.models import DataService, Dataset

    DataService.objects.all().delete()
    Dataset.objects.all().delete()
    services.import_catalogue(acting_user=world.admin, document=json.loads(json.dumps(catalogue)))
    bare = Dataset.objects.get(identifier="bare")
    assert (bare.description, bare.distributions.get().access_url, bare.theme) == ("", "", "人工智能")
    bus = Dataset.objects.get(identifier="bus")
    assert (bus.theme, bus.spatial_coverage, bus.lineage) == ("交通运输", "苏州市", "车载终端采集")
    assert selectors.catalogue_document(world.admin) == catalogue


@pytest.mark.parametrize(("query", "accept", "media_type"), [
    ("", "", "application/ld+json"),
    ("", "text/html,application/xhtml+xml,*/*;q=0.8", "application/ld+json"),
    ("", "text/turtle", "text/turtle"),
    ("", "application/rdf+xml;q=0.9, text/turtle;q=0.5", "application/rdf+xml"),
    ("?format=ttl", "application/ld+json", "text/turtle"),
    ("?format=rdf", "", "application/rdf+xml"),
    ("?format=jsonld", "text/turtle", "application/ld+json"),
])
def test_catalogue_and_dataset_urls_negotiate_the_format(world, catalogue, client, query, accept, media_type):
    dataset = selectors.datasets(world.admin).get(identifier="bus")
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    for url in ("/data/catalogue.jsonld", f"/data/datasets/{dataset.pk}/dcat.jsonld"):
        response = client.get(url + query, **headers)
        assert response.status_code == 200
        assert response["Content-Type"].split(";")[0] == media_type
        fmt = dcat_rdf.BY_MEDIA_TYPE[media_type].key
        graph = _graph(response.content.decode(), fmt)
        assert (None, None, dcat_rdf_class("Dataset")) in graph
        assert response["Content-Disposition"].endswith(f'.{dcat_rdf.FORMATS[fmt].extension}"')


def test_an_unknown_format_is_a_400_naming_it(client):
    response = client.get("/data/catalogue.jsonld?format=csv")
    assert response.status_code == 400
    assert response.json()["field"] == "format" and "csv" in response.json()["message"]


@needs_shapes
def test_validate_command_reports_each_violation_with_record_and_field(tmp_path, capsys, catalogue):
    bad = json.loads(json.dumps(catalogue))
    del bad["dct:description"]
    bad["dcat:dataset"][0]["dcat:distribution"][0]["dcat:accessURL"] = "https://data.example.org/bus"
    path = tmp_path / "bad.jsonld"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("dcat_validate", str(path))
    out = capsys.readouterr().out
    assert "shapes.ttl, range.ttl" in out and "2 项违规" in out
    assert "数据目录“aiplus 数据目录”（<urn:aiplus:catalogue>），字段 描述（dct:description）：缺少必填项。" in out
    assert "分发“" not in out or "访问地址（dcat:accessURL）" in out
    assert "字段 访问地址（dcat:accessURL）" in out
    with pytest.raises(CommandError):
        call_command("dcat_validate", str(path), "--language", "en")
    out = capsys.readouterr().out
    assert "2 violations" in out
    assert ('Data catalogue "aiplus 数据目录" (<urn:aiplus:catalogue>), field Description (dct:description): '
            "a required value is missing.") in out


@needs_shapes
def test_validate_command_checks_the_export_in_three_formats(demo, capsys):
    call_command("dcat_validate", "--export")
    out = capsys.readouterr().out
    for name in ("export.jsonld", "export.ttl", "export.rdf"):
        assert f"{name}：按 SHACL 约束 shapes.ttl, range.ttl 校验，0 项违规。" in out


@needs_shapes
def test_the_import_page_validates_before_anything_is_written(world, catalogue, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aiplus.datahub.models import Dataset

    bad = json.loads(json.dumps(catalogue))
    del bad["dct:description"]
    before = Dataset.objects.count()
    client.force_login(world.user("provider"))
    response = client.post("/data/catalogue/import/", {
        "file": SimpleUploadedFile("c.jsonld", json.dumps(bad, ensure_ascii=False).encode()), "validate_only": "on"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="validation-report"' in page
    assert "shapes.ttl, range.ttl" in page and "描述（dct:description）：缺少必填项。" in page
    assert Dataset.objects.count() == before


@needs_shapes
def test_the_api_validates_a_file_in_the_requests_language_and_writes_nothing(world, catalogue, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aiplus.datahub.models import Dataset

    bad = json.loads(json.dumps(catalogue))
    del bad["dct:description"]
    before = Dataset.objects.count()
    upload = SimpleUploadedFile("bad.jsonld", json.dumps(bad, ensure_ascii=False).encode("utf-8"))
    response = client.post("/api/v1/data/catalogue/validate", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    body = response.json()
    assert response.status_code == 200 and body["conforms"] is False
    assert body["shapes"] == ["shapes.ttl", "range.ttl"]
    assert any("dct:description" in v["field"] and v["severity"] == "Violation" for v in body["violations"])
    good = SimpleUploadedFile("good.jsonld", json.dumps(catalogue, ensure_ascii=False).encode("utf-8"))
    assert client.post("/api/v1/data/catalogue/validate", {"file": good}).json()["conforms"] is True
    assert Dataset.objects.count() == before
