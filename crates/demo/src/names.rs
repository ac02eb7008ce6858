//! Word lists for French people and establishment names, and the academic email address built
//! from a name (`prenom.nom@ac-dijon.fr`, ASCII-folded, deduplicated with a digit).

use guichet_core::search::fold;
use std::collections::HashMap;

/// The académie's mail domain.
pub const DOMAIN: &str = "ac-dijon.fr";

#[rustfmt::skip]
pub const FEMALE_FIRST_NAMES: &[&str] = &[
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Christine", "Sandrine", "Valérie",
    "Véronique", "Céline", "Stéphanie", "Sophie", "Aurélie", "Émilie", "Julie", "Caroline",
    "Virginie", "Anne", "Laurence", "Hélène", "Claire", "Camille", "Élodie", "Audrey", "Delphine",
    "Karine", "Florence", "Agnès", "Béatrice", "Pascale", "Martine", "Brigitte", "Corinne",
    "Laetitia", "Mélanie", "Sabrina", "Magali", "Chantal", "Françoise", "Dominique", "Frédérique",
    "Patricia", "Muriel", "Cécile", "Anne-Sophie", "Marion", "Pauline", "Charlotte", "Manon",
    "Lucie", "Mathilde", "Amandine", "Jessica", "Elsa", "Inès", "Léa", "Chloé", "Sarah", "Laura",
    "Nadia", "Samia", "Fatima", "Myriam", "Estelle", "Gaëlle", "Solène", "Maud", "Anaïs",
    "Marie-Claire", "Odile", "Annick", "Joëlle", "Ghislaine", "Noémie", "Clémence", "Justine",
];

#[rustfmt::skip]
pub const MALE_FIRST_NAMES: &[&str] = &[
    "Jean", "Philippe", "Michel", "Alain", "Patrick", "Nicolas", "Christophe", "Pierre",
    "Christian", "Éric", "Frédéric", "Laurent", "Stéphane", "David", "Pascal", "Daniel",
    "Sébastien", "Julien", "Thierry", "Olivier", "Bernard", "Thomas", "Alexandre", "Vincent",
    "François", "Bruno", "Guillaume", "Jérôme", "Didier", "Franck", "Jacques", "Gilles", "Sylvain",
    "Cédric", "Benoît", "Emmanuel", "Fabrice", "Arnaud", "Hervé", "Yannick", "Mathieu", "Romain",
    "Maxime", "Antoine", "Damien", "Loïc", "Jean-Marc", "Jean-Luc", "Jean-Pierre", "Xavier",
    "Ludovic", "Grégory", "Lionel", "Rémi", "Hugo", "Lucas", "Théo", "Paul", "Louis", "Mehdi",
    "Karim", "Samir", "Yann", "Gaël", "Mickaël", "Joël", "Denis", "Gérard", "Régis", "Hugues",
    "Benjamin", "Adrien", "Clément", "Florian", "Quentin",
];

#[rustfmt::skip]
pub const LAST_NAMES: &[&str] = &[
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément", "Morin",
    "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval", "Denis",
    "Dumont", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard", "Giraud",
    "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud", "Martinez", "Gérard",
    "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron", "Picard", "Roger",
    "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier", "Philippe", "Bourgeois",
    "Pierre", "Benoît", "Rey", "Leclerc", "Rolland", "Guillaume", "Lecomte", "Lopez", "Dupuy",
    "Guillot", "Hubert", "Berger", "Carpentier", "Sanchez", "Dupuis", "Moulin", "Deschamps", "Huet",
    "Vasseur", "Perez", "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Poirier",
    "Marty", "Aubry", "Guyot", "Carré", "Renault", "Charpentier", "Ménard", "Maillard", "Baron",
    "Bertin", "Bailly", "Hervé", "Schneider", "Fernandez", "Le Gall", "Collet", "Léger", "Bouvier",
    "Prévost", "Millet", "Perrot", "Cousin", "Germain", "Breton", "Besson", "Langlois", "Rémy",
    "Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré", "Lebrun", "Marchal", "Weber",
    "Mallet", "Hamon", "Boulanger", "Monnier", "Michaud", "Rodrigues", "Guichard", "Gillet",
    "Étienne", "Tessier", "Chauvin", "Da Silva", "Bouchet", "Lemaître", "Maréchal", "Humbert",
    "Reynaud", "Perret", "Barthélemy", "Cordier", "Lejeune", "Gilbert", "Lamy", "Delaunay",
    "Pasquier", "Laporte", "Haddad", "Benali", "Nguyen", "Diallo", "Ferreira", "Bourgeon",
    "Bouillot", "Jacotot", "Morizot", "Pernot", "Guyard", "Thevenot", "Bouhier", "Mairet",
    "Voillot", "Jobard", "Ravier", "Chapuis", "Lagrange", "Pinot", "Magnin", "Tissot", "Duchêne",
    "Gros", "Roblot", "Sirugue",
];

