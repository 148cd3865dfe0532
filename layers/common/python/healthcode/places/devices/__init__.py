"""Scanner devices (数字哨兵) registered by a venue: registration, keys, their checks."""
