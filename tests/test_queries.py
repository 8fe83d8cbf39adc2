"""The dashboard's query layer (sql/queries/) against hand-computed values on tiny fixtures.

The queries filter and shape what the marts compute; these tests pin the numbers they give
for the edge cases that once disagreed with the public views: a date range inside a month,
NULL vs 0, tests on responses, due vs not-yet-due complaints, holidays, multi-cause complaints
and the segment and region filters.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from conftest import DATA, ROOT, load_file, load_text
from scipy import stats as sps

from dashboard.filters import month_range, period_months
from pipelines import store
from warehouse.sql import query

D = dt.date


@pytest.fixture
def tiny(tiny):
    """The views' tiny fixture with the customers file too (regions and names)."""
    load_file(tiny, "customers", DATA / "customers_ok.csv")
    return tiny


JAN_1, FEB_28 = D(2025, 1, 1), D(2025, 2, 28)


def params(date_from=JAN_1, date_to=FEB_28, **extra):
    """What dashboard.filters.Filters.params gives: the dates as whole months."""
    start, end = month_range(date_from, date_to)
    base = {"qid": "tiny", "grain": "month", "date_from": start, "date_to": end}
    base.update({"scope": None, "segment": None, "region": None})
    return base | extra


def q(con, name, **kwargs):
    return query(con, f"queries/{name}", params(**kwargs)).to_dicts()


def by(rows, key):
    return {r[key]: r for r in rows}


def test_month_range_and_partial_periods():
    assert month_range(D(2025, 1, 15), D(2025, 1, 31)) == (D(2025, 1, 1), D(2025, 1, 31))
    assert month_range(D(2024, 2, 3), D(2024, 2, 3)) == (D(2024, 2, 1), D(2024, 2, 29))
    # A quarter holding only October of the range is partial: 1 of 3 months.
    assert period_months(D(2025, 10, 1), "quarter", D(2025, 1, 1), D(2025, 10, 31)) == (1, 3)
    assert period_months(D(2025, 7, 1), "quarter", D(2025, 1, 1), D(2025, 10, 31)) == (3, 3)
    assert period_months(D(2025, 1, 1), "year", D(2025, 3, 5), D(2025, 10, 31)) == (8, 12)


def test_a_range_inside_a_month_counts_the_same_rows_everywhere(tiny):
    # 2025-01-15..31 is read as January: R1 and R2 (both C1's, a key account in 2025).
    window = {"date_from": D(2025, 1, 15), "date_to": D(2025, 1, 31)}
    everyone = sum(r["ratings"] for r in q(tiny, "item_levels_range", **window))
    key = sum(r["ratings"] for r in q(tiny, "item_levels_range", segment="key", **window))
    assert everyone == key == 4  # R1: a1, a2, b1; R2: a1
    trend = q(tiny, "csi_trend", **window)
    assert [(r["period_start"], r["responses"], r["ratings"]) for r in trend] == [(D(2025, 1, 1), 2, 4)]


def test_dimension_trend_gives_zero_not_null_like_the_view(tiny):
    rows = by([r for r in q(tiny, "dimension_trend") if r["period_start"] == D(2025, 1, 1)], "dimension_id")
    # January, own: A = 100, 50, 75 (R1, R2); B = 0 (R1). No satisfied B rating -> 0 %, not NULL.
    assert rows["B"]["satisfied_pct"] == 0.0 and rows["B"]["dissatisfied_pct"] == 100.0
    assert math.isclose(rows["A"]["mean_score"], 75.0) and math.isclose(rows["A"]["satisfied_pct"], 200 / 3)
    view = tiny.execute(
        "select satisfied_pct from v_dimension_scores where period_grain = 'month' "
        "and period_start = '2025-01-01' and subject = 'own' and dimension_id = 'B'"
    ).fetchone()[0]
    assert view == rows["B"]["satisfied_pct"]


def test_csi_trend_interval_and_share_moments(tiny):
    jan = by(q(tiny, "csi_trend"), "period_start")[D(2025, 1, 1)]
    sd = math.sqrt(2 * 12.5**2)
    assert math.isclose(jan["csi"], 62.5) and math.isclose(jan["csi_sd"], sd)
    assert math.isclose(jan["csi_ci_low"], 62.5 - 1.96 * sd / math.sqrt(2))
    # R1: 1 satisfied of 3 ratings, R2: 1 of 1 -> per-response sums for the test on responses.
    assert (
        jan["satisfied"],
        jan["ratings"],
        jan["satisfied_sq"],
        jan["satisfied_ratings"],
        jan["ratings_sq"],
    ) == (
        2,
        4,
        2,
        4,
        10,
    )


