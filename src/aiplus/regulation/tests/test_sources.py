"""Where pack content comes from: every glossary definition, duty and taxonomy item names its source kind, the
platform's own choices never cite a pack article as their source, and packs name source files without machine paths.
"""

from __future__ import annotations

import textwrap
from pathlib import Path, PurePosixPath

import pytest
import yaml

from aiplus.regulation.loader import PLATFORM_SOURCE_KINDS, PackError, PackSet, load_pack, load_packs
from aiplus.regulation.tests.test_loader import ROOT, SHIPPED, line_of, write_pack


@pytest.fixture(scope="module")
def packset() -> PackSet:
    return load_packs(ROOT, SHIPPED)


# --- the shipped packs --------------------------------------------------------------------------------------


def test_every_glossary_term_names_its_source(packset: PackSet) -> None:
    terms = packset.glossary()
    assert terms
    for term in terms:
        assert term.source.kind in {"official", "other-regulation", "working-definition"}, term.code
        if term.source.kind != "working-definition":
            assert term.source.citation is not None and term.source.citation.instrument, term.code
        else:  # a working definition may follow an instrument, never an article of a pack
            assert term.source.citation is None or term.source.citation.pack is None, term.code


def test_the_suzhou_ai_definition_is_the_shenzhen_regulations(packset: PackSet) -> None:
    term = next(t for t in packset.packs["suzhou"].glossary if t.code == "artificial_intelligence")
    assert term.source.kind == "other-regulation"
    assert term.source.citation is not None and term.source.citation.instrument == "深圳经济特区人工智能产业促进条例"
    assert term.related is not None and (term.related.pack, term.related.article) == ("suzhou", "2")
    # the other Suzhou and Guangdong terms are the platform's wording: the drafts' texts are not public
    others = [t for code in ("suzhou", "guangdong") for t in packset.packs[code].glossary if t is not term]
    assert others and all(t.source.kind == "working-definition" for t in others)


def test_duties_of_the_draft_regulations_are_platform_assignments(packset: PackSet) -> None:
    for code in ("suzhou", "guangdong"):
        duties = [(d.code, duty) for d in packset.packs[code].departments for duty in d.duties]
        official = [(dept, duty) for dept, duty in duties if duty.source.kind == "official"]
        # the only official one: the Suzhou task force received comments on the consultation draft (its notice)
        assert [dept for dept, _ in official] == (["sz_ai_plus_taskforce"] if code == "suzhou" else [])
        for dept, duty in duties:
            if duty.source.is_platform:
                assert duty.source.citation is None, dept
                assert duty.citation == duty.related  # the page shows the served articles, labelled as related
            else:
                assert duty.source.citation is not None and duty.source.citation.instrument, dept
                assert duty.citation == duty.source.citation


def test_every_taxonomy_item_names_its_source(packset: PackSet) -> None:
    kinds = {"official", "stated-in-explanation", "other-instrument", "working-classification"}
    for taxonomy in packset.taxonomies().values():
        for item in taxonomy.flatten():
            assert item.source.kind in kinds, (taxonomy.code, item.code)
            if item.source.kind in PLATFORM_SOURCE_KINDS and item.source.citation is not None:
                assert item.source.citation.pack is None, (taxonomy.code, item.code)
    domains = packset.taxonomy("scenario_domains")
    assert domains.item("industry.manufacturing").source.kind == "stated-in-explanation"
    assert domains.item("livelihood.health").source.kind == "working-classification"
    # values tagged [S], [R] or [V/S] in the research note are not official
    assert {i.source.kind for i in packset.taxonomy("genai_risks").flatten()} == {"working-classification"}
    assert packset.taxonomy("data_grades").item("core").source.kind == "official"


def test_packs_name_source_files_without_machine_paths() -> None:
    for pack in SHIPPED:
        for name in ("pack.yaml", "regulation.yaml"):
            file = ROOT / pack / name
            if not file.is_file():
                continue
            source = (yaml.safe_load(file.read_text(encoding="utf-8")) or {}).get("source") or {}
            if source.get("file"):
                assert not PurePosixPath(source["file"]).is_absolute(), (file, source["file"])
                assert "/work/" not in source["file"], (file, source["file"])


# --- broken packs -------------------------------------------------------------------------------------------


