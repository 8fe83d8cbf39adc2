"""Bad input refused in words through the CLI: exit 1, no traceback, the row, column and value
named, and the warehouse unchanged (files generated in tmp_path)."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile

import pytest
from conftest import DATA, EXAMPLES, last_json, run_cli

from warehouse import open_warehouse, snapshot_id
from warehouse.maintain import data_files, listed_files

SALES_HEADER = "period,customer_id,product,shipments,quantity,revenue\n"
CONTACTS_HEADER = "contact_id,customer_id,contact_date,scope,channel,outcome\n"


@contextlib.contextmanager
def small_disk(tmp_path, size: str):
    """A tmpfs of `size` mounted in tmp_path (root only: the test is skipped elsewhere)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def snapshot(db):
    con = open_warehouse(db)
    try:
        return snapshot_id(con)
    finally:
        con.close()


@pytest.fixture
def wh(db):
    run_cli(db, "questionnaire", "add", str(EXAMPLES / "dealer-sales.toml"), check=True)
    return db


def refused(db, tmp_path, kind, content: bytes, *options, name="bad.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot(db)
    result = run_cli(db, "load", kind, str(path), *options)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert snapshot(db) == before
    return result.stderr


def test_short_rows_are_refused_with_their_field_counts(wh, tmp_path):
    text = SALES_HEADER + "2025-01,C1,整车,1,1,100\n2025-02,C1,整车,1\n2025-03,C1,整车,1,1,100\n2025-04,C2\n"
    report = refused(wh, tmp_path, "sales", text.encode())
    assert "row 3: has 4 fields, header has 6" in report and "row 5: has 2 fields, header has 6" in report


def test_short_rows_with_quoted_fields_too(wh, tmp_path):
    text = SALES_HEADER + '2025-01,C1,"整车, 红",1,1,100\n"2025-02",C1,"a\nb",1\n'
    assert "row 3: has 4 fields, header has 6" in refused(wh, tmp_path, "sales", text.encode())


def test_duplicate_headers_are_refused_before_any_rename(wh, tmp_path):
    text = SALES_HEADER.strip() + ",revenue\n2025-01,C1,整车,1,1,100,100\n"
    report = refused(wh, tmp_path, "sales", text.encode(), "--ignore-extra")
    assert "column 'revenue', value 'revenue': the header names this column twice" in report
    assert "duplicated" not in report


def test_a_header_with_an_escaped_quote_is_read_as_csv_does(wh, tmp_path):
    text = 'period,customer_id,shipments,revenue,"备注""x"\n2025-01,C1,1,100,a\n'
    path = tmp_path / "quoted.csv"
    path.write_text(text, encoding="utf-8")
    result = run_cli(wh, "load", "sales", str(path), "--map", '备注"x=product')
    assert result.returncode == 0, result.stderr
    assert last_json(result)["rows"] == 1


@pytest.mark.parametrize("where", ["early", "late"])
def test_nul_bytes_are_refused_wherever_they_are(wh, tmp_path, where):
    rows = 1 if where == "early" else 3000
    body = "".join(f"2025-01,C{n},整车,1,1,100\n" for n in range(rows))
    text = SALES_HEADER.encode() + body.encode() + "2025-02,C1,整\x00车,1,1,100\n".encode()
    report = refused(wh, tmp_path, "sales", text)
    assert f"row {rows + 2}, column 'field 3'" in report and "NUL" in report


def test_ambiguous_dates_are_refused_and_unambiguous_columns_say_their_reading(wh, tmp_path):
    ambiguous = (
        CONTACTS_HEADER + "H1,C1,01/03/2025,sales,phone,completed\nH2,C1,02/04/2025,sales,phone,completed\n"
    )
    report = refused(wh, tmp_path, "contacts", ambiguous.encode())
    assert "column 'contact_date', value '01/03/2025'" in report and "day/month or month/day" in report
    day_first = (
        CONTACTS_HEADER + "H1,C1,01/03/2025,sales,phone,completed\nH2,C1,25/03/2025,sales,phone,completed\n"
    )
    path = tmp_path / "dmy.csv"
    path.write_text(day_first, encoding="utf-8")
    result = run_cli(wh, "load", "contacts", str(path))
    assert result.returncode == 0, result.stderr
    assert last_json(result)["date_readings"] == {"contact_date": "day/month/year"}
    con = open_warehouse(wh)
    dates = con.execute("select contact_date::varchar from contacts order by contact_id").fetchall()
    con.close()
    assert dates == [("2025-03-01",), ("2025-03-25",)]
    mixed = (
        CONTACTS_HEADER + "H7,C1,13/01/2025,sales,phone,completed\nH8,C1,01/13/2025,sales,phone,completed\n"
    )
    assert "mixes day-first and month-first" in refused(wh, tmp_path, "contacts", mixed.encode())


def test_an_encrypted_workbook_is_named_as_such(wh, tmp_path):
    # The start of an OLE compound file holding an encrypted OOXML package.
    data = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 200
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 64
    )
    report = refused(wh, tmp_path, "sales", data, name="secret.xlsx")
    assert "password-protected" in report and ".xls files" not in report


