"""`python -m bench.comments`: what reading the comments' words costs a load, and how well the
approximate sentiment agrees with the ratings (issue 18).

1. Load time: a survey CSV of N responses (default 1,000,000; 20 items), every row with a
   comment, loaded by the CLI into a new warehouse with and without reading the comments' words
   (the same command with pipelines.load._comment_words switched off), alternating, each in its
   own process. Two files: comments drawn from the real complaint texts of cn-car-complaints
   (1,164 distinct, as real comments repeat), and every row's comment its own (two of those
   texts joined: about N distinct). Target: ≤ 10 % over the load without the words.
2. Sentiment: snownlp's score of comments against the ratings: on the demo warehouse, comments
   of responses whose overall item (总体满意) is 1-2 against 4-5 (AUC), and the share of the
   public complaint descriptions it scores negative (< 0.5).

Wall and CPU seconds of each command (user + system, from the kernel); medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

from bench.__main__ import RESULTS, new_warehouse
from bench.report import timed
from bench.synth import survey_frame

DATASETS = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "cn-car-complaints"


def pool() -> list[str]:
    texts: list[str] = []
    for path in sorted(DATASETS.glob("*_utf8.csv")):
        texts += pl.read_csv(path)["desc"].drop_nulls().str.strip_chars().to_list()
    return sorted(set(t for t in texts if t))


def survey(path: Path, n: int, comments: str, texts: list[str]) -> Path:
    frame = survey_frame(n, items=20)
    rng = np.random.default_rng(11)
    if comments == "pool":
        picks = rng.integers(0, len(texts), n)
        frame = frame.with_columns(comment=pl.Series([texts[i] for i in picks]))
    elif comments == "distinct":
        a, b = rng.integers(0, len(texts), n), rng.integers(0, len(texts), n)
        frame = frame.with_columns(
            comment=pl.Series([f"{texts[i]}，{texts[j]}" for i, j in zip(a, b, strict=True)])
        )
    frame.write_csv(path)
    return path


# The same load with the comments' words left out: the baseline the words are measured against.
_WITHOUT_WORDS = (
    "import sys, pipelines.load as L; L._comment_words = lambda *a, **k: None; "
    "from pipelines.cli import main; sys.exit(main(sys.argv[1:]))"
)
VARIANTS = {
    "pool-off": ("pool", False),
    "pool": ("pool", True),
    "distinct-off": ("distinct", False),
    "distinct": ("distinct", True),
}


def load_times(n: int, repeats: int, work: Path) -> dict[str, list[tuple[float, float]]]:
    texts = pool()
    files = {kind: survey(work / f"{kind}.csv", n, kind, texts) for kind in ("pool", "distinct")}
    out: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    for r in range(repeats):
        for name, (kind, words) in VARIANTS.items():
            db = work / f"{name}_{r}" / "manyi.duckdb"
            new_warehouse(db, work)
            head = [sys.executable, "-m", "pipelines"] if words else [sys.executable, "-c", _WITHOUT_WORDS]
            cmd = [*head, "--db", str(db), "load", "survey", str(files[kind]), "--questionnaire", "bench"]
            out[name].append(timed(cmd))
            print(
                f"  {name} {r + 1}: {out[name][-1][0]:.2f} s wall, {out[name][-1][1]:.2f} s CPU",
                file=sys.stderr,
            )
    return out


def sentiment_agreement(work: Path) -> dict:
    from dashboard.sentiment import auc, scores
    from pipelines.demo import build_demo
    from warehouse import open_warehouse

    db = work / "demo" / "manyi.duckdb"
    build_demo(db, log=lambda m: None)
    con = open_warehouse(db)
    rows = con.execute(
        "select r.comment, a.level_value from stg_responses as r inner join answers as a "
        "using (batch_id, questionnaire_id, response_id) where a.item_id = 'q7' and r.comment is not null"
    ).fetchall()
    con.close()
    low = [s for s in scores([c for c, v in rows if v <= 2]) if s is not None]
    high = [s for s in scores([c for c, v in rows if v >= 4]) if s is not None]
    complaints = [s for s in scores(pool()) if s is not None]
    return {
        "demo_auc": auc(low, high),
        "demo_low": len(low),
        "demo_high": len(high),
        "complaints": len(complaints),
        "complaints_negative_pct": 100 * sum(s < 0.5 for s in complaints) / len(complaints),
        "complaints_median": statistics.median(complaints),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--responses", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        agreement = sentiment_agreement(work)
        times = load_times(args.responses, args.repeats, work)
    med = {
        name: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
        for name, v in times.items()
    }
    lines = [
        f"Comment words at load: {args.responses:,} responses, 20 items, every row with a comment; "
        f"median of {args.repeats}",
        "| comments | without words: wall s | CPU s | with words: wall s | CPU s | wall + | CPU + |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, label in (
        ("pool", "drawn from 1,164 real complaint texts"),
        ("distinct", "every row distinct"),
    ):
        (w0, c0), (w1, c1) = med[f"{kind}-off"], med[kind]
        lines.append(
            f"| {label} | {w0:.2f} | {c0:.2f} | {w1:.2f} | {c1:.2f} | {100 * (w1 / w0 - 1):+.0f} % | {100 * (c1 / c0 - 1):+.0f} % |"
        )
    lines += [
        "",
        "Sentiment (snownlp) against the ratings:",
        f"- demo: AUC {agreement['demo_auc']:.2f} (comments of responses rating 总体满意 1-2: "
        f"{agreement['demo_low']:,}; 4-5: {agreement['demo_high']:,})",
        f"- cn-car-complaints: {agreement['complaints_negative_pct']:.0f} % of {agreement['complaints']:,} "
        f"complaint descriptions scored negative (< 0.5), median {agreement['complaints_median']:.2f}",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "comments.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
