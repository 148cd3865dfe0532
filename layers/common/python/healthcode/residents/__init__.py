"""Residents' own services: declarations (健康申报), family members, records, itinerary cards, the Macau code."""
