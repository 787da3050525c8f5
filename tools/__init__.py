"""Deterministic OT billing tools: stdlib and pydantic only."""
