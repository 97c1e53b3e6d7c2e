from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "检索"

    def ready(self) -> None:
        from django.conf import settings

        from search.analysis import configure_jieba

        configure_jieba(str(settings.JIEBA_CACHE_DIR))
