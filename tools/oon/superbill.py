"""Superbills for out-of-network OT: the coded receipt a family files with its insurer.

A superbill is checked twice. The claim validator (`tools.claims.core.check_claim`) runs on the
equivalent claim, so the codes, units, modifiers, NPIs and diagnoses get exactly the checks a
clinic's own claim would get; it is never re-implemented here. Then a few checks only a superbill
needs (the provider's address, credentials, phone and tax ID, proof of payment) are added. Any
error makes the superbill "not ready".
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from typing import Literal

from pydantic import Field

from tools.claims.core import check_claim
from tools.claims.models import (
    BillingProvider,
    Claim,
    ClaimResult,
    ClaimStatus,
    Discipline,
    Finding,
    Line,
    Patient,
    Payer,
    RenderingProvider,
)
from tools.common import CptCode, Frozen, Modifier, Request
from tools.errors import InvalidBillingInput
from tools.oon.guide import SourceLink, source_links
from tools.payers import PlanType

MAX_LINES = 50
"""A claim carries at most 50 lines; split a longer superbill by month."""

CENTS = Decimal("0.01")
SUPERBILL_SOURCES = ("superbill-contents", "superbill-what", "superbill-fields", "tic-claims")
_ORDER = {"error": 0, "warning": 1, "info": 2}
_CLAIM_PATH = re.compile(
    r"lines\[(\d+)\]|billing_provider\.npi|rendering_provider\.npi|patient\.(?:first|last)_name"
)
Money = Decimal

# ---- request ---------------------------------------------------------------------------------


class SuperbillProvider(Request):
    """The therapist and practice that furnished and charged for the services."""

    name: str = Field(default="", max_length=200, description="Therapist's full name (or clinic).")
    credentials: str = Field(default="", max_length=40, description="Credentials, e.g. OTR/L.")
    npi: str = Field(default="", max_length=20, description="Therapist's 10-digit NPI.")
    group_npi: str = Field(
        default="", max_length=20, description="The clinic's group (type 2) NPI, if it has one."
    )
    tax_id: str = Field(default="", max_length=20, description="Practice tax ID (EIN/TIN).")
    license_number: str = Field(default="", max_length=40, description="State licence number.")
    practice_name: str = Field(default="", max_length=200, description="Clinic name, if any.")
    address: str = Field(default="", max_length=400, description="Practice address.")
    phone: str = Field(default="", max_length=40, description="Practice phone number.")
    discipline: Discipline = Field(default="OT", description="OT, OTA, PT, PTA or SLP.")


class SuperbillPatient(Request):
    """The patient (synthetic names only in tests)."""

    name: str = Field(default="", max_length=200, description="Patient's full name, first last.")
    date_of_birth: dt.date = Field(description="Patient's date of birth.")
    member_id: str = Field(
        default="", max_length=80, description="Patient's member id; defaults to the insured's."
    )
    sex: str = Field(
        default="", max_length=10, description="Sex as on the card (F, M, U); optional."
    )


class Insured(Request):
    """The policyholder whose plan covers the patient."""

    name: str = Field(default="", max_length=200, description="Policyholder's full name.")
    relationship: Literal["self", "spouse", "child", "other"] = Field(
        description="Patient's relationship to the insured: self, spouse, child or other."
    )
    member_id: str = Field(default="", max_length=80, description="Member id on the card.")
    group_number: str | None = Field(
        default=None, max_length=80, description="Group number on the card, if any."
    )


class SuperbillPayer(Request):
    """The insurer the family will file with."""

    name: str = Field(default="", max_length=200, description="Insurer's name, e.g. 'Aetna'.")
    plan_type: PlanType = Field(
        default="commercial", description="medicare, medicare_advantage, medicaid, commercial..."
    )
    network: Literal["in", "out"] = Field(
        default="out", description="Provider's network status with the plan (usually out)."
    )


class ServiceLine(Request):
    """One service on one visit."""

    cpt: CptCode = Field(description="CPT/HCPCS code, e.g. 97530.")
    modifiers: tuple[Modifier, ...] = Field(
        default=(), max_length=4, description="Up to four modifiers, e.g. ['GO']."
    )
    units: int = Field(ge=1, le=999, description="Units billed (15-minute units for timed codes).")
    minutes: int | None = Field(
        default=None, ge=0, le=1440, description="Treatment minutes documented, if known."
    )
    charge: Money = Field(
        ge=0, max_digits=10, decimal_places=2, description="Charge for the whole line, e.g. 180.00."
    )
    diagnosis_pointers: tuple[int, ...] = Field(
        default=(),
        max_length=4,
        description="1-based pointers into diagnoses; default: the first four diagnoses.",
    )


class SuperbillVisit(Request):
    """One date of service and what was done."""

    date_of_service: dt.date = Field(description="Exact date of the session.")
    lines: tuple[ServiceLine, ...] = Field(
        min_length=1, max_length=20, description="Services furnished that day."
    )


class PaymentIn(Request):
    """A payment the family made to the clinic."""

    date: dt.date = Field(description="Date paid.")
    amount: Money = Field(gt=0, max_digits=10, decimal_places=2, description="Amount paid.")
    method: str = Field(
        min_length=1, max_length=40, description="How: card, cash, check, HSA/FSA..."
    )
    reference: str = Field(default="", max_length=80, description="Receipt or check number.")


class SuperbillRequest(Request):
    """Everything a superbill shows: provider, patient, insured, payer, visits and payments."""

    superbill_id: str = Field(default="", max_length=80, description="Clinic's superbill number.")
    issued_on: dt.date = Field(
        default_factory=dt.date.today, description="Date the superbill is issued (today)."
    )
    provider: SuperbillProvider = Field(description="Therapist and practice.")
    patient: SuperbillPatient = Field(description="The patient.")
    insured: Insured = Field(description="The policyholder.")
    payer: SuperbillPayer = Field(
        default_factory=SuperbillPayer,
        description="Insurer (commercial, out of network by default).",
    )
    diagnoses: tuple[str, ...] = Field(
        default=(), max_length=12, description="ICD-10-CM codes, treating diagnosis first."
    )
    place_of_service: str = Field(
        default="", max_length=4, description="Two-digit POS: 11 office, 02/10 telehealth, 12 home."
    )
    visits: tuple[SuperbillVisit, ...] = Field(
        min_length=1, max_length=MAX_LINES, description="Visits, one per date of service."
    )
    payments: tuple[PaymentIn, ...] = Field(
        default=(), max_length=200, description="Payments received from the family."
    )


# ---- result ----------------------------------------------------------------------------------


class SuperbillLine(Frozen):
    """A service line as printed."""

    number: int = Field(description="1-based line number across the superbill.")
    date_of_service: dt.date = Field(description="Date of service.")
    cpt: str = Field(description="CPT/HCPCS code.")
    modifiers: tuple[str, ...] = Field(description="Modifiers.")
    units: int = Field(description="Units.")
    minutes: int | None = Field(description="Minutes documented, if given.")
    diagnosis_pointers: tuple[int, ...] = Field(description="1-based diagnosis pointers.")
    charge: Money = Field(description="Line charge.")


class SuperbillVisitOut(Frozen):
    """A visit with its lines and total."""

    date_of_service: dt.date = Field(description="Date of service.")
    lines: tuple[SuperbillLine, ...] = Field(description="Service lines.")
    total_charge: Money = Field(description="Sum of the visit's line charges.")


class Superbill(Frozen):
    """The superbill's content, as structured data."""

    superbill_id: str = Field(description="Superbill number.")
    issued_on: dt.date = Field(description="Date issued.")
    provider: SuperbillProvider = Field(description="Therapist and practice.")
    patient: SuperbillPatient = Field(description="Patient.")
    insured: Insured = Field(description="Policyholder.")
    payer: SuperbillPayer = Field(description="Insurer.")
    diagnoses: tuple[str, ...] = Field(description="ICD-10-CM codes, pointer order.")
    place_of_service: str = Field(description="Place of service code.")
    visits: tuple[SuperbillVisitOut, ...] = Field(description="Visits, in the order given.")
    payments: tuple[PaymentIn, ...] = Field(description="Payments received.")
    total_charges: Money = Field(description="Sum of all line charges.")
    total_paid: Money = Field(description="Sum of all payments.")
    balance: Money = Field(description="Charges minus payments (negative if overpaid).")


