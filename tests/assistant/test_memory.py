"""Conversation memory on a real SQLite file: turns are stored whole and survive a restart."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from assistant.memory import ConversationStore, sqlite_url
from assistant.schemas import ChatResponse


def response(text: str, cid: str) -> ChatResponse:
    return ChatResponse(
        answer=text,
        citations=[],
        tool_calls=[],
        engine="offline",
        conversation_id=cid,
        persona="biller",
        intent="units",
        created_at=datetime.now(UTC),
    )


def test_turns_survive_a_new_process_object(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    store = ConversationStore(url)
    cid = store.new_id()
    store.record_turn(
        cid, "how many units for 38 min?", response("3 units", cid), {"intent": "units"}
    )
    store.record_turn(cid, "and 45?", response("3 units", cid), {"intent": "units", "n": 2})
    store.close()
    reopened = ConversationStore(url)
    convo = reopened.get(cid)
    assert convo is not None
    assert [m["role"] for m in convo["messages"]] == ["user", "assistant", "user", "assistant"]
    assert convo["messages"][1]["response"]["answer"] == "3 units"
    assert reopened.state(cid) == {"intent": "units", "n": 2}
    assert reopened.history(cid, limit=2) == [("user", "and 45?"), ("assistant", "3 units")]


def test_unknown_conversation(tmp_path: Path) -> None:
    store = ConversationStore(sqlite_url(tmp_path))
    assert store.get("nope") is None
    assert store.state("nope") == {}
    assert not store.exists("nope")


def test_seeded_state_is_kept_once(tmp_path: Path) -> None:
    store = ConversationStore(sqlite_url(tmp_path))
    store.seed_state("oa-1", {"intent": "visits"}, "parent")
    store.seed_state("oa-1", {"intent": "other"}, "parent")
    assert store.state("oa-1") == {"intent": "visits"}
