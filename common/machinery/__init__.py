"""The machinery behind the lessons: a learner never needs to step in here.

- reading and checking files: `series`, `frequencies`, `checks` (the flags against the file's
  size), `saved_model` (a model given to inside_the_cells.py --model);
- user errors and Ctrl-C: `errors`, `interrupts`;
- long files: `streaming` (windows cut batch by batch), `chunked` (ridge sums a chunk at a time);
- what a run writes: `artifacts` (atomic writes), `run_files` and `review_files` (the plots,
  model and metrics.json of the forecasting cases and of case 8-1);
- many fits at once: `runner` (compare_cells.py's fit cache, shards and command line) and
  `parallel` (worker processes, a Dask cluster).

The lesson's ideas (windows, preprocessing, baselines, models, scores, intervals) live one
folder up, in `common/`, and every printed line in `common/report/`.
"""
