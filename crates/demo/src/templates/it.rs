//! Templates for the IT services: the ENT, the academic mail, the network and the equipment.
//! Format: see the parent module.

pub const ENT: &str = r"
IMM|Parents sans accès à l'ENT|Plusieurs parents de {classe} n'arrivent pas à activer leur compte ENT avec le courrier reçu.|Les codes d'activation avaient expiré. Nous avons régénéré les comptes : éditez de nouveaux courriers depuis la console d'administration.
IHM|ENT inaccessible ce matin|L'ENT affiche « service temporairement indisponible » pour toute l'école.|Une panne chez l'hébergeur de l'ENT a interrompu le service entre 8 h et 10 h. Le service est rétabli.
RML|Comptes ENT manquants pour les nouveaux élèves de {classe}|Les élèves arrivés en cours d'année n'ont pas de compte ENT.|Les comptes sont créés automatiquement la nuit suivant l'inscription dans ONDE. Nous avons forcé la synchronisation.
IML|Cahier de textes de l'ENT vide|Le cahier de textes de {classe} n'affiche plus les séances saisies.|Un filtre de période était activé. Nous l'avons retiré avec vous : les séances réapparaissent.
RLL|Donner accès à l'ENT à un enseignant remplaçant|Un enseignant remplaçant arrive pour {n} semaines en {classe} : comment lui ouvrir l'espace de la classe ?|Le remplaçant reçoit ses droits dès son affectation dans l'annuaire ; nous avons accéléré la mise à jour.
IMM|Blog de classe : photos impossibles à publier|Les photos de la sortie de {classe} ne s'enregistrent pas sur le blog de l'ENT.|La taille maximale est de 10 Mo par fichier. Réduisez les photos ou utilisez l'import groupé, qui les redimensionne.
IMM|Messages des parents non reçus dans l'ENT|Des parents disent m'avoir écrit mais je ne vois aucun message dans la messagerie de l'ENT.|Les messages arrivaient dans l'espace de l'ancienne classe. Nous avons mis à jour le rattachement.
IHM|Connexion ÉduConnect impossible pour les familles|Depuis {jour}, les familles n'arrivent plus à se connecter à l'ENT avec ÉduConnect.|Un certificat expiré sur la fédération d'identité bloquait la connexion. L'éditeur l'a renouvelé.
RLL|Mot de passe ENT d'un élève oublié|{eleve}, en {classe}, a oublié son mot de passe ENT.|Les enseignants peuvent réinitialiser le mot de passe depuis l'annuaire de la classe. Nous l'avons fait pour cette fois.
IML|Espace de stockage de l'ENT plein|L'ENT indique que l'espace de stockage de l'école est plein.|Le quota de l'école a été augmenté. Pensez à archiver les documents des années précédentes.
IMM|Application mobile de l'ENT : plus de notifications|Les parents ne reçoivent plus les notifications de l'application mobile de l'ENT.|La dernière version de l'application corrige le problème : demandez aux familles de la mettre à jour.
RML|Ouvrir l'ENT pour l'école|Notre école n'utilise pas encore l'ENT. Comment en demander l'ouverture ?|L'ouverture se fait à la demande de la direction, avec l'accord de la commune ; nous vous avons transmis le formulaire.
IML|Emploi du temps de {classe} faux dans l'ENT|L'emploi du temps affiché dans l'ENT pour {classe} n'est pas à jour.|L'emploi du temps est importé du logiciel de vie scolaire et l'import avait échoué. Relancé, il est à jour.
IMM|Exercices en ligne invisibles pour les élèves|Les exercices déposés pour {classe} n'apparaissent pas côté élèves.|Les exercices étaient programmés avec une date de publication future. Modifiez la date de publication pour les rendre visibles.
CLL|Suggestion ENT : agenda partagé de l'équipe|Il serait utile d'avoir un agenda partagé pour l'équipe pédagogique dans l'ENT.|L'agenda partagé existe déjà : Applications > Agenda > Partager. Nous avons ajouté un tutoriel à la base de connaissances.
IMM|Visioconférence de l'ENT sans son ni image|Pendant les visioconférences avec les familles, ni le son ni la vidéo ne passent sous {navigateur}.|Le navigateur bloquait l'accès au micro et à la caméra. Autorisez-les dans les paramètres du site ; en cas d'échec, essayez un autre navigateur.
";

