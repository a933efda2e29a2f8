"""Presentation of diagnostics: code frames and output formats."""
