"""Border agencies other than customs: the register of who they are and what each may see (issue 14)."""
