//! Every fixed text of the dashboard, in French and English: one `(fr, en)` pair per
//! key, so a missing translation is a missing tuple field, caught by the compiler.

use betagouv_portfolio::ActiveRule;

use crate::lang::Lang;

/// A text in both languages.
pub(crate) type Tr = (&'static str, &'static str);

/// `t` in `lang`.
pub(crate) fn tr(t: Tr, lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => t.0,
        Lang::En => t.1,
    }
}

/// The label of a column key (the key itself when unknown).
pub(crate) fn column(key: &'static str, lang: Lang) -> &'static str {
    let t: Tr = match key {
        "as_of" => ("date des chiffres", "as of"),
        "known_at" => ("connu au", "known at"),
        "commit" => ("révision", "commit"),
        "dropped" => ("fichiers écartés", "dropped files"),
        "active_rule" => ("règle d'activité", "active rule"),
        "products_total" => ("fiches produit", "product records"),
        "products_active" => ("produits actifs", "active products"),
        "members_active" => ("membres actifs", "active members"),
        "phase" => ("phase", "phase"),
        "incubator" => ("incubateur", "incubator"),
        "year" => ("année", "year"),
        "products" => ("produits", "products"),
        "with_repository" => ("avec dépôt de code", "with a repository"),
        "total" => ("total", "total"),
        "share" => ("part (%)", "share (%)"),
        "with" => ("avec", "with"),
        "status" => ("statut", "status"),
        "thematique" => ("thématique", "theme"),
        "sponsor" => ("sponsor", "sponsor"),
        "members" => ("membres", "members"),
        "domaine" => ("domaine", "domain"),
        "competence" => ("compétence", "competence"),
        "missing" => ("manque", "missing"),
        "startup" => ("produit", "product"),
        "figure" => ("indicateur", "figure"),
        "definition" => ("définition", "definition"),
        _ => (key, key),
    };
    tr(t, lang)
}

/// The title of a figure (a table's name; the name itself when unknown).
pub(crate) fn figure(name: &'static str, lang: Lang) -> &'static str {
    let t: Tr = match name {
        "key_figures" => ("Chiffres clés", "Key figures"),
        "products_by_phase" => ("Produits par phase", "Products by phase"),
        "active_by_incubator" => (
            "Produits actifs par incubateur",
            "Active products by incubator",
        ),
        "incubator_by_phase" => (
            "Produits par incubateur et par phase",
            "Products by incubator and phase",
        ),
        "launches_by_year" => (
            "Lancements par année (début de construction)",
            "Launches by year (construction start)",
        ),
        "national_impact_by_year" => (
            "Impact national atteint, par année",
            "National impact reached, by year",
        ),
        "open_source_by_phase" => ("Code source ouvert, par phase", "Open source, by phase"),
        "stats_page" => (
            "Page de statistiques publique (produits actifs)",
            "Public statistics page (active products)",
        ),
        "dashlord" => (
            "Suivi par Dashlord (produits actifs)",
            "Scanned by Dashlord (active products)",
        ),
        "accessibility_status" => (
            "Statut d'accessibilité (produits actifs)",
            "Accessibility status (active products)",
        ),
        "by_thematique" => ("Produits actifs par thématique", "Active products by theme"),
        "thematique_by_phase" => (
            "Produits par thématique et par phase",
            "Products by theme and phase",
        ),
        "by_sponsor" => ("Produits actifs par sponsor", "Active products by sponsor"),
        "members_new_by_year" => (
            "Nouveaux membres par année (première mission)",
            "New members by year (first mission)",
        ),
        "members_active_by_domaine" => ("Membres actifs par domaine", "Active members by domain"),
        "members_active_by_competence" => (
            "Membres actifs par compétence",
            "Active members by competence",
        ),
        "members_active_by_status" => ("Membres actifs par statut", "Active members by status"),
        "to_fix" => ("À corriger (produits actifs)", "To fix (active products)"),
        "definitions" => ("Définitions", "Definitions"),
        _ => (name, name),
    };
    tr(t, lang)
}

/// The label of a term of ours written as a key in the CSV files (a `to_fix` list, an
/// active rule); the key itself when unknown.
pub(crate) fn term(key: &str, lang: Lang) -> String {
    let t: Tr = match key {
        "no_stats_page" => ("sans page de statistiques", "no statistics page"),
        "no_dashlord" => ("sans URL Dashlord", "no Dashlord URL"),
        "no_accessibility_status" => ("sans statut d'accessibilité", "no accessibility status"),
        "site" => (
            "site (les phases actives du site)",
            "site (the site's active phases)",
        ),
        "stage" => ("étape (notre table des étapes)", "stage (our stage table)"),
        "unknown" => ("inconnu", "unknown"),
        _ => return key.to_owned(),
    };
    tr(t, lang).to_owned()
}

/// The key of an active rule (`site`, `stage`).
pub(crate) fn rule_key(rule: ActiveRule) -> &'static str {
    rule.key()
}

/// Our definition of a figure, by the JSON key the dashboard's `definitions` use
/// (`None` for a key we have no words for).
pub(crate) fn definition(key: &str, lang: Lang) -> Option<&'static str> {
    let t: Tr = match key {
        "as_of" => (
            "La date que décrivent les chiffres.",
            "The date the figures describe.",
        ),
        "active" => (
            "Un produit est actif quand sa phase en cours (la dernière par date de début parmi celles commencées à la date) est une phase active : selon le site, investigation, construction, accélération, consolidation ou opéré ; selon notre table des étapes, en incubation ou en passation.",
            "A product is active when its current phase (the latest by start date among those started on or before the date) is an active one: for the site, investigation, construction, acceleration, consolidation or opere; for our stage table, incubating or in hand-over.",
        ),
        "products" => (
            "Fiches produit lues ; produits actifs ; produits par phase en cours (les produits sans phase commencée sont laissés de côté).",
            "Start-up files read; active products; products by current phase (products with no phase started yet are left out).",
        ),
        "active_by_incubator" => (
            "Produits actifs par incubateur ; un produit co-incubé compte pour chacun de ses incubateurs.",
            "Active products by incubator; a co-incubated product counts under each of its incubators.",
        ),
        "incubator_by_phase" => (
            "Produits par incubateur et par phase en cours.",
            "Products by incubator and current phase.",
        ),
        "launches_by_year" => (
            "Produits par année de début de leur première phase de construction commencée à la date.",
            "Products by the year their earliest construction phase started on or before the date.",
        ),
        "national_impact_by_year" => (
            "Produits par année de leur premier événement d'impact national daté au plus tard à la date.",
            "Products by the year of their earliest national impact event dated on or before the date.",
        ),
        "open_source_by_phase" => (
            "Par phase en cours, les produits qui ont un dépôt de code renseigné parmi tous ceux de la phase.",
            "By current phase, products with a non-empty repository among all those of the phase.",
        ),
        "stats_page" => (
            "Produits actifs qui ont une page de statistiques publique (une URL stats_url renseignée, ou stats: true).",
            "Active products with a public statistics page (a non-empty stats_url, or stats: true).",
        ),
        "dashlord" => (
            "Produits actifs qui ont une URL Dashlord renseignée.",
            "Active products with a non-empty Dashlord URL.",
        ),
        "accessibility_status" => (
            "Produits actifs par statut d'accessibilité déclaré (inconnu quand il manque).",
            "Active products by declared accessibility status (unknown when absent).",
        ),
        "by_thematique" => (
            "Produits actifs par thématique ; un produit compte pour chacune de ses thématiques.",
            "Active products by theme; a product counts under each of its themes.",
        ),
        "thematique_by_phase" => (
            "Produits par thématique et par phase en cours.",
            "Products by theme and current phase.",
        ),
        "by_sponsor" => (
            "Produits actifs par sponsor ; un produit compte pour chacun de ses sponsors.",
            "Active products by sponsor; a product counts under each of its sponsors.",
        ),
        "members" => (
            "Membres actifs : une mission couvre la date ; nouveaux membres par année de début de leur première mission ; membres actifs par domaine, par compétence (un membre compte pour chacune) et par statut de leur mission en cours.",
            "Active members: a mission covers the date; new members by the year their first mission started; active members by domain, by competence (a member counts under each) and by the status of their current mission.",
        ),
        "to_fix" => (
            "Produits actifs sans page de statistiques, sans URL Dashlord, sans statut d'accessibilité.",
            "Active products without a statistics page, without a Dashlord URL, without an accessibility status.",
        ),
        _ => return None,
    };
    Some(tr(t, lang))
}

