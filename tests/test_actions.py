"""Corrective actions (CONTRACT §5) against a real warehouse: loading trackers, versions and
status, the verification windows, the effect statistics (against scipy) and every verdict."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import DATA, last_json, load_text, run_cli
from scipy import stats

from pipelines import actions, store
from pipelines.errors import ValidationError
from pipelines.load import LoadJob, load
from warehouse import settings

D = dt.date
HEADER = (
    "action_id,title,source,questionnaire_id,item_id,dimension_id,cause_category,cause,scope,"
    "customer_id,responsible_dept,created_at,due_date,approved_at,done_at,cancelled_at,follows"
)


def tracker(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def questionnaire(qid: str, cadence: str | None = None) -> str:
    text = (DATA / "tiny.toml").read_text(encoding="utf-8").replace('id = "tiny"', f'id = "{qid}"', 1)
    return text.replace("scope = ", (f'cadence = "{cadence}"\n' if cadence else "") + "scope = ", 1)


def survey(rows: list[tuple]) -> str:
    """rows: (response_id, customer_id, date, scope, a1, a2, b1); None = not answered."""
    lines = ["response_id,customer_id,survey_date,scope,a1,a2,b1"]
    for row in rows:
        lines.append(",".join("" if v is None else str(v) for v in row))
    return "\n".join(lines) + "\n"


def cohort(customer: str, day: str, values: list[int], tag: str) -> list[tuple]:
    return [(f"{customer}-{tag}{n}", customer, day, "sales", v, 3, 3) for n, v in enumerate(values)]


# The hand-computed cohort (l5: norm = (v - 1) / 4 * 100).
HAND = [
    ("H1", "HAND", "2025-01-05", "sales", 1, 4, 5),
    ("H2", "HAND", "2025-01-06", "sales", 2, 2, 3),
    ("H3", "HAND", "2025-01-07", "sales", 5, 5, 1),
    ("H4", "HAND", "2025-01-08", "sales", 4, None, 4),
    ("H5", "HAND", "2025-03-05", "sales", 5, 4, 4),
    ("H6", "HAND", "2025-03-06", "sales", 4, 5, 2),
    ("H7", "HAND", "2025-03-07", "sales", None, 1, 5),
    ("H8", "HAND", "2025-02-10", "sales", 1, 1, 1),  # the action's own month: in no window
    ("H9", "HAND", "2025-01-09", "after_sales", 1, 1, 1),  # another scope
]


@pytest.fixture
def lake(con):
    store.add_questionnaire(con, questionnaire("fix"))
    store.add_questionnaire(con, questionnaire("fixq", "quarter"))
    rows = list(HAND)
    rows += cohort("IMP", "2025-01-15", [1, 2] * 20, "b") + cohort("IMP", "2025-03-15", [4, 5] * 20, "f")
    rows += cohort("WOR", "2025-01-15", [4, 5] * 20, "b") + cohort("WOR", "2025-03-15", [1, 2] * 20, "f")
    rows += cohort("SAME", "2025-01-15", [1, 5] * 20, "b") + cohort("SAME", "2025-03-15", [5, 1] * 20, "f")
    rows += cohort("FEW", "2025-01-15", [1] * 10, "b") + cohort("FEW", "2025-03-15", [5] * 10, "f")
    load_text(con, "survey", survey(rows), questionnaire_id="fix")
    quarterly = [
        ("Q1", "QC", "2025-01-02", "sales", 1, 1, 1),
        ("Q2", "QC", "2025-03-31", "sales", 2, 2, 2),
        ("Q3", "QC", "2024-12-31", "sales", 5, 5, 5),  # before the baseline
        ("Q4", "QC", "2025-04-20", "sales", 5, 5, 5),  # the action's month
        ("Q5", "QC", "2025-05-20", "sales", 5, 5, 5),  # done's month
        ("Q6", "QC", "2025-06-01", "sales", 4, 4, 4),
        ("Q7", "QC", "2025-08-31", "sales", 5, 5, 5),
        ("Q8", "QC", "2025-09-01", "sales", 1, 1, 1),  # after the follow-up
    ]
    load_text(con, "survey", survey(quarterly), questionnaire_id="fixq", name="q.csv")
    load_text(
        con,
        "sales",
        "period,customer_id,shipments,revenue\n2025-01,C1,1000,1\n2025-01,C2,500,1\n"
        "2025-03,C1,1000,1\n2025-03,C2,500,1\n2025-04,C1,800,1\n",
    )
    complaints = ["complaint_id,customer_id,received_at,cause_category,cause"]
    complaints += [
        f"J{n},{'C2' if n < 6 else 'C1'},2025-01-{n % 28 + 1:02d} 10:00,man,服务态度差" for n in range(20)
    ]
    complaints += [f"K{n},C1,2025-01-03 10:00,method,流程繁琐" for n in range(5)]
    complaints += [
        f"M{n},{'C2' if n == 0 else 'C1'},2025-03-{n + 2:02d} 09:00,人,服务态度差" for n in range(4)
    ]
    complaints += ["M9,C1,2025-03-20 09:00,man,服务态度差、培训不足", "N1,C1,2025-04-02 09:00,man,服务态度差"]
    load_text(con, "complaints", "\n".join(complaints) + "\n")
    return con


def load_actions(con, text: str, **options):
    return load(
        con, LoadJob(kind="actions", data=text.encode(), file_name="tracker.csv", user="tester", **options)
    )


def effect(con, action_id: str) -> dict:
    cur = con.execute("select * from v_action_effect where action_id = ?", [action_id])
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def current(con, action_id: str) -> dict:
    """The action's newest version as the board reads it."""
    return con.execute("select * from v_actions where action_id = ?", [action_id]).pl().row(0, named=True)


