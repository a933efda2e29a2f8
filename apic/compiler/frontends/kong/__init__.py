"""The Kong frontend: a decK / Kong declarative configuration as the model (`apic import --from kong`)."""
