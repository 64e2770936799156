"""The public TF1 namespace, one module per area; compat/v1.py gathers them."""
