"""Comment words of rows loaded before schema 10 (warehouse.migrate) and the `topics` command."""

from __future__ import annotations

import polars as pl

from pipelines import text

_SOURCES = {
    "survey": "select batch_id, response_id as id, comment as text from responses "
    "where nullif(trim(comment), '') is not null",
    "complaints": "select batch_id, complaint_id as id, description as text from complaints "
    "where nullif(trim(description), '') is not null",
}


def backfill(con) -> int:
    """Tokenise every stored comment and description without words yet (inside the caller's
    transaction); return how many."""
    written = 0
    for source, sql in _SOURCES.items():
        rows = con.execute(
            f"select * from ({sql}) as r where not exists (select 1 from comment_tokens as c "
            "where c.source = ? and c.batch_id = r.batch_id and c.record_id = r.id)",
            [source],
        ).pl()
        for (batch_id,), part in rows.group_by("batch_id"):
            records, texts = text.frame(part["id"], part["text"])
            head = [pl.lit(batch_id).alias("batch_id"), pl.lit(source).alias("source")]
            for table, frame in (
                ("comment_tokens", records.select(*head, "record_id", "text_id")),
                ("comment_texts", texts.select(*head, "text_id", "tokens", "terms")),
            ):
                con.register("__words", frame)
                try:
                    con.execute(f"insert into {table} select * from __words")
                finally:
                    con.unregister("__words")
            written += records.height
    return written
