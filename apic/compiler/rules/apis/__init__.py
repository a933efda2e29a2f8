"""API-level rules: what an API kind supports, WebSocket routing and CORS."""
