"""The kernel: request handling, errors, config, AWS clients, time, secrets, personal data, audit, paging,
idempotency and rate limits. It imports nothing from the subject modules above it."""
