"""`apic probe BASE_URL FILE`: the model's expectations as a contract test against a deployed
gateway (an API Gateway stage URL, a Kong proxy, apic's nginx).

`checks` derives a bounded list of requests and what each must get back from the model and
the request table; `client` sends them to the base URL only, within a request budget and a
timeout, and turns every mismatch into a diagnostic on the route's span.
"""
