"""Login, logout, idle timeout and the permission checks of the dashboard (warehouse.roles)."""

from __future__ import annotations

import json
import math
import time

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import sessions
from dashboard.i18n import t
from dashboard.state import reader, writer
from warehouse import audit, roles, settings, users

USER = "auth_user"
SEEN = "auth_seen"
SSO = "auth_sso"  # signed in through the identity provider (st.login)
SIGN_IN = "auth_sign_in"  # the sign-in id its session cookie names (dashboard.sessions)
TICKET = "auth_ticket"  # a sign-in's one-time ticket, until the page has fetched its cookie
CLEAR_COOKIE = "auth_clear_cookie"  # signed out: the page has the cookie cleared


def _with_writer(run):
    con = writer()
    try:
        return run(con)
    finally:
        con.close()


def record(event: str, detail: dict) -> None:
    """Append an event of the logged-in user to the audit trail (a download, a report), in a
    retried transaction of its own: never a lock error on the page."""
    user = st.session_state.get(USER)
    _with_writer(lambda con: audit.append(con, event, None, detail, user=user.name if user else None))


def audited_file(make, event: str, detail: dict):
    """The data of a download button that makes its file when the browser asks for it, then
    records `event` (for the signed-in user): the event is written only when the file was made.

    The button must not rerun the page (on_click="ignore"): a rerun drops the file the
    browser is about to fetch, which failed 11 of 56 downloads clicked in turn under load
    ("Deferred file … not found"). The file is made outside the script run, so the user and
    the warehouse are taken now."""
    user, found = name(), reader()

    def made() -> bytes:
        data = make()
        cur = found.cursor()
        try:
            audit.append(cur, event, None, detail, user=user)
        finally:
            cur.close()
        return data

    return made


def sso_configured() -> bool:
    """Whether `.streamlit/secrets.toml` has an `[auth]` section (OIDC single sign-on)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


def _sso_user() -> users.User | None:
    """The user row of the e-mail the identity provider signed in (st.user), once per session;
    an e-mail without a user (or a disabled one) is refused and audited."""
    if not sso_configured() or not st.user.is_logged_in or st.session_state.get(SSO) is False:
        return None
    try:
        user = _with_writer(lambda con: users.login_email(con, st.user.get("email")))
    except users.UserError as exc:
        st.session_state[SSO] = False
        key = "auth.disabled" if str(exc) == "disabled" else "auth.sso_unknown"
        st.session_state["auth_message"] = t(key, email=st.user.get("email") or "-")
        return None
    st.session_state[USER], st.session_state[SEEN], st.session_state[SSO] = user, time.time(), True
    return user


def _idle_seconds() -> float:
    from dashboard.state import settings_row

    return settings_row()["session_idle_minutes"] * 60


def _signed_out(con, sign_in: str) -> bool:
    """Whether a sign-in was signed out in any process (the audit trail)."""
    return (
        con.execute(
            "select count(*) from audit_log where action = 'logout' "
            "and json_extract_string(detail, '$.sign_in') = ?",
            [sign_in],
        ).fetchall()[0][0]
        > 0
    )


def _restored() -> users.User | None:
    """The user of this browser's session cookie (a reload, a typed URL, a new tab), if it is
    still good: signed, not signed out, not idle too long, the user not disabled."""
    value = st.context.cookies.get(sessions.COOKIE)
    if not value:
        return None

    def check(con) -> users.User | None:
        found = sessions.read(sessions.secret(con), value)
        if found is None:
            return None
        name, sign_in, issued = found
        if sessions.ended(sign_in) or _signed_out(con, sign_in):
            return None
        idle = settings.number(con, "session_idle_minutes") * 60  # no query layer before sign-in
        if time.time() - sessions.idle_since(sign_in, issued) > idle:
            st.session_state["auth_message"] = t("auth.idle")
            return None
        user = users.get(con, name)
        if user is None or user.disabled:
            return None
        audit.append(
            con, "login", None, {"role": user.role, "method": "session", "sign_in": sign_in}, user=name
        )
        st.session_state[SIGN_IN] = sign_in
        return user

    user = _with_writer(check)
    if user is None:
        st.session_state[CLEAR_COOKIE] = True
        return None
    st.session_state[USER], st.session_state[SEEN] = user, time.time()
    return user


def current() -> users.User | None:
    """The logged-in user; a session idle longer than `session_idle_minutes` is logged out."""
    user = st.session_state.get(USER)
    if user is None:
        return _restored() or _sso_user()
    now = time.time()
    if now - st.session_state.get(SEEN, now) > _idle_seconds():
        logout(reason="idle")
        st.session_state["auth_message"] = t("auth.idle")
        return None
    st.session_state[SEEN] = now
    if st.session_state.get(SIGN_IN):
        sessions.seen(st.session_state[SIGN_IN], now)
    return user


def hand_over_cookie() -> None:
    """After a sign-in, the page fetches the session cookie with its one-time ticket; after a
    sign-out, it has the cookie cleared (dashboard.sessions)."""
    found = st.session_state.pop(TICKET, None)
    if found:
        st.html(
            f"<script>fetch({json.dumps(sessions.PATH)}, {{method: 'POST', body: {json.dumps(found)}, "
            "credentials: 'same-origin'});</script>",
            unsafe_allow_javascript=True,
        )
    if st.session_state.pop(CLEAR_COOKIE, None):
        st.html(
            f"<script>fetch({json.dumps(sessions.PATH)}, {{method: 'DELETE', credentials: 'same-origin'}});"
            "</script>",
            unsafe_allow_javascript=True,
        )


def name() -> str:
    """Who the audit trail and action versions record for this session."""
    user = st.session_state.get(USER)
    return user.name if user else "anonymous"


def role() -> str | None:
    user = st.session_state.get(USER)
    return user.role if user else None


def dept() -> str | None:
    """The department of a signed-in `department` user (its cases and actions), else None."""
    user = st.session_state.get(USER)
    return user.dept if user is not None and user.role == "department" else None


def can(capability: str) -> bool:
    return roles.can(role(), capability)


def require(capability: str) -> None:
    """Stop the page with 'not permitted' unless the user's role has `capability`."""
    if not can(capability):
        st.error(t("auth.not_permitted"))
        st.stop()


