from rest_framework.pagination import PageNumberPagination


class ReplyPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = "没有这一页（页码“{page_number}”无效或超出范围）。"
