# Authentification unique (CAS, OpenID Connect) : la liste de la page de connexion et les refus.
sso-title = Se connecter avec votre compte académique
sso-intro = Choisissez le portail par lequel vous vous connectez d'habitude (ENT, portail intranet).
sso-local-title = Ou avec un compte Guichet
sso-refused-back = Revenir à la page de connexion
sso-refused-unknown-title = Votre compte n'a pas accès à Guichet
sso-refused-unknown-text = Vous êtes bien authentifié, mais l'annuaire de l'académie ne vous connaît pas dans Guichet. Demandez à votre assistance informatique de vérifier votre fiche dans l'annuaire.
sso-refused-inactive-title = Votre compte Guichet est désactivé
sso-refused-inactive-text = Vous êtes bien authentifié, mais votre compte Guichet a été désactivé (par exemple après un départ de l'annuaire). Contactez votre assistance informatique.
sso-refused-failed-title = La connexion n'a pas abouti
sso-refused-failed-text = La réponse du service d'authentification n'a pas pu être vérifiée (lien expiré, déjà utilisé ou ouvert dans un autre navigateur). Recommencez depuis la page de connexion.
sso-refused-unreachable-title = Service d'authentification injoignable
sso-refused-unreachable-text = Le service d'authentification ne répond pas pour l'instant. Réessayez dans quelques minutes, ou connectez-vous avec un compte Guichet.
