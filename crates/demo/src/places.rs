//! The territory of the demo académie: its four départements, their circonscriptions and the
//! communes each circonscription covers (the first commune is the circonscription's seat), with
//! how many establishments of each kind a département has.

/// A département of the académie and what it holds.
#[derive(Debug)]
pub struct Departement {
    /// The département number (21 for Côte-d'Or); also the first digits of its UAI codes.
    pub code: u32,
    pub name: &'static str,
    /// The name with its preposition, as in "DSDEN de la Côte-d'Or".
    pub of_name: &'static str,
    /// How many primary schools its circonscriptions hold together.
    pub schools: usize,
    pub colleges: usize,
    pub lycees: usize,
    pub circonscriptions: &'static [Circonscription],
}

/// A circonscription: its name and the communes of its schools, the seat first.
#[derive(Debug)]
pub struct Circonscription {
    pub name: &'static str,
    pub communes: &'static [&'static str],
}

const fn circ(name: &'static str, communes: &'static [&'static str]) -> Circonscription {
    Circonscription { name, communes }
}

/// The académie's name as its org node carries it.
pub const ACADEMIE: &str = "Académie de Dijon";

/// The four départements, in order.
#[rustfmt::skip]
pub const DEPARTEMENTS: &[Departement] = &[
    Departement {
        code: 21, name: "Côte-d'Or", of_name: "de la Côte-d'Or",
        schools: 520, colleges: 47, lycees: 22,
        circonscriptions: &[
            circ("Dijon Centre", &["Dijon", "Talant", "Plombières-lès-Dijon"]),
            circ("Dijon Nord", &["Dijon", "Fontaine-lès-Dijon", "Ahuy", "Daix",
                "Hauteville-lès-Dijon"]),
            circ("Dijon Est", &["Dijon", "Quetigny", "Chevigny-Saint-Sauveur", "Saint-Apollinaire",
                "Couternon", "Varois-et-Chaignot"]),
            circ("Dijon Sud", &["Chenôve", "Longvic", "Marsannay-la-Côte", "Neuilly-Crimolois",
                "Fénay", "Perrigny-lès-Dijon"]),
            circ("Beaune", &["Beaune", "Meursault", "Pommard", "Savigny-lès-Beaune",
                "Aloxe-Corton", "Bligny-sur-Ouche", "Ladoix-Serrigny", "Chorey-les-Beaune"]),
            circ("Nuits-Saint-Georges", &["Nuits-Saint-Georges", "Gevrey-Chambertin", "Brochon",
                "Saint-Jean-de-Losne", "Seurre", "Brazey-en-Plaine", "Corgoloin"]),
            circ("Auxonne - Genlis", &["Auxonne", "Genlis", "Arc-sur-Tille",
                "Pontailler-sur-Saône", "Magny-sur-Tille", "Izier", "Villers-les-Pots"]),
            circ("Is-sur-Tille", &["Is-sur-Tille", "Selongey", "Mirebeau-sur-Bèze",
                "Fontaine-Française", "Til-Châtel", "Messigny-et-Vantoux", "Saint-Julien"]),
            circ("Montbard - Semur-en-Auxois", &["Montbard", "Semur-en-Auxois",
                "Venarey-les-Laumes", "Vitteaux", "Précy-sous-Thil", "Baigneux-les-Juifs",
                "Époisses", "Flavigny-sur-Ozerain"]),
            circ("Châtillon-sur-Seine", &["Châtillon-sur-Seine", "Laignes", "Recey-sur-Ource",
                "Aignay-le-Duc", "Montigny-sur-Aube", "Sainte-Colombe-sur-Seine"]),
            circ("Auxois Sud", &["Pouilly-en-Auxois", "Arnay-le-Duc", "Saulieu", "Sombernon",
                "Liernais", "Vandenesse-en-Auxois", "Bligny-le-Sec"]),
        ],
    },
    Departement {
        code: 58, name: "Nièvre", of_name: "de la Nièvre",
        schools: 250, colleges: 27, lycees: 10,
        circonscriptions: &[
            circ("Nevers Centre", &["Nevers", "Coulanges-lès-Nevers", "Saint-Éloi"]),
            circ("Nevers Nord", &["Nevers", "Varennes-Vauzelles", "Fourchambault", "Garchizy",
                "Marzy", "Pougues-les-Eaux", "Urzy", "Guérigny"]),
            circ("Nevers Sud", &["Nevers", "Challuy", "Sermoise-sur-Loire", "Imphy", "Magny-Cours",
                "Saint-Pierre-le-Moûtier", "Chantenay-Saint-Imbert"]),
            circ("Cosne-Cours-sur-Loire", &["Cosne-Cours-sur-Loire", "Pouilly-sur-Loire", "Donzy",
                "Saint-Amand-en-Puisaye", "Neuvy-sur-Loire", "Myennes"]),
            circ("La Charité-sur-Loire", &["La Charité-sur-Loire", "Prémery", "Varzy", "La Marche",
                "Raveau", "Champvoux"]),
            circ("Clamecy", &["Clamecy", "Corbigny", "Tannay", "Brinon-sur-Beuvron", "Lormes",
                "Dornecy"]),
            circ("Decize", &["Decize", "La Machine", "Cercy-la-Tour", "Fours", "Dornes",
                "Saint-Léger-des-Vignes", "Béard"]),
            circ("Château-Chinon - Morvan", &["Château-Chinon", "Moulins-Engilbert", "Luzy",
                "Saint-Honoré-les-Bains", "Montsauche-les-Settons", "Châtillon-en-Bazois",
                "Saint-Benin-d'Azy"]),
        ],
    },
    Departement {
        code: 71, name: "Saône-et-Loire", of_name: "de Saône-et-Loire",
        schools: 520, colleges: 52, lycees: 24,
        circonscriptions: &[
            circ("Mâcon Nord", &["Mâcon", "Sancé", "Crêches-sur-Saône", "La Chapelle-de-Guinchay",
                "Lugny"]),
            circ("Mâcon Sud", &["Mâcon", "Charnay-lès-Mâcon", "Cluny", "Tramayes", "Matour",
                "Varennes-lès-Mâcon", "Hurigny"]),
            circ("Chalon-sur-Saône Nord", &["Chalon-sur-Saône", "Chagny", "Saint-Rémy",
                "Fontaines", "Rully", "Champforgeuil"]),
            circ("Chalon-sur-Saône Sud", &["Chalon-sur-Saône", "Châtenoy-le-Royal", "Saint-Marcel",
                "Givry", "Buxy", "Sennecey-le-Grand", "Lux"]),
            circ("Le Creusot", &["Le Creusot", "Torcy", "Montchanin", "Couches", "Épinac",
                "Le Breuil", "Marmagne"]),
            circ("Montceau-les-Mines", &["Montceau-les-Mines", "Blanzy", "Sanvignes-les-Mines",
                "Saint-Vallier", "Ciry-le-Noble", "Génelard"]),
            circ("Autun", &["Autun", "Étang-sur-Arroux", "Toulon-sur-Arroux",
                "Saint-Léger-sous-Beuvray", "Anost", "Curgy"]),
            circ("Louhans - Bresse", &["Louhans", "Cuiseaux", "Pierre-de-Bresse",
                "Saint-Germain-du-Bois", "Montret", "Verdun-sur-le-Doubs",
                "Saint-Germain-du-Plain"]),
            circ("Tournus", &["Tournus", "Cuisery", "Uchizy", "Ozenay", "Lacrost", "Simandre"]),
            circ("Paray-le-Monial - Digoin", &["Paray-le-Monial", "Digoin", "Gueugnon",
                "Bourbon-Lancy", "Marcigny", "Saint-Yan"]),
            circ("Charolles - Brionnais", &["Charolles", "La Clayette", "Chauffailles",
                "Semur-en-Brionnais", "Saint-Bonnet-de-Joux", "Palinges"]),
        ],
    },
    Departement {
        code: 89, name: "Yonne", of_name: "de l'Yonne",
        schools: 300, colleges: 34, lycees: 14,
        circonscriptions: &[
            circ("Auxerre Nord", &["Auxerre", "Monéteau", "Appoigny", "Gurgy", "Seignelay", "Héry"]),
            circ("Auxerre Sud", &["Auxerre", "Saint-Georges-sur-Baulche", "Champs-sur-Yonne",
                "Vincelles", "Coulanges-la-Vineuse", "Chevannes"]),
            circ("Sens Nord", &["Sens", "Saint-Clément", "Pont-sur-Yonne", "Chéroy",
                "Saint-Valérien"]),
            circ("Sens Sud", &["Sens", "Paron", "Villeneuve-sur-Yonne", "Malay-le-Grand", "Véron",
                "Villeneuve-l'Archevêque"]),
            circ("Joigny - Migennes", &["Joigny", "Migennes", "Saint-Julien-du-Sault", "Cézy",
                "Charny", "Aillant-sur-Tholon", "Cerisiers"]),
            circ("Avallon", &["Avallon", "Vézelay", "L'Isle-sur-Serein", "Guillon-Terre-Plaine",
                "Sermizelles", "Quarré-les-Tombes"]),
            circ("Tonnerre - Chablis", &["Tonnerre", "Chablis", "Saint-Florentin",
                "Brienon-sur-Armançon", "Ancy-le-Franc", "Noyers", "Flogny-la-Chapelle"]),
            circ("Puisaye", &["Toucy", "Saint-Fargeau", "Saint-Sauveur-en-Puisaye", "Bléneau",
                "Courson-les-Carrières", "Charny-Orée-de-Puisaye"]),
            circ("Vermenton - Vallée de l'Yonne", &["Vermenton", "Cravant", "Arcy-sur-Cure",
                "Mailly-la-Ville", "Lucy-sur-Yonne", "Accolay"]),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_forty_circonscriptions_and_eighteen_hundred_establishments() {
        let circs: usize = DEPARTEMENTS.iter().map(|d| d.circonscriptions.len()).sum();
        assert!((35..=45).contains(&circs), "{circs}");
        let total: usize = DEPARTEMENTS
            .iter()
            .map(|d| d.schools + d.colleges + d.lycees)
            .sum();
        assert!((1_700..=1_900).contains(&total), "{total}");
        for d in DEPARTEMENTS {
            for c in d.circonscriptions {
                assert!(c.communes.len() >= 3, "{}", c.name);
            }
        }
    }
}
