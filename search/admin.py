from django.contrib import admin

from search.models import SearchSynonym
from search.synonyms import forget_synonyms


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ("words", "one_way", "note", "updated_at")
    search_fields = ("words", "note")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_synonyms()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_synonyms()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        forget_synonyms()
