# Réception des courriels : l'explication envoyée à l'expéditeur d'un message refusé
# (crates/mail/templates/refusal.*) et les motifs de refus (crates/core/src/intake.rs).
notify-refusal-subject = Message non enregistré : { $subject }
intake-refusal-hello = Bonjour,
intake-refusal-intro = Votre message « { $subject } » n’a pas pu être enregistré comme demande :
intake-refusal-portal = Vous pouvez déposer votre demande sur le portail :
intake-refusal-footer = Message automatique du guichet unique d'assistance ; inutile d'y répondre.

intake-reason-too_large = le message est trop volumineux ; envoyez les pièces jointes les plus lourdes par le portail.
intake-reason-no_sender = le message ne mentionne pas d'expéditeur.
intake-reason-domain = seules les adresses académiques sont acceptées ; écrivez depuis votre adresse professionnelle.
intake-reason-unauthenticated = votre adresse n'a pas pu être authentifiée ; écrivez depuis la messagerie académique.
intake-reason-no_keyword = l'objet ne nomme pas l'application concernée (par exemple LSU) ; renvoyez votre message en l'ajoutant dans l'objet.
intake-reason-quota = vous avez atteint le nombre de demandes par courriel pour aujourd'hui ; réessayez demain ou utilisez le portail.
intake-reason-unknown_sender = votre adresse n'est pas connue de l'annuaire académique.
intake-reason-inactive_sender = votre compte n'est plus actif dans l'annuaire académique.
intake-reason-role = cette adresse est réservée aux directeurs et directrices d'école ; adressez-vous à votre directeur ou au portail.
intake-reason-not_participant = seuls le demandeur et les personnes qui suivent cette demande peuvent y répondre.
intake-reason-error = une erreur est survenue ; le guichet examinera votre message.

admin-quarantine-title = Messages reçus
admin-quarantine-intro = Les courriels refusés par la politique de réception, avec leurs motifs. Libérer un message crée la demande malgré le refus.
admin-quarantine-state = État
admin-quarantine-mailbox = Boîte
admin-quarantine-sender = Expéditeur
admin-quarantine-subject = Objet
admin-quarantine-received = Reçu le
admin-quarantine-reasons = Motifs
admin-quarantine-filter = Filtrer
admin-quarantine-empty = Aucun message.
admin-quarantine-read = Lire
admin-quarantine-release = Libérer (créer la demande)
admin-quarantine-delete = Supprimer
admin-quarantine-released = Message libéré : demande { $reference } créée.
admin-quarantine-deleted = Message supprimé.
admin-quarantine-text = Texte du message
admin-quarantine-attachments = Pièces jointes
admin-quarantine-gone = Le contenu du message a été supprimé.
admin-quarantine-state-quarantined = en quarantaine
admin-quarantine-state-failed = en échec
admin-quarantine-state-released = libéré
admin-quarantine-state-deleted = supprimé
admin-quarantine-state-ignored = ignoré
admin-quarantine-state-bounce = non-remise
admin-quarantine-state-ticket = demande
admin-quarantine-state-reply = réponse
