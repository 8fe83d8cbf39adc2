"""The public views of CONTRACT.md §4: SQL assertions and tiny hand-computed cases."""

from __future__ import annotations

import math

import pytest
from conftest import load_text

from warehouse import settings
from warehouse.migrate import view_files

TOL = 1e-6


def rows(con, sql, params=None):
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def one(con, sql, params=None):
    found = rows(con, sql, params)
    assert len(found) == 1, found
    return found[0]


def close(actual, expected):
    if expected is None:
        return actual is None
    return actual is not None and math.isclose(actual, expected, abs_tol=TOL)


def test_csi_response_weights_answered_dimensions_only(tiny):
    csi = {r["response_id"]: r["csi"] for r in rows(tiny, "select response_id, csi from v_csi_response")}
    # R1: A = mean(100, 50) = 75, B = 0 -> (2*75 + 1*0) / 3; R2 answered A only (N/A and blank skipped).
    assert close(csi["R1"], 50.0) and close(csi["R2"], 75.0) and close(csi["R3"], 50.0)
    assert close(csi["R4"], 50.0)


def test_csi_period_mean_interval_and_shares(tiny):
    m = one(tiny, "select * from v_csi_period where period_grain = 'month' and period_start = '2025-01-01'")
    # All three own responses are C1's, a key account in 2025 (5.5 M revenue in 2024).
    assert m["responses"] == 2 and m["segment"] == "key" and m["scope"] == "sales"
    sd = math.sqrt((12.5**2 + 12.5**2) / 1)
    assert close(m["csi"], 62.5)
    assert close(m["csi_ci_low"], 62.5 - 1.96 * sd / math.sqrt(2))
    assert close(m["csi_ci_high"], 62.5 + 1.96 * sd / math.sqrt(2))
    assert close(m["satisfied_pct"], 50.0) and close(m["dissatisfied_pct"], 25.0)
    q = one(tiny, "select * from v_csi_period where period_grain = 'quarter'")
    assert q["period_start"].isoformat() == "2025-01-01" and q["responses"] == 3
    assert close(q["csi"], 175 / 3)
    assert close(q["satisfied_pct"], 100 * 3 / 7) and close(q["dissatisfied_pct"], 100 * 3 / 7)


def test_dimension_scores_are_rating_level(tiny):
    a = one(
        tiny,
        "select * from v_dimension_scores where period_grain = 'month' and period_start = '2025-01-01' "
        "and subject = 'own' and dimension_id = 'A'",
    )
    assert (a["ratings"], a["responses"]) == (3, 2)
    assert close(a["mean_score"], 75.0) and close(a["sd_score"], 25.0)
    assert close(a["satisfied_pct"], 200 / 3) and close(a["dissatisfied_pct"], 0.0)
    b = one(
        tiny,
        "select * from v_dimension_scores where period_grain = 'month' and period_start = '2025-01-01' "
        "and subject = 'own' and dimension_id = 'B'",
    )
    assert (b["ratings"], b["responses"], b["sd_score"]) == (1, 1, None)
    assert close(b["dissatisfied_pct"], 100.0)


def test_histogram_uses_the_questionnaires_labels(tiny):
    found = rows(
        tiny,
        "select level_value, level_label, ratings from v_dimension_histogram where period_grain = 'year' "
        "and subject = 'own' and item_id = 'a1' order by level_value",
    )
    assert found == [
        {"level_value": 2.0, "level_label": "不满意", "ratings": 1},
        {"level_value": 4.0, "level_label": "满意", "ratings": 1},
        {"level_value": 5.0, "level_label": "非常满意", "ratings": 1},
    ]


def test_competitor_gap(tiny):
    g = one(
        tiny,
        "select * from v_competitor_gap where period_grain = 'month' and period_start = '2025-01-01' "
        "and dimension_id = 'A'",
    )
    assert g["competitor"] == "X"
    assert close(g["own_mean"], 75.0) and close(g["own_sd"], 25.0) and g["own_n"] == 3
    assert close(g["competitor_mean"], 50.0) and close(g["competitor_sd"], 0.0) and g["competitor_n"] == 2
    assert close(g["gap"], 25.0)


def test_pareto_ties_break_by_item_id(tiny):
    found = rows(
        tiny,
        "select item_id, dissatisfied, share_pct, cumulative_pct, rank from v_pareto_dissatisfaction "
        "where period_grain = 'quarter' order by rank",
    )
    assert [(r["item_id"], r["dissatisfied"], r["rank"]) for r in found] == [
        ("a1", 1, 1),
        ("a2", 1, 2),
        ("b1", 1, 3),
    ]
    assert close(found[-1]["cumulative_pct"], 100.0) and close(found[0]["share_pct"], 100 / 3)


