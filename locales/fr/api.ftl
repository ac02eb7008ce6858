# Messages de l'API (problèmes RFC 9457). Les clés suivent les codes stables de l'API.

problem-invalid-field = Champ invalide
problem-malformed-body = Requête illisible
problem-unauthorized = Authentification requise
problem-forbidden = Action non autorisée
problem-not-found = Introuvable
problem-transition-forbidden = Changement de statut impossible
problem-conflict = Conflit avec l'état actuel
problem-unavailable = Service momentanément indisponible
problem-internal = Erreur interne
problem-payload-too-large = Requête trop volumineuse
problem-method-not-allowed = Méthode non autorisée
problem-route-not-found = Adresse inconnue

field-required = Le champ « { $field } » est obligatoire.
field-too_long = Le champ « { $field } » est trop long.
field-invalid = La valeur du champ « { $field } » n'est pas reconnue.
field-email = « { $field } » n'est pas une adresse électronique valide.
field-code = « { $field } » doit être un code court en lettres, chiffres, tirets ou soulignés.
field-uai-length = Le code UAI doit compter 7 chiffres suivis d'une lettre.
field-uai-digits = Le code UAI doit commencer par 7 chiffres.
field-uai-check_letter = La lettre de contrôle du code UAI ne correspond pas à ses chiffres.
field-reference = « { $field } » n'est pas une référence de ticket (AAAA-NNNNNN).
field-attachments-too_many = Trop de pièces jointes.
field-attachments-filename = Le nom d'une pièce jointe est vide ou contient des caractères interdits.
field-attachments-too_large = Une pièce jointe dépasse la taille maximale autorisée.
field-attachments-type = Ce type de fichier n'est pas accepté en pièce jointe.
field-person-inactive = Cette personne n'est plus active dans l'annuaire.
field-establishment-kind = Le nœud choisi n'est pas un établissement.
field-application-inactive = Cette application n'est plus proposée.
field-score-range = La note doit être comprise entre 1 et 5.
field-link-self = Un ticket ne peut pas être lié à lui-même.
field-search-no_words = La recherche ne contient aucun mot exploitable.
field-password-too_short = Le mot de passe doit compter au moins 12 caractères.
field-org-parent_kind = Ce type de nœud ne peut pas être placé sous ce parent.
field-assignee-not_in_group = Cette personne n'est pas membre du groupe du ticket.
field-cursor = Le curseur de pagination est invalide ou ne correspond pas au tri demandé.
field-date = « { $field } » doit être une date (AAAA-MM-JJ) ou un horodatage RFC 3339.
field-number = « { $field } » doit être un nombre entier.
field-json = Le champ « { $field } » a une valeur d'un type inattendu.
field-unknown = Le champ « { $field } » n'existe pas.

body-malformed = Le corps de la requête n'est pas un JSON valide : { $reason }
body-content-type = Le corps de la requête doit être envoyé en application/json.

rule-ticket-read_only = Vous pouvez consulter ce ticket mais pas y répondre.
rule-ticket-desk_only = Seul le guichet qui traite ce ticket peut faire cela.
rule-ticket-requester_only = Seul le demandeur peut faire cela.
rule-ticket-establishment_not_yours = Vous ne pouvez déposer une demande que pour un établissement où vous exercez.
rule-person-inactive = Votre compte n'est plus actif.
rule-admin_only = Réservé aux administrateurs.
rule-desk_only = Réservé aux agents du guichet.

conflict-duplicate = Cette valeur existe déjà.
conflict-person-email_taken = Une personne utilise déjà cette adresse électronique.
conflict-ticket-reopen_window_passed = Le délai pour rouvrir ce ticket est dépassé : déposez une nouvelle demande.
conflict-ticket-finished = Ce ticket est terminé.
conflict-ticket-not_resolved = Ce ticket n'est pas encore résolu.
conflict-ticket-escalate_not_higher = L'escalade doit aller vers un groupe de niveau supérieur.
conflict-ticket-transfer_same_desk = Le transfert doit aller vers un autre guichet.
conflict-ticket-assign_other_desk_or_level = Pour changer de guichet ou de niveau, utilisez le transfert ou l'escalade.
conflict-link-exists = Ces deux tickets sont déjà liés.
conflict-desk-no_group = Aucun groupe ne peut recevoir cette demande.
conflict-ticket-take_needs_person = Seule une personne peut prendre un ticket en charge.

