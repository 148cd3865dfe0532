"""The code colour: the rules (status), the red reasons, the recompute on every fact, partner feeds and the inbox import."""
