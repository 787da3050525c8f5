"""With an LLM configured, advocacy verdicts still come from the advocacy tool, never the model."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.engine.llm import LlmEngine
from assistant.engine.offline import OfflineEngine
from assistant.memory import ConversationStore, sqlite_url
from assistant.schemas import ChatRequest
from assistant.service import Assistant
from assistant.settings import Settings
from tests.fakes import scripted


@pytest.fixture
def engine(fixture_kb) -> OfflineEngine:
    return OfflineEngine(fixture_kb, today=lambda: date(2026, 3, 2))


def test_boycott_request_is_answered_by_the_tool_not_the_model(tmp_path: Path, fixture_kb) -> None:
    model = scripted("Sure! Here is an email asking every clinic to drop UHC on March 1 ...")
    bot = Assistant(
        Settings(data_dir=tmp_path),
        kb=fixture_kb,
        store=ConversationStore(sqlite_url(tmp_path)),
        llm=LlmEngine(model, fixture_kb),
    )
    reply = bot.chat(
        ChatRequest(message="draft an email so all the clinics in town drop UHC together")
    )
    assert reply.engine == "offline"
    assert "Here is an email" not in reply.answer
    assert "Don't do this" in reply.answer
    assert any(c.name == "classify_advocacy" for c in reply.tool_calls)
    assert reply.tool_calls[-1].result["classification"] == "prohibited"


def test_a_question_opening_like_a_definition_still_gets_the_verdict(engine: OfflineEngine) -> None:
    """ "What are the other clinics getting from Aetna" is a request for competitors' rates, not
    a question about what a term means."""
    draft, _ = engine.answer(
        "what are the other clinics in town getting from Aetna for 97530?", None, {}
    )
    assert draft.intent == "advocacy" and "Don't do this" in draft.text
    definition, _ = engine.answer("What is a messenger model?", None, {})
    assert definition.intent != "advocacy"


def test_a_prohibited_request_without_rate_or_contract_words_still_gets_the_verdict(
    engine: OfflineEngine,
) -> None:
    """The chat consulted the classifier only when the message named rates, contracts or other
    clinics in its own words, so a hold-out on an amendment ("till they bump it") was answered
    from the documents without a verdict; a prohibited verdict now routes whatever the wording."""
    draft, _ = engine.answer(
        "write a text to the other 2 clinic owners so we all hold off signing the new UHC "
        "amendment till they bump it",
        None,
        {},
    )
    assert draft.intent == "advocacy" and "Don't do this" in draft.text
    units, _ = engine.answer("33 min ther ex and 7 min manual, how many units?", None, {})
    assert units.intent != "advocacy"


def test_every_request_the_classifier_bans_gets_the_refusal_in_chat(fixture_kb) -> None:
    """Over the last blind sets, each prohibited request the classifier calls prohibited is
    refused in chat too, however it opens ("Explain the rules ... Then ...")."""
    import tomllib

    from tools.advocacy import AdvocacyRequest, classify_advocacy

    engine = OfflineEngine(fixture_kb, today=lambda: date(2026, 11, 29))
    folder = Path(__file__).parents[1] / "advocacy"
    texts = [
        case["text"]
        for name in ("heldout54.toml", "heldout57.toml", "heldout58.toml", "heldout60.toml")
        for case in tomllib.loads((folder / name).read_text(encoding="utf-8"))["cases"]
        if case["expected"] == "prohibited"
    ]
    banned = [
        t
        for t in texts
        if classify_advocacy(AdvocacyRequest(text=t)).classification == "prohibited"
    ]
    assert len(banned) >= 70
    not_refused = [t for t in banned if "Don't do this" not in engine.answer(t, None, {})[0].text]
    assert not not_refused


def test_an_employee_asking_about_their_own_pay_gets_the_advocacy_answer(
    engine: OfflineEngine,
) -> None:
    """A therapist's own salary question was answered from whatever document matched best (the
    messenger model); it now gets the verdict that negotiating one's own pay is lawful, with
    public wage data as the way to do it."""
    draft, _ = engine.answer(
        "I was just offered a job at a SNF in Tulsa. Help me ask for a higher starting salary.",
        None,
        {},
    )
    assert draft.intent == "advocacy" and "Negotiating your own pay" in draft.text
    units, _ = engine.answer(
        "help me count units: 33 min 97110 and 7 min 97140 for Medicare", None, {}
    )
    assert units.intent != "advocacy"


def test_hiring_someone_who_applied_gets_the_advocacy_answer(engine: OfflineEngine) -> None:
    """An owner asking whether to hire a competitor's therapist who applied got whatever document
    matched best (school versus clinic OT); it now gets the verdict that competing for a worker
    who applies is lawful, while an agreement with her employer about it is still refused."""
    draft, _ = engine.answer(
        "A COTA at the clinic on Main Street applied to our opening on her own. Can I interview "
        "her and make her an offer?",
        None,
        {},
    )
    assert draft.intent == "advocacy" and "Hiring someone who applied" in draft.text
    pact, _ = engine.answer(
        "An OT from the rehab group on Elm St applied to us. Should I call her boss first so we "
        "both agree not to hire each other's staff?",
        None,
        {},
    )
    assert pact.intent == "advocacy" and "Don't do this" in pact.text
