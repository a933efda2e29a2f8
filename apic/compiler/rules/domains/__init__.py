"""Domain rules (DM): certificates, TLS policies and base path mappings."""
