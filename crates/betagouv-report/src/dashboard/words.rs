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
        "products_no_phase_started" => (
            "produits sans phase commencée",
            "products with no phase started",
        ),
        "members_total" => ("fiches membre", "member records"),
        "members_no_dated_mission" => (
            "membres sans mission datée",
            "members with no dated mission",
        ),
        "members_starting_later" => ("membres arrivant après la date", "members arriving later"),
        "products_active" => ("produits actifs", "active products"),
        "members_active" => ("membres actifs", "active members"),
        "phase" => ("phase", "phase"),
        "incubator" => ("incubateur", "incubator"),
        "year" => ("année", "year"),
        "products" => ("produits", "products"),
        "with_repository" => ("avec dépôt de code", "with a repository"),
        "total" => ("total", "total"),
        "share_percent" => ("part (%)", "share (%)"),
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
        "launches_by_incubator" => (
            "Lancements par année et par incubateur",
            "Launches by year and incubator",
        ),
        "stats_page_by_phase" => (
            "Page de statistiques publique, par phase",
            "Public statistics page, by phase",
        ),
        "dashlord_by_phase" => (
            "Suivi par Dashlord, par phase",
            "Scanned by Dashlord, by phase",
        ),
        "accessibility_status_by_phase" => (
            "Statut d'accessibilité par phase",
            "Accessibility status by phase",
        ),
        "members_new_by_status" => (
            "Nouveaux membres par année et par statut",
            "New members by year and status",
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

/// The title of the two coverage figures side by side.
pub(crate) const COVERAGE: Tr = (
    "Page de statistiques et Dashlord (produits actifs)",
    "Statistics page and Dashlord (active products)",
);

/// The short label of a coverage figure (in charts).
pub(crate) fn short(name: &str, lang: Lang) -> &'static str {
    let t: Tr = match name {
        "stats_page" => ("Page de statistiques", "Statistics page"),
        _ => ("Dashlord", "Dashlord"),
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
        "unspecified" => ("non précisé", "unspecified"),
        _ => return key.to_owned(),
    };
    tr(t, lang).to_owned()
}

/// The key of an active rule (`site`, `stage`).
pub(crate) fn rule_key(rule: ActiveRule) -> &'static str {
    rule.key()
}

/// Our definition of a figure, by the key the dashboard's `definitions` use (the JSON
/// path, dotted); `None` for a key we have no words for. The dashboard's own (English)
/// also name the phases of the records' vocabulary; ours describe the rule.
pub(crate) fn definition(key: &str, lang: Lang) -> Option<&'static str> {
    DEFINITIONS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, t)| tr(*t, lang))
}

