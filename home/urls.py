from django.urls import path

from . import views

app_name = "home"

urlpatterns = [
    path("connexion/", views.SignInView.as_view(), name="login"),
    path("deconnexion/", views.SignOutView.as_view(), name="logout"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        views.auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/modifier/", views.PasswordChangeView.as_view(), name="password_change"),
    # The fixed paths of /bienvenue/ come before the token's, which would match them.
    path(
        "bienvenue/nouveau-lien/",
        views.invitation_link_request,
        name="invitation_link_request",
    ),
    path(
        "bienvenue/nouveau-lien/envoye/",
        views.invitation_link_sent,
        name="invitation_link_sent",
    ),
    path("bienvenue/<str:token>/", views.invitation, name="invitation"),
    path(
        "bienvenue/<str:token>/nouveau-lien/",
        views.invitation_renew,
        name="invitation_renew",
    ),
    path("devenir-ambassadeur/", views.membership_request, name="membership_request"),
    path(
        "devenir-ambassadeur/merci/",
        views.membership_request_done,
        name="membership_request_done",
    ),
    path("mon-espace/", views.mon_espace, name="mon_espace"),
    path("mon-profil/", views.profile, name="profile"),
    path("mon-profil/email/", views.email_change, name="email_change"),
    path(
        "mon-profil/email/<str:token>/",
        views.email_change_confirm,
        name="email_change_confirm",
    ),
    path("mes-donnees/", views.mes_donnees, name="mes_donnees"),
    path(
        "mes-donnees/telecharger/",
        views.personal_data_download,
        name="personal_data_download",
    ),
    path("mes-donnees/quitter/", views.membership_leave, name="membership_leave"),
    path("mes-donnees/supprimer/", views.account_delete, name="account_delete"),
]
