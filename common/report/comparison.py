"""The words and the figure of compare_cells.py: its lines, comparison.md and comparison.png.

Each function takes values that compare_cells.py computed (the plan, the rows, the judged claims)
and returns text, or draws a figure. Nothing here computes a result.
"""

from common import models, plots
from common.machinery.parallel import FIT_THREADS

import numpy as np

THREADS_NOTE = (
    f"   note: TensorFlow already runs here with other than {FIT_THREADS} thread(s) per operation; "
    "a fresh process pins them (same numbers as --jobs N)"
)


def indent(lines):
    """Lines under a step's heading, indented."""
    return "\n".join(f"   {line}" for line in lines)


def where(jobs, cluster):
    """Where the fits train, in words."""
    if cluster:
        return f"on the Dask cluster at {cluster}"
    if jobs > 1:
        return f"{jobs} at a time in worker processes"
    return "one after another in this process"


def plan_line(plan, seeds):
    """Step 1: how many fits, how many of them are this machine's, and how many are saved."""
    line = f"   {len(plan.fits)} fits (tasks x cells x {seeds} seed(s))"
    if plan.shard:
        line += f"; shard {plan.shard[0]} of {plan.shard[1]}: {len(plan.mine)}"
    saved = len(plan.mine) - len(plan.todo)
    return (
        f"{line}; {saved} already in {plan.folder} (kept: delete a file there to train its fit "
        f"again); {len(plan.todo)} to train"
    )


def progress_line(finished):
    """Which fit of how many is done, and about how long the others will take."""
    left = finished.minutes / finished.count * (finished.total - finished.count)
    return (
        f"   fit {finished.count} of {finished.total} done ({finished.label}); "
        f"{finished.minutes:.1f} min so far, about {left:.1f} min left"
    )


def missing_line(missing, plan):
    """What to do when other machines' fits are not here yet."""
    return (
        f"   {len(missing)} of {len(plan.fits)} fits are not in {plan.folder} yet (other "
        "shards'); once every shard is done, put their fits/ files in one folder and run the "
        "same command there without --shard: it trains nothing and writes the comparison."
    )


def rows_text(rows, records):
    """Step 3: each task's facts, then one line per cell (and its verdict)."""
    lines = []
    for task in dict.fromkeys(row["task"] for row in rows):
        facts = next(record["task_facts"] for record in records if record["task"] == task)
        baseline = facts["baseline"]
        lines.append(
            f"{task}: {facts['description']}; {facts['training_samples']} training samples; "
            f"best baseline {baseline['name']} = {baseline['value']:.4g}"
        )
        for row in (row for row in rows if row["task"] == task):
            lines.append(
                f"{task:8s} {row['cell']:18s} {row['metric']} {row['mean']:.4g} ± "
                f"{row['spread']:.2g}   {row['seconds_per_epoch']:.3f} s/epoch   "
                f"{row['epochs_run']:.0f} epochs   {row['recurrent_params']} recurrent params"
            )
            if row["verdict"]:
                lines.append(f"{'':27s} {describe_verdict(row['verdict'])}")
    return indent(lines)


def describe_verdict(verdict):
    """'beats last_year_change (p = 0.003, 0.01 over the seeds)', or with the intervals of the
    AUC difference: 'beats tfidf_logreg (AUC difference in [+0.002, +0.009] over the seeds)'."""
    if "p" in verdict:
        evidence = "p = " + ", ".join(f"{p:.2g}" for p in verdict["p"])
    else:
        evidence = "AUC difference in " + ", ".join(
            f"[{low:+.4f}, {high:+.4f}]" for low, high in verdict["intervals"]
        )
    return f"{verdict['outcome']} {verdict['baseline']} ({evidence} over the seeds)"


def claim_lines(claims):
    """The course's claims in words, three per task: one sentence each, with the numbers."""
    lines = []
    for claim in claims:
        task, lstm, gru = claim["task"], claim["lstm"], claim["gru"]
        ratio = lstm["recurrent_params"] / gru["recurrent_params"]
        lines.append(
            f"[{task}] 'LSTM 3 gates + cell state, GRU 2 gates': "
            f"the LSTM layer has {lstm['recurrent_params']} recurrent parameters, "
            f"the GRU {gru['recurrent_params']} ({ratio:.2f}x): "
            "agrees (4 weight blocks against 3)."
        )
        time_lstm, time_gru = lstm["seconds_per_epoch"], gru["seconds_per_epoch"]
        faster = (time_lstm - time_gru) / time_lstm * 100
        lines.append(
            f"[{task}] 'GRU trains faster': {time_gru:.3f} s/epoch "
            f"against the LSTM's {time_lstm:.3f} (GRU {faster:+.0f}% faster): {claim['speed']}."
        )
        lines.append(
            f"[{task}] 'LSTM often better': "
            f"{lstm['metric']} LSTM {lstm['mean']:.4g} ± {lstm['spread']:.2g}, "
            f"GRU {gru['mean']:.4g} ± {gru['spread']:.2g}: {claim['quality']}."
        )
    return lines


