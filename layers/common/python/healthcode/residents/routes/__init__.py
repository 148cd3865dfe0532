"""The routes of the declarations, family, records, itinerary and macau functions."""
