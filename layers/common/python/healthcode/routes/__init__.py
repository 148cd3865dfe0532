"""API routes by domain, as Powertools routers; each function includes its own, meta includes all for OpenAPI."""
