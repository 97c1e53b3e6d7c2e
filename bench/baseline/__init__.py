"""The common setup, measured as the baseline: haystack's stock Whoosh backend with jieba's ChineseAnalyzer.

A Django app of its own (bench.baseline), used only by the benchmark through bench.baseline.settings:
the same models and database as the archive, its own index, a minimal search view.
"""
