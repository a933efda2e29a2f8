"""Stage rules (ST): canaries, caches and stage variables."""
