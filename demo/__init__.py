"""The demo: realistic, deterministic demo data and the story of what has happened around it
(`manage.py seed_demo`), made through the same services as the app.

`demo` sits at the top of the layers, just below the project package (docs/architecture.md): it
may import any domain app, and no domain app imports it.
"""
