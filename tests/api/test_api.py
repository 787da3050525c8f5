"""The HTTP API in-process: every endpoint, and bad requests answered with JSON errors."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient


def test_chat_answers_with_tool_calls_and_stores_the_turn(client: TestClient) -> None:
    r = client.post(
        "/v1/chat",
        json={"message": "how many units for 33 min ther ex and 7 min manual, medicare?"},
    )
    assert r.status_code == 200
    body = r.json()
    assert {"answer", "citations", "tool_calls", "engine", "conversation_id"} <= set(body)
    assert body["engine"] == "offline" and body["intent"] == "units"
    assert body["tool_calls"][0]["name"] == "calculate_units"
    assert body["tool_calls"][0]["result"]["units_by_code"] == {"97110": 2, "97140": 1}
    convo = client.get(f"/v1/conversations/{body['conversation_id']}").json()
    assert [m["role"] for m in convo["messages"]] == ["user", "assistant"]


def test_follow_up_reuses_the_earlier_slots(client: TestClient) -> None:
    first = client.post(
        "/v1/chat",
        json={"message": "I did 40 minutes of ther ex for a medicare patient, how many units?"},
    ).json()
    second = client.post(
        "/v1/chat",
        json={
            "message": "and if it had been 53 minutes?",
            "conversation_id": first["conversation_id"],
        },
    ).json()
    assert first["tool_calls"][0]["result"]["total_units"] == 3
    assert second["tool_calls"][0]["result"]["total_units"] == 4


def test_chat_validation_errors_are_json(client: TestClient) -> None:
    r = client.post("/v1/chat", json={"message": ""})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "message"
    r = client.post("/v1/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "error" in r.json()
    r = client.post("/v1/chat", json={"message": "hi", "conversation_id": "../../etc"})
    assert r.status_code == 422


def test_tools_list_and_direct_call(client: TestClient) -> None:
    tools = client.get("/v1/tools").json()
    assert "calculate_units" in {t["name"] for t in tools}
    r = client.post(
        "/v1/tools/calculate_units",
        json={"services": [{"code": "97530", "minutes": 38}], "method": "ama"},
    )
    assert r.status_code == 200 and r.json()["total_units"] == 3
    r = client.post(
        "/v1/tools/units", json={"services": [{"code": "97999", "minutes": 38}], "method": "ama"}
    )
    assert r.status_code == 422 and r.json()["error"]["field"] == "services[0].code"
    r = client.post("/v1/tools/units", json={"services": "nope"})
    assert r.status_code == 422 and r.json()["error"]["type"] == "invalid_request"
    r = client.post("/v1/tools/nope", json={})
    assert r.status_code == 404
    r = client.post(
        "/v1/tools/units", content=b"[1,2]", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422


def test_knowledge_search(client: TestClient) -> None:
    r = client.post("/v1/knowledge/search", json={"query": "CO-97", "k": 2})
    first = r.json()["results"][0]
    assert first["doc_id"] == "test-denial-co97"
    assert {
        "id",
        "title",
        "publisher",
        "url",
        "effective_from",
        "effective_to",
        "score",
        "text",
    } <= set(first)
    assert (
        client.post("/v1/knowledge/search", json={"query": "x", "payer": "acme"}).status_code == 422
    )


def test_unknown_conversation_is_404(client: TestClient) -> None:
    r = client.get("/v1/conversations/nope")
    assert r.status_code == 404 and r.json()["error"]["type"] == "conversation_not_found"


def test_healthz_reports_versions(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["engine"] == "offline"
    assert "cms-unit-table" in body["rule_data"]
    assert body["index"]["passages"] == 6 and len(body["index"]["version"]) == 12
    assert body["database"] == "sqlite"


def test_openai_compatible_plain_and_stream(client: TestClient) -> None:
    req = {"model": "otbill", "messages": [{"role": "user", "content": "what is 97010?"}]}
    body = client.post("/v1/chat/completions", json=req).json()
    assert body["object"] == "chat.completion"
    assert "97010" in body["choices"][0]["message"]["content"]
    with client.stream("POST", "/v1/chat/completions", json={**req, "stream": True}) as r:
        lines = [ln for ln in r.iter_lines() if ln.startswith("data:")]
    assert lines[-1] == "data: [DONE]"
    text = "".join(
        json.loads(ln[5:])["choices"][0]["delta"].get("content") or "" for ln in lines[:-1]
    )
    assert "97010" in text


def test_openai_history_is_replayed_for_follow_ups(client: TestClient) -> None:
    msgs = [
        {"role": "user", "content": "40 minutes of ther ex for Medicare, how many units?"},
        {"role": "assistant", "content": "3 units"},
        {"role": "user", "content": "and if it had been 53 minutes?"},
    ]
    body = client.post(
        "/v1/chat/completions", json={"model": "otbill-biller", "messages": msgs}
    ).json()
    assert "4 units" in body["choices"][0]["message"]["content"]


def test_openai_bad_model_and_empty_messages(client: TestClient) -> None:
    assert (
        client.post(
            "/v1/chat/completions",
            json={"model": "gpt-4", "messages": [{"role": "user", "content": "x"}]},
        ).status_code
        == 404
    )
    assert (
        client.post("/v1/chat/completions", json={"model": "otbill", "messages": []}).status_code
        == 422
    )
    r = client.post(
        "/v1/chat/completions",
        json={"model": "otbill", "messages": [{"role": "system", "content": "x"}]},
    )
    assert r.status_code == 422


def test_openapi_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/v1/chat" in spec["paths"] and "/v1/chat/completions" in spec["paths"]
