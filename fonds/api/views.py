"""API des crédits : dispositifs, enveloppes et leurs mouvements, engagements, versements.

Les lectures passent par les sélecteurs `..._visibles_par(user)` ; les écritures
par `fonds.services`. Chaque vue déclare la règle de rôle de ses actions (`regles`,
posée par `comptes.api.AccesPortail` avant de lire la saisie) ; les refus des
services deviennent des réponses par le gestionnaire d'erreurs (`socle.api`) :
permission refusée 403, dépassement d'une enveloppe ou d'un engagement 409 (avec les
montants demandé et disponible), tout autre refus métier 400. Un projet ou un
engagement hors du périmètre de l'utilisateur répond 404, comme s'il n'existait pas.
"""

from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from fonds import permissions, selectors, services
from fonds.api import filters, serializers
from fonds.models import ZERO, Dispositif, Mouvement
from projets import selectors as projets_selectors
from socle.api import ECRITURE, LECTURE, documenter
from socle.erreurs import Invalide


def _dispositif(code: str) -> Dispositif:
    dispositif = Dispositif.objects.filter(code=code).first()
    if dispositif is None:
        raise Invalide(f"Dispositif inconnu : « {code} ».", champ="dispositif")
    return dispositif


def _visible(visibles, pk: int, introuvable: str):
    """L'objet visible par l'utilisateur ; 404 sinon, comme s'il n'existait pas."""
    objet = visibles.filter(pk=pk).first()
    if objet is None:
        raise exceptions.NotFound(introuvable)
    return objet


