"""apic: one API-gateway description, compiled to every gateway and linted before it ships."""

__version__ = "0.1.0"
