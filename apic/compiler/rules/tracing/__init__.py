"""Trace sampling rules (TR): X-Ray rules that are out of range, shadowed or wasted on probes."""