/// People schools, collèges and lycées are named after.
#[rustfmt::skip]
pub const PERSONALITIES: &[&str] = &[
    "Jean Jaurès", "Jules Ferry", "Victor Hugo", "Louis Pasteur", "Marie Curie",
    "Pierre et Marie Curie", "Jean Moulin", "Jacques Prévert", "Paul Éluard", "Colette",
    "Gustave Eiffel", "Lamartine", "Buffon", "Jean de La Fontaine", "Charles Perrault",
    "Jules Verne", "Antoine de Saint-Exupéry", "Albert Camus", "Simone Veil", "Lucie Aubrac",
    "Louise Michel", "George Sand", "Anatole France", "Paul Langevin", "Jean Macé",
    "Ferdinand Buisson", "Condorcet", "Voltaire", "Jean Rostand", "Marcel Pagnol",
    "Alphonse Daudet", "Jean Giono", "Robert Desnos", "Maurice Genevoix", "Pierre Larousse",
    "Paul Bert", "Marie Noël", "Joseph Fourier", "Nicéphore Niépce", "Jean-Philippe Rameau",
    "Bossuet", "Vauban", "Lazare Carnot", "Henri Vincenot", "Gaston Bachelard", "Gaston Roupnel",
    "Claude Debussy", "Hector Berlioz", "Jean Zay", "Pierre Brossolette", "Germaine Tillion",
    "Joséphine Baker", "Olympe de Gouges", "Jean Monnet", "Romain Rolland", "Jules Renard",
    "Claude Tillier", "Pierre de Coubertin", "Émile Zola", "Denis Diderot", "Montesquieu",
    "Molière", "Jean Racine", "Camille Claudel", "Rosa Parks", "Nelson Mandela",
    "Irène Joliot-Curie", "Arthur Rimbaud", "Guillaume Apollinaire", "Charles Péguy",
    "Jean Cocteau", "Louis Aragon", "Elsa Triolet", "René Char", "Boris Vian", "Albert Schweitzer",
    "Françoise Dolto", "Maria Montessori", "Célestin Freinet", "Pauline Kergomard", "Anne Frank",
    "Alexandre Dumas", "Gisèle Halimi", "Marie Marvingt", "Hubert Reeves", "Théodore Monod",
    "Paul-Émile Victor", "Alexandra David-Néel", "Jean-Baptiste Clément", "Saint-Just", "Sembat",
    "François Rabelais", "Stéphane Hessel",
];

/// Trees, flowers and animals, for primary schools ("École maternelle Les Tilleuls").
#[rustfmt::skip]
pub const NATURE: &[&str] = &[
    "Les Tilleuls", "Les Marronniers", "Les Acacias", "Les Érables", "Les Peupliers",
    "Les Cerisiers", "Les Lilas", "Les Coquelicots", "Les Hirondelles", "Les Charmilles",
    "Les Mésanges", "Les Glycines", "Les Platanes", "Les Bleuets", "Les Chênes", "Le Petit Bois",
    "Les Saules", "La Roseraie", "Les Écureuils", "Les Tournesols", "Le Petit Prince",
    "Arc-en-ciel", "Les Capucines", "Les Noisetiers", "Les Pommiers", "Les Lavandes",
    "Les Primevères", "Les Bouleaux", "Le Verger", "Les Libellules",
];

/// Places in a town, for schools and collèges ("École primaire du Bourg").
#[rustfmt::skip]
pub const PLACES: &[&str] = &[
    "du Centre", "du Bourg", "du Parc", "de la Gare", "du Château", "de la Mairie", "du Stade",
    "des Vignes", "du Val", "de la Source", "du Plateau", "de la Colline", "des Remparts",
    "du Port", "de l'Église", "du Lavoir", "des Prés", "du Moulin", "des Grands Champs",
    "de la Fontaine",
];

