"""The conversation store on a real PostgreSQL server, started for this test.

The machine image carries PostgreSQL 15 and a `postgres` user; the fixture makes a throwaway
cluster in a temporary folder, runs the server as that user on a free port, and removes it after.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.memory import ConversationStore
from assistant.schemas import ChatResponse

BIN = Path("/usr/lib/postgresql/15/bin")

pytestmark = pytest.mark.slow


def _as_postgres(*cmd: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)


@pytest.fixture(scope="module")
def postgres_url():
    if not (BIN / "postgres").exists() or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("PostgreSQL 15 binaries are not installed on this machine")
    # pytest's own temp folders are private to root; the server runs as `postgres`
    root = Path(tempfile.mkdtemp(prefix="otbill-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres")
    subprocess.run(
        _as_postgres(str(BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "otbill"),
        check=True,
        capture_output=True,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        _as_postgres(
            str(BIN / "postgres"),
            "-D",
            str(data),
            "-p",
            str(port),
            "-k",
            str(root),
            "-h",
            "127.0.0.1",
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"postgresql+psycopg://otbill@127.0.0.1:{port}/postgres"
    deadline = time.time() + 30
    import psycopg

    while True:
        try:
            psycopg.connect(f"host=127.0.0.1 port={port} user=otbill dbname=postgres").close()
            break
        except psycopg.OperationalError:
            if time.time() > deadline:
                server.terminate()
                raise
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=20)
    shutil.rmtree(root, ignore_errors=True)


def test_conversations_round_trip_on_postgres(postgres_url: str) -> None:
    store = ConversationStore(postgres_url)
    assert store.backend == "postgresql"
    cid = store.new_id()
    reply = ChatResponse(
        answer="3 units",
        citations=[],
        tool_calls=[],
        engine="offline",
        conversation_id=cid,
        persona="parent",
        intent="visits",
        created_at=datetime.now(UTC),
    )
    store.record_turn(
        cid, "20 units at an hour each?", reply, {"intent": "visits", "slots": {"auth_units": 20}}
    )
    store.close()
    again = ConversationStore(postgres_url)
    convo = again.get(cid)
    assert convo is not None and convo["persona"] == "parent"
    assert convo["messages"][1]["response"]["intent"] == "visits"
    assert again.state(cid) == {"intent": "visits", "slots": {"auth_units": 20}}
