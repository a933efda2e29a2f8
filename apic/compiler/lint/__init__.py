"""The rule engine: Rule base class, entry-point registry and the runner."""
