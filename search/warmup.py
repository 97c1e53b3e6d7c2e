"""Load what every worker needs before gunicorn forks, so that forks share it."""


def warm_up() -> None:
    from search.analysis import segment_words
    from search.query import normalise_query

    segment_words("答复档案")
    normalise_query("檔案")