pub const MESSAGERIE: &str = r"
IHM|Mot de passe de la messagerie académique oublié|Je n'arrive plus à me connecter à ma messagerie académique.|Le mot de passe a été réinitialisé ; un lien vous a été envoyé sur le téléphone portable déclaré.
IMM|Boîte de l'école saturée|La boîte fonctionnelle de l'école indique qu'elle est pleine : les messages sont refusés.|Le quota a été augmenté de 2 Go. Pensez à archiver les messages anciens ; la procédure est jointe.
IMM|Messages de la mairie classés en indésirables|Les courriels de la mairie de {commune} arrivent systématiquement dans les indésirables.|Le domaine de la mairie a été ajouté aux expéditeurs approuvés.
RML|Donner accès à la boîte de l'école à un collègue|Je souhaite qu'un collègue puisse consulter la boîte fonctionnelle de l'école pendant mes absences.|La délégation a été ajoutée ; votre collègue verra la boîte dans sa messagerie après reconnexion.
IML|Messagerie académique sur smartphone|Je n'arrive pas à configurer la messagerie académique sur mon téléphone.|La configuration demande les paramètres IMAP sécurisés ; la fiche pas à pas vous a été envoyée.
IHM|Courriel frauduleux reçu (hameçonnage)|J'ai reçu un message demandant de confirmer mon mot de passe académique et j'ai cliqué sur le lien avant de comprendre.|Le mot de passe a été changé par précaution et le message bloqué pour toute l'académie. Ne communiquez jamais votre mot de passe.
IMM|Impossible d'envoyer des pièces jointes|Les messages avec pièces jointes partent en erreur depuis {jour}.|La taille maximale des pièces jointes est de 20 Mo. Utilisez le service de dépôt de fichiers volumineux pour les documents plus lourds.
RLL|Liste de diffusion pour l'équipe|Nous voudrions une liste de diffusion regroupant les {n} enseignants de l'école.|La liste a été créée ; la direction peut en gérer les membres depuis le portail.
IML|Signature automatique absente des messages|La signature configurée n'apparaît pas dans mes messages.|La signature n'était définie que pour les nouveaux messages ; cochez aussi « réponses et transferts ».
IMM|Chaque message reçu en double|Depuis {jour}, chaque message arrive deux fois dans ma boîte.|Une règle de transfert créée en double en était la cause ; nous l'avons supprimée.
IMM|Adresse de l'école absente de l'annuaire|L'adresse fonctionnelle de l'école n'apparaît pas dans l'annuaire de la messagerie.|L'annuaire est mis à jour chaque nuit ; la fiche de l'école avait une erreur de rattachement, maintenant corrigée.
RML|Récupérer des messages supprimés|J'ai supprimé par erreur un dossier de messages importants.|Les messages ont été restaurés depuis la sauvegarde dans un dossier « Restauration ».
IML|Webmail très lent sous {navigateur}|Le webmail met très longtemps à s'ouvrir sous {navigateur}.|Vider le cache et désactiver une extension de traduction a suffi : le webmail s'ouvre normalement.
IMM|Compte de messagerie bloqué|Mon compte est bloqué après plusieurs erreurs de mot de passe.|Le compte a été débloqué. Le blocage dure trente minutes après cinq erreurs successives.
RLL|Rediriger les messages de l'école pendant un congé|Pendant mon congé à partir du {echeance}, peut-on rediriger les messages de l'école vers un collègue ?|Un message d'absence et une redirection temporaire ont été configurés jusqu'à votre retour.
";

pub const RESEAU: &str = r"
IHH|Plus d'accès à Internet dans l'école|Depuis ce matin, aucun poste de l'école n'accède à Internet.|La box de la commune était en défaut ; l'opérateur l'a redémarrée à distance et la connexion est rétablie.
IMM|Wi-Fi instable en {classe}|Le Wi-Fi se coupe toutes les dix minutes dans la classe de {classe}.|La borne du couloir était saturée ; une seconde borne a été configurée pour cette classe.
IMM|Site pédagogique bloqué par le filtrage|Le site de ressources utilisé en {classe} est bloqué par le filtrage.|Le site a été ajouté à la liste blanche académique après vérification.
IHM|Connexion trop lente pour les évaluations nationales|La connexion est si lente que les élèves ne peuvent pas passer les évaluations en ligne.|La bande passante était occupée par des mises à jour automatiques ; elles sont désormais programmées hors des heures de classe.
RML|Prise réseau supplémentaire dans la {salle}|Nous aurions besoin d'une prise réseau dans la {salle} pour y installer un poste.|La demande a été transmise au service technique de la commune, propriétaire du câblage.
IMM|Imprimante réseau introuvable depuis les postes|Les postes ne trouvent plus l'imprimante réseau de la {salle}.|L'imprimante avait changé d'adresse IP ; une adresse fixe lui a été attribuée et les postes ont été reconfigurés.
IML|Alerte de certificat à l'ouverture de {navigateur}|Une alerte de certificat de sécurité s'affiche sur tous les postes à l'ouverture de {navigateur}.|Le certificat du proxy académique a été renouvelé et déployé sur les postes de l'école.
IHH|Coupure réseau dans tout le bâtiment|Tous les postes du bâtiment ont perdu le réseau depuis {jour}.|Un commutateur du local technique avait grillé après l'orage ; il a été remplacé.
RLL|Accès Wi-Fi pour un intervenant|Un intervenant anime un atelier en {classe} et aurait besoin d'un accès Wi-Fi.|Un code d'accès invité valable une journée vous a été envoyé.
IMM|Applications du portail inaccessibles depuis la maison|Je n'arrive pas à ouvrir les applications du portail depuis mon domicile.|L'accès se fait par le portail avec la clé OTP, sans VPN ; nous avons supprimé l'ancienne configuration de votre poste.
IML|Tablettes déconnectées du Wi-Fi|Les {n} tablettes de la classe ne se connectent plus au Wi-Fi de l'école.|Le mot de passe du Wi-Fi avait changé ; le profil a été redéployé sur les tablettes par la console de gestion.
IMM|Visioconférences coupées depuis l'école|Les visioconférences se coupent au bout de quelques minutes sur le réseau de l'école.|Les ports de visioconférence étaient filtrés ; la règle a été ajoutée au pare-feu.
RML|Arrivée de la fibre à l'école|La commune de {commune} annonce l'arrivée de la fibre : que devons-nous prévoir ?|Nous avons transmis à la commune le cahier des charges du raccordement et vous contacterons pour la bascule.
IML|Site de l'école inaccessible depuis l'école|Le site de l'école n'est pas accessible depuis nos postes, alors qu'il fonctionne ailleurs.|Une règle de filtrage trop large bloquait le site ; elle a été corrigée.
IHM|Conflit d'adresse IP sur plusieurs postes|Plusieurs postes affichent « conflit d'adresse IP » et perdent la connexion.|Un second routeur branché par erreur distribuait des adresses ; il a été débranché.
";

