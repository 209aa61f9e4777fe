"""Code shared by the workspace's Python services.

Kept free of web-framework imports, so any service (or script) can depend on it.
"""