def claims_text(lines):
    """Step 4: the claims' sentences, or why there are none."""
    return indent(lines or ["nothing to check: no task has both an LSTM row and a GRU row"])


COLUMNS = [
    "task",
    "cell",
    "gates",
    "cell state",
    "recurrent params (formula)",
    "total params",
    "s/epoch",
    "epochs run",
    "train s",
    "metric",
    "mean ± spread",
    "seeds",
    "best baseline",
    "verdict (every seed: Diebold-Mariano; next_character: paired t)",
]


def markdown(rows, device, verdicts):
    """comparison.md: one row per task and cell, the challenge set, then the claims."""
    lines = ["# SimpleRNN vs LSTM vs GRU, measured", "", f"Device: {device}", ""]
    if not all(row["timed_alone"] for row in rows):
        lines += [
            "The s/epoch and train s columns were measured with other fits running beside them "
            "(--jobs above 1, or a cluster): they say nothing about the cells' speed. Only a "
            "--jobs 1 run measures it.",
            "",
        ]
    lines += ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        facts = models.CELL_FACTS[row["cell"]]
        cell_state = "yes" if facts["cell_state"] else "no"
        baseline = row["baseline"]
        lines.append(
            f"| {row['task']} | {row['cell']} | {facts['gates']} | {cell_state} | "
            f"{row['recurrent_params']} ({facts['formula']}, "
            f"n={row['units']}, m={row['input_features']}) | {row['total_params']} | "
            f"{row['seconds_per_epoch']:.3f} | {row['epochs_run']:.1f} | "
            f"{row['train_seconds']:.1f} | {row['metric']} | "
            f"{row['mean']:.4g} ± {row['spread']:.2g} | {len(row['seeds'])} | "
            f"{baseline['name']} {baseline['value']:.4g} | "
            f"{describe_verdict(row['verdict']) if row['verdict'] else 'n/a (AUC)'} |"
        )
    lines += challenge_table(rows)
    lines += ["", "## The course's table, checked", ""]
    lines += [f"- {line}" for line in verdicts] + [""]
    return "\n".join(lines)


def challenge_table(rows):
    """Markdown lines: the challenge set's accuracy per category, mean over seeds, per model."""
    text_rows = [row for row in rows if row["task"] == "text"]
    if not text_rows:
        return []
    categories = list(text_rows[0]["seeds"][0]["challenge"]["by_category"])
    lines = ["", "## The challenge set: accuracy per category (mean over seeds)", ""]
    lines += ["| model | " + " | ".join([*categories, "overall"]) + " |"]
    lines += ["|" + "---|" * (len(categories) + 2)]
    for row in text_rows:
        scores = [seed["challenge"] for seed in row["seeds"]]
        means = [np.mean([score["by_category"][name] for score in scores]) for name in categories]
        overall = np.mean([score["overall"] for score in scores])
        lines.append(
            f"| {row['cell']} | " + " | ".join(f"{v:.3f}" for v in [*means, overall]) + " |"
        )
    baseline = text_rows[0]["baseline"]["challenge"]
    values = [baseline["by_category"][name] for name in categories] + [baseline["overall"]]
    lines.append("| tfidf_logreg | " + " | ".join(f"{v:.3f}" for v in values) + " |")
    return lines


def plot(rows, path):
    """comparison.png: the test metric and the seconds per epoch of each cell, per task."""
    plt = plots.pyplot()
    tasks = list(dict.fromkeys(row["task"] for row in rows))
    figure, axes = plt.subplots(2, len(tasks), figsize=(4.5 * len(tasks), 7), squeeze=False)
    for column, task in enumerate(tasks):
        task_rows = [row for row in rows if row["task"] == task]
        names = [row["cell"] for row in task_rows]
        first = task_rows[0]
        metric_axis, time_axis = axes[0][column], axes[1][column]
        metric_axis.bar(
            names,
            [row["mean"] for row in task_rows],
            yerr=[row["spread"] for row in task_rows],
            capsize=4,
        )
        metric_axis.axhline(
            first["baseline"]["value"],
            color="grey",
            linestyle="--",
            label=f"best baseline ({first['baseline']['name']})",
        )
        metric_axis.set(title=f"{task}: test {first['metric']}", ylabel=first["metric"])
        metric_axis.legend(fontsize=8)
        time_axis.bar(
            names,
            [row["seconds_per_epoch"] for row in task_rows],
            yerr=[row["seconds_per_epoch_spread"] for row in task_rows],
            capsize=4,
            color="tab:orange",
        )
        time_axis.set(title=f"{task}: seconds per epoch", ylabel="s / epoch")
    return plots.save(figure, path)