def the_error(folder: Path) -> PackError:
    with pytest.raises(PackError) as caught:
        load_pack(folder)
    return caught.value


GLOSSARY = textwrap.dedent("""\
    terms:
      - code: rate
        term: {zh: 比例, en: Rate}
        definition: {zh: 定义, en: Definition}
        source: working-definition
        related: {pack: test, article: "2"}
    """)


def test_a_term_with_a_source_and_a_related_article_loads(tmp_path: Path) -> None:
    folder = write_pack(tmp_path)
    (folder / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    term = load_pack(folder).glossary[0]
    assert term.source.kind == "working-definition" and term.source.citation is None
    assert term.related is not None and term.related.article == "2"


def test_a_term_without_a_source_is_an_error(tmp_path: Path) -> None:
    folder = write_pack(tmp_path)
    text = GLOSSARY.replace("    source: working-definition\n", "")
    (folder / "glossary.yaml").write_text(text, encoding="utf-8")
    error = the_error(folder)
    assert error.file.name == "glossary.yaml" and "missing key 'source'" in error.message


def test_a_working_definition_may_not_cite_a_pack_article_as_its_source(tmp_path: Path) -> None:
    folder = write_pack(tmp_path)
    cited = 'source: {kind: working-definition, pack: test, article: "2"}'
    text = GLOSSARY.replace("source: working-definition", cited)
    (folder / "glossary.yaml").write_text(text, encoding="utf-8")
    error = the_error(folder)
    assert error.file.name == "glossary.yaml" and error.line == line_of(text, "source:")
    assert "platform's own" in error.message and "related" in error.message


def test_an_official_source_names_what_it_comes_from(tmp_path: Path) -> None:
    folder = write_pack(tmp_path)
    text = GLOSSARY.replace("source: working-definition", "source: other-regulation")
    (folder / "glossary.yaml").write_text(text, encoding="utf-8")
    assert "names the instrument" in the_error(folder).message


def test_a_duty_names_who_assigns_it(tmp_path: Path) -> None:
    folder = write_pack(tmp_path)
    text = textwrap.dedent("""\
        departments:
          - code: office
            name: {zh: 办公室, en: Office}
            level: municipal
            duties:
              - text: {zh: 职责, en: Duty}
                citation: {pack: test, article: "2"}
        """)
    (folder / "departments.yaml").write_text(text, encoding="utf-8")
    error = the_error(folder)
    assert error.file.name == "departments.yaml" and "unknown key 'citation'" in error.message
    fixed = text.replace("        citation:", "        source: platform-assignment\n        related:")
    (folder / "departments.yaml").write_text(fixed, encoding="utf-8")
    duty = load_pack(folder).departments[0].duties[0]
    assert duty.source.kind == "platform-assignment" and duty.citation is not None and duty.citation.article == "2"


@pytest.mark.parametrize("path", ["/work/shared/seeds/000_8d9b4afe2491dc13.txt", "C:\\seeds\\000.txt", "~/seeds/x.txt"])
def test_an_absolute_source_file_is_rejected(tmp_path: Path, path: str) -> None:
    folder = write_pack(tmp_path)
    text = (folder / "pack.yaml").read_text(encoding="utf-8") + f"source:\n  title: 起草说明\n  file: '{path}'\n"
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    error = the_error(folder)
    assert error.file.name == "pack.yaml" and error.line == line_of(text, "file:")
    assert "absolute path" in error.message


@pytest.mark.parametrize("path", ["000_8d9b4afe2491dc13.txt", "../reference/mechanisms.md"])
def test_a_file_name_or_a_path_relative_to_the_seeds_folder_is_accepted(tmp_path: Path, path: str) -> None:
    folder = write_pack(tmp_path)
    text = (folder / "pack.yaml").read_text(encoding="utf-8") + f"source:\n  title: 起草说明\n  file: '{path}'\n"
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    assert load_pack(folder).code == "test"


def test_an_absolute_source_file_in_a_regulation_is_rejected(tmp_path: Path) -> None:
    from aiplus.regulation.tests.test_loader import REGULATION_YAML

    text = REGULATION_YAML.replace("status: draft\n", "status: draft\nsource:\n  title: 说明\n  file: /tmp/seed.txt\n")
    error = the_error(write_pack(tmp_path, regulation=text))
    assert error.file.name == "regulation.yaml" and error.line == line_of(text, "file:")