def one(con, sql: str, params=None):
    return con.execute(sql, params or []).fetchone()


def item_action(action_id, customer, done="2025-02-20", source="item", item="a1", dimension="", scope=""):
    return (
        f"{action_id},fix {customer},{source},fix,{item},{dimension},,,{scope},{customer},质量部,"
        f"2025-02-15,2025-02-28,2025-02-16,{done},,"
    )


def test_item_effect_is_hand_computed_on_responses(lake):
    load_actions(lake, tracker(item_action("A1", "HAND", scope="sales")))
    e = effect(lake, "A1")
    assert (e["baseline_start"], e["baseline_end"]) == (D(2025, 1, 1), D(2025, 1, 31))
    assert (e["followup_start"], e["followup_end"]) == (D(2025, 3, 1), D(2025, 3, 31))
    # Baseline: H1..H4 answered a1 (H9 is another scope, H8 the action's month): 0, 25, 100, 75.
    assert (e["baseline_n"], e["followup_n"]) == (4, 2)
    assert e["baseline_mean"] == pytest.approx(50.0)
    assert e["followup_mean"] == pytest.approx(87.5)
    assert e["baseline_dissatisfied_pct"] == pytest.approx(50.0)
    assert e["followup_dissatisfied_pct"] == pytest.approx(0.0)
    welch = stats.ttest_ind([100, 75], [0, 25, 100, 75], equal_var=False)
    assert e["p_mean"] == pytest.approx(welch.pvalue)
    chi2 = stats.chi2_contingency([[0, 2], [2, 2]], correction=False)
    assert e["p_dissatisfied"] == pytest.approx(chi2.pvalue)
    assert e["verdict"] == "too_few"  # 4 and 2 responses; 30 needed


def test_dimension_source_counts_each_response_once(lake):
    load_actions(lake, tracker(item_action("A2", "HAND", source="dimension", item="", dimension="A")))
    e = effect(lake, "A2")
    # D_A per response: H1 (0+75)/2, H2 25, H3 100, H4 75 (a2 unanswered); H9 is after_sales but
    # the action has no scope, so it counts: D_A 0, dissatisfied.
    baseline = [37.5, 25.0, 100.0, 75.0, 0.0]
    followup = [87.5, 87.5, 0.0]  # H5, H6, H7 (only a2 = 1)
    assert (e["baseline_n"], e["followup_n"]) == (5, 3)
    assert e["baseline_mean"] == pytest.approx(sum(baseline) / 5)
    assert e["followup_mean"] == pytest.approx(sum(followup) / 3)
    # Dissatisfied when any A rating is: H1, H2, H9 of 5; H7 of 3.
    assert e["baseline_dissatisfied_pct"] == pytest.approx(60.0)
    assert e["followup_dissatisfied_pct"] == pytest.approx(100 / 3)
    assert e["p_mean"] == pytest.approx(stats.ttest_ind(followup, baseline, equal_var=False).pvalue)
    chi2 = stats.chi2_contingency([[1, 2], [3, 2]], correction=False)
    assert e["p_dissatisfied"] == pytest.approx(chi2.pvalue)


