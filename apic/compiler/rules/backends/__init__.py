"""Backend rules (BE): how the gateway reaches what it fronts."""
