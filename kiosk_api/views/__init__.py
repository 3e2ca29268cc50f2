"""View models and images for the pages: pure functions from the catalogue, the settings and query results to what
a template shows (the kiosk's home grid and cards, the staff dashboard's SVG charts, QR codes). No database, no
HTTP: routers and services call them."""
