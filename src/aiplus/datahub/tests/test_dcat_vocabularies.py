"""DCAT-AP 3 controlled vocabularies: the export writes licence, language, frequency, access rights, file type and
media type as IRIs of the EU authority tables (and of the IANA register), keeping the Chinese portal's own codes under
aiplus:; the import reads both those IRIs and the literal form of older exports; bad vocabulary input is refused
with an error naming the field, and nothing is written."""

import copy

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from aiplus.core.errors import ServiceError
from aiplus.core.models import AuditEvent
from aiplus.datahub import dcat, selectors, services
from aiplus.datahub.models import Dataset, Distribution, OpenAttribute, UpdateFrequency

pytestmark = pytest.mark.django_db

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"


def ids(value):
    """A vocabulary value without the class DCAT-AP's ranges want stated beside each IRI (its @type)."""
    if isinstance(value, list):
        return [ids(v) for v in value]
    return {k: v for k, v in value.items() if k != "@type"} if isinstance(value, dict) else value


@pytest.fixture
def document(world):
    """A one-dataset catalogue as this version exports it."""
    services.create_dataset(
        acting_user=world.user("provider"), provider_id=world.orgs["suzhou:provider"].pk, identifier="vocab",
        title="词表数据集", licence="CC-BY-4.0", language="zh", update_frequency="2", open_attribute="conditional",
        is_published=True, distributions=[{"identifier": "vocab-csv", "format": "CSV", "media_type": "text/csv",
                                           "licence": "CC-BY-4.0"}])
    exported = selectors.catalogue_document(world.admin)
    Dataset.objects.all().delete()
    return exported


def _import(world, document):
    return services.import_catalogue(acting_user=world.admin, document=copy.deepcopy(document))


def _without_aiplus_codes(document):
    """A copy of the document whose dataset carries no aiplus codes, as another publisher's would, and that node."""
    copied = copy.deepcopy(document)
    node = copied["dcat:dataset"][0]
    for key in ("aiplus:updateFrequency", "aiplus:openAttribute"):
        del node[key]
    return copied, node


def _imported():
    """The imported dataset's vocabulary fields, and its distribution's."""
    dataset = Dataset.objects.get(identifier="vocab")
    distribution = dataset.distributions.get()
    return ((dataset.licence, dataset.language, dataset.update_frequency, dataset.open_attribute),
            (distribution.format, distribution.media_type, distribution.licence))


def test_export_writes_the_vocabulary_iris(document):
    node = document["dcat:dataset"][0]
    assert ids(node["dct:license"]) == {"@id": EU + "licence/CC_BY_4_0"}
    assert ids(node["dct:language"]) == {"@id": EU + "language/ZHO"}
    assert ids(node["dct:accrualPeriodicity"]) == {"@id": EU + "frequency/DAILY"}
    assert ids(node["dct:accessRights"]) == {"@id": EU + "access-right/RESTRICTED"}
    assert (node["aiplus:updateFrequency"], node["aiplus:openAttribute"]) == ("2", "有条件开放")
    distribution = node["dcat:distribution"][0]
    assert ids(distribution["dct:format"]) == {"@id": EU + "file-type/CSV"}
    assert ids(distribution["dcat:mediaType"]) == {"@id": IANA + "text/csv"}
    assert ids(distribution["dct:license"]) == {"@id": EU + "licence/CC_BY_4_0"}


def test_import_reads_the_literal_form_of_older_exports(world, document):
    old, node = _without_aiplus_codes(document)
    # What exports wrote before the vocabularies: literals, and BIANNUAL for 每半年.
    node.update({"dct:license": "CC-BY-4.0", "dct:language": "zh",
                 "dct:accrualPeriodicity": {"@id": EU + "frequency/BIANNUAL"}})
    node["dcat:distribution"][0].update({"dct:format": "ZIP", "dcat:mediaType": "application/zip",
                                         "dct:license": "苏州市公共数据开放许可"})
    assert _import(world, old).counts == {"datasets": 1, "services": 0}
    assert _imported() == (("CC-BY-4.0", "zh", "6", "conditional"),
                           ("ZIP", "application/zip", "苏州市公共数据开放许可"))
    # …and exports them in the new form.
    node = selectors.catalogue_document(world.admin)["dcat:dataset"][0]
    assert ids(node["dct:license"]) == {"@id": EU + "licence/CC_BY_4_0"}
    assert ids(node["dct:accrualPeriodicity"]) == {"@id": EU + "frequency/ANNUAL_2"}
    assert ids(node["dcat:distribution"][0]["dct:format"]) == {"@id": EU + "file-type/ZIP"}
    assert node["dcat:distribution"][0]["aiplus:licence"] == "苏州市公共数据开放许可"


