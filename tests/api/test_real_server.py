"""A real server (``otbill serve``) spoken to by real clients: the official openai SDK and
langchain's ChatOpenAI, plain and streaming. Conversations survive a server restart."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

FIXTURE_CORPUS = Path(__file__).parents[1] / "knowledge" / "corpus"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, data_dir: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "OTBILL_DATA_DIR": str(data_dir),
            "OTBILL_CORPUS_DIR": str(FIXTURE_CORPUS),
        }
        otbill = str(Path(sys.executable).with_name("otbill"))
        self.proc = subprocess.Popen(
            [otbill, "serve", "--port", str(self.port), "--log-level", "warning"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            "server did not start: "
            + (self.proc.stderr.read().decode() if self.proc.stderr else "")
        )

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


@pytest.fixture
def server(tmp_path: Path):
    srv = Server(tmp_path)
    yield srv
    srv.stop()


def test_official_openai_client_plain_and_streaming(server: Server) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=f"{server.url}/v1", api_key="not-needed")
    done = client.chat.completions.create(
        model="otbill",
        messages=[{"role": "user", "content": "how many units for 38 minutes of TA for Medicare?"}],
    )
    assert "97530 x3" in done.choices[0].message.content
    stream = client.chat.completions.create(
        model="otbill-biller", stream=True, messages=[{"role": "user", "content": "what is 97010?"}]
    )
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream)
    assert "97010" in text and "bundled" in text
    assert next(m.id for m in client.models.list().data) == "otbill"


def test_langchain_chat_openai_plain_and_streaming(server: Server) -> None:
    from langchain_openai import ChatOpenAI

    chat = ChatOpenAI(model="otbill", base_url=f"{server.url}/v1", api_key="not-needed")
    assert "97530 x3" in chat.invoke("how many units for 38 minutes of TA for Medicare?").content
    streamed = "".join(
        str(chunk.content) for chunk in chat.stream("what is the KX threshold for 2026?")
    )
    assert "$2,480.00" in streamed


def test_conversations_survive_a_restart(tmp_path: Path) -> None:
    first = Server(tmp_path)
    try:
        answer = httpx.post(
            f"{first.url}/v1/chat",
            json={"message": "40 minutes of ther ex for Medicare, how many units?"},
            timeout=30,
        ).json()
    finally:
        first.stop()
    second = Server(tmp_path)
    try:
        convo = httpx.get(
            f"{second.url}/v1/conversations/{answer['conversation_id']}", timeout=30
        ).json()
        assert convo["messages"][1]["content"] == answer["answer"]
        follow = httpx.post(
            f"{second.url}/v1/chat",
            json={
                "message": "and if it had been 53 minutes?",
                "conversation_id": answer["conversation_id"],
            },
            timeout=30,
        ).json()
        assert follow["tool_calls"][0]["result"]["total_units"] == 4
    finally:
        second.stop()
