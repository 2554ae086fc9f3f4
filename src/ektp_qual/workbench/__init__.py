"""The coding workbench: the review in a browser, served from this computer only.

``ektp-qual review --browser`` opens it. ``study`` holds what it shows and decides
(no web code, testable on its own); ``server`` serves it with Starlette on uvicorn, the
optional ``[web]`` extra, imported only when the workbench starts.
"""
