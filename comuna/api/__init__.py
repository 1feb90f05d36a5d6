"""Comuna's JSON API, ``/api/v1/``: what the web pages publish, for machines.

``app.api`` is the NinjaAPI; each capability adds a router of its own under
``/api/v1/bodies/{slug}/...`` (public where its web page is public). Every error is JSON
``{"detail": ..., "errors": [{"field": ..., "message": ...}]}`` (``errors.py``).
"""
