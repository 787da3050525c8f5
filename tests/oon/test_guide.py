"""oon_guide: questions for the codes, visits/units from the visits tool, letters, sources."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

import tools.oon.guide as guide_module
from tests.oon.samples import FULL_FACTS
from tools.oon import OonGuideRequest, OonGuideResult, oon_guide
from tools.oon.guide import guide_data, parse_guide
from tools.visits import VisitsRequest, convert_visits

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "knowledge" / "corpus"
GUIDE_TOML = ROOT / "tools" / "ruledata" / "oon_guide.toml"


def ask(**kw) -> OonGuideResult:
    base = {"codes": ["97165", "97530", "97110"], "payer": "Aetna", "date_of_service": "2026-03-02"}
    return oon_guide(OonGuideRequest.model_validate({**base, **kw}))


def test_questions_mention_the_codes_and_payer() -> None:
    result = ask(diagnosis="F82")
    text = " ".join(q.text for q in result.questions)
    for code in ("97165", "97530", "97110"):
        assert code in text
        assert any(q.id == f"code_covered:{code}" and code in q.text for q in result.questions)
    assert "Aetna" in text and "F82" in text
    ids = {q.id for q in result.questions}
    for needed in (
        "oon_deductible_coinsurance",
        "allowed_amount_basis",
        "visit_limits",
        "hard_or_soft",
        "habilitative",
        "prior_auth",
        "diagnosis_exclusions",
        "telehealth",
        "reference_number",
    ):
        assert needed in ids
    assert [c.code for c in result.codes] == ["97165", "97530", "97110"]
    assert result.codes[0].timed is False and result.codes[1].timed is True
    assert result.status == "ok" and result.letter is None and result.visits is None


def test_every_item_has_sources() -> None:
    result = ask(letter="appeal")
    items = [*result.questions, *result.explanations, result.network_gap]
    for item in items:
        assert item.sources, item.id
        for s in item.sources:
            assert s.title and s.url.startswith("http")
    assert result.letter is not None and result.letter.sources
    assert result.sources


def test_sources_match_the_parent_corpus_front_matter() -> None:
    raw = tomllib.loads(GUIDE_TOML.read_text(encoding="utf-8"))
    for sid, src in raw["sources"].items():
        assert src["doc"].startswith("parent-"), sid
        front = tomllib.loads((CORPUS / f"{src['doc']}.md").read_text().split("+++")[1])
        pairs = {(s["url"], s["title"]) for s in front["sources"]}
        assert (src["url"], src["title"]) in pairs, sid


def test_units_authorization_uses_the_visits_tool(monkeypatch) -> None:
    calls: list[VisitsRequest] = []

    def spy(request: VisitsRequest):
        calls.append(request)
        return convert_visits(request)

    monkeypatch.setattr(guide_module, "convert_visits", spy)
    result = ask(session_minutes=60, authorization={"units": 20})
    assert len(calls) == 1 and calls[0].units == 20 and calls[0].session_minutes == 60
    assert result.visits is not None
    assert result.visits.visits == 5 and result.visits.units_per_visit == 4
    assert result.visits == convert_visits(calls[0])
    assert result.visits_explanation is not None
    assert "20 units at 60-minute sessions covers 5 full session(s)" in (
        result.visits_explanation.text
    )
    assert result.visits_explanation.sources


def test_leftover_units_are_explained() -> None:
    result = ask(session_minutes=60, authorization={"units": 22})
    assert result.visits is not None and result.visits.leftover_units == 2
    assert "2 unit(s) are left over" in result.visits_explanation.text


def test_visits_authorization_gives_units() -> None:
    result = ask(session_minutes=45, authorization={"visits": 12})
    assert result.visits is not None and result.visits.units == 36
    assert "about 36 timed unit(s)" in result.visits_explanation.text


def test_authorization_without_minutes_asks_for_them() -> None:
    result = ask(authorization={"units": 20})
    assert result.visits is None and "session_minutes" in result.missing
    assert result.visits_explanation is not None


def test_minutes_without_authorization_gives_units_per_session() -> None:
    result = ask(session_minutes=60)
    assert result.visits is not None and result.visits.units_per_visit == 4
    assert "bills 4 timed unit(s)" in result.visits_explanation.text


def test_authorization_needs_exactly_one_of_units_or_visits() -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        ask(authorization={"units": 20, "visits": 5})


@pytest.mark.parametrize(
    ("available", "item_id"),
    [
        (False, "network_gap_unavailable"),
        (None, "network_gap_unknown"),
        (True, "network_gap_available"),
    ],
)
def test_network_gap_guidance_follows_availability(available, item_id) -> None:
    result = ask(in_network_available=available)
    assert result.network_gap.id == item_id
    assert "exception" in result.network_gap.text
    assert result.network_gap.sources


def test_hard_soft_and_habilitative_are_explained() -> None:
    ids = {e.id for e in ask().explanations}
    assert {"hard_soft", "habilitative", "oon_basics", "visits_units"} <= ids


LETTER_FACTS = {
    "preauthorization": ["Sam Example", "Alex Sample", "OTR/L", "24 visits", "2026-04-15"],
    "network_gap": ["Sam Example", "Clinic One, 555-0111", "7-month waitlist", "REF-777"],
    "appeal": ["Sam Example", "CLM-0042", "2026-03-25", "visit limit reached", "2026-03-09"],
}


@pytest.mark.parametrize("kind", sorted(LETTER_FACTS))
def test_letter_with_all_facts_has_no_placeholders(kind) -> None:
    result = ask(diagnosis="F82 developmental coordination disorder", letter=kind, facts=FULL_FACTS)
    letter = result.letter
    assert letter is not None and letter.kind == kind
    assert letter.missing == ()
    assert "[" not in letter.text
    for fact in [*LETTER_FACTS[kind], "Aetna", "97165, 97530, 97110", "2026-04-01", "F82"]:
        assert fact in letter.text, fact
    assert letter.sources


@pytest.mark.parametrize("kind", sorted(LETTER_FACTS))
def test_letter_lists_missing_facts_as_placeholders(kind) -> None:
    result = ask(letter=kind, facts={"child_name": "Sam Example"})
    letter = result.letter
    assert letter is not None
    assert "Sam Example" in letter.text and "[child's name]" not in letter.text
    assert "[member ID]" in letter.text and "member ID" in letter.missing
    assert "[diagnosis (ICD-10-CM code)]" in letter.text
    assert "parent's name" in letter.missing
    for label in letter.missing:
        assert f"[{label}]" in letter.text
        assert label in result.missing
    assert "child's name" not in letter.missing


def test_letter_specific_facts() -> None:
    gap = ask(letter="network_gap").letter
    appeal = ask(letter="appeal").letter
    assert "in-network providers you contacted, with dates and answers" in gap.missing
    assert "reason given for the denial" in appeal.missing
    assert "claim number" in appeal.missing
    assert "claim number" not in gap.missing


def test_unknown_code_is_reported() -> None:
    result = ask(codes=["97530", "99999"])
    assert result.codes[1].known is False
    assert any("99999" in m for m in result.missing)


def test_malformed_code_is_an_input_error() -> None:
    with pytest.raises(ValidationError) as exc:
        ask(codes=["hello"])
    assert exc.value.errors()[0]["loc"][0] == "codes"


def test_guide_data_is_validated() -> None:
    data = guide_data()
    assert set(data.letters) == {"preauthorization", "network_gap", "appeal"}
    text = GUIDE_TOML.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="unknown source 'nope'"):
        parse_guide(
            text.replace('sources = ["md-key-terms", "gap-verywell"]', 'sources = ["nope"]')
        )
    with pytest.raises(ValueError, match="unknown placeholder"):
        parse_guide(text.replace("Re: Request for internal appeal", "Re: {pet_name}"))
    with pytest.raises(ValueError, match="not valid TOML"):
        parse_guide("this is [not toml")


def test_text_output() -> None:
    text = ask(session_minutes=60, authorization={"units": 20}, letter="appeal").to_text()
    assert "Questions to ask the insurer" in text and "5 full session(s)" in text
    assert "Draft letter" in text and "Sources:" in text
