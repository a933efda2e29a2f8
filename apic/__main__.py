"""Allows `python -m apic`, which behaves exactly like the `apic` script."""

from apic.cli import main

raise SystemExit(main())
