"""The meta function: health, readiness and the one OpenAPI document of every function's routes."""
