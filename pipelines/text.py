"""Comment text: tokens, terms and topic keyword patterns (Chinese by rjieba, English by words).

A comment is tokenised once, at load, into
- `tokens`: its words in order as one string, each between bars, lower-cased; punctuation and
  line breaks leave an empty token, so "交车慢，等了两个月" is "|交车|慢||等|了|两个|月|". A
  topic keyword of several words ("等了" = 等 + 了) matches where its words stand side by side,
  never across punctuation;
- `terms`: the distinct words and two-word phrases that carry meaning, for the keyword Pareto:
  stop words (pipelines/data/stopwords.txt), numbers and negations on
  their own are left out; the parts of a long word are added (服务态度 gives 服务 and 态度 too),
  and two neighbouring words make a phrase (不 + 满意 = 不满意, 交车 + 时间 = 交车时间).

rjieba ships its dictionary inside the wheel: nothing is downloaded.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polars as pl

STOPWORDS_FILE = Path(__file__).resolve().parent / "data" / "stopwords.txt"
# Words that change the meaning of their neighbour: kept for phrases, not as terms on their own.
NEGATIONS = frozenset(
    {"不", "没", "没有", "未", "无", "别", "非", "不是", "no", "not", "never", "dont", "don't"}
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NUMBER = re.compile(r"^[\d.,:%/+#-]+$")
# Chinese numbers with a measure word (两个, 三次): no meaning on their own, kept in phrases.
_CN_NUMBER = re.compile(r"^[零一二两三四五六七八九十百千万几半]+[个次天月年周位件台辆遍]?$")
_LONG_NUMBER = re.compile(r"^[\dxX*-]*\d{6,}[\dxX*-]*$")


@cache
def stopwords() -> frozenset[str]:
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


@cache
def _jieba():
    import rjieba

    return rjieba


def _cut(texts: list[str]) -> list[list[str]]:
    cut = _jieba().cut
    return [cut(t) for t in texts]


def _sub_words(vocabulary: pl.Series) -> pl.DataFrame:
    """(tok, sub) for the long Chinese words of the vocabulary: their parts (服务态度: 服务, 态度)."""
    long = vocabulary.filter((vocabulary.str.len_chars() >= 3) & vocabulary.str.contains(_CJK.pattern))
    search = _jieba().cut_for_search
    rows = [(t, p.lower()) for t in long.to_list() for p in search(t) if p != t]
    return pl.DataFrame(rows, schema={"tok": pl.String, "sub": pl.String}, orient="row")


def _meaningful(col: pl.Expr) -> pl.Expr:
    return (
        (col != "")
        & ~col.is_in(sorted(stopwords()))
        & ~col.is_in(sorted(NEGATIONS))
        & ~col.str.contains(_NUMBER.pattern)
        & ~col.str.contains(_CN_NUMBER.pattern)
    )


def _phrase_part(col: pl.Expr) -> pl.Expr:
    return (
        col.is_not_null() & (col != "") & ~col.is_in(sorted(stopwords())) & ~col.str.contains(_NUMBER.pattern)
    )


def _before(col: pl.Expr) -> pl.Expr:
    """The previous token of the same text (rows are in text order; faster than over())."""
    return pl.when(pl.col("d").shift(1) == pl.col("d")).then(col.shift(1))


def _after(col: pl.Expr) -> pl.Expr:
    return pl.when(pl.col("d").shift(-1) == pl.col("d")).then(col.shift(-1))


# What jieba cuts as one block (its RE_HAN_DEFAULT): Chinese characters, ASCII letters and
# digits, + # & . _ % -. Everything else separates blocks, and jieba cuts each block alone, so
# cutting each distinct block once gives the same words as cutting each comment, at a fraction
# of the cost (blocks repeat far more than whole comments: 客户要求尽快处理, 满意).
_BLOCK = r"[\p{Han}a-zA-Z0-9+#&._%\-]"
_PUNCTUATION = "\u3002"  # 。 stands for any run of punctuation between blocks
_FULL_WIDTH = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000"]
_HALF_WIDTH = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" "]


def _tokens(distinct: pl.Series) -> pl.DataFrame:
    """(d, tok) in order: each text's tokens as jieba cut them, one _PUNCTUATION for each run
    of punctuation between blocks."""
    run = pl.col("run")
    runs = (
        pl.DataFrame({"d": pl.int_range(0, len(distinct), eager=True), "text": distinct})
        .select(
            "d",
            run=pl.col("text")
            .str.replace_many(_FULL_WIDTH, _HALF_WIDTH)
            .str.extract_all(f"{_BLOCK}+|[^{_BLOCK[1:-1]}]+"),
        )
        .explode("run")
        .drop_nulls("run")
        .with_columns(block=run.str.contains(f"^{_BLOCK}"))
    )
    blocks = runs.filter("block")["run"].unique()
    # joined and split again: polars builds the lists ten times faster than from Python lists
    cut = pl.DataFrame(
        {
            "run": blocks,
            "tok": pl.Series(["\x1f".join(c) for c in _cut(blocks.to_list())], dtype=pl.String).str.split(
                "\x1f"
            ),
        }
    )
    words_in_sep = run.str.extract_all(r"[\p{L}\p{N}]+")
    return (
        runs.join(cut, on="run", how="left", maintain_order="left")
        .with_columns(
            # a separator with letters of another script keeps them as words; punctuation is
            # one empty token; spaces alone are nothing (between English words)
            pl.when("block")
            .then(pl.col("tok"))
            .when(words_in_sep.list.len() > 0)
            .then(words_in_sep)
            .when(run.str.strip_chars() != "")
            .then(pl.lit([_PUNCTUATION], dtype=pl.List(pl.String)))
            .otherwise(pl.lit([], dtype=pl.List(pl.String)))
            .alias("tok"),
        )
        .explode("tok")
        .select("d", "tok")
    )


def _vocabulary(tokens: pl.Series) -> pl.DataFrame:
    """Per distinct token as jieba cut it: the word it stands for ('' for punctuation, '#' for
    a phone or ID number, lower-cased otherwise) and whether it is a term, can be part of a
    phrase, is a negation, and starts / ends with a Chinese character."""
    tok = pl.col("tok")
    norm = tok.str.strip_chars().str.to_lowercase()
    word = (
        pl.when(norm == "")
        .then(pl.lit(None, pl.String))  # spaces: nothing
        .when(~norm.str.contains(r"[\p{L}\p{N}]"))
        .then(pl.lit(""))
        .when(norm.str.contains(_LONG_NUMBER.pattern))
        .then(pl.lit("#"))
        .otherwise(norm)
    )
    cjk = _CJK.pattern
    return (
        pl.DataFrame({"tok": tokens})
        .with_columns(word=word)
        .with_columns(
            meaningful=_meaningful(pl.col("word")).fill_null(False),
            part=_phrase_part(pl.col("word")).fill_null(False),
            negation=pl.col("word").is_in(sorted(NEGATIONS)),
            cjk_first=pl.col("word").str.slice(0, 1).str.contains(cjk).fill_null(False),
            cjk_last=pl.col("word").str.slice(-1).str.contains(cjk).fill_null(False),
        )
    )


def analyse_many(texts: pl.Series) -> pl.DataFrame:
    """(text, tokens, terms) of each distinct non-empty text: the one definition of a
    comment's words (see the module docstring). Only the cutting itself runs per text in
    Python; the rest is polars over all tokens at once."""
    distinct = texts.drop_nulls().unique(maintain_order=True)
    empty = {"text": pl.String, "tokens": pl.String, "terms": pl.List(pl.String)}
    if distinct.is_empty():
        return pl.DataFrame(schema=empty)
    raw = _tokens(distinct)
    # What a token is depends on its text alone: worked out once per distinct token.
    vocab = _vocabulary(raw["tok"].drop_nulls().unique())
    long = (
        raw.join(vocab, on="tok", how="left", maintain_order="left")
        .filter(pl.col("word").is_not_null())
        .select("d", "word", "meaningful", "part", "negation", "cjk_first", "cjk_last", "tok")
    )
    word = pl.col("word")
    # one empty token between words, none at the start or the end
    long = long.filter(~((word == "") & ((_before(word) == "") | _before(word).is_null()))).filter(
        ~((word == "") & _after(word).is_null())
    )
    after_part = _after(pl.col("part")).fill_null(False)
    bigrams = (
        long.with_columns(
            ok=pl.col("part") & after_part & ~_after(pl.col("negation")).fill_null(True),
            glue=pl.col("cjk_last") & _after(pl.col("cjk_first")).fill_null(False),
            nxt=_after(word),
        )
        .filter("ok")
        .select("d", term=pl.when("glue").then(word + pl.col("nxt")).otherwise(word + " " + pl.col("nxt")))
    )
    subs = long.select("d", "tok").join(_sub_words(vocab["tok"]), on="tok").select("d", term="sub")
    found = pl.concat(
        [
            long.filter("meaningful").select("d", term="word"),
            subs.filter(_meaningful(pl.col("term"))),
            bigrams,
        ]
    )
    terms = found.group_by("d").agg(pl.col("term").unique().sort())
    tokens = long.group_by("d", maintain_order=True).agg(tokens="|" + word.str.join("|") + "|")
    return (
        pl.DataFrame({"d": range(len(distinct)), "text": distinct})
        .with_columns(pl.col("d").cast(pl.Int64))
        .join(tokens.with_columns(pl.col("d").cast(pl.Int64)), on="d", how="left")
        .join(terms.with_columns(pl.col("d").cast(pl.Int64)), on="d", how="left")
        .select(
            "text",
            pl.col("tokens").fill_null("||"),
            pl.col("term").fill_null(pl.lit([], dtype=pl.List(pl.String))).alias("terms"),
        )
    )


def analyse(text: str) -> tuple[str, list[str]]:
    """(tokens string, terms) of one comment."""
    row = analyse_many(pl.Series([text], dtype=pl.String)).row(0)
    return row[1], list(row[2])


def words(text: str) -> list[str]:
    """The comment's tokens in order, lower-cased; '' where punctuation stood."""
    return analyse(text)[0][1:-1].split("|") if text.strip() else []


