"""Who is calling: logins (ID card, SMS), one-time codes, captchas, sessions, the authorizer, device keys, roles, people and their documents."""
