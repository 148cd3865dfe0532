"""Places and what they share (one admin, a fixed join code, weekly edits): venues/, orgs/, devices/, grids/."""
