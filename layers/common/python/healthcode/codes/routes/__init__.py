"""The routes of the codes, printed_codes and scan functions."""
