"""Neural networks built from autograd_lite Values."""
