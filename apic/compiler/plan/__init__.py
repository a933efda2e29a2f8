"""The target-neutral plan: what every gateway must decide about a model, decided once.

Targets print these decisions in their own syntax and never re-derive them (nor read another
target's output); lint rules ask the same questions here. The plan imports only the model
(an import-linter contract in pyproject.toml holds it to that).

- `routes`: every decision about one route gathered (`route_plans`), what a new target reads;
- `patterns`: how a router matches a route: regex with valid capture names, literal
  prefix, and its precedence rank under the model's route table;
- `cors`: which paths answer a CORS preflight, with which policy and defaults;
- `auth`: who may call a route: alternatives of checks, authorizers and scopes resolved;
- `paths`: where clients reach a route: its public paths behind domains and base paths;
- `upstream`: where a route's requests go: the backend origin (or Kubernetes service) and
  why a URL is unusable, the upstream path and its template, the effective timeout, the
  health check;
- `consumers`: who holds an API key, where clients send it, where its value comes from;
- `rates`: rate limits per second with their burst, quotas with their period;
- `caching`: what is cached and by which keys;
- `sampling`: the X-Ray sampling rules, healthchecks excluded first.
"""
