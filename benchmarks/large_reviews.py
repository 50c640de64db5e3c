"""Make a large review file from the embedded real reviews (for the memory test and benchmark).

    python benchmarks/large_reviews.py OUT.csv [--rows 235000]

The embedded file (the course's reviews) has 23,486 rows; the default writes ten times as many by
repeating its rows in turn (with a running Clothing ID so rows differ). Repeating rows adds no
new words: the vocabulary, capped at the case's MAX_TOKENS, is that of the 23,486 reviews, and
each word is just seen ten times as often. The file tests size (reading, vectorising, memory),
not what a larger corpus would teach the model.
"""

import argparse
import csv
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "clothing_reviews.csv"
COURSE_ROWS = 23486


def write_large_reviews(path, rows=10 * COURSE_ROWS):
    """Write `rows` reviews to `path` by cycling through the embedded reviews; returns the path."""
    with open(SAMPLE, newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        header = next(reader)
        sample = list(reader)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for i in range(rows):
            row = list(sample[i % len(sample)])
            row[0] = str(i)  # Clothing ID
            writer.writerow(row)
    return Path(path)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=10 * COURSE_ROWS)
    args = parser.parse_args()
    print(write_large_reviews(args.out, args.rows))
