"""After-action reports and role briefings: HTML from Jinja2 templates with matplotlib
charts inlined as SVG. Nothing here imports pygame, and the HTML fetches nothing
from the network.

- ``brink report LOG... -o report.html``: ``game.report.report.build_report``;
- ``brink briefing SCENARIO --actor ID``: ``game.report.briefing.briefing_html``;
- Brier scores: ``game.report.scoring``.
"""
