"""What the keep rule keeps and drops on every public forecasting file, beside the earlier rule.

    python benchmarks/keep_rule.py                    # every forecasting file, seed 1
    python benchmarks/keep_rule.py --no-sub-daily     # leave out the minute and hourly files
    python benchmarks/keep_rule.py --only fulda_temperature,elnino_sst --seeds 1,2

After training, the case keeps the network's correction only if the check block (a part of the
validation data that neither training nor early stopping saw) confirms the gain: 1 % lower loss
and a Diebold-Mariano p < 0.05 (`training.keep_if_it_helps`, docs/PROTOCOL.md). Else the linear
path it started from comes back. metrics.json records that decision (`training.kept_start`) and
what the earlier rule would have decided on the same weights (`training.kept_by_earlier_rule`:
1 % better on each half of the validation part and on the check block, and p < 0.05 on the check
block or p < 0.001 over all three).

Each file runs through its case as benchmarks/generalization.py runs it (a fresh process, one
thread, the same arguments; a record with other measured columns also with `--inputs all`). The
table gives both rules' decisions, the check block's p, and the network's test error
against `linear` with the Diebold-Mariano p: a correction kept that is worse than `linear` on
the test part is what the rule must stop.
"""

import argparse

from generalization import run_public_case
from public_files import SUB_DAILY, fetch_all
from side_by_side import run_side_by_side


def keep_row(public_file, seed, inputs=None):
    """One run of a series' case: both rules' decisions and the network against linear."""
    seconds, metrics, metric = run_public_case(public_file, seed, inputs)
    training, linear = metrics["training"], metrics["baselines"]["linear"]
    return {
        "file": public_file.name + (" --inputs all" if inputs else ""),
        "kind": public_file.kind,
        "seed": seed,
        "metric": metric,
        "kept": not training["kept_start"],
        "earlier": training["kept_by_earlier_rule"],  # None: early stopping kept the start
        "check_p": training["kept_p"],  # None: not judged
        "network": metrics["model"][metric],
        "linear": linear[metric],
        "p": linear["dm"]["p"],
        "verdict": f"{metrics['verdict']['outcome']} {metrics['verdict']['baseline']}",
        "seconds": seconds,
    }


def decision(kept, judged):
    """A rule's decision in words; not judged: early stopping kept the start, or no check block."""
    return ("kept" if kept else "dropped") if judged else "dropped (not judged)"


def print_table(rows):
    print(
        "\n| file | kind | seed | current rule | earlier rule | check block p | metric | "
        "network | linear | network / linear | DM p | verdict | s |"
    )
    print("|---" * 13 + "|")
    for row in rows:
        judged = row["check_p"] is not None
        current, earlier = decision(row["kept"], judged), decision(row["earlier"], judged)
        check_p = f"{row['check_p']:.2g}" if judged else "-"
        print(
            f"| {row['file']} | {row['kind']} | {row['seed']} | {current} | {earlier} | "
            f"{check_p} | {row['metric']} | {row['network']:.4g} | {row['linear']:.4g} | "
            f"{row['network'] / row['linear']:.3f} | {row['p']:.2g} | {row['verdict']} | "
            f"{row['seconds']:.0f} |"
        )
    differ = [row for row in rows if row["earlier"] is not None and row["earlier"] != row["kept"]]
    worse = [row for row in rows if row["kept"] and "loses" in row["verdict"]]
    print(
        f"\n{sum(row['kept'] for row in rows)} of {len(rows)} runs keep the correction "
        f"(earlier rule: {sum(bool(row['earlier']) for row in rows)}); the rules differ on "
        f"{len(differ)}: {', '.join(row['file'] for row in differ) or 'none'}; a kept "
        f"correction that loses on the test part: {', '.join(r['file'] for r in worse) or 'none'}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1", help="comma-separated seeds (default: 1)")
    parser.add_argument("--only", help="comma-separated file names (default: all)")
    parser.add_argument("--no-sub-daily", action="store_true", help="leave out minutes and hours")
    parser.add_argument("--jobs", type=int, default=1, help="case processes at a time (default: 1)")
    args = parser.parse_args()
    files = [each for each in fetch_all() if each.kind != "text"]
    if args.only:
        files = [each for each in files if each.name in args.only.split(",")]
    if args.no_sub_daily:
        files = [each for each in files if each.kind not in SUB_DAILY]
    plan = []
    for public_file in files:
        for seed in [int(each) for each in args.seeds.split(",")]:
            plan.append((public_file, seed, None))
            if "inputs" in public_file.columns:
                plan.append((public_file, seed, "all"))

    def call(public_file, seed, inputs):
        def run():
            try:
                return keep_row(public_file, seed, inputs)
            except SystemExit as refused:  # the case refused the file: say why, go on
                return {"refused": str(refused)[-300:], "file": public_file.name}

        return run

    found = {}
    calls = [call(*planned) for planned in plan]
    for index, row in run_side_by_side(calls, args.jobs, lambda index: plan[index][0].name):
        found[index] = row
        if "refused" in row:
            print(f"   {row['file']}: REFUSED: {row['refused']}", flush=True)
        else:
            print(f"   {row['file']}: kept {row['kept']}, earlier {row['earlier']}", flush=True)
    print_table([found[index] for index in range(len(plan)) if "refused" not in found[index]])


if __name__ == "__main__":
    main()