def test_every_survey_verdict(lake):
    load_actions(
        lake,
        tracker(
            item_action("IMP", "IMP"),
            item_action("WOR", "WOR"),
            item_action("SAME", "SAME"),
            item_action("FEW", "FEW"),
            item_action("NOTDONE", "IMP", done=""),
            item_action("NODATA", "IMP", done="2025-03-10"),
        ),
    )
    verdicts = dict(lake.execute("select action_id, verdict from v_action_effect").fetchall())
    assert verdicts == {
        "IMP": "improved",
        "WOR": "worse",
        "SAME": "no_change",
        "FEW": "too_few",
        "NOTDONE": "pending",
        "NODATA": "pending",
    }
    same = effect(lake, "SAME")
    assert same["p_mean"] == pytest.approx(1.0) and same["p_dissatisfied"] == pytest.approx(1.0)
    assert effect(lake, "NOTDONE")["followup_start"] is None
    assert effect(lake, "NODATA")["followup_n"] == 0
    # min_sample is a setting: with 10 FEW is judged.
    settings.set_setting(lake, "min_sample", "10")
    assert effect(lake, "FEW")["verdict"] == "improved"


def test_quarterly_cadence_sets_three_month_windows(lake):
    load_actions(
        lake,
        tracker("QA,quarterly,item,fixq,a1,,,,,QC,质量部,2025-04-10,2025-05-31,2025-04-11,2025-05-05,,"),
    )
    e = effect(lake, "QA")
    assert (e["baseline_start"], e["baseline_end"]) == (D(2025, 1, 1), D(2025, 3, 31))
    assert (e["followup_start"], e["followup_end"]) == (D(2025, 6, 1), D(2025, 8, 31))
    assert (e["baseline_n"], e["followup_n"]) == (2, 2)  # Q1, Q2 | Q6, Q7
    assert e["baseline_mean"] == pytest.approx(12.5) and e["followup_mean"] == pytest.approx(87.5)
    assert e["window_months"] == 3


def test_complaint_rates_and_the_poisson_test(lake):
    load_actions(
        lake,
        tracker(
            "CA,态度,complaint,,,,man,服务态度差,,,客服部,2025-02-01,2025-02-28,,2025-02-20,,",
            "CB,态度 C2,complaint,,,,人,服务态度差,,C2,客服部,2025-02-01,2025-02-28,,2025-02-20,,",
            "CC,方法,complaint,,,,method,,,,客服部,2025-02-01,2025-02-28,,2025-02-20,,",
            "CD,no baseline sales,complaint,,,,man,,,,客服部,2025-03-05,2025-03-31,,2025-03-20,,",
            "CE,no follow-up sales,complaint,,,,man,,,,客服部,2025-02-01,2025-04-30,,2025-04-10,,",
        ),
    )
    a = effect(lake, "CA")
    # 20 in January; in March 4 + the complaint naming two causes; 1,500 shipments each.
    assert (a["baseline_complaints"], a["followup_complaints"]) == (20, 5)
    assert (a["baseline_shipments"], a["followup_shipments"]) == (1500, 1500)
    assert a["baseline_rate_pct"] == pytest.approx(100 * 20 / 1500)
    expected = stats.poisson_means_test(5, 1500, 20, 1500).pvalue
    assert a["p_rate"] == pytest.approx(expected)
    assert expected < 0.05 and a["verdict"] == "improved"
    assert a["baseline_n"] is None and a["p_mean"] is None
    b = effect(lake, "CB")  # narrowed to customer C2: its complaints and its shipments
    assert (b["baseline_complaints"], b["followup_complaints"]) == (6, 1)
    assert (b["baseline_shipments"], b["followup_shipments"]) == (500, 500)
    assert b["p_rate"] == pytest.approx(stats.poisson_means_test(1, 500, 6, 500).pvalue)
    c = effect(lake, "CC")  # category only: every method complaint
    assert (c["baseline_complaints"], c["followup_complaints"]) == (5, 0)
    assert effect(lake, "CD")["verdict"] == "too_few"  # February has no shipments
    assert effect(lake, "CE")["verdict"] == "pending"  # May has no shipments yet


