"""Un faux fournisseur OpenID Connect, à la manière de ProConnect, pour les tests.

Un vrai serveur HTTP sur 127.0.0.1 (port libre choisi par le système), dans un fil
d'exécution : le portail lui parle par le réseau, comme à ProConnect. Il sert :

- `/authorize` : renvoie vers `redirect_uri` avec un code et le `state` reçu ;
- `/token` : échange le code (client, secret et `redirect_uri` vérifiés) contre un
  `access_token` et un `id_token` RS256 qui porte le nonce de la demande ;
- `/jwks` : la clé publique ;
- `/userinfo` : les informations de l'agent, en JWT signé (`application/jwt`, comme
  ProConnect) ou en JSON ;
- `/logout` : fin de session, renvoie vers `post_logout_redirect_uri` avec le `state`.

Les attributs publics (`email`, `format_userinfo`, `signer_avec_autre_cle`...) règlent ce
que le fournisseur répond ; `requetes` garde le chemin de chaque requête reçue.
"""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "portail-territoires-industrie"
CLIENT_SECRET = "secret-de-test"  # noqa: S105


def _cle_rsa():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FournisseurOIDC:
    def __init__(self):
        self.cle = _cle_rsa()
        self.autre_cle = _cle_rsa()
        self.kid = "cle-de-test-1"
        # Ce que le fournisseur répond (modifiable par chaque test).
        self.email = "camille.durand@exemple.gouv.fr"
        self.sub = "sub-agent-1"
        self.sub_userinfo = None  # None : le même que l'id_token
        self.format_userinfo = "jwt"  # "jwt" ou "json"
        self.signer_avec_autre_cle = False
        self.nonce_force = None  # None : le nonce de la demande
        self.audience = CLIENT_ID
        # Ce que le fournisseur a vu.
        self.requetes: list[str] = []
        self.demandes: list[dict] = []  # paramètres reçus sur /authorize
        self.id_tokens: list[str] = []
        self.fins_de_session: list[dict] = []
        self._codes: dict[str, dict] = {}
        self._acces: dict[str, str] = {}
        self._serveur = None

    # --- cycle de vie ------------------------------------------------------------------------
    def demarrer(self):
        self._serveur = ThreadingHTTPServer(("127.0.0.1", 0), _Gestionnaire)
        self._serveur.fournisseur = self
        threading.Thread(target=self._serveur.serve_forever, daemon=True).start()
        return self

    def arreter(self):
        self._serveur.shutdown()
        self._serveur.server_close()

    @property
    def url(self) -> str:
        hote, port = self._serveur.server_address[:2]
        return f"http://{hote}:{port}"

    def reglages(self) -> dict:
        """Les réglages du portail pour ce fournisseur (bloc ProConnect de settings.py)."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "OIDC_OP_LOGOUT_ENDPOINT": f"{self.url}/logout",
        }

    # --- jetons ------------------------------------------------------------------------------
    def signer(self, claims: dict) -> str:
        cle = self.autre_cle if self.signer_avec_autre_cle else self.cle
        return jwt.encode(claims, cle, algorithm="RS256", headers={"kid": self.kid})

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.cle.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def _claims_communs(self) -> dict:
        maintenant = int(time.time())
        return {"iss": self.url, "aud": self.audience, "iat": maintenant, "exp": maintenant + 60}

    # --- points d'accès ----------------------------------------------------------------------
    def authorize(self, params: dict) -> tuple[int, dict, bytes]:
        self.demandes.append(params)
        if params.get("client_id") != CLIENT_ID or params.get("response_type") != "code":
            return 400, {}, b"client inconnu"
        code = secrets.token_urlsafe(16)
        self._codes[code] = {"nonce": params.get("nonce"), "redirect_uri": params["redirect_uri"]}
        retour = f"{params['redirect_uri']}?{urlencode({'code': code, 'state': params['state']})}"
        return 302, {"Location": retour}, b""

    def token(self, params: dict) -> tuple[int, dict, bytes]:
        demande = self._codes.pop(params.get("code", ""), None)
        if (
            demande is None
            or params.get("grant_type") != "authorization_code"
            or params.get("client_id") != CLIENT_ID
            or params.get("client_secret") != CLIENT_SECRET
            or params.get("redirect_uri") != demande["redirect_uri"]
        ):
            return _json(400, {"error": "invalid_grant"})
        acces = secrets.token_urlsafe(16)
        self._acces[acces] = self.sub
        nonce = self.nonce_force if self.nonce_force is not None else demande["nonce"]
        id_token = self.signer(
            {**self._claims_communs(), "sub": self.sub, "nonce": nonce, "acr": "eidas1"}
        )
        self.id_tokens.append(id_token)
        return _json(
            200,
            {"access_token": acces, "token_type": "Bearer", "expires_in": 60, "id_token": id_token},
        )

    def userinfo(self, autorisation: str) -> tuple[int, dict, bytes]:
        acces = autorisation.removeprefix("Bearer ")
        if acces not in self._acces:
            return 401, {}, b""
        claims = {
            "sub": self.sub_userinfo or self._acces[acces],
            "email": self.email,
            "given_name": "Camille",
            "usual_name": "Durand",
        }
        if self.format_userinfo == "json":
            return _json(200, claims)
        jeton = self.signer({**self._claims_communs(), **claims})
        return 200, {"Content-Type": "application/jwt"}, jeton.encode()

    def logout(self, params: dict) -> tuple[int, dict, bytes]:
        self.fins_de_session.append(params)
        retour = f"{params['post_logout_redirect_uri']}?{urlencode({'state': params['state']})}"
        return 302, {"Location": retour}, b""


def _json(statut: int, donnees: dict) -> tuple[int, dict, bytes]:
    return statut, {"Content-Type": "application/json"}, json.dumps(donnees).encode()


class _Gestionnaire(BaseHTTPRequestHandler):
    def _repondre(self, statut: int, entetes: dict, corps: bytes):
        self.send_response(statut)
        for nom, valeur in entetes.items():
            self.send_header(nom, valeur)
        self.send_header("Content-Length", str(len(corps)))
        self.end_headers()
        self.wfile.write(corps)

    def do_GET(self):  # nom imposé par http.server
        fournisseur = self.server.fournisseur
        adresse = urlsplit(self.path)
        fournisseur.requetes.append(adresse.path)
        params = {cle: valeurs[0] for cle, valeurs in parse_qs(adresse.query).items()}
        if adresse.path == "/authorize":
            self._repondre(*fournisseur.authorize(params))
        elif adresse.path == "/jwks":
            self._repondre(*_json(200, fournisseur.jwks()))
        elif adresse.path == "/userinfo":
            self._repondre(*fournisseur.userinfo(self.headers.get("Authorization", "")))
        elif adresse.path == "/logout":
            self._repondre(*fournisseur.logout(params))
        else:
            self._repondre(404, {}, b"")

    def do_POST(self):
        fournisseur = self.server.fournisseur
        fournisseur.requetes.append(self.path)
        longueur = int(self.headers.get("Content-Length", 0))
        corps = self.rfile.read(longueur).decode()
        params = {cle: valeurs[0] for cle, valeurs in parse_qs(corps).items()}
        if self.path == "/token":
            self._repondre(*fournisseur.token(params))
        else:
            self._repondre(404, {}, b"")

    def log_message(self, format, *args):
        """Les tests restent silencieux."""
