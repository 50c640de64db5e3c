"""The machinery behind the lessons: a learner never needs to step in here.

Reading and checking files (`series`, `frequencies`), user errors (`errors`), writing the
artifacts safely (`artifacts`), Ctrl-C (`interrupts`) and running many fits at once
(`parallel`). The lesson's ideas (windows, preprocessing, baselines, models, scores,
intervals) live one folder up, in `common/`.
"""
