"""Real services for the deployment tests, started by the tests on 127.0.0.1: PostgreSQL from
Debian's packages (initdb + pg_ctl, as the postgres user when run as root) and an S3 endpoint
(moto's server from PyPI)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PG_BIN = next(
    (
        Path(p)
        for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
        if (p / "initdb").exists()
    ),
    Path(shutil.which("initdb") or "/usr/bin/initdb").parent,
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb refuses to run as root: run PostgreSQL as its own user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def postgres_available() -> bool:
    return (PG_BIN / "initdb").exists() and (os.geteuid() != 0 or shutil.which("runuser") is not None)


@contextlib.contextmanager
def postgres():
    """A throw-away PostgreSQL server in a new folder of /tmp (which the postgres user can
    reach, unlike pytest's private tmp_path when run as root); yields (host, port, user)."""
    folder = Path(tempfile.mkdtemp(prefix="manyi-pg-"))
    os.chmod(folder, 0o755)
    data, sockets = folder / "data", folder / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    initdb = [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
    made = subprocess.run(_as_postgres(initdb), capture_output=True, text=True)
    if made.returncode != 0:
        raise RuntimeError(f"initdb failed: {made.stdout[-1000:]} {made.stderr[-2000:]}")
    port = free_port()
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off"
    log = folder / "server.log"
    ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"]
    started = subprocess.run(_as_postgres(ctl), capture_output=True, text=True)
    if started.returncode != 0:
        raise RuntimeError(f"pg_ctl start failed: {started.stderr[-2000:]} {log.read_text()[-2000:]}")
    try:
        yield "127.0.0.1", port, "postgres"
    finally:
        stop = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        subprocess.run(_as_postgres(stop), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def new_database(port: int, name: str) -> str:
    """A new empty database on the server; returns its MANYI_CATALOG."""
    subprocess.run(
        [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", name],
        check=True,
        capture_output=True,
    )
    return f"postgres:dbname={name} host=127.0.0.1 port={port} user=postgres"


@contextlib.contextmanager
def s3():
    """moto's S3 server; yields the environment a process needs to use it."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            if time.time() > deadline:
                proc.kill()
                raise RuntimeError("moto server did not start") from None
            time.sleep(0.2)
    env = {
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
    }
    try:
        yield env
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def bucket(env: dict, name: str):
    """Create bucket `name` on the S3 endpoint; returns a boto3 client for looking inside."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_REGION"],
    )
    client.create_bucket(Bucket=name)
    return client


def keys(client, name: str) -> list[str]:
    found, token = [], None
    while True:
        page = client.list_objects_v2(Bucket=name, **({"ContinuationToken": token} if token else {}))
        found += [o["Key"] for o in page.get("Contents", [])]
        token = page.get("NextContinuationToken")
        if not token:
            return found
