"""A serving reader and a command-line load run side by side; a killed load changes nothing."""

from __future__ import annotations

import datetime as dt
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ROOT, last_json, run_cli

from bench.synth import questionnaire, survey_frame, write_survey
from warehouse import open_warehouse
from warehouse.lake import ConfigError, connect
from warehouse.maintain import data_files, listed_files

READER = """
import sys, time, json
from warehouse import open_warehouse
from warehouse.maintain import data_files, listed_files
con = open_warehouse(sys.argv[1])
seen, errors, t0 = [], [], time.time()
while time.time() - t0 < float(sys.argv[2]):
    try:
        r = con.execute(
            "select (select count(*) from responses), (select count(*) from answers), "
            "(select count(*) from response_scores), (select count(*) from batches)"
        ).fetchone()
        seen.append(list(r))
    except Exception as exc:
        errors.append(str(exc))
    time.sleep(0.05)
print(json.dumps({"seen": seen, "errors": errors}))
"""


def _prepare(db, tmp_path, rows: int):
    qfile = tmp_path / "bench.toml"
    qfile.write_text(questionnaire(items=20), encoding="utf-8")
    run_cli(db, "questionnaire", "add", str(qfile), check=True)
    return write_survey(tmp_path / "big.csv", rows, items=20)


def _load_cmd(db, csv_path):
    env = {**os.environ, "MANYI_DB": str(db)}
    cmd = [
        sys.executable,
        "-m",
        "pipelines",
        "load",
        "survey",
        str(csv_path),
        "--questionnaire",
        "bench",
        "--ignore-extra",
    ]
    return cmd, env


def test_reader_keeps_answering_and_never_sees_half_a_batch(db, tmp_path):
    import json

    rows = 120_000
    csv_path = _prepare(db, tmp_path, rows)
    env = {**os.environ, "MANYI_DB": str(db), "PYTHONPATH": str(ROOT)}
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), "25"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    time.sleep(4)  # the reader is up and has answered before the load starts
    cmd, env = _load_cmd(db, csv_path)
    loaded = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert loaded.returncode == 0, loaded.stderr
    summary = last_json(loaded)
    out, _ = reader.communicate(timeout=120)
    result = json.loads(out)
    assert result["errors"] == []
    states = {tuple(s) for s in result["seen"]}
    ratings = summary["ratings"]
    assert states <= {(0, 0, 0, 0), (rows, ratings, rows, 1)}, states
    assert (0, 0, 0, 0) in states and (rows, ratings, rows, 1) in states


def test_killed_load_leaves_the_warehouse_as_it_was(db, tmp_path):
    csv_path = _prepare(db, tmp_path, 150_000)
    cmd, env = _load_cmd(db, csv_path)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE)
    seen = b""
    deadline = time.time() + 180
    while b"writing" not in seen and time.time() < deadline and proc.poll() is None:
        ready, _, _ = select.select([proc.stderr], [], [], 1)
        if ready:
            seen += os.read(proc.stderr.fileno(), 4096)
    assert b"writing" in seen, seen
    time.sleep(0.3)  # inside the write transaction
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    con = open_warehouse(db)
    counts = con.execute(
        "select (select count(*) from responses), (select count(*) from answers), (select count(*) from batches)"
    ).fetchone()
    con.close()
    assert counts == (0, 0, 0)
    # The killed loader's Parquet files are orphans; maintain deletes them (grace period 0 here).
    con = open_warehouse(db)
    orphans = data_files(db) - listed_files(con)
    con.close()
    done = last_json(run_cli(db, "maintain", "--orphans-older-than", "0", check=True))
    con = open_warehouse(db)
    assert data_files(db) - listed_files(con) == set()
    con.close()
    assert done["orphans_removed"] == len(orphans)
    again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert again.returncode == 0, again.stderr
    assert last_json(again)["rows"] == 150_000