/// The keys of our definitions, in the page's order.
pub(crate) const DEFINITION_KEYS: [&str; 15] = [
    "active",
    "products",
    "active_by_incubator",
    "incubator_by_phase",
    "launches_by_year",
    "national_impact_by_year",
    "open_source_by_phase",
    "stats_page",
    "dashlord",
    "accessibility_status",
    "by_thematique",
    "thematique_by_phase",
    "by_sponsor",
    "members",
    "to_fix",
];

/// The other fixed texts of the pages.
pub(crate) struct Words {
    pub(crate) title: Tr,
    pub(crate) series_title: Tr,
    pub(crate) skip: Tr,
    pub(crate) contents: Tr,
    pub(crate) at: Tr,
    pub(crate) rule: Tr,
    pub(crate) products: Tr,
    pub(crate) quality: Tr,
    pub(crate) themes: Tr,
    pub(crate) members: Tr,
    pub(crate) data: Tr,
    pub(crate) nothing: Tr,
    pub(crate) none_missing: Tr,
    pub(crate) generated: Tr,
    pub(crate) full_table: Tr,
    pub(crate) figures: Tr,
    pub(crate) nothing_ever: Tr,
    pub(crate) ours: Tr,
    pub(crate) list: Tr,
    pub(crate) series_points: Tr,
    pub(crate) series_note: Tr,
}