def not_permitted() -> None:
    """What a page the role may not open shows when reached by its URL."""
    st.error(t("auth.not_permitted"))


def logout(reason: str = "logout") -> None:
    user = st.session_state.pop(USER, None)
    st.session_state.pop(SEEN, None)
    sign_in = st.session_state.pop(SIGN_IN, None)
    if sign_in:
        sessions.end(sign_in)
        st.session_state[CLEAR_COOKIE] = True
    if user is not None:
        detail = {"reason": reason, "sign_in": sign_in}
        _with_writer(lambda con: audit.append(con, "logout", None, detail, user=user.name))
    if st.session_state.pop(SSO, None) is not None:
        st.logout()  # the identity provider's cookie would sign the session in again


def logout_button() -> None:
    user = st.session_state.get(USER)
    if user is None:
        return
    st.sidebar.caption(t("auth.signed_in", name=user.name, role=t(f"role.{user.role}")))
    if user.regions:
        st.sidebar.caption(t("auth.regions_only", regions="、".join(user.regions)))
    if st.sidebar.button(t("auth.logout"), icon=":material/logout:", key="logout"):
        logout()
        st.rerun()


_THROTTLE = users.Throttle()


def _source() -> str:
    """Where a sign-in comes from, for the back-off: the client's address; behind a reverse
    proxy on this machine, the address it forwards; on this machine itself, the browser
    session (a person at the server's own keyboard is not the guesser this slows down)."""
    address = st.context.ip_address
    if address in (None, "127.0.0.1", "::1"):
        forwarded = st.context.headers.get("X-Real-Ip") or st.context.headers.get("X-Forwarded-For")
        address = forwarded.split(",")[0].strip() if forwarded else None
    if address:
        return address
    ctx = get_script_run_ctx()
    return f"session:{ctx.session_id if ctx else '-'}"


def _preload_elements() -> None:
    """Hidden, empty elements of the kinds the first page draws, so that the browser loads and
    runs their code while a person types. Streamlit's frontend loads each kind's code on its
    first use: without this, the first Overview after sign-in stayed grey for about 2 s after
    the server had finished (README, "Scale"). They hold no data: a dash and a zero, which the
    tests of the anonymous visit check, and without the metric, table and select box the first
    Overview was drawn 0.5-3 s later (at 1 M: 2.43 s after typing, 1.90 s with them)."""
    import plotly.graph_objects as go

    st.html("<style>.st-key-preload { display: none; }</style>")
    with st.container(key="preload"):
        st.plotly_chart(go.Figure(), key="preload_chart")
        st.metric("-", 0)
        st.dataframe({"-": [0]})
        st.selectbox("-", ["-"], key="preload_select", label_visibility="collapsed")
        st.segmented_control("-", ["-"], key="preload_segments", label_visibility="collapsed")
        st.date_input("-", value=None, key="preload_date", label_visibility="collapsed")


def login_page() -> None:
    """The only page served before login: no data, no page list."""
    st.title(t("auth.title"))
    message = st.session_state.pop("auth_message", None)
    if message:
        st.info(message)
    known = _with_writer(users.list_users)
    if not any(not u["disabled"] for u in known):
        st.warning(t("auth.no_users"))
        st.code(
            "python -m pipelines user add NAME --role admin   # " + t("auth.password_stdin"), language="bash"
        )
        return
    if any(u["user_name"] == "demo-admin" for u in known):
        st.info(t("auth.demo"))
    if sso_configured():
        if st.session_state.get(SSO) is False:
            st.button(t("auth.sso_other"), on_click=logout, key="sso_logout")
        else:
            st.button(t("auth.sso"), on_click=st.login, type="primary", icon=":material/badge:", key="sso")
    with st.form("login"):
        user_name = st.text_input(t("auth.name"), key="login_name")
        password = st.text_input(t("auth.password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("auth.submit"), type="primary")
    if not submitted:
        _preload_elements()
        return
    source = _source()
    wait = _THROTTLE.wait(source, time.monotonic())
    if wait > 0:
        st.error(t("auth.throttled", seconds=math.ceil(wait)))
        return
    try:
        user = _with_writer(lambda con: users.login(con, user_name, password))
    except users.UserError as exc:
        reason = str(exc)
        if reason == "wrong":
            _THROTTLE.failed(source, time.monotonic())
        key = {"locked": "auth.locked", "disabled": "auth.disabled"}.get(reason, "auth.wrong")
        st.error(t(key, minutes=users.LOCK_MINUTES))
        return
    _THROTTLE.succeeded(source)
    sign_in, now = sessions.new_sign_in(), time.time()
    value = _with_writer(lambda con: sessions.sign(sessions.secret(con), user.name, sign_in, now))
    st.session_state[USER], st.session_state[SEEN], st.session_state[SIGN_IN] = user, now, sign_in
    st.session_state[TICKET] = sessions.ticket(value)
    sessions.seen(sign_in, now)
    st.rerun()
