# Notifications par courriel et dans l'application (crates/mail/templates, crates/app/src/notify).
notify-hello = Bonjour { $name },
notify-footer = Message automatique du guichet unique d'assistance. Pour compléter votre demande, répondez à ce message en gardant la référence dans l'objet.
notify-link = Suivre la demande :
notify-survey = Donnez votre avis sur la réponse apportée :
notify-on-behalf = Vous recevez ce message en remplacement de { $name }, absent(e).

notify-received-subject = Demande enregistrée : { $subject }
notify-received-intro = Votre demande « { $subject } » est enregistrée sous la référence { $reference }. Elle sera prise en charge par le guichet.
notify-taken-subject = Prise en charge : { $subject }
notify-taken-intro = Votre demande « { $subject } » est prise en charge par { $actor }.
notify-reply-subject = Nouvelle réponse : { $subject }
notify-reply-intro = { $actor } a répondu à votre demande « { $subject } » :
notify-waiting-subject = Votre réponse est attendue : { $subject }
notify-waiting-intro = Le guichet attend votre réponse pour avancer sur la demande « { $subject } ».
notify-resolved-subject = Demande résolue : { $subject }
notify-resolved-intro = Votre demande « { $subject } » est résolue. Si le problème persiste, répondez à ce message pour la rouvrir.
notify-closed-subject = Demande clôturée : { $subject }
notify-closed-intro = Votre demande « { $subject } » est clôturée.
notify-reopened-subject = Demande rouverte : { $subject }
notify-reopened-intro = La demande « { $subject } » est rouverte ; le guichet la reprend.
notify-assigned-subject = Demande qui vous est attribuée : { $subject }
notify-assigned-intro = La demande { $reference } « { $subject } » vous est attribuée.
notify-queued-subject = Nouvelle demande pour { $group } : { $subject }
notify-queued-intro = Une nouvelle demande { $reference } « { $subject } » attend dans la file { $group }.
notify-escalated-subject = Demande escaladée vers { $group } : { $subject }
notify-escalated-intro = La demande { $reference } « { $subject } » a été escaladée vers { $group }.
notify-transferred-subject = Demande transférée à { $group } : { $subject }
notify-transferred-intro = La demande { $reference } « { $subject } » a été transférée à { $group }.
notify-answered-subject = Réponse du demandeur : { $subject }
notify-answered-intro = { $actor } a répondu sur la demande { $reference } « { $subject } » :

notify-digest-subject = { $count ->
    [one] Votre résumé du jour : { $count } notification
   *[other] Votre résumé du jour : { $count } notifications
}
notify-digest-intro = { $count ->
    [one] Voici la notification de la journée sur vos demandes et vos files.
   *[other] Voici les { $count } notifications de la journée sur vos demandes et vos files.
}
notify-digest-link = Toutes vos notifications :

# La page des notifications (/notifications).
layout-notices-link = Notifications
notices-title = Mes notifications
notices-unread = { $n ->
    [0] Aucune notification non lue.
    [one] Une notification non lue.
   *[other] { $n } notifications non lues.
}
notices-mark-read = Tout marquer comme lu
notices-done-read = Toutes vos notifications sont marquées comme lues.
notices-caption = Vos notifications, des plus récentes aux plus anciennes
notices-col-notice = Notification
notices-col-when = Date
notices-new = Nouveau
notices-none = Aucune notification pour le moment.
notices-newest = Les plus récentes
notices-older = Plus anciennes