pub(crate) const WORDS: Words = Words {
    title: (
        "Tableau de bord de l'incubateur",
        "The incubator's dashboard",
    ),
    series_title: (
        "Tableau de bord de l'incubateur dans le temps",
        "The incubator's dashboard over time",
    ),
    skip: ("Aller au contenu", "Skip to content"),
    contents: ("Sommaire", "Contents"),
    at: ("au", "as of"),
    rule: (
        "Produits actifs selon la règle",
        "Active products by the rule",
    ),
    products: ("Produits", "Products"),
    quality: ("Ouverture et qualité", "Openness and quality"),
    themes: ("Thématiques et sponsors", "Themes and sponsors"),
    members: ("Membres", "Members"),
    data: ("Données", "Data"),
    nothing: (
        "Rien à compter à cette date.",
        "Nothing to count at this date.",
    ),
    none_missing: (
        "Aucun produit actif concerné.",
        "No active product concerned.",
    ),
    generated: (
        "Produit par betagouv-report à partir des fiches",
        "Made by betagouv-report from the records",
    ),
    full_table: ("Tableau complet", "Full table"),
    figures: ("Les chiffres dans le temps", "The figures over time"),
    nothing_ever: (
        "Rien à compter à aucun point.",
        "Nothing to count at any point.",
    ),
    list: ("Liste", "List"),
    series_points: ("Points de la série", "Points of the series"),
    series_note: (
        "Chaque graphique montre au plus huit courbes, les plus hautes au dernier point ; les fichiers CSV de la série donnent toutes les valeurs.",
        "Each chart shows at most eight lines, the highest at the last point; the series' CSV files give every value.",
    ),
    ours: (
        "Définitions de cet outil ; celles calculées avec les chiffres sont en anglais.",
        "This tool's definitions; those computed with the figures are in English.",
    ),
};