def test_competitor_gaps_test_responses_not_ratings(tiny):
    extra = "\n".join(
        f"X{n},C9,2025-01-{10 + n % 10:02d},X,,{1 + n % 5},{1 + (n * 3) % 5},{1 + n % 3}," for n in range(40)
    )
    own = "\n".join(f"O{n},C1,2025-01-{10 + n % 10:02d},own,,{1 + n % 4},{2 + n % 4},," for n in range(35))
    header = "response_id,customer_id,survey_date,subject,staff_id,a1,a2,b1,comment\n"
    load_text(tiny, "survey", header + extra + "\n" + own + "\n", questionnaire_id="tiny")
    gaps = by([g for g in q(tiny, "competitor_gaps", whole_range=True)], "dimension_id")
    a = gaps["A"]
    # Responses' dimension scores D_A, own vs X, from the files (R1..R4 and the new ones).
    own_scores = [75.0, 75.0, 25.0] + [((n % 4) * 25 + (1 + n % 4) * 25) / 2 for n in range(35)]
    x_scores = [50.0] + [((n % 5) * 25 + ((n * 3) % 5) * 25) / 2 for n in range(40)]
    assert (a["own_responses"], a["competitor_responses"]) == (38, 41)
    assert a["own_n"] == 2 + 1 + 2 + 70  # ratings: R1 2, R2 1, R3 2, the new own 2 each
    expected = sps.ttest_ind(own_scores, x_scores, equal_var=False).pvalue
    assert math.isclose(a["p_value"], expected, rel_tol=1e-9)
    # The public view tests the same responses per month.
    view = tiny.execute(
        "select own_responses, competitor_responses, p_value from v_competitor_gap where period_grain = 'quarter' "
        "and questionnaire_id = 'tiny' and dimension_id = 'A'"
    ).fetchone()
    assert view[:2] == (38, 41) and math.isclose(view[2], expected, rel_tol=1e-9)


