"""The `safelane` command: one module per noun."""