def test_import_reads_the_iri_form_without_the_aiplus_codes(world, document):
    """A catalogue from another DCAT-AP 3 publisher carries only the IRIs (IANA's http address too)."""
    other, node = _without_aiplus_codes(document)
    node.update({"dct:license": {"@id": EU + "licence/CC0"},
                 "dct:language": [{"@id": EU + "language/ZHO"}, {"@id": EU + "language/ENG"}],
                 "dct:accrualPeriodicity": {"@id": EU + "frequency/WEEKLY"},
                 "dct:accessRights": {"@id": EU + "access-right/NON_PUBLIC"}})
    node["dcat:distribution"][0].update({
        "dct:format": {"@id": EU + "file-type/JSON_LD"},
        "dcat:mediaType": {"@id": "http://www.iana.org/assignments/media-types/application/ld+json"},
        "dct:license": {"@id": "https://data.example.org/licence/v1"}})
    _import(world, other)
    assert _imported() == (("CC0-1.0", "zh,en", "3", "closed"),
                           ("JSON-LD", "application/ld+json", "https://data.example.org/licence/v1"))


@pytest.mark.parametrize(("path", "value", "field"), [
    (("dct:accessRights",), {"@id": "nonsense"}, "dct:accessRights"),
    (("dct:accrualPeriodicity",), {"@id": EU + "frequency/SOMETIMES"}, "dct:accrualPeriodicity"),
    (("aiplus:openAttribute",), "半开放", "aiplus:openAttribute"),
    (("aiplus:updateFrequency",), "10", "aiplus:updateFrequency"),
    (("dct:accessRights",), {"@id": EU + "access-right/PUBLIC"}, "dct:accessRights"),  # disagrees with 有条件开放
    (("dct:language",), {"@id": EU + "language/XYZ"}, "dct:language"),
    (("dct:license",), {"@id": "CC BY 4.0"}, "dct:license"),
    (("dct:license",), [{"@id": EU + "licence/CC0"}, {"@id": EU + "licence/MIT"}], "dct:license"),
    (("dct:license",), 4, "dct:license"),
    (("dcat:distribution", 0, "dct:format"), {"@id": EU + "file-type/NOPE"}, "dcat:distribution[0].dct:format"),
    (("dcat:distribution", 0, "dcat:mediaType"), {"@id": "https://example.org/csv"},
     "dcat:distribution[0].dcat:mediaType"),
])
def test_bad_vocabulary_input_names_the_field_and_writes_nothing(world, document, path, value, field):
    bad = copy.deepcopy(document)
    target = bad["dcat:dataset"][0]
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    before = Dataset.objects.count(), Distribution.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ServiceError) as error:
        _import(world, bad)
    assert error.value.field == f"dcat:dataset[0].{field}"
    assert field.rsplit(".", 1)[-1] in str(error.value.message)
    assert (Dataset.objects.count(), Distribution.objects.count(), AuditEvent.objects.count()) == before


def test_the_import_command_names_a_bad_vocabulary_field(world, document, tmp_path):
    bad = copy.deepcopy(document)
    bad["dcat:dataset"][0]["dct:language"] = {"@id": "zh"}
    path = tmp_path / "bad.jsonld"
    path.write_text(dcat.serialise(bad), encoding="utf-8")
    with pytest.raises(CommandError, match=r"dcat:dataset\[0\]\.dct:language"):
        call_command("dcat_import", str(path), "--user", world.admin.username)
    assert not Dataset.objects.exists()


def test_the_table_covers_every_choice_with_its_chinese_label():
    """The open attribute and the update frequency are model choices: each has a row, labelled as the model is."""
    with translation.override("zh-hans"):
        for vocabulary, choices in ((dcat.VOCABULARIES["access right"], OpenAttribute),
                                    (dcat.VOCABULARIES["frequency"], UpdateFrequency)):
            assert {t.local: t.label for t in vocabulary.terms} == {c.value: str(c.label) for c in choices}
    # One table drives every mapped field.
    kinds = {kind for _n, _k, kind in dcat.DATASET_FIELDS + dcat.DISTRIBUTION_FIELDS if kind.startswith("vocab:")}
    assert {kind.removeprefix("vocab:") for kind in kinds} == set(dcat.VOCABULARIES)
    for name, vocabulary in dcat.VOCABULARIES.items():
        for term in vocabulary.terms:
            node: dict = {}
            vocabulary.write(term.local, node)
            assert node[vocabulary.property] == {"@id": vocabulary.base + term.codes[0],
                                                 "@type": vocabulary.rdf_class}, name
            assert vocabulary.read(node) == term.local, name
