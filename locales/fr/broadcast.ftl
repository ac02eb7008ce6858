# Mass information (broadcast): mail footer, API messages, pages.
broadcast-mail-footer = Message d'information envoyé par Guichet, le guichet unique d'assistance. Cette information est adressée à tous les personnels concernés de la zone ; elle ne peut pas être désactivée dans vos préférences.

# API problems.
rule-broadcast-steering_only = Seuls les personnels de pilotage (IEN, DASEN, DSI) et les administrateurs peuvent diffuser une information.
rule-broadcast-beyond_zone = Vous ne pouvez informer que votre zone : une des zones choisies est hors de votre circonscription, de votre département ou de votre académie.
conflict-broadcast-already_sent = Cette diffusion a déjà commencé : elle ne peut plus être modifiée, reprogrammée ni annulée.
field-broadcast-zone_unknown = Une des zones choisies n'existe pas.
field-broadcast-zone_kind = Une des zones choisies n'est ni une académie, ni un département, ni une circonscription, ni un établissement.
field-broadcast-uai_unknown = Aucun établissement ne porte un des codes UAI donnés.
field-broadcast-too_many_zones = Trop de zones ou d'UAI (500 au plus).
field-broadcast-past = La date de fin du bandeau est passée.
field-broadcast-rate = Le débit doit être compris entre 0 (sans limite) et 100 000 messages par minute.
object-broadcast = Diffusion

