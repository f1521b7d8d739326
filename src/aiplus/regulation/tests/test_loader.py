"""The pack loader: the shipped packs load, and every kind of error names its file and line.

Run without Django: `.venv/bin/python -m pytest src/aiplus/regulation/tests -q -p no:django`.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from aiplus.regulation.loader import (
    PackError,
    PackSet,
    article_numbers,
    default_packs_root,
    load_pack,
    load_packs,
    validate_all,
)
from aiplus.rules import ParameterStatus

ROOT = default_packs_root()
SHIPPED = ("national", "suzhou", "guangdong", "gba")


@pytest.fixture(scope="module")
def packset() -> PackSet:
    return load_packs(ROOT, SHIPPED)


# --- the shipped packs --------------------------------------------------------------------------------------


def test_all_shipped_packs_validate() -> None:
    assert validate_all(ROOT) == []


def test_load_order_puts_ancestors_first(packset: PackSet) -> None:
    order = list(packset.packs)
    assert order.index("national") < order.index("suzhou")
    assert order.index("national") < order.index("guangdong") < order.index("gba")
    assert set(order) == set(SHIPPED)


def test_loading_a_child_pulls_in_its_ancestors() -> None:
    assert list(load_packs(ROOT, ["gba"]).packs) == ["national", "guangdong", "gba"]


def test_suzhou_has_50_articles_in_6_chapters(packset: PackSet) -> None:
    suzhou = packset.packs["suzhou"]
    assert len(suzhou.chapters) == 6
    assert [a.number for a in suzhou.articles] == list(range(1, 51))
    assert suzhou.extends == ("national",)
    assert packset.article("suzhou", 34).chapter == 3


def test_guangdong_has_34_articles_in_8_chapters(packset: PackSet) -> None:
    guangdong = packset.packs["guangdong"]
    assert len(guangdong.chapters) == 8
    assert [c.last_article - c.first_article + 1 for c in guangdong.chapters] == [6, 4, 5, 6, 3, 6, 3, 1]
    assert [a.number for a in guangdong.articles] == list(range(1, 35))


def test_article_titles_are_marked_inferred(packset: PackSet) -> None:
    for article in packset.all_articles():
        assert article.title_source == "inferred-from-explanation", article
        assert article.title_zh and article.title_en and article.summary_zh and article.summary_en


def test_declarative_articles(packset: PackSet) -> None:
    assert {a.number for a in packset.packs["suzhou"].articles if a.declarative} >= {1, 3, 46}
    assert packset.article("suzhou", 1).declarative


def test_every_parameter_has_a_citation_and_a_status(packset: PackSet) -> None:
    versions = list(packset.parameters)
    assert versions
    for version in versions:
        # an official value cites its rule; an operator's value is marked as a platform setting (and may cite
        # nothing: a platform default that no instrument sets cites none)
        if version.status is ParameterStatus.OFFICIAL:
            assert version.citation.pack or version.citation.instrument, version.key
            assert not version.citation.setting, version.key
        else:
            assert version.citation.setting, version.key
        assert version.status in (ParameterStatus.OFFICIAL, ParameterStatus.LOCAL_SETTING)
        assert version.pack in SHIPPED and version.source


def test_official_parameters_cite_an_instrument_or_article(packset: PackSet) -> None:
    for version in packset.parameters:
        if version.status is ParameterStatus.OFFICIAL:
            assert version.citation.instrument or version.citation.article, version.key


def test_shenzhen_voucher_startup_rate_is_60_percent(packset: PackSet) -> None:
    day = dt.date(2025, 6, 1)
    base = packset.parameters.version("vouchers.shenzhen_training.rate", day)
    uplift = packset.parameters.version("vouchers.shenzhen_training.uplift.startup", day)
    assert base.decimal + uplift.decimal == Decimal("0.60")
    assert base.status is ParameterStatus.OFFICIAL


def test_suzhou_voucher_settings_are_local(packset: PackSet) -> None:
    day = dt.date(2026, 6, 1)
    for suffix in (
        "rate",
        "annual_cap_cny",
        "uplift.startup",
        "uplift.opc",
        "uplift.domestic_chips",
        "max_rate",
    ):
        version = packset.parameters.version(f"vouchers.suzhou_compute.{suffix}", day)
        assert version.status is ParameterStatus.LOCAL_SETTING, suffix


def test_taxonomies_and_flatten(packset: PackSet) -> None:
    domains = packset.taxonomy("scenario_domains")
    flat = domains.flatten()
    assert {i.code for i in flat if i.parent is None} == {
        "science",
        "industry",
        "consumption",
        "livelihood",
        "governance",
        "international",
    }
    assert domains.item("industry.manufacturing").parent == "industry"
    categories = packset.taxonomy("gd_scenario_categories")
    assert all(target.startswith("scenario_domains:") for i in categories.flatten() for target in i.maps_to)


def test_departments_and_gba_members(packset: PackSet) -> None:
    codes = {d.code for d in packset.departments()}
    assert {"sz_fgw", "gd_fgw", "cac"} <= codes
    assert len(packset.packs["gba"].members) == 11
    lead = [d for d in packset.departments() if d.pack == "suzhou" and d.lead]
    assert [d.code for d in lead] == ["sz_fgw"]


def test_content_hash_is_stable(packset: PackSet) -> None:
    assert load_pack(ROOT / "suzhou").content_hash == packset.packs["suzhou"].content_hash
    assert len(packset.packs["suzhou"].content_hash) == 64


def test_article_numbers() -> None:
    assert article_numbers("34") == [34]
    assert article_numbers("11-30") == list(range(11, 31))
    assert article_numbers("22–24") == [22, 23, 24]
    assert article_numbers("5, 7-8") == [5, 7, 8]


# --- broken packs: every error names the file and the line --------------------------------------------------

PACK_YAML = """\
code: {code}
name: {{zh: 测试, en: Test}}
extends: [{extends}]
jurisdiction: test
version: "1"
status: draft
"""

REGULATION_YAML = """\
title: {zh: 测试条例, en: Test regulation}
short_title: {zh: 测试, en: Test}
status: draft
chapters:
  - number: 1
    title: {zh: 总则, en: General provisions}
    first_article: 1
    last_article: 2
  - number: 2
    title: {zh: 附则, en: Supplementary provisions}
    first_article: 3
    last_article: 3
