"""Masking of phone and ID-card numbers (CONTRACT §7): the rule, and the queries that show text."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import load_text

from warehouse.privacy import mask
from warehouse.sql import query


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("6552123", "65***23"),  # 7 digits: a landline without area code
        ("65521234", "65****34"),  # 8 digits
        ("13812345678", "138****5678"),  # 11: a mobile
        ("0086138123456", "008******3456"),  # 13
        ("11010119900307123X", "110***********123X"),  # an ID card
        ("请回电 138-1234-5678，谢谢", "请回电 138****5678，谢谢"),
        ("身份证号110101199003071234办理", "身份证号110***********1234办理"),
        ("交车晚了3天，等了123456", "交车晚了3天，等了123456"),  # 6 digits: not a phone
        ("2025-12-01 到店", "2025-12-01 到店"),
        ("订单 A12345678", "订单 A12345678"),  # part of a code
        (None, None),
    ],
)
def test_the_masking_rule(text, shown):
    assert mask(text) == shown


def test_text_queries_mask_numbers_unless_told_to_unmask(tiny):
    survey = (
        "response_id,customer_id,survey_date,a1,a2,b1,comment\n"
        "P1,C1,2025-01-12,1,1,1,太慢了 请打13912345678\n"
    )
    load_text(tiny, "survey", survey, questionnaire_id="tiny", name="p.csv")
    params = {
        "qid": "tiny",
        "grain": "month",
        "date_from": dt.date(2025, 1, 1),
        "date_to": dt.date(2025, 12, 31),
    }
    masked = query(tiny, "queries/dissatisfied_comments", params)
    assert "太慢了 请打139****5678" in masked["comment"].to_list()
    assert not any("13912345678" in c for c in masked["comment"].to_list())
    shown = query(tiny, "queries/dissatisfied_comments", {**params, "unmask": True})
    assert "太慢了 请打13912345678" in shown["comment"].to_list()
    drill = query(tiny, "queries/drill_item_responses", {**params, "item_id": "a1"})
    assert "太慢了 请打139****5678" in drill["comment"].to_list()
    load_text(
        tiny, "customers", "customer_id,name,phone\nC1,华鑫,13800001234\nC2,恒达,6552123\n", name="c.csv"
    )
    assert tiny.execute("select phone_masked from stg_customers order by customer_id").fetchall() == [
        ("138****1234",),
        ("65***23",),
    ]
