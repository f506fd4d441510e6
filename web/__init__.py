"""The web layer of search_app: blueprints, request parsing, templates."""
