"""The dashboard as served (`streamlit run serve.py`): app.py behind the server's own rules."""

import streamlit as st
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from dashboard import sessions

# Endpoints a person never needs and that answer without a sign-in: Streamlit's metrics
# (sessions, cache sizes) are nobody's business outside the server.
HIDDEN = ("/_stcore/metrics",)


class Hidden:
    """Answers 404 for HIDDEN paths, whatever the base URL."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").rstrip("/").endswith(HIDDEN):
            await PlainTextResponse("not found", status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)


app = st.App(
    "app.py",
    middleware=[Middleware(Hidden)],
    # A sign-in's one-time ticket exchanged for its HttpOnly session cookie (dashboard.sessions).
    routes=[Route(sessions.PATH, sessions.endpoint, methods=["POST", "DELETE"])],
)