def _kill_while_writing(cmd, env, after: float) -> None:
    """Start a load and kill it `after` seconds into its writing."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE)
    seen, deadline = b"", time.time() + 120
    while b"writing" not in seen and time.time() < deadline and proc.poll() is None:
        ready, _, _ = select.select([proc.stderr], [], [], 1)
        if ready:
            seen += os.read(proc.stderr.fileno(), 4096)
    time.sleep(after)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_killed_loaders_leave_no_orphan_after_the_next_load_or_maintain(db, tmp_path):
    """Twenty loaders killed while writing leave Parquet files no snapshot lists; their markers
    (warehouse.writers) tell the next load and `maintain` that those writers are dead, so the
    files go at once, not after the 60-minute grace period."""
    import random

    csv_path = _prepare(db, tmp_path, 60_000)
    cmd, env = _load_cmd(db, csv_path)
    rng = random.Random(7)
    left = 0
    for _ in range(20):
        _kill_while_writing(cmd, env, rng.uniform(0.0, 0.6))
        con = open_warehouse(db)
        left = max(left, len(data_files(db) - listed_files(con)))
        con.close()
    assert left > 0, "no kill landed inside a write: the test proves nothing"
    small = write_survey(tmp_path / "small.csv", 50, items=20, start=900_000)
    small_cmd, _ = _load_cmd(db, small)
    loaded = subprocess.run(small_cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert loaded.returncode == 0, loaded.stderr
    con = open_warehouse(db)
    assert data_files(db) - listed_files(con) == set()
    con.close()
    for _ in range(3):
        _kill_while_writing(cmd, env, 0.3)
    done = last_json(run_cli(db, "maintain", check=True))  # the default grace period of 60 minutes
    con = open_warehouse(db)
    assert data_files(db) - listed_files(con) == set()
    con.close()
    assert done["status"] == "maintained"


def _monthly_loads(db, tmp_path, count: int, rows: int) -> list[dict]:
    """The 5-item benchmark questionnaire and `count` survey loads of `rows` new responses."""
    qfile = tmp_path / "bench.toml"
    qfile.write_text(questionnaire(items=5), encoding="utf-8")
    run_cli(db, "questionnaire", "add", str(qfile), check=True)
    results = []
    for n in range(count):
        path = tmp_path / f"m{n}.csv"
        survey_frame(rows, 5, seed=n, start=rows * n).write_csv(path)
        load = run_cli(
            db, "load", "survey", str(path), "--questionnaire", "bench", "--ignore-extra", check=True
        )
        results.append(last_json(load))
    return results


def _csi(db):
    sql = "select count(*) as n, round(sum(csi), 6) as s from v_csi_response"
    return last_json(run_cli(db, "query", sql, check=True))


def test_maintain_keeps_every_batch_and_its_rollback(db, tmp_path):
    """maintain merges files and expires every old snapshot; each batch's rollback, one of
    them restoring the rows a --replace superseded, still works on the warehouse left."""
    from conftest import DATA

    batches = _monthly_loads(db, tmp_path, 3, 200)
    # Batch 3 reloads 50 of batch 1's responses with other answers.
    again = tmp_path / "again.csv"
    survey_frame(50, 5, seed=9, start=200).write_csv(again)
    replace = run_cli(
        db,
        "load",
        "survey",
        str(again),
        "--questionnaire",
        "bench",
        "--ignore-extra",
        "--replace",
        check=True,
    )
    assert last_json(replace)["superseded"] == 50
    run_cli(db, "load", "complaints", str(DATA / "complaints_ok.csv"), check=True)
    before = _csi(db)
    done = last_json(
        run_cli(db, "maintain", "--orphans-older-than", "0", "--snapshots-older-than", "0", check=True)
    )
    assert done["status"] == "maintained"
    assert done["snapshots_after"] == 1 < done["snapshots_before"]
    assert done["files_after"] < done["files_before"]
    con = open_warehouse(db)
    assert data_files(db) == listed_files(con)  # nothing left that no snapshot needs
    con.close()
    assert _csi(db) == before
    # Rolling back the --replace brings batch 1's 50 rows back as they were.
    run_cli(db, "rollback", last_json(replace)["batch_id"], check=True)
    assert _csi(db)[0]["n"] == 600
    run_cli(db, "rollback", batches[1]["batch_id"], check=True)
    assert _csi(db)[0]["n"] == 400
    run_cli(db, "maintain", "--orphans-older-than", "0", "--snapshots-older-than", "0", check=True)
    run_cli(db, "rollback", batches[0]["batch_id"], check=True)
    assert _csi(db)[0]["n"] == 200
    listed = last_json(run_cli(db, "batches", check=True))
    assert len(listed) == 5
    assert sorted(b["status"] for b in listed).count("rolled_back") == 3


def test_loads_merge_small_files_by_themselves(db, tmp_path, monkeypatch):
    """Past MANYI_COMPACT_AFTER_FILES live files in a table, a load merges them: a warehouse
    nobody runs maintain on keeps few files, and every batch can still be rolled back."""
    monkeypatch.setenv("MANYI_COMPACT_AFTER_FILES", "4")
    results = _monthly_loads(db, tmp_path, 8, 100)
    assert any("responses" in (r.get("compacted") or []) for r in results)
    con = open_warehouse(db)
    from warehouse.maintain import file_counts

    counts = file_counts(con)
    con.close()
    assert counts["responses"] <= 4 and counts["answer_sets"] <= 4
    assert _csi(db)[0]["n"] == 800
    run_cli(db, "rollback", results[2]["batch_id"], check=True)
    assert _csi(db)[0]["n"] == 700


IDLE_READER = """
import sys, time
from warehouse import open_warehouse
from warehouse.maintain import data_files, listed_files
con = open_warehouse(sys.argv[1])
cursor = con.execute("select * from answers")
cursor.fetchone()  # a result left open, as a dashboard between reruns may
print("ready", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_idle_reader_with_an_open_result_does_not_block_a_load(db, tmp_path):
    csv_path = _prepare(db, tmp_path, 2_000)
    env = {**os.environ, "MANYI_DB": str(db), "PYTHONPATH": str(ROOT)}
    cmd, load_env = _load_cmd(db, csv_path)
    subprocess.run(cmd, cwd=ROOT, env=load_env, capture_output=True, check=True, timeout=120)
    reader = subprocess.Popen(
        [sys.executable, "-c", IDLE_READER, str(db), "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        second = tmp_path / "second.csv"
        second.write_text(csv_path.read_text().replace("R0", "S0"), encoding="utf-8")
        started = time.time()
        loaded = subprocess.run(
            _load_cmd(db, second)[0], cwd=ROOT, env=load_env, capture_output=True, text=True, timeout=120
        )
        assert loaded.returncode == 0, loaded.stderr[-2000:]
        assert time.time() - started < 30
    finally:
        reader.kill()
        reader.wait()


class _Recording:
    """A connection that notes DuckDB's memory limit each time a compaction call runs."""

    def __init__(self, con):
        self.con, self.limits = con, []

    def execute(self, sql, *args):
        if "merge_adjacent_files" in sql or "rewrite_data_files" in sql:
            self.limits.append(self.con.execute("select current_setting('memory_limit')").fetchone()[0])
        return self.con.execute(sql, *args)


def test_compaction_runs_under_its_memory_limit_and_gives_the_old_one_back(db, tmp_path, monkeypatch):
    """Merging sorts a table whole (GiBs at 10 M responses): loads and maintain merge under
    MANYI_COMPACT_MEMORY, then the connection has its own limit again; the rows are unchanged."""
    _monthly_loads(db, tmp_path, 6, 100)
    con = open_warehouse(db)
    try:
        before = con.execute("select current_setting('memory_limit')").fetchone()[0]
        rows = con.execute("select * from responses order by response_id").fetchall()
        monkeypatch.setenv("MANYI_COMPACT_AFTER_FILES", "3")
        monkeypatch.setenv("MANYI_COMPACT_MEMORY", "300MB")
        from warehouse.maintain import file_counts, light_compaction, maintain

        recording = _Recording(con)
        merged = light_compaction(recording)
        assert "responses" in merged and file_counts(con)["responses"] <= 3
        assert recording.limits and set(recording.limits) == {"286.1 MiB"}  # 300 MB
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == before
        assert con.execute("select * from responses order by response_id").fetchall() == rows

        recording = _Recording(con)
        maintain(recording, db, dt.timedelta(0), dt.timedelta(0))
        assert set(recording.limits) == {"286.1 MiB"}
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == before

        monkeypatch.setenv("MANYI_COMPACT_MEMORY", "lots")
        with pytest.raises(ConfigError, match="MANYI_COMPACT_MEMORY must be a size"):
            maintain(con, db)
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == before
    finally:
        con.close()


def test_a_connection_spills_to_a_folder_of_its_own_and_removes_it(tmp_path, monkeypatch):
    """What passes DuckDB's memory limit goes to a folder of the connection's own under the
    temporary folder (not `.tmp` in the working directory); closing removes it."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    first, second = connect(tmp_path / "a" / "manyi.duckdb"), connect(tmp_path / "b" / "manyi.duckdb")
    spill = Path(first.execute("select current_setting('temp_directory')").fetchone()[0])
    assert spill.parent == tmp_path / "tmp"
    assert spill != Path(second.execute("select current_setting('temp_directory')").fetchone()[0])
    first.execute("set memory_limit = '64MB'")
    first.execute("set preserve_insertion_order = false")
    sorted_rows = first.execute(
        "select count(*), min(h) from (select md5(range::varchar) as h from range(4000000) order by h)"
    ).fetchone()
    assert sorted_rows[0] == 4_000_000
    assert spill.is_dir() and any(spill.iterdir())  # it did spill, there
    first.close()
    second.close()
    assert not spill.exists()
    assert not (Path.cwd() / ".tmp").exists()


def test_a_live_writer_keeps_its_files_and_a_killed_one_is_known_dead(db):
    from warehouse import writers
    from warehouse.lake import LAKE

    open_warehouse(db).close()
    holder = (
        "import sys, time\nfrom warehouse.lake import connect\nfrom warehouse import writers\n"
        "con = connect(sys.argv[1])\nwith writers.writing(con):\n    print('in', flush=True)\n"
        "    time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", holder, str(db)], cwd=ROOT, env=env, stdout=subprocess.PIPE
    )
    assert proc.stdout.readline().strip() == b"in"
    started = time.time()
    con = connect(db)
    try:
        assert not writers.dead_writers(con, LAKE)
        assert writers.safe_before(con, LAKE) < started - 1  # its files, newer than its start, stay
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert writers.dead_writers(con, LAKE)
        assert writers.safe_before(con, LAKE) > time.time() - 2  # no live writer: all orphans are dead ones
        assert not writers.dead_writers(con, LAKE)  # its marker was removed
    finally:
        con.close()
