"""Satisfaction ratings (phiếu đánh giá, Biểu 5a ballots): a citizen rates a dossier through its signed QR code, or a
counter anonymously, from the phone, the kiosk, the chat bot or Zalo.

- `form.py`: pure: the rating form's questions and options, its labels and the answer checking;
- `wording.py`: pure: what citizens read besides the questions (thanks, refusals, counter names, slip instructions);
- `token.py`: pure: the signed, unguessable rating tokens a dossier's QR code carries;
- `service.py`: the use cases: store a ballot once (idempotent, one per dossier), issue and read tokens, the
  counter-ballot budget, `submit_ballot` behind `POST /api/ratings`;
- `slips.py`: the printable rating slips (HTML, PNG, SVG) of a dossier or a counter;
- `schemas.py`: the JSON shapes of the API;
- `router.py`: the JSON API (`POST /api/ratings`, `GET /api/ratings/questions`, the QR images of a token);
- `pages.py`: the rating pages a QR code opens (`/r/{token}`, `/r/quay/{counter_id}`, `/r/cam-on/{key}`);
- `slip_router.py`: the staff endpoints that print the slips (`/api/staff/.../rating-slip`).

Their templates are in `kiosk_api/templates/rating/` and `templates/slips/`, the pages' style in
`kiosk_api/static/rating/`. The layering inside the package is a check (`lint-imports`, pyproject.toml).
"""
