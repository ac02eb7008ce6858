# Pages (portail des demandeurs et gabarit commun). Les clés de l'API sont dans api.ftl.

## Gabarit
layout-site-name = Guichet
layout-tagline = Assistance numérique de l'académie
layout-home-link = Accueil — Guichet
layout-skiplinks = Accès rapide
layout-skip-content = Contenu
layout-skip-footer = Pied de page
layout-signed-in-as = Connecté·e : { $name }
layout-sign-out = Se déconnecter
layout-footer-desc = Guichet unique d'assistance : posez vos questions, signalez un incident et suivez vos demandes.
layout-accessibility-link = Accessibilité : non conforme

## Formulaires
form-title-error-prefix = Erreur :
form-errors-title = { $n ->
    [one] Le formulaire contient une erreur
   *[other] Le formulaire contient { $n } erreurs
}
form-required-note = Sauf mention contraire, tous les champs sont obligatoires.
form-error-required = Renseignez le champ « { $field } ».
form-error-too_long = Le champ « { $field } » est trop long (200 caractères au plus).
form-error-invalid = La valeur choisie pour « { $field } » n'est pas reconnue.
form-error-attachments-too_large = Les pièces jointes dépassent la taille maximale de { $size } Mo par fichier : réduisez-les ou envoyez-en moins à la fois.
form-error-attachments-too_many = Vous pouvez joindre { $max } fichiers au plus.
form-error-attachments-type = Ce type de fichier n'est pas accepté (programmes et scripts : .exe, .js, .bat…).
form-error-attachments-filename = Le nom d'un fichier joint est vide ou contient des caractères interdits.
form-error-signin-invalid = Identifiant ou mot de passe incorrect.
form-error-signin-locked = Trop d'essais infructueux : ce compte est bloqué. Réessayez dans { $minutes } minute(s).
form-error-signin-throttled = Trop d'essais infructueux depuis votre connexion. Réessayez dans { $minutes } minute(s).
form-error-action-not_now = Cette action n'est plus possible dans l'état actuel de la demande.
form-error-ticket-reopen_window_passed = Le délai pour rouvrir cette demande est dépassé : déposez une nouvelle demande.
form-error-ticket-finished = Cette demande est terminée : déposez une nouvelle demande si besoin.
form-error-ticket-not_resolved = L'enquête de satisfaction s'ouvre quand la demande est résolue.
form-error-score-range = Choisissez une note de 1 à 5.
files-hint = { $max } fichiers au plus, { $size } Mo chacun au plus. Les programmes et scripts (.exe, .js, .bat…) sont refusés.
file-size = { $kb } Ko

field-label-login = Adresse électronique
field-label-password = Mot de passe
field-label-application = Application concernée
field-label-type = Type de demande
field-label-subject = Objet
field-label-body = Description
field-label-attachments = Pièces jointes (facultatif)
field-label-establishment = Établissement concerné
field-label-message = Votre message
field-label-reason = Ce qui n'est pas résolu
field-label-cancel-reason = Motif de l'annulation (facultatif)
field-label-comment = Commentaire (facultatif)
field-label-score = Votre note
field-label-reply = Réponse
field-label-cancel = Annulation
field-label-confirm = Confirmation

## Connexion
signin-title = Se connecter
signin-legend = Votre compte Guichet
signin-login-hint = Format attendu : prenom.nom@ac-academie.fr
signin-submit = Se connecter

## Accueil
home-title = Mes demandes
home-new-request = Faire une nouvelle demande
home-announcements = Annonces
home-mine = Mes demandes en cours
home-mine-empty = Vous n'avez aucune demande en cours.
home-school = Demandes de l'établissement : { $name }
home-school-hint = En tant que directeur ou directrice, vous voyez les demandes de votre établissement ; seules les vôtres peuvent être modifiées par vous.
home-school-empty = Aucune autre demande en cours pour cet établissement.

list-reference = Référence
list-subject = Objet
list-status = État
list-handled-by = Prise en charge par
list-last-change = Dernière modification
list-nobody-yet = En attente d'attribution

ago-now = à l'instant
ago-minutes = il y a { $n } { $n ->
    [one] minute
   *[other] minutes
}
ago-hours = il y a { $n } { $n ->
    [one] heure
   *[other] heures
}
ago-days = il y a { $n } { $n ->
    [one] jour
   *[other] jours
}

