"""Allows `python -m apic`, which behaves exactly like the `apic` script."""

from apic.entry import main

raise SystemExit(main())