def test_negative_skip_rows_is_refused(wh, tmp_path):
    report = refused(wh, tmp_path, "sales", (DATA / "sales_ok.csv").read_bytes(), "--skip-rows", "-1")
    assert "skip rows must be 0 or more" in report


def test_a_busy_catalog_ends_in_one_line_and_nothing_written(wh, monkeypatch):
    import sqlite3

    monkeypatch.setenv("MANYI_RETRY_SECONDS", "3")  # the retries' bound, short for the test

    lock = sqlite3.connect(wh, timeout=1, isolation_level=None)
    lock.execute("begin exclusive")
    try:
        result = run_cli(wh, "load", "sales", str(DATA / "sales_ok.csv"))
    finally:
        lock.execute("rollback")
        lock.close()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("the warehouse is busy")
    assert last_json(run_cli(wh, "batches", check=True)) == []


def test_a_full_disk_ends_in_one_line_and_nothing_written(tmp_path):
    with small_disk(tmp_path, "2m") as mount:
        db = mount / "manyi.duckdb"
        run_cli(db, "questionnaire", "add", str(EXAMPLES / "dealer-sales.toml"), check=True)
        header = "问卷编号,客户编号,调查日期,产品性能,外观质量,交车准时,顾问专业,顾问态度,展厅舒适,总体满意\n"
        body = "".join(
            f"R{n},C{n},2025-01-05," + ",".join(str(1 + (n * k) % 5) for k in range(7)) + "\n"
            for n in range(60000)
        )
        big = tmp_path / "big.csv"
        big.write_text(header + body, encoding="utf-8")
        result = run_cli(db, "load", "survey", str(big), "--questionnaire", "dealer-sales")
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("the disk is full: nothing was written")
        assert last_json(run_cli(db, "batches", check=True)) == []
        # The failed transaction's files are orphans until maintain removes them.
        run_cli(db, "maintain", "--orphans-older-than", "0", check=True)
        con = open_warehouse(db)
        assert data_files(db) - listed_files(con) == set()
        con.close()
        small = tmp_path / "small.csv"
        small.write_text(header + body[: body.index("R50,")], encoding="utf-8")
        assert (
            last_json(
                run_cli(db, "load", "survey", str(small), "--questionnaire", "dealer-sales", check=True)
            )["rows"]
            == 50
        )


def test_unknown_customers_and_dimensions_load_with_warnings_and_show_in_data_quality(wh, tmp_path):
    run_cli(wh, "load", "customers", str(DATA / "customers_ok.csv"), check=True)
    complaints = (
        "complaint_id,customer_id,received_at,dimension,cause_category\n"
        "T1,C1,2025-01-03 09:00,delivery,法\nT2,C77,2025-01-04 09:00,nowhere,法\nT3,C78,2025-01-05 09:00,,法\n"
    )
    path = tmp_path / "complaints.csv"
    path.write_text(complaints, encoding="utf-8")
    result = run_cli(wh, "load", "complaints", str(path), check=True)
    summary = last_json(result)
    assert summary["status"] == "loaded" and summary["rows"] == 3
    warnings = {w["check"]: w for w in summary["warnings"]}
    assert warnings["unknown_customer"]["count"] == 2 and warnings["unknown_customer"]["examples"] == [
        "C77",
        "C78",
    ]
    assert warnings["unknown_dimension"]["count"] == 1 and warnings["unknown_dimension"]["examples"] == [
        "nowhere"
    ]
    assert "warning: 2 customer ids not in the customers table" in result.stderr
    quality = {
        (r["kind"], r["check_name"]): (r["records"], r["affected"])
        for r in last_json(run_cli(wh, "query", "select * from v_data_quality", check=True))
    }
    assert quality[("complaints", "unknown_customer")] == (3, 2)
    assert quality[("complaints", "unknown_dimension")] == (3, 1)
    assert quality[("sales", "unknown_customer")] == (0, 0)


