from django.core.cache import cache

CLE_DEMO = "portail:donnees-demo-presentes"


def donnees_demo(request):
    """Vrai quand la base contient des données de démonstration (bannière sur chaque page).

    La réponse est gardée en cache : une requête au plus toutes les cinq minutes, et la
    commande `generer_demo` met la clé à jour elle-même.
    """
    presente = cache.get(CLE_DEMO)
    if presente is None:
        from pilotage.demo import donnees_demo_presentes

        presente = donnees_demo_presentes()
        cache.set(CLE_DEMO, presente, 300)
    return {"donnees_demo": presente}