/// A person's name and the gender the French forms of address follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    pub first: String,
    pub last: String,
    pub female: bool,
}

impl PersonName {
    /// "Claire Martin".
    pub fn display(&self) -> String {
        format!("{} {}", self.first, self.last)
    }

    /// Splits a display name made by [`PersonName::display`]; the gender comes from the
    /// first-name lists (unknown names read as male, which only changes "Madame"/"Monsieur").
    pub fn from_display(display: &str) -> Self {
        let (first, last) = display.split_once(' ').unwrap_or((display, ""));
        Self {
            first: first.to_owned(),
            last: last.to_owned(),
            female: FEMALE_FIRST_NAMES.contains(&first),
        }
    }

    /// "Madame Martin" / "Monsieur Martin".
    pub fn formal(&self) -> String {
        let title = if self.female { "Madame" } else { "Monsieur" };
        if self.last.is_empty() {
            title.to_owned()
        } else {
            format!("{title} {}", self.last)
        }
    }

    /// "Mme Martin" / "M. Martin".
    pub fn short_formal(&self) -> String {
        let title = if self.female { "Mme" } else { "M." };
        format!("{title} {}", self.last)
    }
}

/// Lower-case ASCII for an email's local part: accents folded, spaces to hyphens, apostrophes
/// dropped ("Le Gall" → "le-gall", "Éloïse" → "eloise").
pub fn email_part(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in fold(name).chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            ' ' | '-' if !out.ends_with('-') && !out.is_empty() => out.push('-'),
            _ => {}
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Hands out unique academic addresses: the second Marie Martin is `marie.martin2@…`.
#[derive(Debug, Default)]
pub struct Emails {
    taken: HashMap<String, u32>,
}

impl Emails {
    /// Reserves an exact address (the demo logins), so no generated one takes it.
    pub fn reserve(&mut self, local: &str) {
        self.taken.insert(local.to_owned(), 1);
    }

    /// The next free `prenom.nom@domain` for this name.
    pub fn for_name(&mut self, name: &PersonName) -> String {
        let base = format!("{}.{}", email_part(&name.first), email_part(&name.last));
        let mut n = self.taken.get(&base).copied().unwrap_or(0);
        loop {
            n += 1;
            let local = if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            };
            if !self.taken.contains_key(&local) {
                self.taken.insert(base.clone(), n);
                self.taken.insert(local.clone(), 1);
                return format!("{local}@{DOMAIN}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_ascii_and_unique() {
        let mut emails = Emails::default();
        let name = |first: &str, last: &str| PersonName {
            first: first.into(),
            last: last.into(),
            female: true,
        };
        assert_eq!(
            emails.for_name(&name("Éloïse", "Le Gall")),
            "eloise.le-gall@ac-dijon.fr"
        );
        assert_eq!(
            emails.for_name(&name("Marie-Claire", "Lefèvre")),
            "marie-claire.lefevre@ac-dijon.fr"
        );
        assert_eq!(
            emails.for_name(&name("Marie-Claire", "Lefèvre")),
            "marie-claire.lefevre2@ac-dijon.fr"
        );
        assert_eq!(
            emails.for_name(&name("Marie-Claire", "Lefèvre")),
            "marie-claire.lefevre3@ac-dijon.fr"
        );
        assert_eq!(email_part("L'Isle d'Abeau"), "lisle-dabeau");
    }

    #[test]
    fn names_round_trip_with_their_gender() {
        let n = PersonName::from_display("Anne-Sophie Da Silva");
        assert_eq!(n.first, "Anne-Sophie");
        assert_eq!(n.last, "Da Silva");
        assert!(n.female);
        assert_eq!(n.formal(), "Madame Da Silva");
        assert!(!PersonName::from_display("Jean Martin").female);
    }

    #[test]
    fn lists_have_no_duplicates() {
        for list in [
            FEMALE_FIRST_NAMES,
            MALE_FIRST_NAMES,
            LAST_NAMES,
            PERSONALITIES,
            NATURE,
            PLACES,
        ] {
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len());
        }
    }
}