status-label-new = Reçue
status-label-assigned = Attribuée
status-label-in_progress = En cours de traitement
status-label-waiting = En attente
status-label-resolved = Résolue
status-label-closed = Close
status-label-rejected = Refusée
status-label-cancelled = Annulée

## Nouvelle demande
new-title = Nouvelle demande
new-intro = Décrivez votre besoin : votre demande arrive directement au guichet qui traite l'application choisie.
new-application-legend = Application concernée
new-application-hint = Choisissez l'application ou le service sur lequel porte votre demande.
new-application-other = Autre ou je ne sais pas
new-application-other-hint = Le guichet orientera votre demande.
type-label-incident = Incident
type-hint-incident = Quelque chose ne fonctionne pas ou plus.
type-label-request = Demande
type-hint-request = Une question, un accès, une intervention.
type-label-change = Suggestion d'évolution
type-hint-change = Une idée pour améliorer une application.
new-establishment-one = Établissement concerné : { $name }
new-subject-hint = En quelques mots, par exemple : « ONDE : impossible de valider une admission ».
new-body-hint = Ce que vous faisiez, ce qui s'est passé, le message d'erreur éventuel.
new-submit = Envoyer ma demande

## Confirmation
submitted-title = Votre demande a bien été enregistrée
submitted-reference = Sa référence :
submitted-subject = Objet : { $subject }
submitted-next-title = Et ensuite ?
submitted-next-1 = Votre demande arrive dans la file du guichet compétent.
submitted-next-2 = Un ou une agente la prend en charge ; vous voyez son nom sur votre demande.
submitted-next-3 = Vous suivez les réponses sur la page de la demande, où vous pouvez aussi répondre.
submitted-delay-title = Délai de traitement
submitted-delay-default = Nous traitons en général les demandes sous deux jours ouvrés.
submitted-open = Voir ma demande
submitted-home = Retour à mes demandes

## Page d'une demande
request-title = Demande { $reference }
request-back = Retour à mes demandes
request-reference = Référence :
request-read-only = Vous consultez cette demande en lecture seule : elle a été déposée par une autre personne de votre établissement.
request-solution = Solution proposée
request-confirm-title = Votre demande est-elle résolue ?
request-solved = Oui, c'est résolu
request-not-solved = Non, ce n'est pas résolu
request-not-solved-hint = Expliquez ce qui ne va toujours pas : la demande sera rouverte.
request-timeline = Historique
request-reply-title = Répondre
request-reply-submit = Envoyer ma réponse
request-cancel-title = Annuler la demande
request-cancel-submit = Annuler ma demande
request-done-replied = Votre réponse a été envoyée.
request-done-cancelled = Votre demande a été annulée.
request-done-closed = Merci : la demande est close.
request-done-reopened = Votre demande a été rouverte.
request-done-rated = Merci pour votre avis.

entry-submitted = Demande déposée
entry-reply = Message
entry-note = Note interne
entry-status_change = Changement d'état
entry-assignment = Prise en charge
entry-escalation = Transmise à un autre niveau
entry-transfer = Transférée à un autre guichet
entry-link = Liée à une autre demande
entry-unlink = Lien retiré
entry-priority_change = Priorité modifiée
entry-application_change = Application modifiée
entry-resolution = Solution
entry-survey_answer = Avis de satisfaction

survey-title = Votre avis sur le traitement
survey-hint = De 1 (pas du tout satisfait) à 5 (très satisfait).
survey-score-1 = 1 — pas du tout satisfait
survey-score-2 = 2
survey-score-3 = 3
survey-score-4 = 4
survey-score-5 = 5 — très satisfait
survey-submit = Envoyer mon avis
survey-thanks = Merci, votre avis ({ $score }/5) est enregistré.

## Erreurs
error-code = Code d'erreur : { $status }
error-home = Retour à l'accueil
error-not-found-title = Page introuvable
error-not-found-text = Cette page n'existe pas, ou vous n'avez pas accès à son contenu.
error-forbidden-title = Accès refusé
error-forbidden-text = Vous n'avez pas le droit de faire cette action.
error-csrf-title = Formulaire expiré
error-csrf-text = Ce formulaire n'est plus valable (session expirée ou page ouverte ailleurs). Revenez à la page, rechargez-la et recommencez.
error-unavailable-title = Service momentanément indisponible
error-unavailable-text = Réessayez dans quelques instants.
error-internal-title = Une erreur est survenue
error-internal-text = L'équipe technique en est informée. Réessayez plus tard.

