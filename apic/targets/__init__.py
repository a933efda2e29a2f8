"""Compilation targets, discovered through the `apic.targets` entry-point group."""