class CreationParService(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Lecture, et création par un service : `entree` lit la saisie, `creer` appelle le
    service, l'objet créé est relu dans le périmètre de l'utilisateur et rendu (201)."""

    http_method_names = ["get", "post", "head", "options"]
    entree: type[drf_serializers.Serializer]

    def creer(self, donnees: dict):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        entree = self.entree(data=request.data)
        entree.is_valid(raise_exception=True)
        cree = self.creer(entree.validated_data)
        relu = self.get_queryset().get(pk=cree.pk)
        return Response(self.get_serializer(relu).data, status=status.HTTP_201_CREATED)


@documenter(
    serializers.DispositifSerializer,
    liste="Dispositifs suivis par le programme",
    detail="Un dispositif, par son code",
)
class DispositifViewSet(viewsets.ReadOnlyModelViewSet):
    """Le Fonds d'accélération (`fonds-acceleration`) et les autres instruments."""

    serializer_class = serializers.DispositifSerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"  # un code de dispositif (slug)
    ordering_fields = ["code", "nom", "montant_total"]

    def get_queryset(self):
        zero = Value(ZERO, output_field=DecimalField(max_digits=16, decimal_places=2))
        nationales = Q(enveloppes__region__isnull=True)
        return Dispositif.objects.annotate(
            montant_total=Coalesce(Sum("enveloppes__montant", filter=nationales), zero)
        ).order_by("ordre", "nom", "pk")


@documenter(
    serializers.EnveloppeSerializer,
    liste="Enveloppes (chiffres publics, lisibles par tout rôle)",
    detail="Une enveloppe",
    create=extend_schema(
        summary="Créer une enveloppe vide (équipe nationale)",
        description="Ses crédits viennent ensuite des mouvements (dotation, répartition…).",
        request=serializers.EnveloppeCreationSerializer,
        responses={201: serializers.EnveloppeSerializer, **ECRITURE},
    ),
)
class EnveloppeViewSet(CreationParService):
    """Enveloppes nationales et régionales ; leur montant est la somme de leurs mouvements.

    Lecture pour tout rôle ; création et mouvements pour l'équipe nationale.
    """

    serializer_class = serializers.EnveloppeSerializer
    entree = serializers.EnveloppeCreationSerializer
    filterset_class = filters.EnveloppeApiFilter
    ordering_fields = ["id", "annee", "montant", "montant_engage", "montant_verse"]
    regles = {
        action: permissions.peut_gerer_enveloppes
        for action in (
            "create",
            "ajouter_mouvement",
            "repartition",
            "anticipation",
            "redeploiement",
        )
    }

    def get_queryset(self):
        return (
            selectors.enveloppes_visibles_par(self.request.user)
            .select_related("dispositif")
            .order_by(
                "dispositif__ordre",
                "dispositif__code",
                "annee",
                F("region_id").asc(nulls_first=True),
                "pk",
            )
        )

    def creer(self, donnees):
        return services.creer_enveloppe(
            dispositif=_dispositif(donnees["dispositif"]),
            annee=donnees["annee"],
            region=donnees["region"],
            auteur=self.request.user,
        )

    @extend_schema(
        summary="Mouvements d'une enveloppe (dotations, répartitions, anticipations…)",
        responses={200: serializers.MouvementSerializer(many=True), **LECTURE},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def mouvements(self, request, pk=None, format=None):
        enveloppe = self.get_object()
        page = self.paginate_queryset(selectors.mouvements_de(enveloppe))
        return self.get_paginated_response(serializers.MouvementSerializer(page, many=True).data)

    @extend_schema(
        summary="Enregistrer une dotation, un abondement ou une annulation (équipe nationale)",
        request=serializers.MouvementEntreeSerializer,
        responses={201: serializers.MouvementSerializer, **ECRITURE},
    )
    @mouvements.mapping.post
    def ajouter_mouvement(self, request, pk=None, format=None):
        enveloppe = self.get_object()
        entree = serializers.MouvementEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        mouvement = services.ajouter_mouvement(
            enveloppe_id=enveloppe.pk, auteur=request.user, **entree.validated_data
        )
        return Response(
            serializers.MouvementSerializer(mouvement).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Répartir l'enveloppe nationale entre des régions (équipe nationale)",
        description=(
            "Tout ou rien : les enveloppes régionales manquantes sont créées ; 409 si les "
            "enveloppes régionales dépassaient l'enveloppe nationale."
        ),
        request=serializers.RepartitionSerializer,
        responses={201: serializers.MouvementSerializer(many=True), **ECRITURE},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def repartition(self, request, pk=None, format=None):
        enveloppe = self.get_object()
        entree = serializers.RepartitionSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        donnees = entree.validated_data
        mouvements = services.repartir(
            enveloppe_nationale_id=enveloppe.pk,
            montants_par_region=donnees["montants"],
            date_effet=donnees["date_effet"],
            motif=donnees["motif"],
            auteur=request.user,
        )
        return self._mouvements_crees(mouvements)

    @extend_schema(
        summary="Avancer des crédits nationaux d'une année sur une autre (équipe nationale)",
        description=(
            "Deux mouvements de même `operation` : l'année source baisse d'autant que "
            "l'année cible monte ; le total du dispositif ne change pas."
        ),
        request=serializers.AnticipationSerializer,
        responses={201: serializers.MouvementSerializer(many=True), **ECRITURE},
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def anticipation(self, request, format=None):
        entree = serializers.AnticipationSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        donnees = dict(entree.validated_data)
        donnees["dispositif"] = _dispositif(donnees["dispositif"])
        mouvements = services.anticiper(auteur=request.user, **donnees)
        return self._mouvements_crees(mouvements)

    @extend_schema(
        summary="Redéployer des crédits non engagés d'une région vers une autre (équipe nationale)",
        request=serializers.RedeploiementSerializer,
        responses={201: serializers.MouvementSerializer(many=True), **ECRITURE},
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def redeploiement(self, request, format=None):
        entree = serializers.RedeploiementSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        donnees = dict(entree.validated_data)
        donnees["dispositif"] = _dispositif(donnees["dispositif"])
        mouvements = services.redeployer(auteur=request.user, **donnees)
        return self._mouvements_crees(mouvements)

    def _mouvements_crees(self, mouvements):
        ids = [m.pk for m in mouvements]
        relus = Mouvement.objects.filter(pk__in=ids).select_related("auteur")
        return Response(
            serializers.MouvementSerializer(relus.order_by("pk"), many=True).data,
            status=status.HTTP_201_CREATED,
        )


@documenter(
    serializers.EngagementSerializer,
    liste="Engagements visibles par l'utilisateur",
    detail="Un engagement",
    create=extend_schema(
        summary="Engager des crédits pour un projet (préfecture de sa région, équipe nationale)",
        description=(
            "Un projet présélectionné passe à « engagé ». Si le montant dépasse le disponible "
            "de l'enveloppe : 409 avec `demande` et `disponible`, et rien n'est écrit."
        ),
        request=serializers.EngagementEntreeSerializer,
        responses={201: serializers.EngagementSerializer, **ECRITURE},
    ),
)
class EngagementViewSet(CreationParService):
    """Crédits réservés pour un projet sur l'enveloppe régionale de sa région et de son année."""

    serializer_class = serializers.EngagementSerializer
    entree = serializers.EngagementEntreeSerializer
    filterset_class = filters.EngagementApiFilter
    ordering_fields = ["id", "date_engagement", "montant", "montant_verse"]
    regles = {"create": permissions.peut_engager_des_credits}

    def get_queryset(self):
        return (
            selectors.engagements_visibles_par(self.request.user)
            .select_related("enveloppe__dispositif")
            .order_by("-date_engagement", "-pk")
        )

    def creer(self, donnees):
        projet = _visible(
            projets_selectors.projets_visibles_par(self.request.user),
            donnees["projet"],
            "Projet introuvable ou hors de votre périmètre.",
        )
        return services.engager(
            projet_id=projet.pk,
            enveloppe_id=donnees["enveloppe"],
            montant=donnees["montant"],
            date_engagement=donnees["date_engagement"],
            commentaire=donnees["commentaire"],
            auteur=self.request.user,
        )


@documenter(
    serializers.VersementSerializer,
    liste="Versements visibles par l'utilisateur",
    detail="Un versement",
    create=extend_schema(
        summary="Enregistrer un versement (préfecture de la région du projet, équipe nationale)",
        description=(
            "L'engagement entièrement payé est soldé. Au-delà du reste à verser : 409 avec "
            "`demande` et `disponible` (le reste à verser), et rien n'est écrit."
        ),
        request=serializers.VersementEntreeSerializer,
        responses={201: serializers.VersementSerializer, **ECRITURE},
    ),
)
class VersementViewSet(CreationParService):
    """Paiements au titre des engagements, jamais au-delà du reste à verser."""

    serializer_class = serializers.VersementSerializer
    entree = serializers.VersementEntreeSerializer
    filterset_class = filters.VersementApiFilter
    ordering_fields = ["id", "date_versement", "montant"]
    regles = {"create": permissions.peut_enregistrer_des_versements}

    def get_queryset(self):
        return (
            selectors.versements_visibles_par(self.request.user)
            .select_related("engagement")
            .order_by("-date_versement", "-pk")
        )

    def creer(self, donnees):
        engagement = _visible(
            selectors.engagements_visibles_par(self.request.user),
            donnees["engagement"],
            "Engagement introuvable ou hors de votre périmètre.",
        )
        return services.verser(
            engagement_id=engagement.pk,
            montant=donnees["montant"],
            date_versement=donnees["date_versement"],
            reference=donnees["reference"],
            auteur=self.request.user,
        )
