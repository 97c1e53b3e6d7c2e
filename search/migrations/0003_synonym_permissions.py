from django.contrib.auth.management import create_permissions
from django.db import migrations

from replies.roles import ADMIN_GROUP, STAFF_GROUP

SYNONYM_PERMISSIONS = {
    STAFF_GROUP: ("view_searchsynonym",),
    ADMIN_GROUP: ("view_searchsynonym", "add_searchsynonym", "change_searchsynonym", "delete_searchsynonym"),
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("search")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in SYNONYM_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="search", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=list(SYNONYM_PERMISSIONS)):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="search", codename__endswith="searchsynonym"))


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0002_search_synonyms"),
        ("replies", "0004_trash_and_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
