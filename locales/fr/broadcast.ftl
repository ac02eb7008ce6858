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
