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

# Administration : les synchronisations de l'annuaire (/admin/directory).
admin-directory-title = Synchronisations de l'annuaire
admin-directory-intro = les dernières synchronisations LDAP et importations CSV, avec leurs chiffres et leurs rejets.
admin-directory-lead = La synchronisation quotidienne et la commande « guichet directory sync » enregistrent chaque passage ici.
admin-directory-caption = Les 50 derniers passages, du plus récent au plus ancien
admin-directory-col-started = Début
admin-directory-col-source = Source
admin-directory-col-state = État
admin-directory-col-establishments = Établissements
admin-directory-col-persons = Personnes
admin-directory-col-details = Rejets et erreur
admin-directory-source-ldap = Annuaire LDAP
admin-directory-source-csv-establishments = Fichier CSV d'établissements
admin-directory-source-csv-persons = Fichier CSV de personnes
admin-directory-dry-run = essai à blanc
admin-directory-state-running = en cours
admin-directory-state-done = terminé
admin-directory-state-failed = en échec
admin-directory-establishments = { $created } créés, { $updated } modifiés, { $rejected } rejetés
admin-directory-persons = { $created } créées, { $updated } modifiées, { $deactivated } désactivées, { $rejected } rejetées
admin-directory-none = Aucune synchronisation pour l'instant.
