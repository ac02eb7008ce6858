# Administration pages (/admin), the administration link and the 500 page's request id.

layout-admin-link = Administration
error-request-id = Référence de l'incident à communiquer à l'assistance : { $reference }

admin-title = Administration
admin-intro = Configurez les guichets, leurs groupes et leurs agents, les applications et les comptes, et surveillez les tâches en échec.
admin-back = Retour à l'administration
admin-choose = Choisir…
admin-none = Aucun
admin-yes = Oui
admin-no = Non
admin-active = Actif
admin-inactive = Désactivé
admin-retired = Retirée
admin-next-page = Page suivante
admin-code-hint = Lettres, chiffres, tirets ou soulignés (32 au plus), par exemple DSI-N1.
admin-keywords-hint = Mots qui désignent l'application dans l'objet d'un courriel, séparés par des virgules, par exemple : LSU, LSUN, Livret.

admin-col-code = Code
admin-col-name = Nom
admin-col-groups = Groupes
admin-col-desk = Guichet
admin-col-level = Niveau
admin-col-expertise = Expertise
admin-col-keywords = Mots-clés
admin-col-default-group = Groupe par défaut
admin-col-state = État
admin-col-email = Adresse électronique
admin-col-id = Numéro
admin-col-kind = Type
admin-col-attempts = Tentatives
admin-col-last-error = Dernière erreur
admin-col-run-at = Prochaine exécution
admin-col-action = Action

admin-level-N0 = N0 — proximité
admin-level-N1 = N1 — assistance globale
admin-level-N2 = N2 — expertise
admin-level-N3 = N3 — éditeur
admin-expertise-functional = Fonctionnelle
admin-expertise-pedagogical = Pédagogique
admin-expertise-technical = Technique

admin-role-director = Directeur ou directrice d'école
admin-role-head = Chef d'établissement
admin-role-teacher = Enseignant·e
admin-role-staff = Personnel administratif
admin-role-ien = IEN
admin-role-dasen = DASEN
admin-role-steering = Pilotage
admin-role-admin = Administrateur ou administratrice

admin-desks-title = Guichets
admin-desks-intro = les guichets d'assistance et leurs groupes.
admin-desks-caption = Guichets et leurs groupes
admin-desks-create = Créer un guichet
admin-desks-submit = Créer le guichet
admin-desks-done-created = Le guichet est créé.
field-label-desk-code = Code du guichet
field-label-desk-name = Nom du guichet

admin-groups-title = Groupes
admin-groups-intro = les files de chaque guichet, leur niveau et leurs agents.
admin-groups-caption = Groupes de tous les guichets
admin-groups-create = Créer un groupe
admin-groups-submit = Créer le groupe
admin-groups-back = Retour aux groupes
field-label-group-desk = Guichet du groupe
field-label-group-code = Code du groupe
field-label-group-name = Nom du groupe
field-label-group-level = Niveau d'assistance
field-label-group-expertise = Expertise

admin-group-title = Groupe { $name }
admin-group-done-created = Le groupe est créé : ajoutez-lui des agents.
admin-group-done-added = L'agent est ajouté au groupe.
admin-group-done-removed = L'agent est retiré du groupe.
admin-group-members = Agents du groupe
admin-group-no-members = Ce groupe n'a pas encore d'agent.
admin-group-remove = Retirer
admin-group-remove-named = Retirer { $name } du groupe
admin-group-add = Ajouter un agent
admin-group-add-submit = Ajouter l'agent
field-label-member-email = Adresse électronique de l'agent

admin-applications-title = Applications
admin-applications-intro = les applications et services concernés par les demandes, leurs mots-clés et leur groupe par défaut.
admin-applications-caption = Applications et leurs mots-clés
admin-applications-create = Ajouter une application
admin-applications-submit = Ajouter l'application
admin-applications-back = Retour aux applications
admin-applications-done-created = L'application est ajoutée.
admin-application-title = Application { $name }
admin-application-done-updated = L'application est enregistrée.
admin-application-submit = Enregistrer
field-label-app-code = Code de l'application
field-label-app-name = Nom de l'application
field-label-app-description = Description (facultatif)
field-label-app-keywords = Mots-clés (facultatif)
field-label-app-default_group = Groupe par défaut (facultatif)
field-label-app-active = Proposée aux demandeurs

admin-users-title = Utilisateurs
admin-users-intro = rechercher une personne, voir ses rôles, la désactiver, lui donner l'administration ou l'ajouter à un groupe.
admin-users-caption = Personnes trouvées
admin-users-search = Rechercher
admin-users-none = Personne ne correspond à cette recherche.
admin-users-back = Retour aux utilisateurs
field-label-user-q = Nom ou adresse électronique
admin-user-admin = Administration
admin-user-roles = Rôles
admin-user-account = Compte
admin-user-deactivate = Désactiver le compte
admin-user-reactivate = Réactiver le compte
admin-user-grant-admin = Donner l'administration
admin-user-revoke-admin = Retirer l'administration
admin-user-groups = Groupes (agent)
admin-user-no-groups = Cette personne n'est agent d'aucun groupe.
admin-user-join = Ajouter au groupe
admin-user-leave-named = Retirer du groupe { $name }
field-label-user-group = Groupe à rejoindre
field-label-user-active = Compte
field-label-user-admin = Administration
admin-user-done-deactivate = Le compte est désactivé : la personne ne peut plus se connecter.
admin-user-done-reactivate = Le compte est réactivé.
admin-user-done-grant-admin = La personne est administratrice.
admin-user-done-revoke-admin = La personne n'est plus administratrice.
admin-user-done-join-group = La personne est ajoutée au groupe.
admin-user-done-left-group = La personne est retirée du groupe.
admin-user-done-created = Le compte est créé.

admin-jobs-title = Tâches en échec
admin-jobs-intro = les tâches de fond qui échouent ou ont abandonné, à relancer.
admin-jobs-states = État des tâches
admin-jobs-state-dead = Abandonnées
admin-jobs-state-failed = En échec (nouvel essai prévu)
admin-jobs-caption-dead = Tâches abandonnées, les plus récentes d'abord
admin-jobs-caption-failed = Tâches en échec, les plus récentes d'abord
admin-jobs-replay = Relancer
admin-jobs-replay-named = Relancer la tâche { $name }
admin-jobs-none = Aucune tâche dans cet état.
admin-jobs-done-replayed = La tâche est relancée.

form-error-admin-duplicate = Ce « { $field } » est déjà utilisé.
form-error-admin-self = Vous ne pouvez pas faire cela sur votre propre compte (« { $field } ») : demandez-le à un autre administrateur.
form-error-person-unknown = Aucune personne n'a cette adresse : vérifiez « { $field } ».

# The same refusals in the API's problem documents.
object-member = Membre du groupe
field-person-unknown = Aucune personne n'a cette adresse électronique.
conflict-admin-self = Un administrateur ne peut pas se désactiver ni se retirer l'administration : demandez-le à un autre administrateur.
conflict-org-no_root = L'arborescence n'a pas d'académie : chargez-la avant de nommer un administrateur.