class SuperbillResult(Frozen):
    """The superbill, whether it is ready to send, and what to fix."""

    status: Literal["ready", "not_ready"] = Field(
        description="ready when no finding is an error, else not_ready."
    )
    ready: bool = Field(description="True when the superbill can be sent to the insurer.")
    superbill: Superbill = Field(description="The superbill's content.")
    findings: tuple[Finding, ...] = Field(
        description="Claim-validator findings (catalog rule ids) and SUPERBILL_* checks."
    )
    counts: dict[str, int] = Field(description="Findings per severity.")
    missing: tuple[str, ...] = Field(description="Input fields that are empty but needed.")
    validator_status: ClaimStatus = Field(description="The claim validator's own verdict.")
    not_checked: tuple[str, ...] = Field(description="Validator checks that lacked data.")
    code_set: str = Field(description="ICD-10-CM release the diagnoses were checked against.")
    sources: tuple[SourceLink, ...] = Field(description="What a superbill must show, sources.")

    def to_text(self) -> str:
        """The superbill and its verdict, for the terminal."""
        sb = self.superbill
        p = sb.provider
        verdict = "READY to send" if self.ready else "NOT READY: fix the errors below"
        out = [
            f"Superbill {sb.superbill_id or '(no number)'} issued {sb.issued_on}: {verdict}",
            "",
            f"Provider: {p.name} {p.credentials}".rstrip()
            + f"  NPI {p.npi or '-'}"
            + (f"  group NPI {p.group_npi}" if p.group_npi else "")
            + f"  tax ID {p.tax_id or '-'}",
            f"  {p.practice_name + ', ' if p.practice_name else ''}{p.address or '(no address)'}"
            f"  phone {p.phone or '-'}",
            f"Patient: {sb.patient.name}  DOB {sb.patient.date_of_birth}"
            f"  member ID {sb.patient.member_id or sb.insured.member_id or '-'}",
            f"Insured: {sb.insured.name or '-'} ({sb.insured.relationship})"
            f"  member ID {sb.insured.member_id or '-'}"
            + (f"  group {sb.insured.group_number}" if sb.insured.group_number else ""),
            f"Payer: {sb.payer.name or '-'} ({sb.payer.plan_type}, "
            f"{'out-of' if sb.payer.network == 'out' else 'in'}-network)",
            f"Diagnoses: {', '.join(sb.diagnoses) or '-'}   Place of service: "
            f"{sb.place_of_service or '-'}",
            "",
            f"{'#':>3} {'date':<10} {'CPT':<6} {'mod':<11} {'units':>5} {'charge':>10}",
        ]
        for v in sb.visits:
            for ln in v.lines:
                out.append(
                    f"{ln.number:>3} {ln.date_of_service.isoformat():<10} {ln.cpt:<6} "
                    f"{','.join(ln.modifiers):<11} {ln.units:>5} {ln.charge:>10.2f}"
                )
        out += [
            f"{'total charges':>38} {sb.total_charges:>10.2f}",
            f"{'paid':>38} {sb.total_paid:>10.2f}",
            f"{'balance':>38} {sb.balance:>10.2f}",
        ]
        for pay in sb.payments:
            out.append(f"  paid {pay.amount:.2f} on {pay.date} by {pay.method}")
        if self.findings:
            out.append("")
            out.append(
                f"Findings: {self.counts.get('error', 0)} error(s), "
                f"{self.counts.get('warning', 0)} warning(s)"
            )
            for f in self.findings:
                out.append(f"- {f.severity.upper()} {f.rule_id} [{f.field}]: {f.message}")
                out.append(f"  fix: {f.fix}")
        if self.missing:
            out.append("Missing: " + ", ".join(self.missing))
        if self.not_checked:
            out.append("Not checked (data missing, so not a pass): " + "; ".join(self.not_checked))
        return "\n".join(out)