## Déclaration d'accessibilité
a11y-title = Déclaration d'accessibilité
a11y-intro = L'académie s'engage à rendre Guichet accessible, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration s'applique au portail des demandeurs de Guichet.
a11y-status-title = État de conformité
a11y-status = Guichet est non conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA) version 4.1 : il n'a pas encore fait l'objet d'un audit de conformité.
a11y-tests-title = Résultats des tests
a11y-tests = Chaque type de page (connexion, accueil, nouvelle demande, page d'une demande, cette déclaration) est vérifié automatiquement avec axe-core dans un navigateur à chaque version : aucune anomalie grave ou critique n'est acceptée. Ces tests automatiques ne remplacent pas un audit.
a11y-gaps-title = Contenus non accessibles
a11y-gap-1 = Les pièces jointes déposées par les usagers et les agents (documents, captures d'écran) peuvent ne pas être accessibles.
a11y-gap-2 = Sur petit écran, le menu d'en-tête est remplacé par une barre d'outils sous l'en-tête, sans JavaScript.
a11y-made-title = Établissement de cette déclaration
a11y-made = Cette déclaration a été établie le 1er décembre 2026. Technologies utilisées : HTML, CSS (Système de design de l'État). Aucun JavaScript n'est nécessaire.
a11y-contact-title = Retour d'information et contact
a11y-contact = Si vous n'arrivez pas à accéder à un contenu ou à un service, déposez une demande « Autre » sur ce guichet ou contactez l'assistance de votre académie : nous vous orienterons vers une alternative accessible.
a11y-remedy-title = Voies de recours
a11y-remedy = Si vous avez signalé un défaut d'accessibilité sans obtenir de réponse satisfaisante, vous pouvez :
a11y-remedy-1 = écrire un message au Défenseur des droits (formulaire en ligne sur defenseurdesdroits.fr) ;
a11y-remedy-2 = contacter le délégué du Défenseur des droits dans votre région ;
a11y-remedy-3 = envoyer un courrier gratuit, sans affranchissement : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.

## Espace agent (/desk)
layout-desk-link = Espace agent
desk-title = Espace agent
desk-back = Retour à l'espace agent
desk-standing-in = Vous remplacez des collègues absents : leurs demandes sont dans « Mes demandes ».
desk-until = absent·e jusqu'au
desk-queues = Mes files
desk-queue = File
desk-open = Ouvertes
desk-unassigned = Non attribuées
desk-unassigned-count = { $n } non attribuée(s)
desk-views = Mes vues enregistrées
desk-no-views = Aucune vue enregistrée.
desk-queue-mine = Mes demandes (y compris mes remplacements)
desk-queue-zone = Ma zone : { $name }
desk-sort = Trier par
desk-sort--created = Les plus récentes d'abord
desk-sort-created = Les plus anciennes d'abord
desk-sort--updated = Modifiées récemment
desk-sort-updated = Modifiées il y a le plus longtemps
desk-sort--priority = Priorité la plus haute
desk-sort-priority = Priorité la plus basse
desk-sort-apply = Trier
desk-col-reference = Référence
desk-col-subject = Objet
desk-col-priority = Priorité
desk-col-level = Niveau
desk-col-age = Déposée
desk-col-assignee = Agent
desk-delegated = remplacement
desk-next-page = Page suivante
desk-queue-empty = Aucune demande ouverte dans cette file.
priority-label-very_low = Très basse
priority-label-low = Basse
priority-label-medium = Moyenne
priority-label-high = Haute
priority-label-very_high = Très haute
desk-choose = Choisir…
desk-requester = Demandeur
desk-requester-open = Ses autres demandes ouvertes :
desk-take-title = Prise en charge
desk-take = Prendre en charge
desk-internal = Interne
desk-message-title = Répondre ou noter
desk-send-reply = Envoyer la réponse au demandeur
desk-send-note = Ajouter une note interne
desk-escalate-title = Escalader vers un niveau supérieur
desk-escalate = Escalader
desk-transfer-title = Transférer à un autre guichet
desk-transfer = Transférer
desk-link-title = Lier à une autre demande
desk-link-hint = Référence au format AAAA-NNNNNN
desk-link-kind-duplicate = Doublon de cette demande (celle-ci sera close)
desk-link-kind-related = Demande liée
desk-link-kind-parent = Demande parente
desk-link = Lier
desk-priority-title = Priorité
desk-priority = Changer la priorité
desk-resolve-title = Résoudre
desk-resolve = Marquer comme résolue
desk-done-reply = Votre réponse a été envoyée au demandeur.
desk-done-note = La note interne a été ajoutée.
desk-done-take = Vous avez pris la demande en charge.
desk-done-escalate = La demande a été escaladée.
desk-done-transfer = La demande a été transférée.
desk-done-link = Le lien a été ajouté.
desk-done-priority = La priorité a été modifiée.
desk-done-resolve = La demande est résolue.
field-label-message-body = Message
field-label-message-attachments = Pièces jointes (facultatif)
field-label-message-kind = Type de message
field-label-escalate-group = Groupe de niveau supérieur
field-label-escalate-reason = Motif de l'escalade
field-label-transfer-group = Groupe d'un autre guichet
field-label-transfer-reason = Motif du transfert
field-label-link-other = Autre demande
field-label-link-kind = Type de lien
field-label-priority-priority = Nouvelle priorité
field-label-resolve-solution = Solution apportée
field-label-take = Prise en charge
field-label-escalate = Escalade
field-label-transfer = Transfert
field-label-link = Lien
field-label-priority = Priorité
field-label-resolve = Résolution
form-error-ticket-escalate_not_higher = L'escalade doit aller vers un groupe de niveau supérieur : choisissez-en un dans « { $field } ».
form-error-ticket-transfer_same_desk = Le transfert doit aller vers un autre guichet : choisissez un groupe dans « { $field } ».
form-error-link-exists = Ces deux demandes sont déjà liées.
form-error-link-self = Une demande ne peut pas être liée à elle-même.
form-error-reference = « { $field } » n'est pas une référence de demande (AAAA-NNNNNN).
desk-col-select = Sélection
desk-select = Sélectionner la demande { $reference }
desk-bulk-title = Action sur les demandes sélectionnées
desk-bulk-take = Les prendre en charge
desk-bulk-assign = Les attribuer à un collègue
desk-bulk-resolve = Les résoudre (solution ci-dessous)
desk-bulk-close = Les clore
desk-bulk-submit = Appliquer
desk-bulk-result = Résultat de l'action groupée
desk-bulk-back = Retour à la file
desk-bulk-outcome = Résultat
desk-bulk-done = Fait
desk-bulk-refused = Refusé
desk-bulk-not-found = Demande introuvable ou hors de vos files.
field-label-bulk-action = Action
field-label-bulk-assignee = Collègue (pour une attribution)
field-label-bulk-solution = Solution (pour une résolution)
field-label-bulk-tickets = Demandes sélectionnées
desk-moved-escalate = La demande { $reference } a été escaladée : elle est maintenant dans la file du groupe choisi.
desk-moved-transfer = La demande { $reference } a été transférée : elle est maintenant dans la file du groupe choisi.
desk-absence-title = Mes absences
desk-absence-list = Absences en cours ou à venir
desk-absence-item = Remplacé·e par { $name } :
desk-absence-none = Aucune absence déclarée.
desk-absence-cancel = Annuler cette absence
desk-absence-declare = Déclarer une absence
desk-absence-end-hint = Premier jour de retour
desk-absence-submit = Déclarer l'absence
desk-absence-done-declared = L'absence est déclarée : vos demandes attribuées iront à votre remplaçant·e pendant cette période.
desk-absence-done-cancelled = L'absence est annulée.
field-label-absence-starts_at = Premier jour d'absence
field-label-absence-ends_at = Jour du retour
field-label-absence-delegate = Remplaçant·e
desk-phone-title = Saisir un appel téléphonique
desk-phone-q-hint = Nom, adresse électronique ou code UAI de l'établissement
desk-phone-search = Rechercher
desk-phone-nobody = Personne ne correspond à cette recherche.
desk-phone-for = Demande pour
desk-phone-other = Choisir une autre personne
desk-phone-submit = Enregistrer la demande
field-label-phone-q = Qui appelle ?
field-label-phone-application = Application concernée
field-label-phone-subject = Objet
field-label-phone-body = Description