# Pages (/broadcasts).
layout-broadcasts-link = Diffusions
broadcast-list-title = Diffusions d'information
broadcast-list-intro = Les messages adressés à tous les personnels d'une zone : les vôtres et ceux de votre zone.
broadcast-new-link = Nouvelle diffusion
broadcast-list-caption = Diffusions, les plus récentes d'abord
broadcast-col-subject = Objet
broadcast-col-status = État
broadcast-col-audience = Destinataires
broadcast-col-progress = Avancement
broadcast-col-send-at = Envoi prévu (heure de Paris)
broadcast-created = créée le { $when }
broadcast-people = { $n ->
    [0] aucune personne
    [one] { $n } personne
   *[other] { $n } personnes
}
broadcast-progress = envoyés : { $sent } · en échec : { $failed } · revenus : { $bounced } · en attente : { $queued }
broadcast-list-none = Aucune diffusion pour l'instant.
broadcast-list-newest = Diffusions les plus récentes
broadcast-list-older = Diffusions plus anciennes
broadcast-status-draft = Brouillon
broadcast-status-scheduled = Programmée
broadcast-status-sending = En cours d'envoi
broadcast-status-sent = Envoyée
broadcast-status-cancelled = Annulée
broadcast-done-draft = Le brouillon est enregistré. Rien n'est envoyé tant que vous ne l'envoyez pas.
broadcast-done-scheduled = La diffusion est programmée.
broadcast-done-sending = La diffusion est en cours d'envoi.
broadcast-done-cancelled = La diffusion est annulée.
broadcast-back = Retour aux diffusions
broadcast-new-title = Nouvelle diffusion
broadcast-new-intro = Le message part par courriel à chaque personne de l'audience (une seule fois, même si elle y tient plusieurs rôles) et peut s'afficher en bandeau sur son portail. Vérifiez l'audience avec « Aperçu des destinataires » avant d'envoyer.
broadcast-preview-title = Aperçu des destinataires
broadcast-preview-count = { $n ->
    [0] Aucune personne ne correspond à ces rôles dans ces zones.
    [one] { $n } personne recevra ce message.
   *[other] { $n } personnes recevront ce message.
}
broadcast-preview-caption = { $n ->
    [one] La première personne de l'audience
   *[other] Les { $n } premières personnes de l'audience
}
broadcast-col-name = Nom
broadcast-col-email = Adresse électronique
broadcast-col-place = Établissement ou service
broadcast-legend-french = Message en français
broadcast-legend-english = Version anglaise (facultative)
broadcast-english-hint = Envoyée aux personnes qui lisent Guichet en anglais ; l'objet et le texte vont ensemble.
field-label-subject_fr = Objet
field-label-body_fr = Texte du message
field-label-subject_en = Objet en anglais
field-label-body_en = Texte en anglais
field-label-roles = Rôles des destinataires
broadcast-roles-hint = Cochez au moins un rôle.
field-label-zones = Zones
broadcast-zones-hint = Les zones que vous pouvez informer. Pour quelques établissements seulement, donnez leurs UAI ci-dessous.
broadcast-zone-academie = académie
broadcast-zone-departement = département
broadcast-zone-circonscription = circonscription
field-label-uais = Établissements par code UAI (facultatif)
broadcast-uais-hint = Un ou plusieurs codes UAI séparés par des espaces, virgules ou retours à la ligne, par exemple 0211234C.
broadcast-legend-delivery = Envoi
field-label-send_at = Date et heure d'envoi (facultatif)
broadcast-send-at-hint = Heure de Paris. Laissez vide pour envoyer dès maintenant.
field-label-rate_per_minute = Débit en messages par minute (facultatif)
broadcast-rate-hint = Laissez vide pour le débit habituel ({ $n } par minute) ; 0 : sans limite.
field-label-banner_until = Bandeau sur le portail jusqu'au (facultatif)
broadcast-banner-hint = Le message s'affiche en bandeau sur le portail de ses destinataires jusqu'à la fin de ce jour. Laissez vide pour ne pas l'afficher.
broadcast-action-preview = Aperçu des destinataires
broadcast-action-draft = Enregistrer le brouillon
broadcast-action-send = Envoyer ou programmer
broadcast-action-cancel = Annuler la diffusion
broadcast-show-title = Diffusion « { $subject } »
field-label-status = État de la diffusion
broadcast-fact-audience = Audience
broadcast-fact-audience-now = Audience à ce jour
broadcast-fact-created = Créée le
broadcast-fact-send-at = Envoi prévu le (heure de Paris)
broadcast-fact-started = Envoi commencé le
broadcast-fact-finished = Envoi terminé le
broadcast-fact-rate = Débit
broadcast-rate = { $n } messages par minute
broadcast-rate-unlimited = sans limite
broadcast-fact-banner = Bandeau jusqu'au
broadcast-text-title = Texte
broadcast-text-english = Version anglaise
broadcast-actions-title = Envoi
broadcast-progress-title = Destinataires et avancement
broadcast-progress-total = { $n ->
    [0] Aucun destinataire listé.
    [one] { $n } destinataire listé :
   *[other] { $n } destinataires listés :
}
broadcast-progress-skipped = Sans adresse électronique (notification dans Guichet seulement) : { $n }.
broadcast-states-nav = Filtrer les destinataires par état
broadcast-state-all = Tous
broadcast-state-queued = En attente
broadcast-state-sent = Envoyé
broadcast-state-failed = En échec
broadcast-state-bounced = Revenu en erreur
broadcast-state-skipped = Sans adresse
broadcast-recipients-caption = Destinataires et état de leur courriel
broadcast-col-state = État
broadcast-col-answer = Réponse du serveur de messagerie
broadcast-recipients-later = Les destinataires sont listés au moment de l'envoi.
broadcast-recipients-none = Aucun destinataire dans cet état.
broadcast-recipients-first = Premiers destinataires
broadcast-recipients-next = Destinataires suivants
form-error-broadcast-beyond_zone = « { $zone } » est hors de votre zone : vous ne pouvez informer que votre circonscription, votre département ou votre académie.
form-error-broadcast-beyond_zone_any = Une des zones choisies est hors de votre zone.
form-error-broadcast-body_too_long = Le champ « { $field } » est trop long (20 000 caractères au plus).
form-error-broadcast-when = « { $field } » doit être une date et une heure valides, par exemple 01/09/2026 08:00.
form-error-broadcast-day = « { $field } » doit être une date valide, par exemple 30/09/2026.
form-error-broadcast-send_past = La date d'envoi est passée : choisissez une date à venir, ou laissez vide pour envoyer maintenant.
form-error-broadcast-already_sent = Cette diffusion a déjà commencé ou est annulée : elle ne peut plus être envoyée, reprogrammée ni annulée.