def test_points_scheme_three_level_example(con):
    # One form: product very satisfied, delivery average, service dissatisfied: 1.5 + 0.75 - 0.3 = 1.95 of 3.
    text = (
        "问卷编号,客户编号,调查日期,产品质量评价,交付评价,服务评价\nP1,C1,2025-01-10,非常满意,一般,不满意\n"
    )
    load_text(con, "survey", text, questionnaire_id="after-sales")
    load_text(con, "sales", "期间,客户编号,发货次数,销售额\n2025-01,C1,100,1000\n")
    complaints = "投诉编号,客户编号,投诉时间,原因类别\nK1,C1,2025-01-05 10:00,人\nK2,C1,2025-01-06 10:00,料\n"
    load_text(con, "complaints", complaints)
    r = one(con, "select points, max_points from v_csi_response")
    assert close(r["points"], 1.95) and close(r["max_points"], 3.0)
    s = one(con, "select * from v_satisfaction_rate where period_grain = 'month'")
    assert close(s["survey_rate_pct"], 65.0) and close(s["complaint_rate_pct"], 2.0)
    assert close(s["satisfaction_rate_pct"], 63.0)


def test_complaint_rate_is_null_without_shipments(tiny):
    found = {
        r["period_start"].isoformat(): r
        for r in rows(tiny, "select * from v_complaint_rate where period_grain = 'month'")
    }
    # sales_ok.csv: 2025-01 has 25 shipments; complaints_ok.csv: 2 in January, 1 in February.
    assert found["2025-01-01"]["complaints"] == 2 and found["2025-01-01"]["shipments"] == 25
    assert close(found["2025-01-01"]["complaint_rate_pct"], 8.0)
    assert found["2025-02-01"]["shipments"] is None and found["2025-02-01"]["complaint_rate_pct"] is None
    assert found["2024-01-01"]["complaints"] == 0 and close(found["2024-01-01"]["complaint_rate_pct"], 0.0)


def test_contact_kpis(tiny):
    found = {r["scope"]: r for r in rows(tiny, "select * from v_contact_kpis where period_grain = 'month'")}
    sales = found["sales"]
    assert (sales["planned"], sales["reached"], sales["completed"]) == (2, 2, 1)
    assert close(sales["callback_success_pct"], 100.0) and close(sales["survey_success_pct"], 50.0)
    after = found["after_sales"]
    assert (after["planned"], after["reached"], after["completed"]) == (2, 1, 1)
    assert close(after["callback_success_pct"], 50.0) and close(after["survey_success_pct"], 100.0)


def test_key_accounts_from_prior_year_revenue_and_threshold(tiny):
    seg = {
        (r["customer_id"], r["year"]): r
        for r in rows(tiny, "select * from v_customer_segment where customer_id in ('C1', 'C2')")
    }
    assert close(seg[("C1", 2025)]["prior_year_revenue"], 5_500_000) and seg[("C1", 2025)]["segment"] == "key"
    assert seg[("C1", 2024)]["segment"] == "general" and seg[("C2", 2025)]["segment"] == "general"
    assert {
        r["segment"] for r in rows(tiny, "select segment from v_csi_response where customer_id = 'C1'")
    } == {"key"}
    settings.set_setting(tiny, "key_account_threshold", "6000000")
    assert one(tiny, "select segment from v_customer_segment where customer_id = 'C1' and year = 2025") == {
        "segment": "general"
    }
    # The newest value wins, even when it is lower than an earlier one.
    settings.set_setting(tiny, "key_account_threshold", "5,000,000")
    assert one(tiny, "select segment from v_customer_segment where customer_id = 'C1' and year = 2025") == {
        "segment": "key"
    }
    assert one(tiny, "select key_account_threshold from stg_settings") == {"key_account_threshold": 5_000_000}


def test_complaint_service_levels(tiny):
    m = one(
        tiny,
        "select * from v_complaint_service where period_grain = 'month' and period_start = '2025-01-01'",
    )
    # T1 answered after 6 h and verified on the 3rd working day (Fri -> Wed); T2 after 48 h, never verified.
    assert m["complaints"] == 2 and m["open_complaints"] == 1
    assert close(m["answered_24h_pct"], 50.0) and close(m["verified_3wd_pct"], 50.0)


def test_staff_and_customer_item_scores(tiny):
    staff = {
        r["staff_id"]: r for r in rows(tiny, "select * from v_staff_scores where period_grain = 'quarter'")
    }
    assert staff["S1"]["responses"] == 2 and close(staff["S1"]["csi"], 50.0)
    item = one(
        tiny,
        "select * from v_customer_item_scores where period_grain = 'quarter' and customer_id = 'C1' "
        "and item_id = 'a1'",
    )
    assert (
        item["ratings"] == 3
        and close(item["mean_score"], 200 / 3)
        and close(item["dissatisfied_pct"], 100 / 3)
    )


