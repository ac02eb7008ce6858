# Règles de routage, engagements de service (SLA) et calendriers.

entry-routing = Routage automatique
entry-sla_warning = Délai bientôt dépassé
entry-sla_breach = Délai dépassé

object-rule = Règle de routage
object-calendar = Calendrier
object-policy = Engagement de service

field-range = La valeur du champ « { $field } » est hors des limites permises.
field-type = Le champ « { $field } » n'a pas le bon type.
field-duplicate = La valeur du champ « { $field } » figure déjà.
field-too_many = Le champ « { $field } » contient trop d'éléments.
field-version = Cette version du format d'export n'est pas prise en charge.
field-not_for_field = Cet opérateur ne s'applique pas à ce critère (« { $field } »).
field-order = Une période de fermeture se termine avant de commencer.
field-overlap = Des plages horaires de « { $field } » se chevauchent ou se touchent.
field-weekday = Jour de la semaine inconnu dans « { $field } ».
field-not_a_permutation = L'ordre doit citer chaque règle du guichet une seule fois.
field-ics-invalid = Le fichier iCalendar est illisible.

sla-title = Délais d'engagement
sla-take-in-charge = Prise en charge prévue au plus tard
sla-resolve = Résolution prévue au plus tard
sla-paused = en pause (en attente d'une réponse)
sla-done = atteint
sla-breached = dépassé