lifecycle-not-from-status = Un ticket au statut « { $status } » ne peut pas être { $move }.
lifecycle-not-for-actor = Vous ne pouvez pas effectuer cette action sur ce ticket ({ $move }).

not-found = { $what } introuvable.
object-ticket = Ticket
object-other-ticket = Ticket lié
object-person = Personne
object-requester = Demandeur
object-application = Application
object-group = Groupe
object-desk = Guichet
object-establishment = Établissement
object-zone = Zone
object-attachment = Pièce jointe
object-link = Lien
object-token = Jeton
object-node = Nœud
object-parent = Parent
object-org-node = Nœud
object-default-group = Groupe par défaut
object-intake-group = Groupe d'accueil
object-object = Objet

token-missing = Fournissez un jeton dans l'en-tête « Authorization: Bearer … ».
token-malformed = Ce jeton n'a pas le bon format.
token-unknown = Ce jeton est inconnu.
token-revoked = Ce jeton a été révoqué.
token-inactive = Le compte de ce jeton n'est plus actif.

internal-detail = Une erreur interne est survenue (requête { $request }). Elle a été journalisée.
unavailable-detail = La base de données ne répond pas. Réessayez dans quelques instants.
payload-too-large-detail = La requête dépasse la taille maximale acceptée.
route-not-found-detail = Aucune ressource à cette adresse.
method-not-allowed-detail = Cette adresse n'accepte pas cette méthode.

status-new = nouveau
status-assigned = attribué
status-in_progress = en cours
status-waiting = en attente
status-resolved = résolu
status-closed = clos
status-rejected = refusé
status-cancelled = annulé

move-assign = attribué
move-take_in_charge = pris en charge
move-wait = mis en attente
move-resume = repris
move-resolve = résolu
move-close = clos
move-reopen = rouvert
move-reject = refusé
move-cancel = annulé
move-requeue = escaladé ou transféré

# Absences, délégations, vues enregistrées, actions groupées (espace agent).
field-absence-end_before_start = La fin de l’absence doit être postérieure à son début.
field-absence-over = Cette absence serait déjà terminée.
field-absence-only_shorten = Une absence peut seulement être raccourcie : déclarez-en une autre pour la prolonger.
field-absence-delegate_self = On ne peut pas être son propre suppléant.
field-absence-delegate_inactive = Ce suppléant n’est plus actif.
field-absence-delegate_no_shared_group = Le suppléant doit être agent d’un des groupes de la personne absente.
field-absence-not_an_agent = Seul un agent peut déclarer une absence avec suppléance.
rule-absence-not_yours = Seuls l’agent lui-même ou un administrateur gèrent ses absences.
conflict-absence-overlap = Cette absence chevauche une autre absence déjà déclarée.
conflict-absence-over = Cette absence est déjà terminée.
object-absence = Absence
timeline-assigned-delegate = Attribué à { $assignee }, suppléant de { $absent }, absent jusqu’au { $until }.
field-bulk-too_many = Une action groupée porte sur 100 tickets au plus.
field-age-range = « { $field } » doit être un nombre de jours entre 0 et 3650.
field-age-empty_window = Avec ces âges, aucun ticket ne peut correspondre.
conflict-view-name_taken = Vous avez déjà une vue de ce nom.
object-view = Vue enregistrée
object-queue = File
queue-mine = Mes tickets
queue-mine-delegated = Dont ceux de { $absent }, absent jusqu’au { $until }
field-search-too_short = Saisissez au moins deux caractères, ou un code UAI.

# Job queue (administrators)
object-job = Tâche
conflict-job-not_replayable = Seule une tâche en échec ou abandonnée peut être relancée.
