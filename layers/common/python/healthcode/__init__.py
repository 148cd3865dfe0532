"""Yuekang Code domain package, shipped as the common Lambda layer."""