pub const MATERIEL: &str = r"
IMM|Imprimante de la {salle} hors service|L'imprimante de la {salle} signale un bourrage permanent et n'imprime plus rien.|Un rouleau d'entraînement était usé ; le technicien l'a remplacé lors de son passage.
IMM|Vidéoprojecteur de {classe} en panne|Le vidéoprojecteur de la classe de {classe} s'éteint au bout de quelques minutes.|La lampe était en fin de vie et le filtre encrassé ; la lampe a été remplacée et le filtre nettoyé.
IML|Ordinateur de la direction très lent|L'ordinateur de la direction met plus de dix minutes à démarrer.|Le disque dur montrait des signes d'usure ; il a été remplacé par un SSD et le poste réinstallé.
RML|Remplacer l'ordinateur de la {salle}|L'ordinateur de la {salle} a plus de huit ans et ne reçoit plus les mises à jour.|Le poste est inscrit au plan de renouvellement ; la livraison est prévue avant le {echeance}.
IMM|Tableau numérique de {classe} insensible au stylet|Le tableau numérique de {classe} ne réagit plus au stylet.|Le calibrage était perdu et le pilote obsolète ; le pilote a été mis à jour et le tableau recalibré.
IHM|Photocopieur en panne (code {erreur})|Le photocopieur affiche le code d'erreur {erreur} et ne fonctionne plus.|Le contrat de maintenance couvre la réparation : le prestataire est intervenu et a remplacé l'unité de fusion.
RLL|Demande de tablettes pour {classe}|Nous souhaiterions équiper la classe de {classe} de tablettes pour le projet numérique de l'école.|Votre demande a été intégrée à l'appel à projets numériques ; la commission se réunira le {echeance}.
IML|Écran cassé dans la {salle}|L'écran de l'ordinateur de la {salle} est fendu et ne s'allume plus.|Un écran de remplacement a été livré et installé.
IMM|Ordinateur portable volé|L'ordinateur portable de l'école a été volé lors d'une intrusion ce week-end.|Le poste a été bloqué à distance et sorti de l'inventaire. Un poste de remplacement sera livré sur présentation du dépôt de plainte.
RLL|Installer un logiciel sur les postes élèves|Nous souhaitons installer un logiciel de géométrie sur les postes de la {salle}.|Le logiciel a été ajouté au catalogue et déployé sur les postes par télédistribution.
IML|Casques audio défectueux|{n} casques audio de la {salle} ne fonctionnent plus.|Les casques ont été remplacés ; des casques de rechange sont disponibles sur demande.
IMM|Poste bloqué sur une mise à jour|L'ordinateur de la {salle} reste bloqué sur l'écran « mise à jour en cours » depuis {jour}.|La mise à jour était corrompue ; le poste a été restauré à distance.
IML|Chariot de tablettes qui ne charge plus|Le chariot de rechargement ne charge plus les tablettes.|Le bloc d'alimentation du chariot était défectueux ; il a été remplacé sous garantie.
RML|Inventaire du matériel numérique|On nous demande l'inventaire du matériel numérique : où trouver la liste des équipements ?|L'inventaire est consultable dans le guichet, rubrique Équipements ; nous l'avons mis à jour avec vous.
IHM|Sonorisation de la {salle} hors service|La sonorisation ne fonctionne plus alors qu'une réunion avec les familles est prévue le {echeance}.|Un câble était débranché à l'amplificateur ; le technicien est passé et tout fonctionne.
IML|Clavier et souris sans fil muets|Le clavier et la souris sans fil de la {salle} ne répondent plus malgré des piles neuves.|Le récepteur USB était défectueux ; un ensemble filaire a été installé.
";
