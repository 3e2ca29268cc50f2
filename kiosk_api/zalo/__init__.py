"""The Zalo Official Account channel: citizens chat with the assistant on Zalo.

- `rules.py`: pure rules: the webhook signature, the events acted on, long answers split to Zalo's limit,
  buttons as a numbered list;
- `router.py`: the webhook (`POST /zalo/webhook`: verify, deduplicate, queue) and `GET /zalo/health`;
- `schemas.py`: its JSON shapes;
- `worker.py`: the background worker owned by the app's lifespan, answering queued messages with the chat service;
- `client.py`: the OA message API client (send, retry with backoff);
- `tokens.py`: the OA access and refresh tokens (stored; refreshed in one transaction).
"""
