"""The web layer: ``salesnb serve`` (a standalone Voila server over the apps) and what runs beside it.

Widgets never import this package; they receive what they need from it
(the signed-in person, the request) through the app kernel's environment.
"""
