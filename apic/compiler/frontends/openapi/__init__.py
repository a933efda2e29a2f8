"""The OpenAPI frontend: YAML/JSON with positions -> $ref resolution -> validation -> GatewayModel."""