def test_sample_coverage(tiny):
    cov = one(
        tiny,
        "select * from v_sample_coverage where period_grain = 'month' and period_start = '2025-01-01'",
    )
    # Active in January 2025 (shipments): C1, C2; only C1 answered a survey that month.
    assert (cov["active_customers"], cov["surveyed_active_customers"]) == (2, 1)
    assert close(cov["coverage_pct"], 50.0)


def test_csi_change_period_on_period(tiny):
    feb = one(
        tiny,
        "select * from v_csi_change where period_grain = 'month' and period_start = '2025-02-01' "
        "and measure = 'csi'",
    )
    assert close(feb["value"], 50.0) and close(feb["previous_value"], 62.5) and close(feb["delta_pop"], -12.5)
    assert feb["last_year_value"] is None


# --- SQL assertions over the demo-shaped data: each query must return zero rows ---------------

GRAINS = {
    "v_csi_period": "period_grain, period_start, questionnaire_id, scope, segment",
    "v_dimension_scores": "period_grain, period_start, questionnaire_id, scope, subject, dimension_id",
    "v_dimension_histogram": "period_grain, period_start, questionnaire_id, scope, subject, dimension_id, "
    "item_id, level_value",
    "v_competitor_gap": "period_grain, period_start, questionnaire_id, dimension_id, competitor",
    "v_pareto_dissatisfaction": "period_grain, period_start, questionnaire_id, item_id",
    "v_complaint_pareto": "period_grain, period_start, cause_category, cause",
    "v_complaint_rate": "period_grain, period_start",
    "v_satisfaction_rate": "period_grain, period_start, questionnaire_id",
    "v_contact_kpis": "period_grain, period_start, scope",
    "v_customer_segment": "customer_id, year",
    "v_csi_response": "questionnaire_id, response_id",
    "v_customer_item_scores": "period_grain, period_start, questionnaire_id, customer_id, item_id",
    "v_staff_scores": "period_grain, period_start, questionnaire_id, scope, staff_id",
    "v_complaint_service": "period_grain, period_start",
    "v_complaint_cases": "complaint_id",
    "v_call_plan": "call_id",
    "v_agent_kpis": "period_grain, period_start, agent",
    "v_sample_coverage": "period_grain, period_start, questionnaire_id",
    "v_csi_change": "period_grain, period_start, questionnaire_id, measure",
}

ASSERTIONS = [
    "select * from v_complaint_cases where status not in "
    "('registered', 'assigned', 'responded', 'verified', 'resolved', 'closed') "
    "or versions < 1 or verify_due_date <= received_at::date or respond_due_at <> received_at + interval 24 hour",
    "select * from v_csi_period where period_grain not in ('month', 'quarter', 'year')",
    "select * from v_csi_period where period_start <> date_trunc(period_grain, period_start)",
    "select * from v_csi_period where segment not in ('key', 'general')",
    "select * from v_csi_period where csi < 0 or csi > 100 or csi_ci_low > csi or csi_ci_high < csi",
    "select * from v_csi_period where satisfied_pct + dissatisfied_pct > 100 + 1e-9",
    "select * from v_csi_response where csi < 0 or csi > 100",
    "select period_grain, period_start, questionnaire_id from v_pareto_dissatisfaction group by all "
    "having abs(sum(share_pct) - 100) > 1e-6 or abs(max(cumulative_pct) - 100) > 1e-6 "
    "or max(rank) <> count(*)",
    "select period_grain, period_start from v_complaint_pareto group by all "
    "having abs(sum(share_pct) - 100) > 1e-6 or abs(max(cumulative_pct) - 100) > 1e-6",
    "select * from v_complaint_pareto where cause_category not in "
    "('man', 'machine', 'material', 'method', 'measurement', 'environment')",
    "select * from v_contact_kpis where reached > planned or completed > reached",
    "select * from v_agent_kpis where reached > planned or completed > reached",
    "select * from v_call_plan where status not in ('open', 'completed', 'refused', 'unreached') "
    "or (status = 'open' and last_outcome in ('completed', 'refused')) "
    "or (status in ('completed', 'refused') and status <> last_outcome) "
    "or (callback_at is not null and status <> 'open') or len(reasons) = 0",
    # Every agent's calls add up to the follow-up KPIs' (a call counts once).
    "select * from (select period_grain, period_start, sum(planned) as n from v_agent_kpis group by all) as a "
    "join (select period_grain, period_start, sum(planned) as n from v_contact_kpis group by all) as c "
    "using (period_grain, period_start) where a.n > c.n",
    "select * from v_customer_segment where segment not in ('key', 'general')",
    "select * from v_dimension_scores where mean_score < 0 or mean_score > 100 or responses > ratings",
    # Histogram counts add up to the dimension's ratings.
    "select h.* from (select period_grain, period_start, questionnaire_id, scope, subject, dimension_id, "
    "sum(ratings) as n from v_dimension_histogram group by all) as h join v_dimension_scores as d "
    "using (period_grain, period_start, questionnaire_id, scope, subject, dimension_id) where h.n <> d.ratings",
    # A year holds the same responses as its months.
    "select questionnaire_id, year(period_start) from v_csi_period group by all "
    "having sum(responses) filter (where period_grain = 'month') "
    "<> sum(responses) filter (where period_grain = 'year')",
]


