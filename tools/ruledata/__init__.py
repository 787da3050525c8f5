"""Effective-dated rule tables (TOML files in this folder) and their loader."""
