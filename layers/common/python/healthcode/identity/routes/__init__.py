"""The auth function's routes: the ID-card login and the inbound travellers' SMS login."""
