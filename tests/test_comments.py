"""What customers say: tokenising, topics, words of dissatisfaction, masking, sentiment (issue 18)."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from conftest import DATASETS, EXAMPLES, last_json, load_text, run_cli

from pipelines import store, text, topics
from pipelines.errors import TopicError
from warehouse import open_warehouse
from warehouse.sql import query

TOML = """
id = "voice"
title = "Voice test"
scope = "sales"

[[scales]]
id = "l5"
levels = [
  { value = 1, label = "1", dissatisfied = true },
  { value = 2, label = "2", dissatisfied = true },
  { value = 3, label = "3" },
  { value = 4, label = "4", satisfied = true },
  { value = 5, label = "5", satisfied = true },
]

[[dimensions]]
id = "D"
label = "服务"

[[items]]
id = "q1"
column = "q1"
dimension = "D"
scale = "l5"

[[topics]]
id = "wait"
label = "等待"
category = "法"
keywords = ["等了", "交车"]
exclude = ["交车准时"]

[[topics]]
id = "attitude"
label = "态度"
keywords = ["态度"]
"""

# (response id, rating, comment): 4 dissatisfied (rating 1-2), 4 satisfied, 1 neutral, 1 empty
ROWS = [
    ("R01", 1, "交车等了两个月，态度很差"),
    ("R02", 2, "等了很久"),
    ("R03", 1, "服务态度差"),
    ("R04", 2, "交车慢，电话13812345678打不通"),
    ("R05", 5, "交车准时，很满意"),
    ("R06", 4, "顾问态度好"),
    ("R07", 5, "满意"),
    ("R08", 4, "等，了解产品后再买"),  # 等 and 了 apart: not the keyword 等了
    ("R09", 3, "一般"),
    ("R10", 5, ""),
]


def survey_csv(rows=ROWS) -> str:
    lines = ["response_id,customer_id,survey_date,q1,comment"]
    lines += [
        f"{rid},C1,2026-03-{i + 1:02d},{rating},{comment}" for i, (rid, rating, comment) in enumerate(rows)
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def voice(db):
    con = open_warehouse(db)
    store.add_questionnaire(con, TOML)
    load_text(con, "survey", survey_csv(), questionnaire_id="voice")
    yield con
    con.close()


PARAMS = {
    "qid": "voice",
    "date_from": dt.date(2026, 1, 1),
    "date_to": dt.date(2026, 12, 31),
    "grain": "month",
}


def test_tokens_of_mixed_chinese_english_and_numbers():
    tokens, terms = text.analyse("交车等了2个月，WiFi不好用! The staff were NOT helpful.")
    assert tokens == "|交车|等|了|2|个|月||wifi|不好|用||the|staff|were|not|helpful|"
    # stop words (了 the were), numbers and a negation alone are no terms; phrases are
    assert {"交车", "wifi", "不好用", "staff", "not helpful", "helpful"} <= set(terms)
    assert not {"了", "the", "were", "not", "2", "个"} & set(terms)
    assert terms == sorted(terms)
    # full-width letters read as ASCII; a long word gives its parts
    assert text.analyse("Ｗｉｆｉ差")[0] == "|wifi|差|"
    assert {"服务", "态度", "服务态度"} <= set(text.analyse("服务态度差")[1])


def test_phone_and_id_numbers_are_not_kept_among_the_words():
    tokens, terms = text.analyse("电话13812345678，身份证11010519491231002X")
    assert "138" not in tokens and "1101" not in tokens
    assert tokens == "|电话|#||身份证|#|"
    assert not any(ch.isdigit() for term in terms for ch in term)


def test_each_distinct_text_is_cut_once(monkeypatch):
    seen: list[str] = []
    real = text._cut

    def counting(blocks):
        seen.extend(blocks)
        return real(blocks)

    monkeypatch.setattr(text, "_cut", counting)
    texts = ["满意"] * 500 + ["交车慢，满意"] * 500
    records, analysed = text.frame(pl.Series([f"R{i}" for i in range(1000)]), pl.Series(texts))
    assert records.height == 1000 and analysed.height == 2
    assert sorted(seen) == ["交车慢", "满意"]  # the blocks between punctuation, each once


def test_keyword_patterns():
    assert text.keyword_pattern("态度") == "态度"
    assert text.keyword_pattern("等了") == "|等|了|"
    assert text.keyword_pattern("Not Helpful") == "|not|helpful|"
    assert text.keyword_pattern("，") is None
    assert text.keyword_pattern("No") == "|no|"  # English words match whole words
    assert not text.matches("|no|", text.analyse("not good")[0])
    assert not text.matches("|等|了|", text.analyse("等，了解")[0])  # not across punctuation
    assert not text.matches("|等|了|", text.analyse("等了解")[0])  # 了解 is one word
    assert text.matches("态度", text.analyse("服务态度差")[0])  # inside a longer word
    assert text.matches("交车", text.analyse("交车慢")[0])


def topic_counts(con) -> dict:
    rows = query(con, "queries/comment_topics", PARAMS).rows(named=True)
    return {r["topic_id"]: (r["comments"], r["dissatisfied_comments"]) for r in rows}


def test_topic_rules_keywords_and_exclude(voice):
    # wait: R01 (交车, 等了), R02 (等了), R04 (交车 in 交车慢); not R05 (交车准时 excluded), not R08
    # attitude: R01, R03 (服务态度 contains 态度), R06
    assert topic_counts(voice) == {"wait": (3, 3), "attitude": (3, 2)}
    view = voice.execute(
        "select topic_id, comments, dissatisfied_comments, share_pct, mean_csi, period_comments "
        "from v_comment_topics where period_grain = 'year' order by topic_id"
    ).fetchall()
    # 9 comments (R10 is empty); mean CSI of R01, R03, R06 = (0 + 0 + 75) / 3
    assert view[0][:4] == ("attitude", 3, 2, pytest.approx(100 * 3 / 9))
    assert view[0][4] == pytest.approx(25.0) and view[0][5] == 9
    assert view[1][:4] == ("wait", 3, 3, pytest.approx(100 * 3 / 9))


def test_a_company_topic_counts_old_comments_and_a_questionnaire_topic_wins(voice):
    found = topics.parse_file(
        '[[topics]]\nid = "phone"\nlabel = "电话"\nkeywords = ["电话", "打不通"]\n'
        '[[topics]]\nid = "attitude"\nlabel = "公司态度"\nkeywords = ["差"]\n'
    )
    topics.save_company(voice, found, user="tester")
    counts = topic_counts(voice)
    assert counts["phone"] == (1, 1)
    assert counts["attitude"] == (3, 2)  # the questionnaire's own topic of that id
    audit = voice.execute("select event, user_name from v_audit where event = 'topics'").fetchall()
    assert audit == [("topics", "tester")]


def test_term_scores_match_a_hand_computation(voice):
    rows = {
        r["term"]: r for r in query(voice, "queries/comment_terms", {**PARAMS, "min_count": 2}).to_dicts()
    }
    # dissatisfied comments: R01-R04 (4); the rest with a comment: R05-R09 (5)
    # 态度 is used by R01, R03 (inside 服务态度; dissatisfied) and R06 (satisfied)
    a, n_a, b, n_b = 2, 4, 1, 5
    log_odds = math.log((a + 0.5) / (n_a - a + 0.5)) - math.log((b + 0.5) / (n_b - b + 0.5))
    z = log_odds / math.sqrt(1 / (a + 0.5) + 1 / (n_a - a + 0.5) + 1 / (b + 0.5) + 1 / (n_b - b + 0.5))
    row = rows["态度"]
    assert (row["dissatisfied_count"], row["satisfied_count"]) == (2, 1)
    assert (row["dissatisfied_comments"], row["satisfied_comments"]) == (4, 5)
    assert row["log_odds"] == pytest.approx(log_odds) and row["z_score"] == pytest.approx(z)
    view = voice.execute(
        "select dissatisfied_count, satisfied_count, score from v_comment_terms "
        "where period_grain = 'month' and term = '态度'"
    ).fetchall()
    assert view == [(2, 1, pytest.approx(z))]
    # 满意 is a satisfied customer's word: a negative score, never listed
    assert "满意" not in rows


def test_comments_are_masked_in_the_drill_list_unless_unmasked(voice):
    masked = query(voice, "queries/term_comments", {**PARAMS, "term": "电话"})["comment"].to_list()
    assert masked == ["交车慢，电话138****5678打不通"]
    shown = query(voice, "queries/term_comments", {**PARAMS, "term": "电话", "unmask": True})[
        "comment"
    ].to_list()
    assert shown == ["交车慢，电话13812345678打不通"]
    by_topic = query(voice, "queries/term_comments", {**PARAMS, "topic": "wait"})
    assert sorted(by_topic["response_id"]) == ["R01", "R02", "R04"]
    assert by_topic["is_dissatisfied"].all()


def test_rollback_and_replace_keep_the_words_in_step(voice):
    again = [("R01", 5, "态度很好"), ("R02", 2, "等了很久")]
    replaced = load_text(voice, "survey", survey_csv(again), questionnaire_id="voice", replace=True)
    # R01 now a satisfied comment without 交车: wait loses it, attitude keeps it as satisfied
    assert topic_counts(voice) == {"wait": (2, 2), "attitude": (3, 1)}
    store.rollback(voice, replaced.batch_id)
    assert topic_counts(voice) == {"wait": (3, 3), "attitude": (3, 2)}
    left = voice.execute(
        "select count(*) from comment_tokens where batch_id = ?", [replaced.batch_id]
    ).fetchall()
    assert left == [(0,)]


def test_complaint_descriptions_feed_company_topics(voice):
    topics.save_company(
        voice, topics.parse_file('[[topics]]\nid = "noise"\nlabel = "异响"\nkeywords = ["异响"]\n')
    )
    load_text(
        voice,
        "complaints",
        "complaint_id,customer_id,received_at,cause_category,description\n"
        "T1,C1,2026-03-02 10:00,料,车门异响\nT2,C1,2026-03-03 10:00,人,态度差\n",
    )
    rows = query(voice, "queries/complaint_topics", PARAMS).rows()
    assert rows == [("noise", "异响", None, "material", 1)]


def test_bad_topic_files_are_refused_with_every_problem(voice):
    with pytest.raises(TopicError) as caught:
        topics.parse_file(
            '[[topics]]\nid = "a b"\n[[topics]]\nid = "x"\nkeywords = ["，"]\ncategory = "foo"\ncolor = 1\n'
        )
    assert caught.value.problems == [
        "topics[1]: id 'a b' must match [A-Za-z0-9_-]+",
        "topics[2]: unknown key 'color'",
        "topics[2].category: 'foo' is not one of 人机料法测环 / 5M1E",
        "topics[2].keywords: topic 'x' needs at least one keyword with a word in it",
    ]
    with pytest.raises(TopicError):
        topics.parse_file("title = 'no topics'\n")


def test_topics_cli_round_trip(db, tmp_path):
    con = open_warehouse(db)
    store.add_questionnaire(con, TOML)
    con.close()
    file = tmp_path / "topics.toml"
    file.write_text(
        '[[topics]]\nid = "noise"\nlabel = "异响 \\"噪音\\""\ncategory = "料"\nkeywords = ["异响", "噪音"]\n',
        "utf-8",
    )
    assert last_json(run_cli(db, "topics", "load", str(file), check=True)) == {
        "owner": "*",
        "topics": 1,
        "status": "saved",
    }
    exported = run_cli(db, "topics", "export", check=True).stdout
    assert topics.parse_file(exported) == topics.parse_file(file.read_text("utf-8"))
    listed = last_json(run_cli(db, "topics", "list", "--questionnaire", "voice", check=True))
    assert [t["topic_id"] for t in listed] == ["wait", "attitude", "noise"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[[topics]]\nid = 3\n", "utf-8")
    result = run_cli(db, "topics", "load", str(bad))
    assert (
        result.returncode == 1 and "Topic file refused" in result.stderr and "Traceback" not in result.stderr
    )


def test_a_warehouse_of_schema_9_gets_the_words_of_its_comments(db):
    from test_migrate import old_warehouse

    old_warehouse(
        db,
        9,
        "insert into responses values ('b1', 'q', ?, 'C1', date '2026-01-05', 'sales', null, 'own', null, ?, 1)",
        [("R1", "交车等了两个月"), ("R2", None)],
    )
    con = open_warehouse(db)
    try:
        rows = con.execute("select record_id, tokens from stg_comment_words").fetchall()
    finally:
        con.close()
    assert rows == [("R1", "|交车|等|了|两个|月|")]


def test_sentiment_agrees_with_the_ratings_well_enough_to_show(demo_db):
    """The page shows snownlp's score as "approximate" only because it beats chance clearly:
    on the demo (rating 1-2 vs 4-5 of 总体满意) and on real complaint texts (all negative)."""
    from dashboard.sentiment import auc, scores

    con = open_warehouse(demo_db)
    try:
        rows = con.execute(
            "select r.comment, a.level_value from stg_responses as r inner join answers as a "
            "using (batch_id, questionnaire_id, response_id) where a.item_id = 'q7' and r.comment is not null"
        ).fetchall()
    finally:
        con.close()
    low = [s for s in scores([c for c, v in rows if v <= 2]) if s is not None]
    high = [s for s in scores([c for c, v in rows if v >= 4]) if s is not None]
    assert len(low) >= 10 and auc(low, high) >= 0.75
    descriptions = pl.read_csv(DATASETS / "cn-car-complaints" / "car_complain_2020-06-05_08_utf8.csv")["desc"]
    found = [s for s in scores(descriptions.to_list()) if s is not None]
    assert sum(s < 0.5 for s in found) / len(found) >= 0.65
    assert scores(["The staff were rude"]) == [None]  # not Chinese: no score


def test_a_topic_lists_its_comments_other_words_so_a_keyword_out_of_context_shows(voice):
    # wait holds R01 (交车等了两个月，态度很差), R02 (等了很久), R04 (交车慢，电话…打不通): its
    # comments' words besides its keywords, most used first
    words = query(voice, "queries/topic_terms", {**PARAMS, "topic": "wait"}).rows()
    # each used once; 交车, 等了 and phrases holding them (交车慢, 交车等) are the keywords again
    expected = ["不通", "两个月", "久", "很差", "态度", "态度很差", "打", "打不通", "月", "电话"]
    assert words == [(w, 1) for w in sorted(expected)]


def test_the_example_response_speed_topic_no_longer_catches_slow_delivery(db):
    con = open_warehouse(db)
    try:
        store.add_questionnaire(con, TOML)
        topics.save_company(con, topics.parse_file((EXAMPLES / "topics.toml").read_text(encoding="utf-8")))
        rows = [("S1", 1, "交车太慢，等了两个月"), ("S2", 1, "客服回复太慢，没人理"), ("S3", 5, "很好")]
        load_text(con, "survey", survey_csv(rows), questionnaire_id="voice")
        found = dict(query(con, "queries/comment_topics", PARAMS).select("topic_id", "comments").rows())
    finally:
        con.close()
    assert found.get("response-speed") == 1  # S2 only: 交车太慢 is delivery
