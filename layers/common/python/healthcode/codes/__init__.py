"""The codes: signed tokens, showing a code (亮码) with its display log, printed codes, fonts, scanning a code."""
