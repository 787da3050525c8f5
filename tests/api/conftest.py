from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.memory import ConversationStore, sqlite_url
from assistant.service import Assistant
from assistant.settings import Settings


@pytest.fixture
def client(tmp_path: Path, fixture_kb) -> TestClient:
    settings = Settings(data_dir=tmp_path)
    bot = Assistant(settings, kb=fixture_kb, store=ConversationStore(sqlite_url(tmp_path)))
    with TestClient(create_app(settings, bot)) as c:
        yield c
