"""Search over needs, capability profiles and cases through the one search design (aiplus.core.search): tokens
stored on write, synonyms folded, parts of compounds stored, matched through the FTS5 table (SQLite) or the GIN
index (PostgreSQL). Run on both databases."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

from aiplus.scenarios import selectors, services
from aiplus.scenarios.models import CapabilityProfile, Need
from aiplus.scenarios.testing import need_data, published_need


def _titles(world, query: str) -> set[str]:
    return {n.title for n in selectors.needs(world.user("public"), search=query)}


def _products(world, query: str) -> set[str]:
    return {p.products for p in selectors.profiles(world.user("public"), search=query)}


def _profile(world, products: str, description: str, **kw):
    return services.save_profile(acting_user=world.user("provider"), organisation_id=world.orgs["suzhou:provider"].pk,
                                 products=products, description=description, domains=["industry.manufacturing"], **kw)


def test_needs_are_found_by_term_synonym_part_of_a_compound_and_owner(world):
    published_need(world, title="冲压件质量检测", problem="需要机器视觉完成外观检验")
    published_need(world, title="智慧养老服务", problem="独居老人跌倒监测", domain="livelihood")
    assert _titles(world, "质检") == {"冲压件质量检测"}  # 质检 and 质量检测 are one term
    assert _titles(world, "机器视觉 质检") == {"冲压件质量检测"}  # every term must match
    assert _titles(world, "养老") == {"智慧养老服务"}  # a part of the compound 智慧养老
    assert _titles(world, "质检 养老") == set()
    owner = world.orgs["suzhou:enterprise"].name
    assert _titles(world, owner) == {"冲压件质量检测", "智慧养老服务"}  # the owner's name is in the tokens
    assert _titles(world, "区块链") == set()
    assert _titles(world, "  ") == {"冲压件质量检测", "智慧养老服务"}
    assert _titles(world, "检") == {"冲压件质量检测"}  # no term in the query: a substring of the title


def test_an_edit_replaces_the_tokens(world):
    member = world.user("enterprise_member")
    need = services.create_need(acting_user=member, organisation_id=world.orgs["suzhou:enterprise"].pk,
                                jurisdiction="suzhou", **need_data(title="焊缝缺陷检测", problem="焊接质量"))
    member_titles = lambda q: {n.title for n in selectors.needs(member, search=q)}  # noqa: E731
    assert member_titles("焊缝") == {"焊缝缺陷检测"}
    services.update_need(acting_user=member, need_id=need.pk, title="设备故障预测", problem="振动监测")
    assert member_titles("焊缝") == set()
    assert member_titles("故障预测") == {"设备故障预测"}
    assert "焊缝" not in Need.objects.get(pk=need.pk).search_tokens


def test_profiles_and_cases_are_searched_the_same_way(world):
    _profile(world, "养老陪护机器人", "独居老人跌倒监测与陪伴")
    edited = _profile(world, "工业质检一体机", "冲压件外观缺陷检测，私有化部署")
    assert _products(world, "陪护") == {"养老陪护机器人"}
    assert _products(world, "质量检测") == {"工业质检一体机"}
    _profile(world, "焊缝检测系统", "X射线焊接检测", profile_id=edited.pk)
    assert _products(world, "质量检测") == set() and _products(world, "焊缝") == {"焊缝检测系统"}
    assert _products(world, world.orgs["suzhou:provider"].name) == {"养老陪护机器人", "焊缝检测系统"}
    assert _products(world, "机") == {"养老陪护机器人"}  # no term: a substring of the products


def test_the_migration_fills_the_tokens_of_existing_rows(world):
    published_need(world, title="冲压件质量检测")
    _profile(world, "养老陪护机器人", "独居老人跌倒监测")
    Need.objects.update(search_tokens="")  # rows as they were before the column existed
    CapabilityProfile.objects.update(search_tokens="")
    assert _titles(world, "质检") == set() and _products(world, "陪护") == set()
    migration = importlib.import_module("aiplus.scenarios.migrations.0003_background_matching_and_search_index")
    migration.fill_tokens(apps, SimpleNamespace(connection=connection))
    assert _titles(world, "质检") == {"冲压件质量检测"} and _products(world, "陪护") == {"养老陪护机器人"}


TABLES = ("scenarios_need", "scenarios_capabilityprofile", "scenarios_case", "datahub_dataset")


def test_the_full_text_index_exists_on_this_database(db):
    """Also a guard: on SQLite a later migration that remakes one of these tables drops its triggers, and the FTS5
    table would silently fall behind; such a migration must create them again (aiplus.core.search)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE '%_fts%'")
            names = {row[0] for row in cursor.fetchall()}
            for table in TABLES:
                assert {f"{table}_fts", f"{table}_fts_ai", f"{table}_fts_ad", f"{table}_fts_au"} <= names
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_tsv'")
            assert {f"{table}_tsv" for table in TABLES} <= {row[0] for row in cursor.fetchall()}