def test_versions_status_and_rollback(lake):
    first = load_actions(lake, tracker(item_action("V1", "HAND", done="").replace(",2025-02-16,", ",,")))
    status = one(lake, "select status, versions, is_overdue from v_actions where action_id = 'V1'")
    assert status == ("planned", 1, True)  # due 2025-02-28, not done
    second = load_actions(lake, tracker(item_action("V1", "HAND", done="")))
    assert one(lake, "select status, versions from v_actions where action_id = 'V1'") == ("approved", 2)
    assert first.batch_id != second.batch_id
    action = current(lake, "V1")
    assert actions.steps(action) == ["inform", "done", "cancel"]
    with pytest.raises(actions.ActionError):
        actions.step(lake, action, "approve", "王工", D(2025, 3, 1))
    actions.step(lake, action, "done", "王工", D(2025, 3, 1))
    rows = lake.execute(
        "select version, status, changed_by, change_note from v_action_versions where action_id = 'V1' order by 1"
    ).fetchall()
    assert rows == [
        (1, "planned", "tester", None),
        (2, "approved", "tester", None),
        (3, "done", "王工", "done"),
    ]
    assert one(lake, "select status, done_at, is_overdue from v_actions where action_id = 'V1'") == (
        "done",
        D(2025, 3, 1),
        False,
    )
    store.rollback(lake, second.batch_id)
    assert one(lake, "select versions from v_actions where action_id = 'V1'") == (2,)
    assert one(lake, "select count(*) from v_action_versions where action_id = 'V1'") == (2,)


def test_status_precedence(lake):
    load_actions(
        lake,
        tracker(
            "S1,t,item,fix,a1,,,,,,质量部,2025-02-15,2099-01-01,2025-02-16,2025-02-20,2025-02-21,",
            "S2,t,item,fix,a1,,,,,,质量部,2025-02-15,2099-01-01,2025-02-16,2025-02-20,,",
            "S3,t,item,fix,a1,,,,,,质量部,2025-02-15,2099-01-01,2025-02-16,,,",
            "S4,t,item,fix,a1,,,,,,质量部,2025-02-15,2099-01-01,,,,",
        ),
    )
    found = dict(lake.execute("select action_id, status from v_actions").fetchall())
    assert found == {"S1": "cancelled", "S2": "done", "S3": "approved", "S4": "planned"}
    assert lake.execute("select count(*) from v_actions where is_overdue").fetchone()[0] == 0


def test_approve_and_replan_on_the_dashboard_path(lake):
    record = actions.draft(
        D(2025, 2, 15), source="item", questionnaire_id="fix", item_id="a1", customer_id="WOR"
    )
    record.update(title="交付改进", responsible_dept="计划部", due_date=D(2025, 2, 28))
    actions.save(lake, record, "小李", "create")
    state = current(lake, record["action_id"])
    actions.step(lake, state, "approve", "小李", D(2025, 2, 16), approved_by="刘经理")
    state.update(status="approved", approved_at=D(2025, 2, 16), approved_by="刘经理")
    actions.step(lake, state, "done", "小李", D(2025, 2, 20))
    assert one(lake, "select approved_by from v_actions where action_id = ?", [record["action_id"]]) == (
        "刘经理",
    )
    verdict = effect(lake, record["action_id"])["verdict"]
    assert verdict == "worse"
    again = actions.replan({**state, "status": "done"}, verdict, D(2025, 4, 1))
    assert again["follows"] == record["action_id"] and again["customer_id"] == "WOR"
    assert again["action_id"] != record["action_id"] and again["done_at"] is None
    with pytest.raises(actions.ActionError):
        actions.replan(state, "improved", D(2025, 4, 1))


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            "X,t,item,nope,a1,,,,,,质量部,2025-02-15,2025-02-28,,,,",
            "questionnaire_id",
            "unknown questionnaire",
        ),
        ("X,t,item,fix,zz,,,,,,质量部,2025-02-15,2025-02-28,,,,", "item_id", "not an item"),
        ("X,t,dimension,fix,,ZZ,,,,,质量部,2025-02-15,2025-02-28,,,,", "dimension_id", "not a dimension"),
        (
            "X,t,item,fix,a1,B,,,,,质量部,2025-02-15,2025-02-28,,,,",
            "dimension_id",
            "not the dimension of the item",
        ),
        (
            "X,t,item,,a1,,,,,,质量部,2025-02-15,2025-02-28,,,,",
            "questionnaire_id",
            "required for source item",
        ),
        ("X,t,item,fix,,,,,,,质量部,2025-02-15,2025-02-28,,,,", "item_id", "required for source item"),
        ("X,t,dimension,fix,a1,A,,,,,质量部,2025-02-15,2025-02-28,,,,", "item_id", "source item only"),
        ("X,t,item,fix,a1,,,原因,,,质量部,2025-02-15,2025-02-28,,,,", "cause", "complaint source only"),
        (
            "X,t,complaint,,,,,,,,质量部,2025-02-15,2025-02-28,,,,",
            "cause_category",
            "required for source complaint",
        ),
        ("X,t,complaint,fix,a1,,man,,,,质量部,2025-02-15,2025-02-28,,,,", "item_id", "survey sources"),
        ("X,t,complaint,,,,man,,sales,,质量部,2025-02-15,2025-02-28,,,,", "scope", "survey sources"),
        ("X,t,item,fix,a1,,,,,,质量部,2025-02-15,2025-02-28,,2025-02-01,,", "done_at", "before created_at"),
        (
            "X,t,item,fix,a1,,,,,,质量部,2025-02-15,2025-02-28,2025-02-14,,,",
            "approved_at",
            "before created_at",
        ),
        ("X,t,item,fix,a1,,,,,,质量部,2025-02-15,2025-02-28,,,,NOPE", "follows", "unknown action id"),
        ("X,t,item,fix,a1,,,,,,质量部,2025-02-15,2025-02-28,,,,X", "follows", "cannot follow itself"),
        ("X,t,survey,fix,a1,,,,,,质量部,2025-02-15,2025-02-28,,,,", "source", "unknown value"),
        ("X,t,item,fix,a1,,,,,,,2025-02-15,2025-02-28,,,,", "responsible_dept", "required value is blank"),
    ],
)
def test_each_validation_error_names_row_column_and_loads_nothing(lake, row, column, reason):
    before = one(lake, "select count(*) from actions")
    good = "G,t,item,fix,a1,,,,,,质量部,2025-02-15,2025-02-28,,,,"
    with pytest.raises(ValidationError) as refused:
        load_actions(lake, tracker(good, row))
    problems = [(p.row, p.column, p.reason) for p in refused.value.problems]
    assert any(r == 3 and c == column and reason in why for r, c, why in problems), problems
    assert one(lake, "select count(*) from actions") == before


