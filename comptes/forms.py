from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import password_validators_help_texts

from comptes import securite


class ConnexionForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Identifiant ou mot de passe incorrect. Les deux champs sont sensibles à la casse."
        ),
        "inactive": "Ce compte est désactivé. Contactez l'équipe nationale du programme.",
    }

    username = forms.CharField(
        label="Identifiant",
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self):
        """La garde (`comptes.securite.BackendMotDePasse`) refuse un compte verrouillé et
        compte les échecs ; ici, on dit seulement pourquoi."""
        identifiant = self.data.get("username", "")
        if securite.est_verrouille(identifiant, securite.adresse_client(self.request)):
            raise forms.ValidationError(securite.message_verrou(), code="verrouille")
        return super().clean()


class ConnexionAdministrationForm(ConnexionForm, AdminAuthenticationForm):
    """La connexion de `/admin/login/` : même verrou après des échecs répétés, et réservée
    aux comptes qui ont accès à l'administration."""


class MotDePasseForm(PasswordChangeForm):
    """Le changement de mot de passe, avec les règles du portail en une aide lisible."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Mot de passe actuel"
        self.fields["new_password1"].help_text = " ".join(password_validators_help_texts())
        self.fields["new_password2"].label = "Confirmation du nouveau mot de passe"
        self.fields["new_password2"].help_text = ""


class MotDePasseOublieForm(PasswordResetForm):
    """L'adresse électronique du compte ; le courriel part seulement si elle est connue, mais
    la page répond de même dans tous les cas (rien n'y dit si un compte existe)."""

    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        help_text="Celle de votre compte du portail, par exemple prenom.nom@region.fr.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={
            "required": "Indiquez l'adresse électronique de votre compte.",
            "invalid": "Saisissez une adresse électronique valide, "
            "par exemple prenom.nom@region.fr.",
        },
    )


class NouveauMotDePasseForm(SetPasswordForm):
    """Le nouveau mot de passe choisi depuis le lien du courriel."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = " ".join(password_validators_help_texts())
        self.fields["new_password2"].label = "Confirmation du nouveau mot de passe"
        self.fields["new_password2"].help_text = ""


class CreationCompteForm(AdminUserCreationForm):
    """L'ouverture d'un compte dans l'administration : l'adresse électronique est demandée
    dès la création, car la connexion par ProConnect et « mot de passe oublié » retrouvent
    le compte par elle ; deux comptes ne partagent pas une adresse."""

    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Adresse professionnelle de l'agent : celle de son compte ProConnect.",
    )

    class Meta(AdminUserCreationForm.Meta):
        fields = ("username", "email", "first_name", "last_name")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Un autre compte utilise déjà cette adresse électronique.")
        return email


class JetonForm(forms.Form):
    nom = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="À quoi il sert, par exemple « Tableur de suivi de la préfecture ».",
    )
