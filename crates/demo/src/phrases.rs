//! The sentences around a request: politeness formulas, context and urgency, the agents'
//! acknowledgements, questions, internal notes and escalation reasons, the requesters' answers,
//! confirmations and survey comments. Placeholders as in [`crate::templates`].

pub const GREETINGS: &[&str] = &[
    "Bonjour,",
    "Bonjour,",
    "Bonjour,",
    "Bonjour à toute l'équipe,",
    "Madame, Monsieur,",
];

/// Context for an incident.
pub const CONTEXTS: &[&str] = &[
    "Le problème est apparu ce matin.",
    "J'ai déjà redémarré le poste, sans succès.",
    "J'ai essayé avec un autre navigateur, avec le même résultat.",
    "Plusieurs collègues rencontrent la même difficulté.",
    "Cela fonctionnait encore la semaine dernière.",
    "Je joins une capture d'écran du message.",
    "C'est la deuxième fois ce mois-ci.",
    "J'ai suivi la fiche de la base de connaissances, sans résultat.",
    "Le problème se produit depuis {jour}.",
];

/// Context for a request or a suggestion.
pub const REQUEST_CONTEXTS: &[&str] = &[
    "Nous en avons parlé en conseil des maîtres.",
    "C'est une demande de toute l'équipe.",
    "Je n'ai pas trouvé la réponse dans la base de connaissances.",
    "Nous n'avons jamais eu à le faire jusqu'ici.",
];

pub const URGENT: &[&str] = &[
    "C'est assez urgent pour nous.",
    "Nous en avons besoin avant le {echeance}.",
    "Les familles attendent, merci de traiter la demande rapidement.",
    "Toute l'équipe est bloquée.",
];

pub const ASKS: &[&str] = &[
    "Pouvez-vous m'aider ?",
    "Merci de votre aide.",
    "Merci d'avance pour votre retour.",
    "Je reste joignable à l'école toute la journée.",
    "Pourriez-vous regarder ce qui se passe ?",
    "Merci de m'indiquer comment procéder.",
];

pub const CLOSINGS: &[&str] = &[
    "Cordialement,",
    "Bien cordialement,",
    "Merci d'avance,",
    "Bonne journée,",
    "Bien à vous,",
];

pub const ACKS: &[&str] = &[
    "Nous avons bien reçu votre demande et la prenons en charge.",
    "Votre demande est prise en charge ; nous revenons vers vous dès que possible.",
    "Merci pour votre message, nous étudions la situation.",
];

/// An agent's question about an incident, with the answers a requester may give.
pub const INCIDENT_QUESTIONS: &[(&str, &[&str])] = &[
    (
        "Pourriez-vous nous indiquer le message d'erreur exact affiché à l'écran ?",
        &[
            "Le message indique « session expirée ».",
            "Il est écrit « service temporairement indisponible ».",
            "Aucun message, la page reste blanche.",
        ],
    ),
    (
        "Pouvez-vous nous transmettre une capture d'écran du problème ?",
        &[
            "Voici la capture d'écran demandée.",
            "Je vous joins la capture, prise ce matin.",
        ],
    ),
    (
        "Le problème concerne-t-il un seul poste ou tous les postes de l'école ?",
        &[
            "Tous les postes sont concernés.",
            "Seul le poste de la direction est concerné.",
        ],
    ),
    (
        "Quel navigateur utilisez-vous ?",
        &[
            "J'utilise {navigateur}, à jour.",
            "{navigateur}, sur le poste de la direction.",
        ],
    ),
    (
        "Le problème persiste-t-il après une déconnexion complète du portail ?",
        &[
            "Oui, le problème persiste malgré la déconnexion.",
            "Oui, toujours le même résultat.",
        ],
    ),
    (
        "Pouvez-vous nous indiquer un créneau pour vous joindre par téléphone ?",
        &[
            "Vous pouvez me joindre à l'école demain entre 11 h 30 et 13 h 30.",
            "Je suis joignable tous les jours après 16 h 30.",
        ],
    ),
];

/// An agent's question about a request, with the answers a requester may give.
pub const REQUEST_QUESTIONS: &[(&str, &[&str])] = &[
    (
        "Pour quelle date en avez-vous besoin ?",
        &[
            "Idéalement avant le {echeance}.",
            "Au plus tard pour le retour des vacances.",
        ],
    ),
    (
        "Combien de postes ou de personnes sont concernés ?",
        &["{n} postes.", "Toute l'équipe, soit {n} personnes."],
    ),
    (
        "La demande a-t-elle reçu l'accord de l'IEN ou de la commune ?",
        &[
            "Oui, l'IEN a donné son accord lors de sa dernière visite.",
            "La mairie est d'accord, je vous transfère son courriel.",
        ],
    ),
    (
        "Pouvez-vous nous préciser la classe concernée ?",
        &["Il s'agit de la classe de {classe}."],
    ),
    (
        "Pouvez-vous nous indiquer un créneau pour vous joindre par téléphone ?",
        &[
            "Vous pouvez me joindre à l'école demain entre 11 h 30 et 13 h 30.",
            "Je suis joignable tous les jours après 16 h 30.",
        ],
    ),
];