def test_follows_may_name_an_action_of_the_same_file_and_replace_is_refused(lake):
    load_actions(
        lake,
        tracker(
            "F1,t,item,fix,a1,,,,,,质量部,2025-02-15,2025-02-28,,,,",
            "F2,t,item,fix,a1,,,,,,质量部,2025-03-15,2025-03-28,,,,F1",
        ),
    )
    assert one(lake, "select follows from v_actions where action_id = 'F2'") == ("F1",)
    with pytest.raises(ValidationError, match="--replace does not apply"):
        load_actions(lake, tracker("F1,t,item,fix,a1,,,,,,质量部,2025-02-15,2025-02-28,,,,"), replace=True)
    with pytest.raises(ValidationError) as refused:
        load_actions(
            lake,
            tracker(
                "F3,t,item,fix,a1,,,,,,质量部,2025-02-15,2025-02-28,,,,",
                "F3,t,item,fix,a1,,,,,,质量部,2025-02-15,2025-02-28,,,,",
            ),
        )
    assert "duplicate id" in refused.value.problems[0].reason


def test_the_action_workflow_never_changes_a_survey_answer(lake):
    fingerprint = (
        "select (select sum(hash(response_id, level_values)) from answer_sets), "
        "(select sum(hash(response_id, csi)) from response_scores), (select count(*) from responses)"
    )
    before = one(lake, fingerprint)
    loaded = load_actions(lake, tracker(item_action("W1", "IMP"), item_action("W2", "HAND", done="")))
    state = current(lake, "W2")
    actions.step(lake, state, "done", "x", D(2025, 2, 20))
    store.rollback(lake, loaded.batch_id)
    assert one(lake, fingerprint) == before


def test_cli_loads_a_chinese_tracker_and_queries_the_views(tmp_path, db):
    run_cli(
        db, "questionnaire", "add", str(DATA.parent.parent / "examples" / "dealer-sales.toml"), check=True
    )
    path = tmp_path / "整改台账.csv"
    path.write_bytes(
        (
            "措施编号,措施,来源,问卷,题目,责任部门,提出日期,计划完成日期,批准日期,批准人\n"
            "CA-1,交车准时整改,题目,dealer-sales,q3,计划部,2025-06-10,2025-08-31,2025-06-12,刘经理\n"
        ).encode("gb18030")
    )
    result = last_json(run_cli(db, "load", "actions", str(path), check=True))
    assert result["kind"] == "actions" and result["rows"] == 1
    rows = last_json(
        run_cli(db, "query", "select action_id, status, approved_by, versions from v_actions", check=True)
    )
    assert rows == [{"action_id": "CA-1", "status": "approved", "approved_by": "刘经理", "versions": 1}]
    effect_rows = last_json(
        run_cli(db, "query", "select verdict, baseline_start from v_action_effect", check=True)
    )
    assert effect_rows == [{"verdict": "pending", "baseline_start": "2025-05-01"}]
