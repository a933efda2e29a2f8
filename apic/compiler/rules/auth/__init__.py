"""Auth rules (AU): who may call a route, and whether API keys can work at all."""