articles:
  - number: 1
    chapter: 1
    title: {zh: 立法目的, en: Purpose}
    title_source: inferred-from-explanation
    summary: {zh: 摘要, en: Summary}
  - number: 2
    chapter: 1
    title: {zh: 定义, en: Definitions}
    title_source: inferred-from-explanation
    summary: {zh: 摘要, en: Summary}
  - number: 3
    chapter: 2
    title: {zh: 施行日期, en: Entry into force}
    title_source: inferred-from-explanation
    summary: {zh: 摘要, en: Summary}
"""

PARAMETERS_YAML = """\
parameters:
  - key: test.rate
    title: {zh: 比例, en: Rate}
    unit: ratio
    versions:
      - value: "0.5"
        effective_from: 2024-01-01
        effective_to: 2024-12-31
        status: official
        citation: {pack: test, article: "2"}
      - value: "0.6"
        effective_from: 2025-01-01
        status: local-setting
        citation: {pack: test, article: "2"}
"""


def write_pack(
    root: Path,
    code: str = "test",
    *,
    extends: str = "",
    regulation: str | None = REGULATION_YAML,
    parameters: str | None = PARAMETERS_YAML,
) -> Path:
    folder = root / "packs" / code
    (folder / "parameters").mkdir(parents=True)
    (folder / "pack.yaml").write_text(PACK_YAML.format(code=code, extends=extends), encoding="utf-8")
    if regulation is not None:
        (folder / "regulation.yaml").write_text(regulation, encoding="utf-8")
    if parameters is not None:
        (folder / "parameters" / "rates.yaml").write_text(parameters, encoding="utf-8")
    return folder


def the_error(folder: Path) -> PackError:
    with pytest.raises(PackError) as caught:
        load_pack(folder)
    return caught.value


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            count += 1
            if count == occurrence:
                return number
    raise AssertionError(needle)


def test_a_valid_test_pack_loads(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path))
    assert len(pack.articles) == 3
    assert [v.value for v in pack.parameters] == ["0.5", "0.6"]
    assert (
        pack.parameters[0].source == f"packs/test/parameters/rates.yaml:{line_of(PARAMETERS_YAML, '- value')}"
    )


def test_unknown_key(tmp_path: Path) -> None:
    broken = REGULATION_YAML.replace(
        "    title: {zh: 定义, en: Definitions}", "    titel: {zh: 定义, en: Definitions}"
    )
    error = the_error(write_pack(tmp_path, regulation=broken))
    assert error.file.name == "regulation.yaml"
    assert error.line == line_of(broken, "titel:")
    assert "unknown key 'titel' in article 2" in error.message
    assert str(error) == f"packs/test/regulation.yaml:{error.line}: {error.message}"


def test_missing_citation(tmp_path: Path) -> None:
    broken = PARAMETERS_YAML.replace(
        '        citation: {pack: test, article: "2"}\n      - value: "0.6"', '      - value: "0.6"'
    )
    assert broken != PARAMETERS_YAML
    error = the_error(write_pack(tmp_path, parameters=broken))
    assert error.file == tmp_path / "packs" / "test" / "parameters" / "rates.yaml"
    assert error.line == line_of(broken, '- value: "0.5"')
    assert "citation" in error.message and "test.rate" in error.message
    assert str(error).startswith(f"packs/test/parameters/rates.yaml:{error.line}: ")


def test_overlapping_periods_name_the_later_version(tmp_path: Path) -> None:
    broken = PARAMETERS_YAML.replace("effective_from: 2025-01-01", "effective_from: 2024-06-01")
    error = the_error(write_pack(tmp_path, parameters=broken))
    assert error.file.name == "rates.yaml"
    assert error.line == line_of(broken, '- value: "0.6"')
    assert "overlap" in error.message


def test_overlap_across_files_of_one_pack_is_a_duplicate_key(tmp_path: Path) -> None:
    folder = write_pack(tmp_path)
    (folder / "parameters" / "more.yaml").write_text(PARAMETERS_YAML, encoding="utf-8")
    error = the_error(folder)
    assert error.file.name == "rates.yaml"  # sorted: more.yaml is read first
    assert error.line == line_of(PARAMETERS_YAML, "key: test.rate")
    assert "defined twice" in error.message


def test_article_outside_its_chapter(tmp_path: Path) -> None:
    broken = REGULATION_YAML.replace("  - number: 3\n    chapter: 2", "  - number: 3\n    chapter: 1")
    assert broken != REGULATION_YAML
    error = the_error(write_pack(tmp_path, regulation=broken))
    assert error.file.name == "regulation.yaml"
    assert error.line == line_of(broken, "chapter: 1", occurrence=3)
    assert "article 3 is outside chapter 1" in error.message


def test_article_in_a_missing_chapter(tmp_path: Path) -> None:
    broken = REGULATION_YAML.replace("  - number: 3\n    chapter: 2", "  - number: 3\n    chapter: 9")
    error = the_error(write_pack(tmp_path, regulation=broken))
    assert error.line == line_of(broken, "chapter: 9")
    assert "does not exist" in error.message


def test_article_numbers_must_be_contiguous(tmp_path: Path) -> None:
    broken = REGULATION_YAML.replace("  - number: 3\n", "  - number: 4\n")
    error = the_error(write_pack(tmp_path, regulation=broken))
    assert error.line == line_of(broken, "- number: 4")
    assert "should be article 3" in error.message


def test_citation_of_a_missing_article(tmp_path: Path) -> None:
    broken = PARAMETERS_YAML.replace(
        'citation: {pack: test, article: "2"}\n      - value',
        'citation: {pack: test, article: "7"}\n      - value',
    )
    error = the_error(write_pack(tmp_path, parameters=broken))
    assert error.file.name == "rates.yaml"
    assert error.line == line_of(broken, 'article: "7"')
    assert "no article 7" in error.message


def test_citation_of_a_missing_article_in_an_extended_pack(tmp_path: Path) -> None:
    write_pack(tmp_path, "base", parameters=None)
    child_params = PARAMETERS_YAML.replace("pack: test", "pack: base").replace(
        'article: "2"}\n      - value', 'article: "40"}\n      - value'
    )
    write_pack(tmp_path, "child", extends="base", regulation=None, parameters=child_params)
    with pytest.raises(PackError) as caught:
        load_packs(tmp_path / "packs", ["child"])
    assert caught.value.file.name == "rates.yaml"
    assert caught.value.line == line_of(child_params, 'article: "40"')
    errors = validate_all(tmp_path / "packs")
    assert [e.line for e in errors] == [caught.value.line]


def test_citation_of_an_unrelated_pack(tmp_path: Path) -> None:
    write_pack(tmp_path, "one", parameters=None)
    params = PARAMETERS_YAML.replace("pack: test", "pack: one")
    write_pack(tmp_path, "two", parameters=params)
    errors = validate_all(tmp_path / "packs")
    assert errors and all("may cite only itself" in e.message for e in errors)
    assert errors[0].line == line_of(params, "pack: one")


def test_missing_citation_field_in_a_taxonomy(tmp_path: Path) -> None:
    folder = write_pack(tmp_path)
    (folder / "taxonomies").mkdir()
    text = textwrap.dedent("""\
        taxonomy: tiers
        title: {zh: 等级, en: Tiers}
        items:
          - {code: low, name: {zh: 低, en: Low}}
        """)
    (folder / "taxonomies" / "tiers.yaml").write_text(text, encoding="utf-8")
    error = the_error(folder)
    assert error.line == 1 and "missing key 'citation'" in error.message


def test_override_of_an_ancestor_key_is_allowed_but_unrelated_packs_clash(tmp_path: Path) -> None:
    write_pack(tmp_path, "base", parameters=PARAMETERS_YAML.replace("pack: test", "pack: base"))
    write_pack(
        tmp_path, "child", extends="base", parameters=PARAMETERS_YAML.replace("pack: test", "pack: child")
    )
    write_pack(
        tmp_path, "other", extends="base", parameters=PARAMETERS_YAML.replace("pack: test", "pack: other")
    )
    root = tmp_path / "packs"
    packset = load_packs(root, ["child"])
    assert packset.parameters.version("test.rate", dt.date(2025, 1, 1)).pack == "child"
    with pytest.raises(PackError) as caught:
        load_packs(root, ["child", "other"])
    assert caught.value.file == root / "other" / "parameters" / "rates.yaml"
    assert caught.value.line == line_of(PARAMETERS_YAML, "key: test.rate")
    assert "also defined by pack child" in caught.value.message


def test_extends_cycle_and_missing_parent(tmp_path: Path) -> None:
    write_pack(tmp_path, "a", extends="b", parameters=None)
    write_pack(tmp_path, "b", extends="a", parameters=None)
    write_pack(tmp_path, "c", extends="nowhere", parameters=None)
    messages = [str(e) for e in validate_all(tmp_path / "packs")]
    assert any("cycle" in m and m.startswith("packs/") and ":3:" in m for m in messages)
    assert any("extends 'nowhere'" in m and m.startswith("packs/c/pack.yaml:3:") for m in messages)


def test_yaml_syntax_error_and_duplicate_key(tmp_path: Path) -> None:
    folder = write_pack(tmp_path, regulation=REGULATION_YAML + "  - number: [\n")
    error = the_error(folder)
    assert error.file.name == "regulation.yaml" and error.line is not None
    folder2 = write_pack(
        tmp_path / "x",
        regulation=REGULATION_YAML.replace("status: draft\n", "status: draft\nstatus: official\n"),
    )
    error2 = the_error(folder2)
    assert error2.line == 4 and "appears twice" in error2.message


def test_values_keep_their_types(tmp_path: Path) -> None:
    params = textwrap.dedent("""\
        parameters:
          - key: test.mixed
            title: {zh: 混合, en: Mixed}
            versions:
              - {value: 0.5, effective_from: 2024-01-01, effective_to: 2024-01-31, status: local-setting,
                 citation: {instrument: X}}
              - {value: "1", effective_from: 2024-02-01, effective_to: 2024-02-28, status: local-setting,
                 citation: {instrument: X}}
              - {value: true, effective_from: 2024-03-01, effective_to: 2024-03-31, status: local-setting,
                 citation: {instrument: X}}
              - {value: [a, b], effective_from: 2024-04-01, status: local-setting, citation: {instrument: X}}
        """)
    pack = load_pack(write_pack(tmp_path, parameters=params))
    assert [v.value for v in pack.parameters] == [Decimal("0.5"), "1", True, ["a", "b"]]