# ---- building the claim and mapping the findings back -----------------------------------------


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if not parts:
        return "", ""
    if len(parts) == 1:
        return parts[0], ""
    return " ".join(parts[:-1]), parts[-1]


def _line_index(request: SuperbillRequest) -> list[tuple[int, int]]:
    """Claim line index -> (visit index, line index within the visit)."""
    return [(v, j) for v, visit in enumerate(request.visits) for j in range(len(visit.lines))]


def to_claim(request: SuperbillRequest) -> Claim:
    """The claim a superbill stands for, in the validator's contract."""
    index = _line_index(request)
    if len(index) > MAX_LINES:
        raise InvalidBillingInput(
            "visits",
            f"{len(index)} service lines; a claim carries at most {MAX_LINES}",
            "split the superbill (for example one per month)",
        )
    default_pointers = tuple(range(1, min(4, len(request.diagnoses)) + 1))
    first, last = _split_name(request.patient.name)
    p = request.provider
    lines = tuple(
        Line(
            date_of_service=visit.date_of_service,
            cpt=ln.cpt,
            modifiers=ln.modifiers,
            units=ln.units,
            minutes=ln.minutes,
            diagnosis_pointers=ln.diagnosis_pointers or default_pointers,
            charge=ln.charge,
        )
        for visit in request.visits
        for ln in visit.lines
    )
    return Claim(
        claim_id=request.superbill_id or "superbill",
        submitted_on=request.issued_on,
        payer=Payer(
            name=request.payer.name,
            plan_type=request.payer.plan_type,
            network=request.payer.network,
        ),
        patient=Patient(
            member_id=request.patient.member_id or request.insured.member_id,
            first_name=first,
            last_name=last,
            date_of_birth=request.patient.date_of_birth,
            sex=request.patient.sex,
        ),
        billing_provider=BillingProvider(npi=p.group_npi or p.npi, tax_id=p.tax_id),
        rendering_provider=RenderingProvider(npi=p.npi, discipline=p.discipline),
        place_of_service=request.place_of_service,
        diagnoses=request.diagnoses,
        lines=lines,
    )


