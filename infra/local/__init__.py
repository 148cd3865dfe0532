"""The local stack: an embedded AWS (moto), resources and routes read from template.yaml, pollers, scheduler."""
