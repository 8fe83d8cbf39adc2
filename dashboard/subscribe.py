"""The Report page's "订阅月报": the signed-in user subscribes to the report of the questionnaire
on screen (by e-mail, made for their role and regions, `send`), and ends subscriptions."""

from __future__ import annotations

import streamlit as st

from dashboard import auth
from dashboard.filters import Filters
from dashboard.i18n import LANGS, labels, lang, t
from dashboard.state import open_for_write, q
from pipelines import subscriptions
from warehouse.lake import Busy

GRAINS = subscriptions.GRAINS


def _write(change) -> bool:
    con = open_for_write()
    try:
        change(con)
        return True
    except Busy:
        st.error(t("up.busy"))
    except subscriptions.SubscriptionError as exc:
        st.error(str(exc))
    finally:
        con.close()
    return False


def section(f: Filters) -> None:
    st.subheader(t("sub.title"))
    user = auth.current()
    if not user.email:
        st.info(t("sub.no_email"))
        return
    st.caption(t("sub.caption", email=user.email))
    mine = q("my_subscriptions", me=user.name)
    if mine.height:
        ids = mine["subscription_id"].to_list()
        grains = labels(GRAINS, "grain")
        described = {
            r["subscription_id"]: f"{r['questionnaire_id']} · {grains[r['grain']]} · {r['format'].upper()} · "
            f"{LANGS[r['lang']]}"
            + (f" · {t('sub.last_sent')} {r['last_sent']:%Y-%m}" if r["last_sent"] else "")
            for r in mine.iter_rows(named=True)
        }
        for line in described.values():
            st.markdown(f"- {line}")
        ended = st.multiselect(t("sub.pick_remove"), ids, format_func=described.get, key="sub_remove")
        if ended and st.button(t("sub.remove"), key="sub_remove_go"):
            parts = [i.split("/") for i in ended]
            if all(
                _write(lambda con, p=p: subscriptions.remove(con, user.name, *p[1:], by=user.name))
                for p in parts
            ):
                st.rerun()
    cols = st.columns(3)
    grain = cols[0].selectbox(
        t("filter.grain"), GRAINS, format_func=labels(GRAINS, "grain").get, key="sub_grain"
    )
    kind = cols[1].selectbox(t("sub.format"), subscriptions.FORMATS, format_func=str.upper, key="sub_format")
    language = cols[2].selectbox(
        t("report.lang"), list(LANGS), index=list(LANGS).index(lang()), format_func=LANGS.get, key="sub_lang"
    )
    if st.button(t("sub.add", title=f.title), key="sub_add", type="primary"):
        done = {}

        def add(con) -> None:
            done.update(
                subscriptions.add(con, user.name, f.questionnaire_id, grain, kind, language, user.name)
            )

        if _write(add):
            st.session_state["sub_flash"] = t(f"sub.{done['status']}")
            st.rerun()
    flash = st.session_state.pop("sub_flash", None)
    if flash:
        st.success(flash)