/// Our definitions, in the page's order.
pub(crate) const DEFINITIONS: [(&str, Tr); 33] = [
    (
        "as_of",
        (
            "La date que décrivent les chiffres (incluse).",
            "The date the figures describe (inclusive).",
        ),
    ),
    (
        "active_rule",
        (
            "La règle qui rend un produit actif : selon le site, sa phase en cours est l'une des phases actives du site (depuis 2026 : investigation, construction, accélération, consolidation, opéré) ; selon notre table des étapes, elle est en incubation ou en passation.",
            "The rule that makes a product active: for the site, its current phase is one of the site's active phases (since 2026: investigation, construction, acceleration, consolidation, opere); for our stage table, it is incubating or in hand-over.",
        ),
    ),
    (
        "products.total",
        (
            "Fiches produit lues, quelles que soient leurs phases.",
            "Start-up records read, whatever their phases.",
        ),
    ),
    (
        "products.active",
        (
            "Produits actifs à la date, selon la règle d'activité.",
            "Products active at the date, by the active rule.",
        ),
    ),
    (
        "products.by_phase",
        (
            "Phase en cours, telle qu'écrite → produits ; la phase en cours est celle dont le début exact est le plus récent à la date. Les produits sans phase commencée sont laissés de côté.",
            "Current phase, as written -> products; the current phase is the one with the latest exact start on or before the date. Products with no phase started are left out.",
        ),
    ),
    (
        "products.no_phase_started",
        (
            "Produits sans phase en cours : aucune phase, aucune datée, ou toutes commencent après la date.",
            "Products with no current phase: no phase, none dated, or all starting after the date.",
        ),
    ),
    (
        "active_by_incubator",
        (
            "Incubateur → produits actifs ; un produit compte pour chacun de ses incubateurs (incubators, sinon incubator) : un produit co-incubé compte plusieurs fois.",
            "Incubator -> active products; a product counts under each of its incubators (incubators, else incubator): a co-incubated product counts more than once.",
        ),
    ),
    (
        "incubator_by_phase",
        (
            "Incubateur → phase en cours → produits, pour tout produit qui a une phase commencée (actif ou non).",
            "Incubator -> current phase -> products, every product with a phase started (active or not).",
        ),
    ),
    (
        "launches_by_year",
        (
            "Année → produits dont la première phase de construction commencée à la date (début exact) a commencé cette année-là.",
            "Year -> products whose earliest construction phase with an exact start on or before the date started that year.",
        ),
    ),
    (
        "launches_by_incubator",
        (
            "Année → incubateur → produits lancés cette année-là (comme pour launches_by_year), un produit pour chacun de ses incubateurs.",
            "Year -> incubator -> products launched that year (as in launches_by_year), a product under each of its incubators.",
        ),
    ),
    (
        "national_impact_by_year",
        (
            "Année → produits dont le premier événement national_impact daté au plus tard à la date tombe cette année-là.",
            "Year -> products whose earliest national_impact event dated on or before the date falls in that year.",
        ),
    ),
    (
        "open_source_by_phase",
        (
            "Phase en cours → produits de la phase, et ceux qui ont un dépôt de code (repository) renseigné.",
            "Current phase -> products of that phase, and those with a non-blank repository.",
        ),
    ),
    (
        "stats_page",
        (
            "Parmi les produits actifs, ceux qui ont une page de statistiques publique : stats_url renseigné ou stats: true.",
            "Among active products, those with a public statistics page: a non-blank stats_url or stats: true.",
        ),
    ),
    (
        "stats_page_by_phase",
        (
            "Phase en cours → produits de la phase (actifs ou non), et ceux qui ont une page de statistiques (comme pour stats_page).",
            "Current phase -> products of that phase (active or not), and those with a statistics page (as in stats_page).",
        ),
    ),
    (
        "dashlord",
        (
            "Parmi les produits actifs, ceux qui ont une URL Dashlord (dashlord_url) renseignée.",
            "Among active products, those with a non-blank Dashlord URL (dashlord_url).",
        ),
    ),
    (
        "dashlord_by_phase",
        (
            "Phase en cours → produits de la phase (actifs ou non), et ceux qui ont une URL Dashlord (comme pour dashlord).",
            "Current phase -> products of that phase (active or not), and those with a Dashlord URL (as in dashlord).",
        ),
    ),
    (
        "accessibility_status",
        (
            "Parmi les produits actifs, accessibility_status tel qu'écrit → produits ; unknown quand il manque.",
            "Among active products, accessibility_status as written -> products; unknown when absent.",
        ),
    ),
    (
        "accessibility_status_by_phase",
        (
            "Phase en cours → accessibility_status (unknown quand il manque) → produits, pour tout produit qui a une phase commencée.",
            "Current phase -> accessibility_status (unknown when absent) -> products, every product with a phase started.",
        ),
    ),
    (
        "by_thematique",
        (
            "Parmi les produits actifs, thématique → produits, un produit pour chacune de ses thématiques.",
            "Among active products, theme -> products, a product under each of its themes.",
        ),
    ),
    (
        "thematique_by_phase",
        (
            "Thématique → phase en cours → produits, pour tout produit qui a une phase commencée.",
            "Theme -> current phase -> products, every product with a phase started.",
        ),
    ),
    (
        "by_sponsor",
        (
            "Parmi les produits actifs, sponsor → produits, un produit pour chacun de ses sponsors.",
            "Among active products, sponsor -> products, a product under each of its sponsors.",
        ),
    ),
    (
        "members.total",
        ("Fiches membre lues.", "Member records read."),
    ),
    (
        "members.active",
        (
            "Membres dont une mission couvre la date : début exact au plus tard à la date, et pas de fin ou une fin à la date ou après.",
            "Members with a mission covering the date: an exact start on or before it, and no end or an end on or after it.",
        ),
    ),
    (
        "members.new_by_year",
        (
            "Année du premier début de mission exact de chaque membre, au plus tard à la date → membres.",
            "Year of each member's earliest exact mission start on or before the date -> members.",
        ),
    ),
    (
        "members.new_by_status",
        (
            "Année de la première mission de chaque membre (comme pour members.new_by_year) → statut de cette mission → membres.",
            "Year of each member's first mission (as in members.new_by_year) -> that mission's status -> members.",
        ),
    ),
    (
        "members.no_dated_mission",
        (
            "Membres sans début de mission écrit comme une date exacte : jamais nouveaux, jamais actifs.",
            "Members with no mission start written as an exact date: never new, never active.",
        ),
    ),
    (
        "members.starting_later",
        (
            "Membres dont le premier début de mission exact est après la date (ils arrivent plus tard).",
            "Members whose earliest exact mission start is after the date (they arrive later).",
        ),
    ),
    (
        "members.active_by_domaine",
        (
            "Membres actifs par domaine, tel qu'écrit.",
            "Active members by domaine, as written.",
        ),
    ),
    (
        "members.active_by_competence",
        (
            "Membres actifs par compétence, un membre pour chacune de ses compétences.",
            "Active members by competence, a member under each of its competences.",
        ),
    ),
    (
        "members.active_by_status",
        (
            "Membres actifs par statut de leur mission en cours.",
            "Active members by the status of their current mission.",
        ),
    ),
    (
        "to_fix.no_stats_page",
        (
            "Identifiants des produits actifs sans page de statistiques.",
            "Ids of the active products without a statistics page.",
        ),
    ),
    (
        "to_fix.no_dashlord",
        (
            "Identifiants des produits actifs sans URL Dashlord.",
            "Ids of the active products without a Dashlord URL.",
        ),
    ),
    (
        "to_fix.no_accessibility_status",
        (
            "Identifiants des produits actifs sans statut d'accessibilité.",
            "Ids of the active products without an accessibility status.",
        ),
    ),
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
    pub(crate) computed: Tr,
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
    computed: (
        "Les définitions écrites avec les chiffres, en anglais",
        "The definitions written with the figures",
    ),
};