def test_duplicate_headers_in_a_workbook_are_refused_too(wh, tmp_path):
    import io

    import xlsxwriter

    book = io.BytesIO()
    workbook = xlsxwriter.Workbook(book)
    sheet = workbook.add_worksheet()
    for n, name in enumerate(["period", "customer_id", "shipments", "revenue", "revenue"]):
        sheet.write(0, n, name)
    for n, value in enumerate(["2025-01", "C1", "1", "100", "100"]):
        sheet.write(1, n, value)
    workbook.close()
    report = refused(wh, tmp_path, "sales", book.getvalue(), "--ignore-extra", name="dup.xlsx")
    assert "column 'revenue', value 'revenue': the header names this column twice" in report


def test_a_utf8_mark_before_gbk_text_is_named_not_a_traceback(wh, tmp_path):
    data = b"\xef\xbb\xbf" + "客户编号,客户名称\nC1,东风\n".encode("gbk")
    report = refused(wh, tmp_path, "customers", data)
    assert "UTF-8 mark (BOM)" in report and "mixes encodings" in report


def test_a_file_whose_lines_end_in_cr_alone_loads(wh, tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"customer_id,name,region\rC1,A,\xe5\x8d\x8e\xe4\xb8\x9c\rC2,B,\r")
    result = run_cli(wh, "load", "customers", str(path))
    assert result.returncode == 0, result.stderr
    assert last_json(result)["rows"] == 2


def test_a_folder_a_device_and_a_pipe_are_named_for_what_they_are(wh, tmp_path):
    import os

    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe")
    for path, words in (
        (tmp_path / "folder", "is a folder, not a file"),
        ("/dev/zero", "is not a regular file"),
        (tmp_path / "pipe", "is not a regular file"),
        (tmp_path / "missing.csv", "no such file"),
    ):
        result = run_cli(wh, "load", "customers", str(path))
        assert result.returncode == 1 and words in result.stderr and "Traceback" not in result.stderr