/// Internal notes on incidents.
pub const INCIDENT_NOTES: &[&str] = &[
    "Compte vérifié dans l'annuaire : actif, droits corrects.",
    "Plusieurs signalements identiques ce matin : probable incident général, suivi en cours.",
    "Appel à l'école sans réponse ; nouvel essai demain matin.",
    "Procédure décrite dans la base de connaissances, à lier au ticket.",
    "Échéance proche côté école : à traiter en priorité.",
    "Vu par téléphone avec le collègue de l'expertise, piste confirmée.",
    "Journaux consultés : erreurs répétées depuis {jour}.",
];

/// Internal notes on requests.
pub const REQUEST_NOTES: &[&str] = &[
    "Demande conforme au catalogue de services.",
    "Disponibilité à vérifier avant de confirmer à l'école.",
    "Même demande traitée l'an dernier pour cette école.",
    "Accord de la hiérarchie à vérifier avant de lancer.",
    "Procédure décrite dans la base de connaissances, à lier au ticket.",
];

pub const ESCALATIONS: &[&str] = &[
    "Nécessite une intervention côté serveur : escalade au niveau 2.",
    "Hors du périmètre du niveau 1, transmis à l'expertise.",
    "Anomalie reproduite, à analyser par l'expertise.",
    "Intervention sur site nécessaire.",
    "Droits d'administration requis pour traiter la demande.",
];

pub const VENDOR_ESCALATIONS: &[&str] = &[
    "Anomalie applicative confirmée, à corriger par l'éditeur.",
    "Bogue reproduit sur la plateforme de test : transmis à l'éditeur.",
];

pub const THIRD_PARTIES: &[&str] = &[
    "de l'éditeur",
    "de la mairie",
    "de l'opérateur",
    "du prestataire de maintenance",
];

pub const REJECTIONS: &[&str] = &[
    "Cette demande ne relève pas de l'assistance académique : le matériel de l'école appartient à la commune, merci de vous adresser à la mairie.",
    "Cette demande fait doublon avec une demande déjà ouverte par l'école ; nous la suivons dans l'autre ticket.",
    "Cette demande concerne une application dont l'assistance est assurée au niveau national ; vous trouverez le formulaire de contact sur le portail.",
];

pub const CANCELLATIONS: &[&str] = &[
    "Le problème s'est résolu de lui-même, vous pouvez clore la demande. Merci.",
    "Finalement, un collègue a trouvé la solution. Merci quand même !",
    "Demande envoyée en double, je l'annule.",
];

pub const FOLLOW_UPS: &[&str] = &[
    "N'hésitez pas à nous recontacter si le problème persiste.",
    "Si le problème se reproduit, répondez simplement à ce message.",
    "Nous restons à votre disposition.",
];

pub const CONFIRMATIONS: &[&str] = &[
    "Merci, tout fonctionne.",
    "C'est réglé, merci beaucoup.",
    "Parfait, merci pour votre aide.",
    "Tout est rentré dans l'ordre, merci.",
];

pub const AUTO_CLOSE: &str =
    "Clôture automatique : pas de réponse dans les 7 jours suivant la résolution.";

/// Survey comments by score (index 0 for a score of 1); an empty comment is left out.
pub const SURVEY_COMMENTS: [&[&str]; 5] = [
    &[
        "Aucune aide réelle, j'ai trouvé la solution par moi-même.",
        "Beaucoup trop long.",
        "",
    ],
    &[
        "Délai trop long en pleine période de livrets.",
        "Réponse peu claire.",
        "",
    ],
    &["Problème résolu, mais il a fallu relancer.", ""],
    &[
        "Merci pour votre aide.",
        "Bien, malgré un délai un peu long.",
        "",
    ],
    &[
        "Réponse rapide et efficace, merci !",
        "Très bonne assistance.",
        "Parfait.",
        "",
    ],
];

/// First names of pupils, for `{eleve}`.
pub const PUPILS: &[&str] = &[
    "Lina", "Jade", "Louise", "Ambre", "Léo", "Gabriel", "Raphaël", "Arthur", "Louis", "Emma",
    "Mia", "Alice", "Chloé", "Nathan", "Adam", "Sacha", "Noah", "Inaya", "Maël", "Zoé", "Lucas",
    "Hugo", "Rose", "Anna", "Tom", "Aaron", "Nino", "Lou", "Romy", "Ayoub", "Kaïs", "Jules",
];

pub const BROWSERS: &[&str] = &["Firefox", "Edge", "Chrome", "Safari"];

pub const MATERNELLE: &[&str] = &["PS", "MS", "GS", "PS-MS", "MS-GS"];
pub const ELEMENTAIRE: &[&str] = &[
    "CP", "CE1", "CE2", "CM1", "CM2", "CP-CE1", "CE2-CM1", "CM1-CM2",
];
pub const COLLEGE: &[&str] = &[
    "6e A", "6e B", "5e A", "5e C", "4e B", "4e D", "3e A", "3e C",
];
pub const LYCEE: &[&str] = &[
    "2nde 1",
    "2nde 4",
    "1re G2",
    "1re STMG",
    "Tle G1",
    "Tle STI2D",
];
pub const LYCEE_PRO: &[&str] = &["2nde Bac Pro", "1re Bac Pro", "Tle Bac Pro", "1re CAP"];

pub const PRIMARY_ROOMS: &[&str] = &[
    "salle des maîtres",
    "salle informatique",
    "salle polyvalente",
    "salle de réunion",
    "salle de motricité",
];
pub const SECONDARY_ROOMS: &[&str] = &[
    "salle des professeurs",
    "salle informatique",
    "salle 104",
    "salle de sciences",
    "salle du CDI",
    "salle de réunion",
];

pub const WEEKDAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
pub const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
