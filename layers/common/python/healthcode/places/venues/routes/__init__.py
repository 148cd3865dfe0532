"""The routes of the venues and venue_checks functions."""
