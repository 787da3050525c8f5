"""Conversation memory in SQL: SQLite by default, PostgreSQL by URL.

A turn (the question, the answer with its citations and tool calls, and the follow-up state) is
written in one transaction before the answer is returned, so a restart never loses an answer the
user has seen. Message text is stored, never logged.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from assistant.schemas import ChatResponse


class _Base(DeclarativeBase):
    pass


class ConversationRow(_Base):
    """A conversation: its persona and the slots later questions may reuse."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    persona: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    messages: Mapped[list[MessageRow]] = relationship(
        back_populates="conversation", order_by="MessageRow.seq", cascade="all, delete-orphan"
    )


class MessageRow(_Base):
    """One message: the user's question or the assistant's answer (with its full payload)."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    conversation: Mapped[ConversationRow] = relationship(back_populates="messages")


def sqlite_url(data_dir: Path) -> str:
    """The default database: a SQLite file in the data directory."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'conversations.db'}"


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class ConversationStore:
    """Create, continue and read conversations."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        _Base.metadata.create_all(self.engine)

    @property
    def backend(self) -> str:
        """Dialect name, for /healthz: sqlite or postgresql."""
        return self.engine.dialect.name

    def new_id(self) -> str:
        """A fresh conversation id."""
        return uuid.uuid4().hex

    def state(self, conversation_id: str) -> dict[str, Any]:
        """The follow-up state of a conversation (empty when it does not exist yet)."""
        with Session(self.engine) as session:
            row = session.get(ConversationRow, conversation_id)
            return dict(row.state) if row else {}

    def exists(self, conversation_id: str) -> bool:
        """Whether the conversation has been stored."""
        with Session(self.engine) as session:
            return session.get(ConversationRow, conversation_id) is not None

    def record_turn(
        self, conversation_id: str, question: str, response: ChatResponse, state: dict[str, Any]
    ) -> None:
        """Store the question, the answer and the new state in one transaction."""
        now = datetime.now(UTC)
        payload = json.loads(response.model_dump_json())
        with Session(self.engine) as session, session.begin():
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                row = ConversationRow(
                    id=conversation_id,
                    persona=response.persona,
                    created_at=now,
                    updated_at=now,
                    state={},
                )
                session.add(row)
                session.flush()
            seq = len(row.messages)
            row.messages.append(
                MessageRow(seq=seq, role="user", content=question, payload=None, created_at=now)
            )
            row.messages.append(
                MessageRow(
                    seq=seq + 1,
                    role="assistant",
                    content=response.answer,
                    payload=payload,
                    created_at=now,
                )
            )
            row.persona = response.persona
            row.state = state
            row.updated_at = now

    def seed_state(self, conversation_id: str, state: dict[str, Any], persona: str) -> None:
        """Start a conversation with a state rebuilt from a client-held history."""
        now = datetime.now(UTC)
        with Session(self.engine) as session, session.begin():
            if session.get(ConversationRow, conversation_id) is None:
                session.add(
                    ConversationRow(
                        id=conversation_id,
                        persona=persona,
                        created_at=now,
                        updated_at=now,
                        state=state,
                    )
                )

    def get(self, conversation_id: str) -> dict[str, Any] | None:
        """A conversation with all its messages, as JSON-ready data; None if unknown."""
        with Session(self.engine) as session:
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                return None
            return {
                "id": row.id,
                "persona": row.persona,
                "created_at": row.created_at.isoformat(),
                "updated_at": row.updated_at.isoformat(),
                "messages": [
                    {
                        "seq": m.seq,
                        "role": m.role,
                        "content": m.content,
                        "created_at": m.created_at.isoformat(),
                        **({"response": m.payload} if m.payload else {}),
                    }
                    for m in row.messages
                ],
            }

    def history(self, conversation_id: str, limit: int = 20) -> list[tuple[str, str]]:
        """The last `limit` messages as (role, content), oldest first."""
        with Session(self.engine) as session:
            rows = session.scalars(
                select(MessageRow)
                .where(MessageRow.conversation_id == conversation_id)
                .order_by(MessageRow.seq.desc())
                .limit(limit)
            ).all()
            return [(m.role, m.content) for m in reversed(rows)]

    def close(self) -> None:
        """Release database connections."""
        self.engine.dispose()
