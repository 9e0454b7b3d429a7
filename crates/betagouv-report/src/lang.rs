//! Output language and every label of the report, in French and English.
//!
//! Labels live in one [`Labels`] struct with a French and an English value, so the
//! compiler checks that both languages have every label.
//!
//! ```
//! use betagouv_report::Lang;
//! assert_eq!("en".parse::<Lang>()?, Lang::En);
//! assert_eq!(Lang::default(), Lang::Fr);
//! assert_eq!(Lang::Fr.labels().key_figures, "Chiffres clés");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use betagouv_impact::{EvaluationDesign, TestKind, TestReason};
use betagouv_portfolio::Stage;
use serde::{Deserialize, Serialize};

use crate::claims::Verdict;

/// The language of a report. French by default. Its text form ([`Display`](fmt::Display),
/// [`FromStr`], serde) is the ISO 639-1 code.
// Exhaustive on purpose: a new language is a breaking change that must reach every
// caller's own translated text (the compiler lists the matches to complete).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// French (`fr`).
    #[default]
    Fr,
    /// English (`en`).
    En,
}

impl Lang {
    /// Every language.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The ISO 639-1 code (`fr`, `en`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// `fr` when this is French and a French text is given, else `en`.
    #[must_use]
    pub fn pick<'a>(self, en: &'a str, fr: Option<&'a str>) -> &'a str {
        match (self, fr) {
            (Lang::Fr, Some(fr)) => fr,
            _ => en,
        }
    }

    /// Every label in this language.
    #[must_use]
    pub fn labels(self) -> &'static Labels {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }

    /// The label of a stage.
    #[must_use]
    pub fn stage(self, stage: Stage) -> &'static str {
        let l = self.labels();
        match stage {
            Stage::Incubating => l.stage_incubating,
            Stage::InHandover => l.stage_in_handover,
            Stage::TakenOver => l.stage_taken_over,
            Stage::Stopped => l.stage_stopped,
            Stage::NotStarted => l.stage_not_started,
            // `unknown`, and a stage added later until it has its own label.
            _ => l.stage_unknown,
        }
    }

    /// The label of a claims-check verdict (`conforme`, `matches`, ...).
    ///
    /// ```
    /// use betagouv_report::{Lang, Verdict};
    /// assert_eq!(Lang::Fr.verdict(Verdict::Consistent), "cohérent");
    /// ```
    #[must_use]
    pub fn verdict(self, verdict: Verdict) -> &'static str {
        let l = self.labels();
        match verdict {
            Verdict::Matches => l.verdict_matches,
            Verdict::Differs => l.verdict_differs,
            Verdict::Consistent => l.verdict_consistent,
            Verdict::NotComputable => l.verdict_not_computable,
        }
    }

    /// The label of an evaluation design.
    #[must_use]
    pub fn design(self, design: EvaluationDesign) -> &'static str {
        let l = self.labels();
        match design {
            EvaluationDesign::Randomized => l.design_randomized,
            EvaluationDesign::Encouragement => l.design_encouragement,
            // Observational, and a design added later until it has its own label: no
            // causal wording.
            _ => l.design_observational,
        }
    }

    /// The name of a test and why it was chosen.
    ///
    /// ```
    /// use betagouv_impact::{TestKind, TestReason};
    /// use betagouv_report::Lang;
    /// let (name, why) = Lang::En.test(TestKind::Boschloo, TestReason::SmallExpectedCount);
    /// assert_eq!(name, "two-sided Boschloo exact test");
    /// assert_eq!(why, "an expected count is under 5");
    /// ```
    #[must_use]
    pub fn test(self, test: TestKind, reason: TestReason) -> (&'static str, &'static str) {
        let l = self.labels();
        let name = match test {
            TestKind::Boschloo => l.test_boschloo,
            TestKind::FisherExact => l.test_fisher,
            _ => l.test_pooled_z,
        };
        let why = match reason {
            TestReason::SmallExpectedCount => l.reason_small_count,
            TestReason::SmallExpectedCountLargeArms => l.reason_small_count_large_arms,
            TestReason::SmallExpectedCountBeyondExactTests => l.reason_beyond_exact_tests,
            _ => l.reason_large_counts,
        };
        (name, why)
    }

    /// The minimum detectable effect's label with its power and two-sided level
    /// (`effet minimal détectable (puissance 80 %, risque 5 % bilatéral)`).
    ///
    /// ```
    /// use betagouv_report::Lang;
    /// assert_eq!(
    ///     Lang::En.mde_label(0.8, 0.05),
    ///     "minimum detectable effect (80 % power, 5 % two-sided level)"
    /// );
    /// ```
    #[must_use]
    pub fn mde_label(self, power: f64, alpha: f64) -> String {
        let l = self.labels();
        let percent = |x: f64| {
            let text = crate::num::fixed(x * 100.0, 2, self);
            let decimal = if self == Lang::Fr { ',' } else { '.' };
            let trimmed = if text.contains(decimal) {
                text.trim_end_matches('0').trim_end_matches(decimal)
            } else {
                &text
            };
            format!("{trimmed} %")
        };
        let (power, alpha) = (percent(power), percent(alpha));
        match self {
            Lang::Fr => format!("{} (puissance {power}, risque {alpha} bilatéral)", l.mde),
            Lang::En => format!("{} ({power} power, {alpha} two-sided level)", l.mde),
        }
    }

    /// The label of a member status as written in the records (`admin`, `independent`,
    /// `service`, `dinsic`); other values are returned as written.
    #[must_use]
    pub fn member_status(self, status: &str) -> &str {
        let l = self.labels();
        match status {
            "admin" => l.status_admin,
            "independent" => l.status_independent,
            "service" => l.status_service,
            "dinsic" => l.status_dinsic,
            "unspecified" => l.status_unspecified,
            other => other,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Error of [`Lang::from_str`]: the text is not a language code of the report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {value:?}; expected fr or en")]
#[non_exhaustive]
pub struct ParseLangError {
    /// The code as given.
    pub value: String,
}

impl FromStr for Lang {
    type Err = ParseLangError;
    fn from_str(s: &str) -> Result<Self, ParseLangError> {
        match s {
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            other => Err(ParseLangError {
                value: other.to_owned(),
            }),
        }
    }
}

/// Every fixed text of the report in one language.
#[derive(Debug)]
#[allow(missing_docs)] // Each field is the label its name says.
pub struct Labels {
    pub title: &'static str,
    pub subtitle: &'static str,
    pub as_of: &'static str,
    pub skip_link: &'static str,
    pub summary: &'static str,
    pub key_figures: &'static str,
    pub previous_year: &'static str,
    pub change: &'static str,
    pub not_computable: &'static str,
    pub members: &'static str,
    pub members_note: &'static str,
    pub budget_total: &'static str,
    pub budget_partners: &'static str,
    pub partner_share: &'static str,
    pub services: &'static str,
    pub services_note: &'static str,
    pub taken_over: &'static str,
    pub in_handover: &'static str,
    pub stopped: &'static str,
    pub partners: &'static str,
    pub partners_note_owners: &'static str,
    pub partners_note_sponsors: &'static str,
    pub by_status: &'static str,
    pub portfolio: &'static str,
    pub by_stage: &'static str,
    pub by_stage_desc: &'static str,
    pub by_incubator: &'static str,
    pub by_incubator_desc: &'static str,
    pub no_incubator: &'static str,
    pub by_phase: &'static str,
    pub timeline: &'static str,
    pub timeline_desc: &'static str,
    pub funnel: &'static str,
    pub funnel_desc: &'static str,
    pub funnel_note: &'static str,
    pub entries: &'static str,
    pub no_entries: &'static str,
    pub budget: &'static str,
    pub by_source: &'static str,
    pub by_source_desc: &'static str,
    pub by_startup: &'static str,
    pub by_phase_budget: &'static str,
    pub own_funds: &'static str,
    pub partner_funds: &'static str,
    pub impact: &'static str,
    pub evaluation: &'static str,
    pub evaluation_desc: &'static str,
    pub cohort: &'static str,
    pub cohort_size: &'static str,
    pub rate: &'static str,
    pub difference: &'static str,
    pub interval: &'static str,
    pub relative: &'static str,
    pub p_value: &'static str,
    pub mde: &'static str,
    pub design: &'static str,
    pub design_randomized: &'static str,
    pub design_encouragement: &'static str,
    pub design_observational: &'static str,
    pub observational_caveat: &'static str,
    pub test: &'static str,
    pub test_pooled_z: &'static str,
    pub test_boschloo: &'static str,
    pub test_fisher: &'static str,
    pub reason_large_counts: &'static str,
    pub reason_small_count: &'static str,
    pub reason_small_count_large_arms: &'static str,
    pub reason_beyond_exact_tests: &'static str,
    pub test_disagrees: &'static str,
    pub adjusted_p: &'static str,
    pub adjusted_family: &'static str,
    pub statistical_verdict: &'static str,
    pub inside_interval: &'static str,
    pub outside_interval: &'static str,
    pub itt_difference: &'static str,
    pub first_stage: &'static str,
    pub warning: &'static str,
    pub weak_first_stage: &'static str,
    pub cace: &'static str,
    pub anderson_rubin: &'static str,
    pub every_value: &'static str,
    pub compliers_with: &'static str,
    pub compliers_without: &'static str,
    pub relative_cace: &'static str,
    pub mde_users: &'static str,
    pub kpis: &'static str,
    pub metric: &'static str,
    pub value: &'static str,
    pub period: &'static str,
    pub source: &'static str,
    pub claims: &'static str,
    pub claims_intro: &'static str,
    pub claim: &'static str,
    pub history: &'static str,
    pub history_intro: &'static str,
    pub at_publication: &'static str,
    pub equal_intervals: &'static str,
    pub never_equal: &'static str,
    pub until_now: &'static str,
    pub known_at: &'static str,
    pub commit: &'static str,
    pub history_chart: &'static str,
    pub published: &'static str,
    pub computed: &'static str,
    pub verdict: &'static str,
    pub note: &'static str,
    pub verdict_matches: &'static str,
    pub verdict_differs: &'static str,
    pub verdict_consistent: &'static str,
    pub verdict_not_computable: &'static str,
    pub method: &'static str,
    pub method_text: &'static str,
    pub data_table: &'static str,
    pub service: &'static str,
    pub stage: &'static str,
    pub phase: &'static str,
    pub start: &'static str,
    pub end: &'static str,
    pub count: &'static str,
    pub total: &'static str,
    pub amount: &'static str,
    pub share: &'static str,
    pub reached: &'static str,
    pub incubator: &'static str,
    pub ongoing: &'static str,
    pub approximate: &'static str,
    pub problems: &'static str,
    pub stage_incubating: &'static str,
    pub stage_in_handover: &'static str,
    pub stage_taken_over: &'static str,
    pub stage_stopped: &'static str,
    pub stage_not_started: &'static str,
    pub stage_unknown: &'static str,
    pub status_admin: &'static str,
    pub status_independent: &'static str,
    pub status_service: &'static str,
    pub status_dinsic: &'static str,
    pub status_unspecified: &'static str,
    pub points: &'static str,
    pub more_than: &'static str,
    pub about: &'static str,
    pub per_day: &'static str,
    pub per_week: &'static str,
    pub per_month: &'static str,
    pub per_year: &'static str,
    pub generated_by: &'static str,
}

/// French labels.
pub static FR: Labels = Labels {
    title: "Rapport d'activité",
    subtitle: "Incubateur de services numériques publics (start-ups d'État)",
    as_of: "Données au",
    skip_link: "Aller au contenu",
    summary: "Sommaire",
    key_figures: "Chiffres clés",
    previous_year: "année précédente",
    change: "évolution",
    not_computable: "non calculable",
    members: "membres actifs de la communauté",
    members_note: "membres dont une mission couvre la date",
    budget_total: "budget de l'année",
    budget_partners: "dont financement des partenaires",
    partner_share: "part des partenaires",
    services: "services dans le portefeuille",
    services_note: "fiches start-up dont une phase a commencé à la date",
    taken_over: "services repris",
    in_handover: "services en passation",
    stopped: "services arrêtés",
    partners: "partenaires",
    partners_note_owners: "porteurs distincts (champ owner des fiches)",
    partners_note_sponsors: "sponsors distincts des fiches",
    by_status: "par statut",
    portfolio: "Portefeuille",
    by_stage: "Services par étape",
    by_stage_desc: "Barres horizontales : nombre de services à chaque étape à la date du rapport.",
    by_incubator: "Services par incubateur et par étape",
    by_incubator_desc: "Barres empilées horizontales : pour chaque incubateur, le nombre de services à chaque étape.",
    no_incubator: "incubateur non renseigné",
    by_phase: "Services par phase (telle qu'écrite)",
    timeline: "Frise des phases de chaque service",
    timeline_desc: "Une ligne par service, un segment par phase, de sa date de début à sa fin ou à la date du rapport.",
    funnel: "Entonnoir des étapes",
    funnel_desc: "Barres : nombre de services ayant atteint chaque étape, et nombre de services arrêtés.",
    funnel_note: "Une étape atteinte implique les précédentes ; les fiches à statut unique ne gardent que l'étape actuelle.",
    entries: "Services entrés dans l'année",
    no_entries: "Aucun service n'est entré dans l'année.",
    budget: "Budget",
    by_source: "Budget par source",
    by_source_desc: "Barres horizontales : montant apporté par chaque source de financement.",
    by_startup: "Dépenses par service",
    by_phase_budget: "Dépenses par étape",
    own_funds: "crédits propres",
    partner_funds: "fonds des partenaires",
    impact: "Impact",
    evaluation: "Évaluation",
    evaluation_desc: "Points avec barres d'erreur : taux de chaque cohorte et son intervalle de confiance à 95 %.",
    cohort: "cohorte",
    cohort_size: "effectif",
    rate: "taux",
    difference: "écart",
    interval: "intervalle de confiance à 95 %",
    relative: "écart relatif au taux de la cohorte témoin",
    p_value: "valeur p",
    mde: "effet minimal détectable",
    design: "plan d'évaluation",
    design_randomized: "assignation tirée au sort",
    design_encouragement: "incitation tirée au sort",
    design_observational: "comparaison observationnelle (cohortes non tirées au sort)",
    observational_caveat: "Comparaison observationnelle : l'écart entre les cohortes n'est pas un effet du service, elles peuvent différer par ailleurs.",
    test: "test",
    test_pooled_z: "test z à variance poolée, bilatéral",
    test_boschloo: "test exact de Boschloo, bilatéral",
    test_fisher: "test exact de Fisher, bilatéral",
    reason_large_counts: "tous les effectifs attendus sont d'au moins 5",
    reason_small_count: "un effectif attendu est inférieur à 5",
    reason_small_count_large_arms: "un effectif attendu est inférieur à 5 ; cohortes trop grandes pour le test de Boschloo",
    reason_beyond_exact_tests: "un effectif attendu est inférieur à 5 ; cohortes trop grandes pour un test exact",
    test_disagrees: "le test et l'intervalle de confiance ne concluent pas de même : écart à lire avec prudence",
    adjusted_p: "valeur p ajustée (Holm ; Benjamini-Hochberg)",
    adjusted_family: "évaluations du service",
    statistical_verdict: "verdict statistique",
    inside_interval: "dans l'IC 95 %",
    outside_interval: "hors de l'IC 95 %",
    itt_difference: "effet de l'incitation (intention de traiter, ITT)",
    first_stage: "première étape (recours au service ajouté par l'incitation)",
    warning: "attention",
    weak_first_stage: "première étape faible (F inférieur à 10), l'intervalle de Wald de l'effet sur les utilisateurs n'est pas fiable ; lire l'ensemble d'Anderson-Rubin",
    cace: "effet sur les utilisateurs incités (CACE)",
    anderson_rubin: "ensemble de confiance d'Anderson-Rubin",
    every_value: "toutes les valeurs",
    compliers_with: "taux des utilisateurs incités avec le service",
    compliers_without: "taux des utilisateurs incités sans le service",
    relative_cace: "effet relatif au taux des utilisateurs incités sans le service",
    mde_users: "effet minimal détectable sur les utilisateurs (celui de l'ITT divisé par la première étape)",
    kpis: "Indicateurs d'usage",
    metric: "indicateur",
    value: "valeur",
    period: "période",
    source: "source",
    claims: "Vérification des chiffres publiés",
    claims_intro: "Chaque chiffre publié, le chiffre calculé à partir des données et un verdict : « conforme » (égal à la précision publiée), « différent », « cohérent » (les chiffres publiés concordent entre eux mais aucune donnée ne les prouve), « non calculable ».",
    claim: "chiffre",
    history: "Les chiffres publiés dans l'historique du dépôt",
    history_intro: "Chaque chiffre a deux dates : celle qu'il décrit (au) et l'état des fiches dont il vient (connu au, l'instant d'un commit). Pour chaque chiffre publié : le chiffre que le dépôt donnait à la date de publication, son verdict, et les intervalles de connaissance pendant lesquels le dépôt donnait le chiffre publié.",
    at_publication: "connu à la publication",
    equal_intervals: "intervalles de connaissance où le dépôt donnait le chiffre publié",
    never_equal: "jamais",
    until_now: "dernier commit lu",
    known_at: "connu au",
    commit: "commit",
    history_chart: "Le chiffre selon l'état des fiches, face au chiffre publié",
    published: "publié",
    computed: "calculé",
    verdict: "verdict",
    note: "note",
    verdict_matches: "conforme",
    verdict_differs: "différent",
    verdict_consistent: "cohérent",
    verdict_not_computable: "non calculable",
    method: "Méthode et données",
    method_text: "Les chiffres sont calculés à partir des fiches des start-ups et des membres à la date du rapport ; l'étape d'un service est celle de sa phase en cours dans le vocabulaire de l'époque. Les intervalles de confiance d'un écart de taux sont ceux de Newcombe (scores de Wilson), ceux d'un écart relatif ceux de Katz (logarithme du rapport des taux). Le test est bilatéral : le test z à variance poolée quand tous les effectifs attendus sont d'au moins 5, sinon le test exact de Boschloo (celui de Fisher pour de très grandes cohortes). Les valeurs p de plusieurs évaluations d'un même service sont aussi ajustées (Holm, Benjamini-Hochberg).",
    data_table: "Données du graphique",
    service: "service",
    stage: "étape",
    phase: "phase",
    start: "début",
    end: "fin",
    count: "nombre",
    total: "total",
    amount: "montant",
    share: "part",
    reached: "ont atteint l'étape",
    incubator: "incubateur",
    ongoing: "en cours",
    approximate: "date approximative",
    problems: "Problèmes relevés dans les données",
    stage_incubating: "en incubation",
    stage_in_handover: "en passation",
    stage_taken_over: "repris",
    stage_stopped: "arrêté",
    stage_not_started: "pas commencé",
    stage_unknown: "phase inconnue",
    status_admin: "agents publics",
    status_independent: "indépendants",
    status_service: "prestataires",
    status_dinsic: "DINSIC",
    status_unspecified: "non précisé",
    points: "points",
    more_than: "plus de",
    about: "environ",
    per_day: "par jour",
    per_week: "par semaine",
    per_month: "par mois",
    per_year: "par an",
    generated_by: "Produit par betagouv-report",
};

/// English labels.
pub static EN: Labels = Labels {
    title: "Annual report",
    subtitle: "Incubator of public digital services (State start-ups)",
    as_of: "Data as of",
    skip_link: "Skip to content",
    summary: "Contents",
    key_figures: "Key figures",
    previous_year: "previous year",
    change: "change",
    not_computable: "not computable",
    members: "active community members",
    members_note: "members with a mission covering the date",
    budget_total: "budget of the year",
    budget_partners: "of which partner funding",
    partner_share: "partner share",
    services: "services in the portfolio",
    services_note: "start-up records with a phase started at the date",
    taken_over: "services taken over",
    in_handover: "services in hand-over",
    stopped: "services stopped",
    partners: "partners",
    partners_note_owners: "distinct owners (the records' owner field)",
    partners_note_sponsors: "distinct sponsors of the records",
    by_status: "by status",
    portfolio: "Portfolio",
    by_stage: "Services by stage",
    by_stage_desc: "Horizontal bars: number of services at each stage at the report date.",
    by_incubator: "Services by incubator and stage",
    by_incubator_desc: "Stacked horizontal bars: for each incubator, the number of services at each stage.",
    no_incubator: "incubator not given",
    by_phase: "Services by phase (as written)",
    timeline: "Timeline of every service's phases",
    timeline_desc: "One row per service, one segment per phase, from its start to its end or the report date.",
    funnel: "Stage funnel",
    funnel_desc: "Bars: number of services that reached each stage, and number of services stopped.",
    funnel_note: "Reaching a stage implies the earlier ones; single-status records only keep the current stage.",
    entries: "Services that started during the year",
    no_entries: "No service started during the year.",
    budget: "Budget",
    by_source: "Budget by source",
    by_source_desc: "Horizontal bars: amount brought by each funding source.",
    by_startup: "Spending by service",
    by_phase_budget: "Spending by stage",
    own_funds: "own credits",
    partner_funds: "partner funds",
    impact: "Impact",
    evaluation: "Evaluation",
    evaluation_desc: "Points with error bars: each cohort's rate and its 95 % confidence interval.",
    cohort: "cohort",
    cohort_size: "size",
    rate: "rate",
    difference: "difference",
    interval: "95 % confidence interval",
    relative: "relative to the control cohort's rate",
    p_value: "p-value",
    mde: "minimum detectable effect",
    design: "design",
    design_randomized: "randomised assignment",
    design_encouragement: "randomised encouragement",
    design_observational: "observational comparison (cohorts not randomised)",
    observational_caveat: "Observational comparison: the difference between the cohorts is not an effect of the service, they may differ in other ways.",
    test: "test",
    test_pooled_z: "two-sided pooled z-test",
    test_boschloo: "two-sided Boschloo exact test",
    test_fisher: "two-sided Fisher exact test",
    reason_large_counts: "every expected count is at least 5",
    reason_small_count: "an expected count is under 5",
    reason_small_count_large_arms: "an expected count is under 5; cohorts too large for Boschloo's test",
    reason_beyond_exact_tests: "an expected count is under 5; cohorts too large for an exact test",
    test_disagrees: "the test and the confidence interval disagree: read the difference with caution",
    adjusted_p: "adjusted p-value (Holm; Benjamini-Hochberg)",
    adjusted_family: "evaluations of the service",
    statistical_verdict: "statistical verdict",
    inside_interval: "inside the 95 % CI",
    outside_interval: "outside the 95 % CI",
    itt_difference: "ITT effect of the encouragement (intention to treat)",
    first_stage: "first stage (extra take-up caused by the encouragement)",
    warning: "warning",
    weak_first_stage: "weak first stage (F below 10), the Wald interval of the effect on users is unreliable; read the Anderson-Rubin set",
    cace: "effect on compliers (CACE)",
    anderson_rubin: "Anderson-Rubin confidence set",
    every_value: "every value",
    compliers_with: "compliers' rate with the service",
    compliers_without: "compliers' rate without the service",
    relative_cace: "effect relative to the compliers' rate without the service",
    mde_users: "minimum detectable effect on users (the ITT's over the first stage)",
    kpis: "Usage KPIs",
    metric: "metric",
    value: "value",
    period: "period",
    source: "source",
    claims: "Check of the published figures",
    claims_intro: "Each published figure, the figure computed from the records and a verdict: \"matches\" (equal at the published precision), \"differs\", \"consistent\" (the published figures agree with each other but no records prove them), \"not computable\".",
    claim: "figure",
    history: "The published figures in the repository's history",
    history_intro: "Every figure has two dates: the date it describes (as of) and the state of the records it comes from (known at, the instant of a commit). For each published figure: the figure the repository gave on the publication date, its verdict, and the intervals of knowledge over which the repository gave the published figure.",
    at_publication: "as known at publication",
    equal_intervals: "intervals of knowledge over which the repository gave the published figure",
    never_equal: "never",
    until_now: "last commit read",
    known_at: "known at",
    commit: "commit",
    history_chart: "The figure as the records knew it, against the published figure",
    published: "published",
    computed: "computed",
    verdict: "verdict",
    note: "note",
    verdict_matches: "matches",
    verdict_differs: "differs",
    verdict_consistent: "consistent",
    verdict_not_computable: "not computable",
    method: "Method and data",
    method_text: "Figures are computed from the start-up and member records at the report date; a service's stage is that of its current phase in the vocabulary of its era. Intervals of a difference of rates are Newcombe's (Wilson scores), those of a relative difference Katz's (log of the risk ratio). The test is two-sided: the pooled z-test when every expected count is at least 5, else Boschloo's exact test (Fisher's for very large cohorts). The p-values of several evaluations of one service are also adjusted (Holm, Benjamini-Hochberg).",
    data_table: "Chart data",
    service: "service",
    stage: "stage",
    phase: "phase",
    start: "start",
    end: "end",
    count: "count",
    total: "total",
    amount: "amount",
    share: "share",
    reached: "reached the stage",
    incubator: "incubator",
    ongoing: "ongoing",
    approximate: "approximate date",
    problems: "Problems found in the data",
    stage_incubating: "incubating",
    stage_in_handover: "in hand-over",
    stage_taken_over: "taken over",
    stage_stopped: "stopped",
    stage_not_started: "not started",
    stage_unknown: "unknown phase",
    status_admin: "civil servants",
    status_independent: "freelancers",
    status_service: "contractors",
    status_dinsic: "DINSIC",
    status_unspecified: "unspecified",
    points: "points",
    more_than: "more than",
    about: "about",
    per_day: "a day",
    per_week: "a week",
    per_month: "a month",
    per_year: "a year",
    generated_by: "Produced by betagouv-report",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for l in [Lang::Fr, Lang::En] {
            assert_eq!(l.code().parse::<Lang>().ok(), Some(l));
        }
        assert!("de".parse::<Lang>().is_err());
    }

    #[test]
    fn every_stage_has_a_label_in_both_languages() {
        for s in Stage::ALL {
            assert!(!Lang::Fr.stage(s).is_empty());
            assert_ne!(Lang::Fr.stage(s), Lang::En.stage(s), "{s}");
        }
    }
}
