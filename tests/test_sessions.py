"""The session cookie's signature, age and one-time tickets (dashboard.sessions)."""

from __future__ import annotations

from dashboard import sessions


def test_a_signed_cookie_reads_back_and_a_changed_one_does_not():
    key = b"k" * 32
    value = sessions.sign(key, "王工", "abc123", 1_000_000.0)
    assert sessions.read(key, value, now=1_000_100.0) == ("王工", "abc123", 1_000_000.0)
    name, sign_in, issued, mac = value.split(".")
    for forged in (
        f"{name}.{sign_in}.{int(issued) + 3600}.{mac}",  # made younger
        f"{sessions.sign(key, 'admin', 'x', 0).split('.')[0]}.{sign_in}.{issued}.{mac}",  # another user
        value[:-1] + ("0" if value[-1] != "0" else "1"),
        "",
        "a.b.c",
    ):
        assert sessions.read(key, forged, now=1_000_100.0) is None, forged
    assert sessions.read(b"other" * 8, value, now=1_000_100.0) is None  # another warehouse's secret
    assert sessions.read(key, value, now=1_000_000.0 + sessions.LONGEST_HOURS * 3600 + 1) is None


def test_a_ticket_is_redeemed_once_and_the_cookie_is_http_only():
    found = sessions.ticket("value-1")
    assert sessions.redeem(found) == "value-1" and sessions.redeem(found) is None
    header = sessions.cookie_header("v", secure=True)
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Secure" in header
    assert "Max-Age=0" in sessions.cleared_header(secure=False)


def test_an_ended_sign_in_stays_ended_and_idle_counts_from_the_last_sight():
    sessions.seen("s1", 100.0)
    assert sessions.idle_since("s1", 50.0) == 100.0
    assert sessions.idle_since("never-seen", 50.0) == 50.0
    sessions.end("s1")
    assert sessions.ended("s1") and sessions.idle_since("s1", 50.0) == 50.0
    assert not sessions.ended("s2")
