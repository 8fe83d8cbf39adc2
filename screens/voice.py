"""Voice of customer: comment topics, their trend and dimensions, and the words of dissatisfaction."""

import streamlit as st

from dashboard import data, voice
from dashboard.i18n import t
from dashboard.page import filters
from dashboard.state import prefetch, q
from dashboard.widgets import counting, table

f = filters()
st.title(t("voice.title"))
st.caption(t("voice.caption"))
voice.flash()
with counting(f):
    prefetch(
        [
            (name, f.params())
            for name in ("comment_topics", "topic_trend", "topic_dimensions", "comment_terms")
        ]
    )
    found = q("comment_topics", **f.params())
comments = int(found["all_comments"][0]) if found.height else 0
if not comments:
    st.info(t("voice.no_comments"))
    voice.topic_file_editor()
    st.stop()
dissatisfied = int(found["all_dissatisfied"][0])
cols = st.columns(3)
cols[0].metric(t("voice.comments"), f"{comments:,}")
cols[1].metric(t("voice.dissatisfied_comments"), f"{dissatisfied:,}")
cols[2].metric(t("voice.topics"), f"{found.height:,}")

st.subheader(t("voice.topics_title"))
voice.topics_section(f, found, data.names(f)[0])

st.subheader(t("voice.terms"))
st.caption(t("voice.terms_note"))
voice.words_section(f, comments, dissatisfied)

with st.expander(t("voice.manage"), icon=":material/sell:"):
    st.caption(t("voice.manage_note"))
    table(q("topics_list", qid=f.questionnaire_id), "topics_in_force")
    voice.topic_file_editor()
