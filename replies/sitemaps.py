"""/sitemap.xml: every published reply, the topics that have one, and the site's fixed pages. Never a draft."""
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from replies.models import Reply, Topic
from replies.selectors import reply_public_list, topic_public_list


class ReplySitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = 10000  # URLs per sitemap page; Django serves ?p=2 … when there are more

    def items(self):
        # The browse prefetches are not needed here: only the URL and the date of the last change.
        return reply_public_list().prefetch_related(None).only("pk", "updated_at")

    def lastmod(self, reply: Reply):
        return reply.updated_at


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self) -> list[Topic]:
        return list(topic_public_list())


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self) -> list[str]:
        return ["replies:home", "replies:reply_list", "replies:stats", "replies:cited_document_list"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {"replies": ReplySitemap, "topics": TopicSitemap, "pages": PageSitemap}