def token_string(tokens: list[str]) -> str:
    return "|" + "|".join(tokens) + "|"


def keyword_pattern(keyword: str) -> str | None:
    """How a topic keyword is matched (SQL macro topic_hit): one word is found inside a word of
    the comment ('态度' in 服务态度, '交车' in 交车慢; an English word matches a whole word);
    several words ('等了' = 等 + 了) must stand
    side by side as whole words ('|等|了|'), never across punctuation. None: nothing to match."""
    tokens = [t for t in words(keyword) if t]
    if not tokens:
        return None
    if len(tokens) == 1 and _CJK.search(tokens[0]):
        return tokens[0]
    return token_string(tokens)  # English words match whole: 'no' is not inside 'not'


def matches(pattern: str, tokens: str) -> bool:
    """Python twin of the SQL macro topic_hit, for tests and previews."""
    return pattern in tokens


def frame(ids: pl.Series, texts: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The words of non-empty texts, each distinct text analysed and stored once (survey
    comments repeat: 满意, 无, 很好): (record_id, text_id) of every record with a text, and
    (text_id, tokens, terms) of every distinct text."""
    data = pl.DataFrame({"record_id": ids, "text": texts}).filter(
        pl.col("text").is_not_null() & (pl.col("text").str.strip_chars() != "")
    )
    analysed = (
        analyse_many(data["text"]).with_row_index("text_id").with_columns(pl.col("text_id").cast(pl.Int32))
    )
    records = data.join(analysed.select("text", "text_id"), on="text", how="left").select(
        "record_id", "text_id"
    )
    return records, analysed.select("text_id", "tokens", "terms")