def test_complaint_kpis_count_every_complaint_and_skip_not_yet_due(tiny):
    now = tiny.execute("select local_now()").fetchone()[0]
    recent = (now - dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    text = (
        "complaint_id,customer_id,received_at,cause_category,cause,first_response_at,verified_at\n"
        # Received before National Day 2025, verified on 8 Oct: 0 working days (holidays + 调休).
        'T9,C1,2025-09-30 16:00,method,"H93,H15,",2025-10-01 09:00,2025-10-08 10:00\n'
        f"T10,C1,{recent},man,H15,,\n"
    )
    load_text(tiny, "complaints", text)
    rows = by(
        tiny.execute(
            "select complaint_id, verify_working_days, answer_status, verify_status from complaint_service"
        )
        .pl()
        .to_dicts(),
        "complaint_id",
    )
    assert rows["T9"]["verify_working_days"] == 0 and rows["T9"]["verify_status"] == "met"
    assert (rows["T10"]["answer_status"], rows["T10"]["verify_status"]) == ("pending", "pending")
    kpis = q(tiny, "complaint_kpis", date_from=D(2025, 1, 1), date_to=now.date())[0]
    # T1 met 24 h (6 h), T2 missed (48 h), T3 missed (never), T9 met, T10 pending -> 2 of 4.
    assert kpis["complaints"] == 5 and kpis["pending"] == 1
    assert math.isclose(kpis["answered_24h_pct"], 50.0)
    # Verified in 3 working days: T1 (Fri 3 Jan -> Mon 6 Jan, 1 day) and T9; T2, T3 missed.
    assert math.isclose(kpis["verified_3wd_pct"], 50.0)
    assert kpis["overdue_complaints"] == 2  # T2 and T3 were never verified


def test_multi_cause_complaints_count_once_per_cause(tiny):
    load_text(
        tiny,
        "complaints",
        "complaint_id,customer_id,received_at,cause_category,cause\n"
        'K1,C1,2025-03-01 09:00,method,"H93,H15,"\nK2,C1,2025-03-02 09:00,method,H15\n'
        "K3,C1,2025-03-03 09:00,method,H93 、 H15 ; H7\n",
    )
    march = {"date_from": D(2025, 3, 1), "date_to": D(2025, 3, 31)}
    causes = [
        (r["cause"], r["complaints"], round(r["share_pct"], 6)) for r in q(tiny, "pareto_causes", **march)
    ]
    assert causes == [("H15", 3, 50.0), ("H93", 2, round(200 / 6, 6)), ("H7", 1, round(100 / 6, 6))]
    listed = q(tiny, "complaints_list", cause_category="method", cause="H93", **march)
    assert sorted(r["complaint_id"] for r in listed) == ["K1", "K3"]
    pareto = tiny.execute(
        "select cause, complaints from v_complaint_pareto where period_grain = 'month' "
        "and period_start = '2025-03-01' order by rank"
    ).fetchall()
    assert pareto == [("H15", 3), ("H93", 2), ("H7", 1)]
    bones = {(r["category"], r["cause"]): r["complaints"] for r in q(tiny, "fishbone", **march)}
    assert bones[("method", "H15")] == 3


def test_complaint_contact_and_coverage_rates_follow_segment_and_region(tiny):
    jan = {"date_from": D(2025, 1, 1), "date_to": D(2025, 1, 31)}
    allc = q(tiny, "complaint_rates", **jan)[0]
    assert (allc["complaints"], allc["shipments"]) == (2, 25) and math.isclose(
        allc["complaint_rate_pct"], 8.0
    )
    key = q(tiny, "complaint_rates", segment="key", **jan)[0]  # C1 only: T1 over 20 shipments
    assert (key["complaints"], key["shipments"]) == (1, 20) and math.isclose(key["complaint_rate_pct"], 5.0)
    south = q(tiny, "complaint_rates", region="华南", **jan)[0]  # C2: T2 over 5 shipments
    assert (south["complaints"], south["shipments"]) == (1, 5) and math.isclose(
        south["complaint_rate_pct"], 20.0
    )
    contacts = q(tiny, "contact_rates", **jan)[0]
    assert (contacts["planned"], contacts["reached"], contacts["completed"]) == (4, 3, 2)
    east = q(tiny, "contact_rates", region="华东", **jan)[0]  # H1, H4: both C1, completed
    assert (east["planned"], east["callback_success_pct"], east["survey_success_pct"]) == (2, 100.0, 100.0)
    general = q(tiny, "contact_rates", segment="general", **jan)[0]  # H2 (C2), H3 (C3)
    assert (general["planned"], general["reached"], general["completed"]) == (2, 1, 0)
    coverage = q(tiny, "coverage_rates", **jan)[0]  # C1 and C2 shipped; C1 surveyed
    assert (coverage["active_customers"], coverage["surveyed_active_customers"]) == (2, 1)
    assert q(tiny, "coverage_rates", region="华南", **jan)[0]["coverage_pct"] == 0.0
    # Several regions picked (the multi-select): the union, C1 (华东) and C2 (华南): T1 + T2 over 25
    both = q(tiny, "complaint_rates", region=["华东", "华南"], **jan)[0]
    assert (both["complaints"], both["shipments"]) == (2, 25)
    both_contacts = q(tiny, "contact_rates", region=["华南", "华东"], **jan)[0]  # H1, H2, H4
    assert both_contacts["planned"] == 3
    assert q(tiny, "complaint_rates", segment=["key", "general"], **jan)[0]["complaints"] == 2
    assert q(tiny, "complaint_rates", region=[], **jan)[0]["complaints"] == 2  # nothing picked: all


def test_key_driver_sample_leaves_the_overall_item_out(con):
    """The tiny questionnaire with a2 as its overall item: the sample's dimension scores are the
    load's, with a2 taken out of dimension A by its own score."""
    text = (DATA / "tiny.toml").read_text(encoding="utf-8")
    store.add_questionnaire(con, text.replace('scope = "sales"', 'scope = "sales"\noverall_item = "a2"', 1))
    load_file(con, "survey", DATA / "tiny_survey.csv", questionnaire_id="tiny")
    rows = {(r["response_id"], r["dimension_id"]): r for r in q(con, "key_driver_sample", overall_item="a2")}
    # R1: a1 = 100, a2 = 50 (the overall item, left out) -> A = 100; B = 0; outcome 50.
    assert rows[("R1", "A")]["score"] == 100.0 and rows[("R1", "B")]["score"] == 0.0
    assert rows[("R1", "A")]["overall_score"] == 50.0
    # R2: a1 = 75, a2 not answered -> A = 75; B not answered -> no row. R3: a1 = 25, a2 = 25.
    assert rows[("R2", "A")]["score"] == 75.0 and ("R2", "B") not in rows
    assert rows[("R3", "A")]["score"] == 25.0 and rows[("R3", "B")]["score"] == 100.0
    with_all = {(r["response_id"], r["dimension_id"]): r["score"] for r in q(con, "key_driver_sample")}
    assert with_all[("R1", "A")] == 75.0 and with_all[("R3", "A")] == 25.0


def test_key_driver_sample_drops_a_dimension_holding_only_the_overall_item(con):
    """A response that answered only the overall item of its dimension has no score there."""
    text = (DATA / "tiny.toml").read_text(encoding="utf-8")
    store.add_questionnaire(con, text.replace('scope = "sales"', 'scope = "sales"\noverall_item = "a2"', 1))
    load_text(
        con,
        "survey",
        "response_id,customer_id,survey_date,subject,staff_id,a1,a2,b1,comment\n"
        "R9,C1,2025-01-10,own,S1,,4,2,\n",
        questionnaire_id="tiny",
    )
    rows = {r["dimension_id"]: r["score"] for r in q(con, "key_driver_sample", overall_item="a2")}
    assert rows == {"B": 25.0}


def test_key_driver_sample_is_the_filtered_responses_of_the_smallest_sample_keys(con):
    """At most 5,000 responses, whatever the warehouse's size: those with the smallest sample
    keys among the filtered ones, each with its own CSI and dimension scores (issue 15)."""
    store.add_questionnaire(con, (DATA / "tiny.toml").read_text(encoding="utf-8"))
    rows = [
        f"R{n},C{n % 40},2025-{1 + n % 2:02d}-{1 + n % 28:02d},own,S{1 + n % 3},{1 + n % 5},{1 + n % 4},{1 + n % 3},"
        for n in range(6000)
    ]
    header = "response_id,customer_id,survey_date,subject,staff_id,a1,a2,b1,comment\n"
    load_text(con, "survey", header + "\n".join(rows[:3500]) + "\n", questionnaire_id="tiny")
    load_text(con, "survey", header + "\n".join(rows[3500:]) + "\n", questionnaire_id="tiny")

    def expected(staff: str | None) -> dict:
        found = con.execute(
            """
            select s.batch_id, s.response_id, s.csi, d.dimension_id, d.score
            from response_scores as s
            join response_dimension_scores as d using (batch_id, response_id)
            where s.sample_key = hash(s.batch_id, s.response_id)
                and (?::varchar is null or s.staff_id = ?)
                and s.sample_key in (
                    select sample_key from response_scores
                    where ?::varchar is null or staff_id = ?
                    order by sample_key limit 5000
                )
            """,
            [staff, staff, staff, staff],
        ).fetchall()
        return {(r[1], r[3]): (r[2], r[4]) for r in found}

    whole = q(con, "key_driver_sample")
    assert len({r["response_id"] for r in whole}) == 5000  # of 6,000 in two batches
    assert {(r["response_id"], r["dimension_id"]): (r["csi"], r["score"]) for r in whole} == expected(None)
    # A segment filter holding every segment takes the keys from the filtered responses first.
    segments = [r[0] for r in con.execute("select distinct segment from response_facts").fetchall()]
    rows = sorted((r["response_id"], r["dimension_id"], r["csi"], r["score"]) for r in whole)
    read = q(con, "key_driver_sample", segment=segments)
    assert sorted((r["response_id"], r["dimension_id"], r["csi"], r["score"]) for r in read) == rows
    one_staff = q(con, "key_driver_sample", staff=["S2"])
    assert len({r["response_id"] for r in one_staff}) == 2000  # fewer than 5,000: all of them
    assert {(r["response_id"], r["dimension_id"]): (r["csi"], r["score"]) for r in one_staff} == expected(
        "S2"
    )


def test_staff_scores_and_customer_histogram(tiny):
    staff = by(q(tiny, "staff_scores"), "staff_id")
    assert staff["S1"]["responses"] == 2 and math.isclose(staff["S1"]["csi"], 50.0)
    assert staff["S1"]["csi_ci_low"] == 50.0  # sd 0
    assert math.isclose(staff["S1"]["dissatisfied_pct"], 100 * 3 / 6)
    levels = {
        (r["item_id"], r["level_value"]): r["ratings"]
        for r in q(tiny, "customer_item_levels", customer_id="C1")
    }
    assert levels == {
        ("a1", 5.0): 1,
        ("a1", 4.0): 1,
        ("a1", 2.0): 1,
        ("a2", 3.0): 1,
        ("a2", 2.0): 1,
        ("b1", 1.0): 1,
        ("b1", 5.0): 1,
    }


def test_pareto_items_ties_rank_by_item_id(tiny):
    items = q(tiny, "pareto_items")
    # Dissatisfied own ratings: a1 1 (R3), a2 1 (R3), b1 1 (R1): a tie ranked by item id.
    assert [(r["item_id"], r["dissatisfied"], r["rank"]) for r in items] == [
        ("a1", 1, 1),
        ("a2", 1, 2),
        ("b1", 1, 3),
    ]
    assert math.isclose(items[-1]["cumulative_pct"], 100.0)


def test_satisfaction_rates_empty_for_a_questionnaire_without_points(tiny):
    assert q(tiny, "satisfaction_rates") == []


def test_no_dashboard_query_re_derives_a_metric():
    pattern = re.compile(r"1\.96|sqrt\(|isodow|stddev_samp\(.*\)\s*/|100\.0 \*")
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("sql/queries", "dashboard", "screens")
        for p in (ROOT / folder).glob("*.*")
        if p.suffix in (".sql", ".py") and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_breakdown_yoy_customers_and_filter_values(tiny):
    scopes = by(q(tiny, "csi_breakdown", by="scope"), "group_value")
    assert set(scopes) == {"sales"} and scopes["sales"]["responses"] == 3
    assert math.isclose(scopes["sales"]["csi"], 175 / 3)
    regions = by(q(tiny, "csi_breakdown", by="region"), "group_value")
    assert set(regions) == {"华东"} and regions["华东"]["responses"] == 3
    yoy = [(r["year"], r["month"], r["responses"], r["csi"]) for r in q(tiny, "csi_yoy")]
    assert yoy == [(2025, 1, 2, 62.5), (2025, 2, 1, 50.0)]
    assert q(tiny, "customers_surveyed") == [
        {"customer_id": "C1", "customer_name": "华鑫机械有限公司", "responses": 3}
    ]
    values = {(r["filter"], r["value"]) for r in q(tiny, "filter_values")}
    assert ("scope", "sales") in values and {
        ("region", "华东"),
        ("region", "华南"),
        ("region", "华北"),
    } <= values


def test_comments_and_item_drill_down(tiny):
    comments = q(tiny, "dissatisfied_comments")
    # Own responses with a dissatisfied rating and a comment: R3 (2, 2) then R1 (b1 = 1).
    assert [(r["response_id"], r["comment"], r["dissatisfied"]) for r in comments] == [
        ("R3", "质量差", 2),
        ("R1", "太慢", 1),
    ]
    assert [r["response_id"] for r in q(tiny, "dissatisfied_comments", search="质量")] == ["R3"]
    drill = q(tiny, "drill_item_responses", item_id="b1")
    assert [(r["response_id"], r["level_label"], r["comment"]) for r in drill] == [
        ("R1", "非常不满意", "太慢")
    ]
    assert (
        q(tiny, "drill_item_responses", item_id="b1", date_from=D(2025, 2, 1), date_to=D(2025, 2, 28)) == []
    )


def _plain_dissatisfied_comments(con, staff=None, segment=None, search=None):
    """The comment list counted the plain way: every filtered own response with a dissatisfied
    rating and a comment, newest first, the first 1000 (the comment masked, then as written)."""
    rows = con.execute(
        """
        select r.response_id, r.survey_date, r.dissatisfied, mask_pii(raw.comment), raw.comment
        from response_facts as r
        join stg_responses as raw using (batch_id, questionnaire_id, response_id)
        where r.questionnaire_id = 'tiny' and r.subject = 'own' and r.dissatisfied > 0
            and raw.comment is not null
            and (?::varchar is null or r.staff_id = ?) and (?::varchar is null or r.segment = ?)
            and (?::varchar is null or raw.comment ilike '%' || ? || '%')
        order by r.survey_date desc, r.response_id
        limit 1000
        """,
        [staff, staff, segment, segment, search, search],
    ).fetchall()
    return [tuple(r) for r in rows]


def test_dissatisfied_comments_read_from_the_newest_ratings_list_what_the_responses_give(con, monkeypatch):
    """Issue 15: the comment list reads from the month from which the rollup counts 1000 x the
    items dissatisfied ratings, and without a segment or region filter from the newest
    dissatisfied ratings, 1000 x the items of them (dashboard.data.dissatisfied_comments). It is
    the plain list of the filtered responses either way, with each response's number of
    dissatisfied ratings: when more than 1000 responses qualify in that month, and when a filter
    leaves fewer (then the whole range is read)."""
    from dashboard import data
    from dashboard.filters import Filters
    from dashboard.state import offline

    store.add_questionnaire(con, (DATA / "tiny.toml").read_text(encoding="utf-8"))
    header = "response_id,customer_id,survey_date,subject,staff_id,a1,a2,b1,comment\n"
    # 2,800 responses, 400 in January and the rest on 20 days of February (many on one day: ties
    # broken by response id), two batches; two in three have a comment, some with a phone
    # number; one, two or three dissatisfied ratings.
    rows = [
        f"R{n:05d},C{n % 40},2025-{1 + (n >= 400):02d}-{1 + n % 20:02d},{'own' if n % 9 else 'competitor'},S{1 + n % 3},"
        f"{1 + n % 5},{1 + n % 4},{1 + n % 3},"
        + (
            ""
            if n % 3 == 0
            else f"{'质量差' if n % 2 else '回访慢'}{n}号" + ("，电话13812345678" if n % 7 == 1 else "")
        )
        for n in range(2800)
    ]
    load_text(con, "survey", header + "\n".join(rows[:1000]) + "\n", questionnaire_id="tiny")
    load_text(con, "survey", header + "\n".join(rows[1000:]) + "\n", questionnaire_id="tiny")
    segments = [r[0] for r in con.execute("select distinct segment from response_facts").fetchall()]
    asked = []
    real_q = data.q

    def recording(name, **kwargs):
        if name == "dissatisfied_comments":
            asked.append((kwargs.get("ratings_limit"), kwargs.get("since")))
        return real_q(name, **kwargs)

    monkeypatch.setattr(data, "q", recording)
    fell_back = 0
    with offline(con, role="admin"):
        for staff, segment, search in (
            (None, None, None),
            ("S2", None, None),
            (None, None, "质量"),
            (None, segments[0], None),
        ):
            f = Filters(
                "tiny", "", 90.0, "month", D(2025, 1, 1), D(2025, 3, 31), (), (segment,) if segment else (),
                (), (), (staff,) if staff else (),
            )  # fmt: skip
            asked.clear()
            got = data.dissatisfied_comments(f, search)
            want = _plain_dissatisfied_comments(con, staff, segment, search)
            # the questionnaire's three items; February holds enough ratings, not always comments
            assert asked[0] == (1000 * 3, D(2025, 2, 1))
            in_february = len(want) == 1000 and min(w[1] for w in want) >= D(2025, 2, 1)
            assert len(want) >= 300 and asked[1:] == ([] if in_february else [(3000, None)])
            fell_back += not in_february
            assert [
                (r["response_id"], r["survey_date"], r["dissatisfied"], r["comment"])
                for r in got.iter_rows(named=True)
            ] == [w[:4] for w in want]
            # the same list from the responses (no bound given: the other branch), unmasked
            plain = q(con, "dissatisfied_comments", date_to=D(2025, 3, 31), staff=[staff] if staff else None,
                      segment=[segment] if segment else None, search=search, unmask=True)  # fmt: skip
            assert [(r["response_id"], r["dissatisfied"], r["comment"]) for r in plain] == [
                (w[0], w[2], w[4]) for w in want
            ]
    assert fell_back == 2  # the staff member and the segment: too few in February
    masked = q(con, "dissatisfied_comments", date_to=D(2025, 3, 31), ratings_limit=3000)
    assert any("138****5678" in r["comment"] for r in masked), masked[:3]
    assert not any("13812345678" in r["comment"] for r in masked)


def test_questionnaires_list_targets_and_dates(tiny):
    found = by(q(tiny, "questionnaires"), "questionnaire_id")
    tiny_row = found["tiny"]
    # The dates the pages hold data for: responses 2025-01-10 to 02-05, complaints 01-03 to
    # 02-02, contacts 01-02 to 01-05 (a page of complaints must not hide older ones).
    assert (tiny_row["first_date"], tiny_row["last_date"], tiny_row["responses"]) == (
        D(2025, 1, 2),
        D(2025, 2, 5),
        4,
    )
    # The default range starts at the first of its last 13 months with responses (two here).
    assert (tiny_row["recent_from"], tiny_row["responses_last"]) == (D(2025, 1, 10), D(2025, 2, 5))
    assert tiny_row["target"] == 90.0 and found["dealer-sales"]["responses"] == 0
    assert found["dealer-sales"]["recent_from"] is None
    # A questionnaire without responses still opens on the complaints' and contacts' dates.
    assert (found["dealer-sales"]["first_date"], found["dealer-sales"]["last_date"]) == (
        D(2025, 1, 2),
        D(2025, 2, 2),
    )


def test_satisfaction_rates_are_survey_rate_minus_complaint_rate(tiny):
    toml = (DATA / "tiny.toml").read_text(encoding="utf-8").replace('id = "tiny"', 'id = "tinyp"', 1)
    toml = toml.replace("weight = 2\n", 'weight = 2\npoints = { "5" = 2, "4" = 1, "1" = -1 }\n', 1)
    store.add_questionnaire(tiny, toml)
    load_file(tiny, "survey", DATA / "tiny_survey.csv", questionnaire_id="tinyp")
    rows = by(q(tiny, "satisfaction_rates", qid="tinyp"), "period_start")
    jan = rows[D(2025, 1, 1)]
    # Dimension A has points: R1 a1 = 5 -> 2, a2 = 3 -> 0 (max 2 + 2); R2 a1 = 4 -> 1 (max 2).
    assert (jan["points"], jan["max_points"]) == (3.0, 6.0)
    assert math.isclose(jan["survey_rate_pct"], 50.0) and math.isclose(jan["complaint_rate_pct"], 8.0)
    assert math.isclose(jan["satisfaction_rate_pct"], 42.0)
    view = tiny.execute(
        "select satisfaction_rate_pct from v_satisfaction_rate where period_grain = 'month' "
        "and period_start = '2025-01-01' and questionnaire_id = 'tinyp'"
    ).fetchone()[0]
    assert math.isclose(view, 42.0)


def _newest_dissatisfied(con, qid, item_id, date_from, date_to, limit, segment=None, region=None):
    """The Pareto drill-down's rows, counted the plain way: every dissatisfied own answer to the
    item joined to its filtered response, newest first."""
    rows = con.execute(
        """
        select r.response_id, r.survey_date, l.level_label
        from answers as a
        inner join item_levels as l
            on l.questionnaire_id = a.questionnaire_id and l.item_id = a.item_id
            and l.level_value = a.level_value and l.is_dissatisfied
        inner join response_facts as r on r.batch_id = a.batch_id and r.response_id = a.response_id
        where a.questionnaire_id = ? and a.item_id = ? and r.subject = 'own'
            and r.survey_date between ? and ?
            and (?::varchar is null or r.segment = ?) and (?::varchar is null or r.region = ?)
        order by r.survey_date desc, r.response_id
        limit ?
        """,
        [qid, item_id, date_from, date_to, segment, segment, region, region, limit],
    ).fetchall()
    return [tuple(r) for r in rows]


def test_the_drill_down_reads_the_newest_months_and_lists_what_the_whole_range_would(demo_db, monkeypatch):
    """Issue 15: the Pareto drill-down reads from the month the rollup says holds enough
    dissatisfied ratings (drill_since), and falls back to the whole range when the filters the
    rollup does not know (segment, region) leave too few: the list is the plain newest-first
    list either way, for limits that end inside the range, at its start, or past it."""
    from dashboard import data
    from dashboard.filters import Filters
    from dashboard.state import offline
    from warehouse import open_warehouse

    con = open_warehouse(demo_db)
    qid = "dealer-sales"
    start, end = D(2024, 1, 1), D(2026, 12, 31)
    item = con.execute(
        "select item_id from v_pareto_dissatisfaction where questionnaire_id = ? "
        "group by item_id order by sum(dissatisfied) desc limit 1",
        [qid],
    ).fetchall()[0][0]
    segment, region = con.execute(
        "select segment, region from response_facts where questionnaire_id = ? and region is not null "
        "group by all order by count(*) limit 1",
        [qid],
    ).fetchall()[0]
    asked = []
    real_q = data.q

    def recording(name, **params):
        asked.append((name, params.get("since")))
        return real_q(name, **params)

    monkeypatch.setattr(data, "q", recording)
    narrowed = 0
    with offline(con, role="admin"):
        for limit in (5, 60, 100_000):
            monkeypatch.setattr(data, "DRILL_ROWS", limit)
            for seg, reg in ((None, None), (segment, region)):
                f = Filters(
                    qid, "", 90.0, "month", start, end, (), (seg,) if seg else (), (reg,) if reg else ()
                )
                asked.clear()
                got = data.drill_responses(f, item)
                want = _newest_dissatisfied(con, qid, item, start, end, limit, seg, reg)
                assert want, (limit, seg, reg)
                assert [
                    (r["response_id"], r["survey_date"], r["level_label"]) for r in got.iter_rows(named=True)
                ] == want
                since = asked[1][1]
                narrowed += since > start
                if since > start and len(want) < limit:  # too few in the window: the whole range
                    assert asked[-1] == ("drill_item_responses", None)
    assert narrowed >= 2  # the small limits read from a later month than the range's first
    con.close()


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def test_the_response_rollup_gives_what_the_responses_give(demo_db):
    """Issue 15: csi_trend, csi_yoy, csi_window, csi_breakdown by scope, satisfaction_rates and
    staff_scores read the response_counts rollup when no segment or region filter applies. Under every
    filter the rollup knows (scope, channel, staff) they give what the responses themselves
    give: the plain per-response SQL (avg, stddev_samp …), and the same query made to read the
    responses by a segment filter holding every segment, or by a range that is not whole months."""
    from warehouse import open_warehouse

    con = open_warehouse(demo_db)
    segments = [r[0] for r in con.execute("select distinct segment from response_facts").fetchall()]
    for qid in ("dealer-sales", "after-sales"):  # after-sales: points, no staff
        _rollup_gives_what_the_responses_give(con, qid, segments)
    qid = "dealer-sales"
    base = {"qid": qid, "segment": None, "region": None}
    # A range inside one month reads the responses of those days only.
    day = con.execute(
        "select survey_date from response_scores where questionnaire_id = ? and subject = 'own' "
        "group by all order by count(*) desc limit 1",
        [qid],
    ).fetchone()[0]
    one_day = query(con, "queries/csi_window", {**base, "date_from": day, "date_to": day, "grain": "month"})
    want = con.execute(
        "select count(*) from response_scores where questionnaire_id = ? and subject = 'own' and survey_date = ?",
        [qid, day],
    ).fetchone()[0]
    assert one_day["responses"][0] == want > 0
    con.close()


def _rollup_gives_what_the_responses_give(con, qid: str, segments: list[str]) -> None:
    scope, channel, staff = con.execute(
        "select scope, channel, staff_id from response_scores where questionnaire_id = ? and subject = 'own' "
        "group by all order by count(*) desc limit 1",
        [qid],
    ).fetchone()
    values = {tuple(r) for r in query(con, "queries/filter_values", {"qid": qid}).rows() if r[0] != "region"}
    assert values == set(
        con.execute(
            "select 'scope', scope from response_scores where questionnaire_id = $1 union "
            "select 'channel', channel from response_scores where questionnaire_id = $1 and channel is not null "
            "union select 'staff', staff_id from response_scores where questionnaire_id = $1 and subject = 'own' "
            "and staff_id is not null",
            [qid],
        ).fetchall()
    )
    points = con.execute(
        "select count(max_points) from response_scores where questionnaire_id = ?", [qid]
    ).fetchone()[0]
    months = con.execute(
        "select min(survey_date), max(survey_date) from response_scores where questionnaire_id = ?", [qid]
    ).fetchone()
    start, end = month_range(*months)
    base = {"qid": qid, "date_from": start, "date_to": end, "segment": None, "region": None}
    picks = [{}, {"channel": [channel]}, {"scope": [scope, "other"], "channel": [channel]}]
    for filters in picks + ([{"staff": [staff]}] if staff else []):
        for grain in ("month", "quarter"):
            p = {**base, **filters, "grain": grain}
            assert query(con, "queries/filtered_response_moments", p)["csi_n"].sum() > 0, filters
            everyone = {**p, "segment": segments}
            plain = con.execute(
                """
                select period_trunc(?, survey_date)::date as period_start, count(*), avg(csi),
                    stddev_samp(csi), count(csi), sum(satisfied), sum(dissatisfied), sum(ratings),
                    sum(satisfied * satisfied), sum(satisfied * ratings), sum(ratings * ratings)
                from response_facts
                where subject = 'own' and questionnaire_id = ? and survey_date between ? and ?
                    and chosen(scope, ?::varchar[]) and chosen(channel, ?::varchar[])
                    and chosen(staff_id, ?::varchar[])
                group by all order by 1
                """,
                [grain, qid, start, end, p.get("scope"), p.get("channel"), p.get("staff")],
            ).fetchall()
            columns = (
                "period_start", "responses", "csi", "csi_sd", "csi_n", "satisfied", "dissatisfied",
                "ratings", "satisfied_sq", "satisfied_ratings", "ratings_sq",
            )  # fmt: skip
            for way in (p, everyone):
                trend = query(con, "queries/csi_trend", way).select(columns).rows()
                assert len(trend) == len(plain) > 1
                for got, want in zip(trend, plain, strict=True):
                    assert all(_close(a, b) for a, b in zip(got, want, strict=True)), (filters, got, want)
            for name, extra in (
                ("csi_yoy", {}),
                ("csi_window", {}),
                ("csi_breakdown", {"by": "scope"}),
                ("satisfaction_rates", {}),
            ):
                rolled = query(con, f"queries/{name}", {**p, **extra}).rows()
                read = query(con, f"queries/{name}", {**everyone, **extra}).rows()
                empty = {"satisfaction_rates": points == 0, "staff_scores": staff is None}.get(name, False)
                assert len(rolled) == len(read) and bool(rolled) != empty, (name, filters)
                for got, want in zip(rolled, read, strict=True):
                    assert all(_close(a, b) for a, b in zip(got, want, strict=True)), (name, got, want)
            # The customer rollup (coverage, customers surveyed): every customer of every month.
            customers = con.execute(
                """
                select month_start(survey_date) as month_start, customer_id, count(*) as responses
                from response_scores
                where subject = 'own' and questionnaire_id = ? and survey_date between ? and ?
                    and chosen(scope, ?::varchar[]) and chosen(channel, ?::varchar[])
                    and chosen(staff_id, ?::varchar[])
                group by all order by all
                """,
                [qid, start, end, p.get("scope"), p.get("channel"), p.get("staff")],
            ).fetchall()
            for way in (p, everyone):
                got = sorted(query(con, "queries/filtered_customer_months", way).rows())
                assert got == customers and customers, filters
            surveyed = [
                {
                    r["period_start"]: r["surveyed_customers"]
                    for r in query(con, "queries/coverage_rates", way).iter_rows(named=True)
                    if r["surveyed_customers"]
                }
                for way in (p, everyone)
            ]
            assert surveyed[0] == surveyed[1] and surveyed[0], filters
            listed = [query(con, "queries/customers_surveyed", way).rows() for way in (p, everyone)]
            assert listed[0] == listed[1] and sum(r[2] for r in listed[0]) == sum(r[2] for r in customers)