def test_a_toml_nested_thousands_deep_is_refused_in_words(wh, tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    for command in (("questionnaire", "add"), ("topics", "load")):
        result = run_cli(wh, *command, str(deep))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert "nested too deeply" in result.stderr


def _peak_child_mib(db, *args) -> tuple:
    """Run the CLI in a child; (its exit code, stderr, its own peak RSS in MiB), read from
    /proc while it runs: the rusage of a child (wait4, RUSAGE_CHILDREN) starts from the test
    process's own resident size at the fork, which a long test run makes large."""
    import os
    import sys
    import time

    from conftest import ROOT

    peak = 0
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipelines", *args],
            cwd=ROOT,
            env={**os.environ, "MANYI_DB": str(db)},
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        while proc.poll() is None:
            try:
                with open(f"/proc/{proc.pid}/status") as status:
                    found = next(line for line in status if line.startswith("VmHWM:"))
                peak = max(peak, int(found.split()[1]))  # the high-water mark of its own memory
            except (OSError, StopIteration):
                pass
            time.sleep(0.02)
        err.seek(0)
        return proc.returncode, err.read().decode(errors="replace"), peak / 1024


def test_a_huge_comment_cell_is_refused_by_row_and_column_before_the_memory_goes(wh, tmp_path):
    header = "问卷编号,客户编号,调查日期,产品性能,意见建议\n"
    path = tmp_path / "huge.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write(header + "R1,C1,2025-01-05,5,好\n")
        f.write("R2,C1,2025-01-05,5," + "太慢" * 50 * 2**20 + "\n")  # 100 M characters
    before = snapshot(wh)
    code, stderr, peak = _peak_child_mib(
        wh, "load", "survey", str(path), "--questionnaire", "dealer-sales", "--ignore-extra"
    )
    assert code == 1 and "Traceback" not in stderr
    assert "row 3, column '意见建议'" in stderr and "longer than 100,000 characters" in stderr
    assert snapshot(wh) == before
    assert peak < 1024, f"the loader grew to {peak:.0f} MiB before refusing"


def test_a_line_without_a_break_is_refused_early(wh, tmp_path):
    path = tmp_path / "oneline.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write(SALES_HEADER + "2025-01,C1," + "x" * 100 * 2**20)
    code, stderr, peak = _peak_child_mib(wh, "load", "sales", str(path))
    assert code == 1 and "row 2, column 'product'" in stderr
    assert peak < 1024, f"the loader grew to {peak:.0f} MiB before refusing"


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(wh, tmp_path):
    import io
    import zipfile

    book = io.BytesIO()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<c>" + "0" * 300 * 2**20 + "</c>")
    report = refused(wh, tmp_path, "sales", book.getvalue(), name="bomb.xlsx")
    assert "unpacks to" in report and "(setting xlsx_max_ratio)" in report


def test_the_file_size_columns_and_rows_limits_are_settings(wh, tmp_path):
    run_cli(wh, "setting", "set", "upload_max_rows", "3", check=True)
    run_cli(wh, "setting", "set", "upload_max_columns", "5", check=True)
    rows = SALES_HEADER + "".join(f"2025-01,C{n},整车,1,1,100\n" for n in range(4))
    assert "more than 5 (setting upload_max_columns)" in refused(wh, tmp_path, "sales", rows.encode())
    run_cli(wh, "setting", "set", "upload_max_columns", "6", check=True)
    assert "more than 3 data rows (setting upload_max_rows)" in refused(wh, tmp_path, "sales", rows.encode())
    run_cli(wh, "setting", "set", "upload_max_mb", "1", check=True)
    big = SALES_HEADER + "2025-01,C1," + "x" * 2**20 + ",1,1,100\n"
    assert "(setting upload_max_mb)" in refused(wh, tmp_path, "sales", big.encode())


def test_long_ids_and_dates_after_today_are_refused(wh, tmp_path):
    header = "问卷编号,客户编号,调查日期,产品性能\n"
    long_id = header + "R" * 2**20 + ",C1,2025-01-05,5\n"
    report = refused(
        wh, tmp_path, "survey", long_id.encode(), "--questionnaire", "dealer-sales", "--ignore-extra"
    )
    assert "longer than 100,000 characters" in report  # the cell limit comes first
    long_id = header + "R" * 65 + ",C1,2025-01-05,5\n"
    report = refused(
        wh, tmp_path, "survey", long_id.encode(), "--questionnaire", "dealer-sales", "--ignore-extra"
    )
    assert "column '问卷编号'" in report and "(setting upload_max_id_chars)" in report
    future = header + "R1,C1,9999-12-31,5\n"
    report = refused(
        wh, tmp_path, "survey", future.encode(), "--questionnaire", "dealer-sales", "--ignore-extra"
    )
    assert "row 2, column '调查日期', value '9999-12-31': after today" in report
    path = tmp_path / "future.csv"
    path.write_text(future, encoding="utf-8")
    loaded = run_cli(
        wh, "load", "survey", str(path), "--questionnaire", "dealer-sales", "--ignore-extra", "--allow-future"
    )
    assert loaded.returncode == 0, loaded.stderr
    complaint = "complaint_id,customer_id,received_at,cause_category\nT1,C1,2999-01-01 08:00,法\n"
    assert "after today" in refused(wh, tmp_path, "complaints", complaint.encode())


def test_the_first_visible_sheet_is_read_and_hidden_ones_named(wh, tmp_path):
    import io

    import xlsxwriter

    book = io.BytesIO()
    workbook = xlsxwriter.Workbook(book)
    hidden = workbook.add_worksheet("旧数据")
    shown = workbook.add_worksheet("销售")
    for sheet, customer in ((hidden, "OLD"), (shown, "C1")):
        for n, value in enumerate(["period", "customer_id", "shipments", "revenue"]):
            sheet.write(0, n, value)
        for n, value in enumerate(["2025-01", customer, "1", "100"]):
            sheet.write(1, n, value)
    shown.activate()
    hidden.hide()
    workbook.close()
    path = tmp_path / "two.xlsx"
    path.write_bytes(book.getvalue())
    result = run_cli(wh, "load", "sales", str(path), check=True)
    summary = last_json(result)
    assert summary["sheet"] == "销售"
    assert [w["examples"] for w in summary["warnings"] if w["check"] == "hidden_sheets"] == [["旧数据"]]
    con = open_warehouse(wh)
    try:
        assert con.execute("select customer_id from sales").fetchall() == [("C1",)]
    finally:
        con.close()


def test_maintain_on_a_full_disk_frees_space_first_and_says_what_it_skipped(tmp_path):
    import os
    import shutil

    with small_disk(tmp_path, "24m") as mount:
        db = mount / "manyi.duckdb"
        run_cli(db, "questionnaire", "add", str(EXAMPLES / "dealer-sales.toml"), check=True)
        header = "问卷编号,客户编号,调查日期,产品性能,外观质量,交车准时,顾问专业,顾问态度,展厅舒适,总体满意\n"
        for batch in range(3):
            body = "".join(
                f"R{batch}-{n},C{n},2025-0{batch + 1}-05,"
                + ",".join(str(1 + (n * k) % 5) for k in range(7))
                + "\n"
                for n in range(4000)
            )
            path = tmp_path / f"b{batch}.csv"
            path.write_text(header + body, encoding="utf-8")
            run_cli(db, "load", "survey", str(path), "--questionnaire", "dealer-sales", check=True)
        # Orphans, as a loader killed hours ago leaves them.
        files = db.with_name(db.name + ".files")
        listed = sorted(files.rglob("*.parquet"), key=lambda p: p.stat().st_size)[-3:]
        orphans = []
        for n, source in enumerate(listed):
            orphan = source.with_name(f"ducklake-orphan-{n}.parquet")
            shutil.copy(source, orphan)
            os.utime(orphan, (1_600_000_000, 1_600_000_000))
            orphans.append(orphan)
        fill = mount / "fill"
        free = shutil.disk_usage(mount).free
        fill.write_bytes(b"\0" * (free - 200 * 1024))  # about 200 KiB left
        result = run_cli(db, "maintain", "--snapshots-older-than", "0")
        assert result.returncode == 0, result.stderr
        summary = last_json(result)
        assert summary["orphans_removed"] >= len(orphans)
        assert not any(o.exists() for o in orphans)
        assert summary["skipped_for_space"], "a rewrite on a disk this full should have been skipped"
        assert "not rewritten: it needs" in result.stderr and "MB free" in result.stderr
        con = open_warehouse(db)
        assert data_files(db) - listed_files(con) == set()
        con.close()


@pytest.mark.parametrize("left_kib", [0, 60])
def test_questionnaire_and_user_add_on_a_full_disk_say_so(tmp_path, left_kib):
    import shutil
    import sys

    with small_disk(tmp_path, "3m") as mount:
        db = mount / "manyi.duckdb"
        run_cli(db, "questionnaire", "add", str(EXAMPLES / "dealer-sales.toml"), check=True)
        (mount / "fill").write_bytes(b"\0" * max(shutil.disk_usage(mount).free - left_kib * 1024, 0))
        added = run_cli(db, "questionnaire", "add", str(EXAMPLES / "after-sales.toml"))
        user = subprocess.run(
            [sys.executable, "-m", "pipelines", "--db", str(db), "user", "add", "bob", "--role", "admin"],
            input="pw12\n",
            capture_output=True,
            text=True,
            cwd=EXAMPLES.parent,
            timeout=120,
        )
        for result in (added, user):
            assert result.returncode == 1 and "Traceback" not in result.stderr
            assert result.stderr.strip().splitlines()[-1].startswith("the disk is full"), result.stderr
