"""Inbound travellers (入境人员粤康码): applying with the real-name check, companions, the page link by SMS."""
