"""Petitions (phản ánh, kiến nghị): citizens' reports and petitions, their handling by staff and indicator 8.

- `rules.py`: pure rules: the workflow (assign, answer, close), the labels, deadlines and timeliness;
- `service.py`: registering a petition with its answer deadline, the staff workflow, spam, the indicator 8 counts;
- `schemas.py`: its JSON shapes;
- `router.py`: the JSON API (`POST /api/petitions`, `/api/staff/petitions`);
- `pages.py`: the staff pages (the list, one petition, assigning, answering and closing it), built on the staff
  pages' shared rendering, login and CSRF helpers (`kiosk_api.staff_web`).
"""
