"""Words clinicians use in notes: intervention shorthand and credentials.

This is reading vocabulary, not billing rules: it tells the parser that "ther ex" is how notes
name the service billed as 97110. Which elements a note needs, and every number, come from the
rule tables.
"""

from __future__ import annotations

import re

# (pattern, code). Case-insensitive unless the pattern sets (?-i): short all-caps abbreviations
# such as TA must not match inside ordinary words ("data", "table").
INTERVENTION_TERMS: tuple[tuple[str, str], ...] = (
    (r"\bther(?:apeutic)?\.?\s*ex(?:ercises?)?\b|(?-i:\bTE\b)", "97110"),
    (r"\bther(?:apeutic)?\.?\s*act(?:ivity|ivities|s)?\b|(?-i:\bTA\b)", "97530"),
    (r"\bneuro(?:muscular)?\.?\s*re-?ed(?:ucation)?\b|(?-i:\bNMRE?\b)", "97112"),
    (r"\bmanual(?:\s+therapy)?\b(?!\s+muscle)(?!\s+(?:dexterity|test))", "97140"),
    (
        r"\bself[- ]?care(?:\s+training)?\b|\bADLs?\s+(?:re-?)?training\b|"
        r"\bhome\s+management\s+training\b",
        "97535",
    ),
    (r"\bsensory\s+integrat\w*", "97533"),
    (r"\bcognitive\s+(?:function(?:al)?\s+)?(?:intervention|training|tx|therapy)\b", "97129"),
    (r"\borthotic\s+(?:management|training|fitting|fabrication)\b", "97760"),
    (r"\bgroup\s+(?:therapy|therapeutic|tx|session)\b", "97150"),
    (r"\bgait\s+training\b", "97116"),
    (r"\bultrasound\b", "97035"),
    (r"\b(?:attended\s+)?e-?stim\b|\belectrical\s+stimulation\b", "97032"),
    (r"\bparaffin\b", "97018"),
    (r"\b(?:hot|cold|ice)\s+packs?\b|\bmoist\s+heat\b", "97010"),
    (r"\bwheelchair\s+(?:management|training)\b", "97542"),
    (r"\bcaregiver\s+training\b", "97550"),
    (r"\bmassage\b", "97124"),
    (r"\biontophoresis\b", "97033"),
    (r"\bwhirlpool\b|\bfluidotherapy\b", "97022"),
    (r"\bphysical\s+performance\s+test\w*", "97750"),
    (r"\bcommunity(?:/work)?\s+reintegration\b", "97537"),
)
COMPILED_TERMS = tuple((re.compile(p, re.IGNORECASE), code) for p, code in INTERVENTION_TERMS)

THERAPIST_CREDENTIALS = frozenset(
    {
        "OT",
        "OTR",
        "OTR/L",
        "OT/L",
        "OTD",
        "OTD/L",
        "OTR/L/CHT",
        "MOT",
        "MSOT",
        "PT",
        "DPT",
        "PT/L",
        "MPT",
        "SLP",
        "CCC-SLP",
        "SLP-CCC",
        "MD",
        "DO",
        "NP",
        "PA",
        "PA-C",
        "CNS",
    }
)
ASSISTANT_CREDENTIALS = {
    "COTA": "OTA",
    "COTA/L": "OTA",
    "OTA": "OTA",
    "OTA/L": "OTA",
    "PTA": "PTA",
    "PTA/L": "PTA",
    "LPTA": "PTA",
    "SLPA": "SLPA",
}


def normalize_credentials(text: str) -> str:
    """'otr/l.' -> 'OTR/L'; 'COTA / L' -> 'COTA/L'."""
    return re.sub(r"\s*/\s*", "/", text.strip().upper().replace(".", "")).replace(" ", "")


def credential_tokens(text: str) -> list[str]:
    """Credentials listed together ('MS, OTR/L, CHT') one by one, normalized."""
    return [normalize_credentials(t) for t in re.split(r"[,;]", text) if t.strip()]


def assistant_kind(credentials: str | None) -> str | None:
    """OTA, PTA or SLPA when the credentials are an assistant's, else None."""
    if not credentials:
        return None
    for token in credential_tokens(credentials):
        if token in ASSISTANT_CREDENTIALS:
            return ASSISTANT_CREDENTIALS[token]
    return None


def recognised(credentials: str) -> bool:
    """Whether any listed credential is a known therapist, assistant or physician/NPP one."""
    return any(
        t in THERAPIST_CREDENTIALS or t in ASSISTANT_CREDENTIALS
        for t in credential_tokens(credentials)
    )


def codes_for(description: str) -> list[str]:
    """Codes the words of an intervention point to (several when it names several services)."""
    found = []
    for pattern, code in COMPILED_TERMS:
        if pattern.search(description) and code not in found:
            found.append(code)
    return found
