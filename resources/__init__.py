"""repdesk's shipped files: icons, the default question sets and cadences, reply templates.

This folder sits beside repdesk/ in the source tree and is installed as the package
`repdesk.resources` (setup.py maps it), so code reads it with
`importlib.resources.files("repdesk.resources")` in a checkout, a wheel and the built app alike.
"""
