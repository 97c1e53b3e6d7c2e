"""The archive's two signed-in roles, as Django groups; the public needs no account.

Staff (工作人员) read drafts and internal fields; admins (管理员) also upload, edit, publish and delete.
The search app's synonyms are granted the same way by search/migrations/0003_synonym_permissions.py.
"""
STAFF_GROUP = "工作人员"
ADMIN_GROUP = "管理员"

_READ = ("view",)
_WRITE = ("view", "add", "change", "delete")

ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    STAFF_GROUP: {
        "reply": _READ, "addressee": _READ, "topic": _READ, "sourcefile": _READ, "citeddocument": _READ,
        "auditevent": _READ,
    },
    ADMIN_GROUP: {
        "reply": _WRITE, "addressee": _WRITE, "topic": _WRITE, "sourcefile": ("view", "change"),
        "citeddocument": _READ, "auditevent": _READ,
    },
}