@pytest.fixture(scope="module")
def demo(demo_db):
    from warehouse import open_warehouse

    connection = open_warehouse(demo_db)
    yield connection
    connection.close()


@pytest.mark.parametrize(("view", "grain"), GRAINS.items(), ids=list(GRAINS))
def test_view_grain_is_unique(demo, view, grain):
    assert demo.execute(f"select count(*) from {view}").fetchone()[0] > 0, view
    dupes = demo.execute(f"select {grain}, count(*) from {view} group by all having count(*) > 1").fetchall()
    assert dupes == []


@pytest.mark.parametrize("sql", ASSERTIONS)
def test_view_assertion_returns_no_rows(demo, sql):
    assert demo.execute(sql).fetchall() == []


def test_every_view_file_starts_with_its_grain():
    for path in view_files():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("-- One row"), path.name


def test_pareto_drill_lists_the_responses_behind_a_bar(tiny):
    import datetime as dt

    from warehouse.sql import query

    params = {
        "qid": "tiny",
        "date_from": dt.date(2025, 1, 1),
        "date_to": dt.date(2025, 12, 31),
        "item_id": "b1",
    }
    found = query(tiny, "queries/drill_item_responses", params)
    assert found.select("response_id", "level_label", "comment").rows() == [("R1", "非常不满意", "太慢")]
    found = query(tiny, "queries/drill_item_responses", {**params, "item_id": "a1"})
    assert found["response_id"].to_list() == ["R3"]


def test_customer_histogram_counts_that_customers_own_ratings(tiny):
    import datetime as dt

    from warehouse.sql import query

    params = {
        "qid": "tiny",
        "date_from": dt.date(2025, 1, 1),
        "date_to": dt.date(2025, 1, 31),
        "scope": None,
        "segment": None,
        "region": None,
        "customer_id": "C1",
    }
    # January: R1 rated a1 5, a2 3, b1 1; R2 rated a1 4 (a2 N/A, b1 blank). R3 is February.
    found = query(tiny, "queries/customer_item_levels", params)
    assert found.select("item_id", "level_value", "ratings").rows() == [
        ("a1", 4.0, 1),
        ("a1", 5.0, 1),
        ("a2", 3.0, 1),
        ("b1", 1.0, 1),
    ]
    assert found["level_label"].null_count() == 0
    # C9 answered only as a competitor's customer (subject X): no own ratings.
    assert query(tiny, "queries/customer_item_levels", {**params, "customer_id": "C9"}).is_empty()
    whole = query(tiny, "queries/customer_item_levels", {**params, "date_to": dt.date(2025, 2, 28)})
    assert whole["ratings"].sum() == 7


def test_rating_charts_follow_the_segment_filter(tiny):
    import datetime as dt

    from warehouse.sql import query

    params = {
        "qid": "tiny",
        "date_from": dt.date(2025, 1, 1),
        "date_to": dt.date(2025, 12, 31),
        "scope": None,
        "segment": None,
        "region": None,
    }

    def counts(**extra):
        found = query(tiny, "queries/item_levels_range", {**params, **extra})
        return {(r["item_id"], r["level_value"]): r["ratings"] for r in found.iter_rows(named=True)}

    # Own ratings of 2025: R1 (a1 5, a2 3, b1 1), R2 (a1 4), R3 (a1 2, a2 2, b1 5), all from C1.
    expected = {
        ("a1", 2.0): 1,
        ("a1", 4.0): 1,
        ("a1", 5.0): 1,
        ("a2", 2.0): 1,
        ("a2", 3.0): 1,
        ("b1", 1.0): 1,
        ("b1", 5.0): 1,
    }
    assert counts() == expected  # from the rating_counts rollup
    # C1 is a key account in 2025: the key segment counts its answers, the general one none.
    assert counts(segment="key") == expected
    assert counts(segment="general") == {}
    pareto = query(tiny, "queries/pareto_items", {**params, "segment": "key"})
    assert dict(pareto.select("item_id", "dissatisfied").rows()) == dict(
        query(tiny, "queries/pareto_items", params).select("item_id", "dissatisfied").rows()
    )
    assert query(tiny, "queries/pareto_items", {**params, "segment": "general"})["dissatisfied"].sum() == 0
