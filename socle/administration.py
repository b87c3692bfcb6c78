"""Ce que partagent les administrations des applications."""


class LectureSeule:
    """Consultation seulement : ni ajout, ni modification, ni suppression.

    Les écritures passent par les services (permissions, historique, journal d'audit),
    ou sont des calculs (totaux, journal des recalculs) : jamais par l'administration.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
