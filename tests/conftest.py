"""Shared fixtures: real DuckLake warehouses in tmp_path, the CLI as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import store
from pipelines.load import LoadJob, load
from warehouse import open_warehouse, snapshot_id

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples"
DATASETS = ROOT.parent / "shared" / "datasets"


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "wh" / "manyi.duckdb"


@pytest.fixture
def con(db):
    connection = open_warehouse(db)
    store.add_questionnaire(connection, (EXAMPLES / "dealer-sales.toml").read_text(encoding="utf-8"))
    store.add_questionnaire(connection, (EXAMPLES / "after-sales.toml").read_text(encoding="utf-8"))
    yield connection
    connection.close()


def load_file(con, kind: str, path: Path | str, **options):
    """Load a file as the CLI would; return the LoadResult."""
    path = Path(path)
    return load(con, LoadJob(kind=kind, data=path.read_bytes(), file_name=path.name, **options))


def load_text(con, kind: str, text: str, encoding: str = "utf-8", name: str = "upload.csv", **options):
    return load(con, LoadJob(kind=kind, data=text.encode(encoding), file_name=name, **options))


def version(con) -> int:
    return snapshot_id(con)


def run_cli(db: Path, *args: str, check: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "MANYI_DB": str(db)}
    result = subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def last_json(result: subprocess.CompletedProcess):
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo warehouse (a third of the demo's responses), built once per test session."""
    from pipelines.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path, scale=0.3, log=lambda message: None)
    return path


@pytest.fixture
def tiny(con):
    """The hand-computed questionnaire with its survey, sales, complaints and contacts."""
    store.add_questionnaire(con, (DATA / "tiny.toml").read_text(encoding="utf-8"))
    load_file(con, "survey", DATA / "tiny_survey.csv", questionnaire_id="tiny")
    load_file(con, "sales", DATA / "sales_ok.csv")
    load_file(con, "complaints", DATA / "complaints_ok.csv")
    load_file(con, "contacts", DATA / "contacts_ok.csv")
    return con


class SmtpInbox:
    """An SMTP server's handler (aiosmtpd) on 127.0.0.1 keeping every message it receives as
    (recipients, parsed message)."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        import email
        import email.policy

        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.default))
        )
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