def _rename(text: str, request: SuperbillRequest, index: list[tuple[int, int]]) -> str:
    """Rewrite the claim's field paths as the superbill's input paths."""
    billing = "provider.group_npi" if request.provider.group_npi else "provider.npi"

    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        if m.group(1) is not None:
            k = int(m.group(1))
            if k < len(index):
                v, j = index[k]
                return f"visits[{v}].lines[{j}]"
            return word
        if word == "billing_provider.npi":
            return billing
        if word == "rendering_provider.npi":
            return "provider.npi"
        return "patient.name"

    return _CLAIM_PATH.sub(repl, text)


def _map_findings(request: SuperbillRequest, result: ClaimResult) -> list[Finding]:
    index = _line_index(request)
    out: dict[tuple[str, str, int | None, str], Finding] = {}
    for f in result.findings:
        update: dict[str, object] = {
            "field": _rename(f.field, request, index),
            "message": _rename(f.message, request, index),
        }
        if f.rule_id == "PATIENT_INFO_MISSING" and f.field == "patient.sex":
            # A superbill does not need the patient's sex; the member claim form may ask for it.
            update["severity"] = "info"
            update["message"] = (
                "patient.sex is empty: a superbill does not need it, but the insurer's member "
                "claim form may ask for it."
            )
        g = f.model_copy(update=update)
        key = (g.rule_id, g.field, g.line, g.message if g.field != "provider.npi" else "")
        out.setdefault(key, g)
    return list(out.values())


def _own(rule_id: str, severity: str, field: str, message: str, fix: str) -> Finding:
    return Finding(
        rule_id=rule_id,
        severity=severity,  # type: ignore[arg-type]
        message=message,
        fix=fix,
        line=None,
        field=field,
        references=(),
    )


def _superbill_checks(request: SuperbillRequest, total: Decimal, paid: Decimal) -> list[Finding]:
    p = request.provider
    found: list[Finding] = []
    if not p.name.strip():
        found.append(
            _own(
                "SUPERBILL_PROVIDER_NAME_MISSING",
                "error",
                "provider.name",
                "The therapist's name is missing.",
                "Print the therapist's full name as licensed.",
            )
        )
    if not p.address.strip():
        found.append(
            _own(
                "SUPERBILL_ADDRESS_MISSING",
                "error",
                "provider.address",
                "The practice address is missing; the insurer uses it to identify the provider.",
                "Add the practice's street address.",
            )
        )
    if not p.tax_id.strip():
        found.append(
            _own(
                "SUPERBILL_TAX_ID_MISSING",
                "error",
                "provider.tax_id",
                "The practice tax ID (EIN/TIN) is missing; the insurer needs it to process the "
                "claim.",
                "Add the tax ID the practice bills under.",
            )
        )
    if not p.credentials.strip():
        found.append(
            _own(
                "SUPERBILL_CREDENTIALS_MISSING",
                "warning",
                "provider.credentials",
                "The therapist's credentials are missing.",
                "Add the credentials after the name, e.g. OTR/L, and the licence number.",
            )
        )
    if not p.phone.strip():
        found.append(
            _own(
                "SUPERBILL_PHONE_MISSING",
                "warning",
                "provider.phone",
                "The practice phone number is missing.",
                "Add a phone number the insurer can call with questions.",
            )
        )
    if not request.insured.name.strip() and request.insured.relationship != "self":
        found.append(
            _own(
                "SUPERBILL_INSURED_MISSING",
                "error",
                "insured.name",
                "The policyholder's name is missing.",
                "Add the insured's name exactly as on the insurance card.",
            )
        )
    if not request.payer.name.strip():
        found.append(
            _own(
                "SUPERBILL_PAYER_MISSING",
                "warning",
                "payer.name",
                "The insurer is not named.",
                "Add the insurer's name so the superbill matches the claim form.",
            )
        )
    if not request.payments:
        found.append(
            _own(
                "SUPERBILL_PAYMENT_MISSING",
                "warning",
                "payments",
                "No payment is recorded; some insurers reimburse only with proof of payment.",
                "Record what the family paid (date, amount, method) or attach a receipt.",
            )
        )
    elif paid > total:
        found.append(
            _own(
                "SUPERBILL_OVERPAID",
                "warning",
                "payments",
                f"Payments ({paid}) exceed the charges ({total}).",
                "Check the payments; payments for other visits belong on their own superbill.",
            )
        )
    return found


