"""apic's cfn-lint rules; cfn-lint loads the modules of this folder with --append-rules."""