def _missing(request: SuperbillRequest) -> list[str]:
    p = request.provider
    checks = {
        "provider.name": p.name,
        "provider.credentials": p.credentials,
        "provider.npi": p.npi,
        "provider.tax_id": p.tax_id,
        "provider.address": p.address,
        "provider.phone": p.phone,
        "patient.name": request.patient.name,
        "patient.member_id (or insured.member_id)": request.patient.member_id
        or request.insured.member_id,
        "insured.name": request.insured.name or (request.insured.relationship == "self"),
        "payer.name": request.payer.name,
        "diagnoses": request.diagnoses,
        "place_of_service": request.place_of_service,
        "payments": request.payments,
    }
    return [name for name, value in checks.items() if not value]


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENTS)


def _superbill(request: SuperbillRequest, index_default: tuple[int, ...]) -> Superbill:
    visits: list[SuperbillVisitOut] = []
    n = 0
    for visit in request.visits:
        lines = []
        for ln in visit.lines:
            n += 1
            lines.append(
                SuperbillLine(
                    number=n,
                    date_of_service=visit.date_of_service,
                    cpt=ln.cpt,
                    modifiers=ln.modifiers,
                    units=ln.units,
                    minutes=ln.minutes,
                    diagnosis_pointers=ln.diagnosis_pointers or index_default,
                    charge=_money(ln.charge),
                )
            )
        visits.append(
            SuperbillVisitOut(
                date_of_service=visit.date_of_service,
                lines=tuple(lines),
                total_charge=_money(sum((ln.charge for ln in lines), Decimal(0))),
            )
        )
    total = _money(sum((v.total_charge for v in visits), Decimal(0)))
    paid = _money(sum((pay.amount for pay in request.payments), Decimal(0)))
    return Superbill(
        superbill_id=request.superbill_id,
        issued_on=request.issued_on,
        provider=request.provider,
        patient=request.patient,
        insured=request.insured,
        payer=request.payer,
        diagnoses=tuple(d.strip().upper() for d in request.diagnoses),
        place_of_service=request.place_of_service,
        visits=tuple(visits),
        payments=request.payments,
        total_charges=total,
        total_paid=paid,
        balance=_money(total - paid),
    )


def make_superbill(request: SuperbillRequest) -> SuperbillResult:
    """Build an out-of-network OT superbill and say whether it is ready to send to the insurer.

    Use when a clinic or a parent needs the itemized receipt (superbill) a family files with its
    insurer for out-of-network therapy: provider with NPI and tax ID, patient and insured,
    diagnoses, each visit's CPT codes, modifiers, units and charges, payments and balance. The
    codes are checked by the claim validator (same rule ids as `validate-claim`), plus the
    fields a superbill needs; any error means "not ready", with the fix for each finding.
    """
    claim = to_claim(request)
    checked = check_claim(claim)
    default_pointers = tuple(range(1, min(4, len(request.diagnoses)) + 1))
    sb = _superbill(request, default_pointers)
    findings = _map_findings(request, checked) + _superbill_checks(
        request, sb.total_charges, sb.total_paid
    )
    findings.sort(key=lambda f: (_ORDER[f.severity], f.line if f.line is not None else -1))
    counts = Counter(f.severity for f in findings)
    ready = counts["error"] == 0
    return SuperbillResult(
        status="ready" if ready else "not_ready",
        ready=ready,
        superbill=sb,
        findings=tuple(findings),
        counts={s: counts.get(s, 0) for s in ("error", "warning", "info")},
        missing=tuple(_missing(request)),
        validator_status=checked.status,
        not_checked=checked.not_checked,
        code_set=checked.code_set,
        sources=source_links(SUPERBILL_SOURCES),
    )
