//! A deterministic synthetic corpus of Danish cross-sector health agreements,
//! for benchmarks (`scripts/bench`, `docs/performance.md`).
//!
//! ```sh
//! cargo run --release --example corpus -- --docs 10000 --out /dev/shm/corpus-10k [--seed 1] [--format pactum|zola|hugo]
//! ```
//!
//! Every kind is present (agreements, programmes, communication packages,
//! checklists, guidance, pages), with valid front matter, ~1,000-word bodies
//! with `##`/`###` headings, paragraphs, lists, responsibility tables, task
//! lists on checklists, footnotes, and cross-links of both forms
//! (`[t](../aftaler/x.md#anchor)` and `[[id]]`, `[[id#anchor]]`, `[[alias]]`)
//! to documents and heading anchors that exist. Relations (`parent`,
//! `related`, `supersedes`, `programme`) never loop and point only at
//! documents in force, so the pactum corpus builds with no error and no
//! warning. The same seed gives the same bytes; the three formats hold the
//! same documents with the same heading anchors, so builds can be compared.
//!
//! std only: a splitmix64 generator, no dependencies.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

// ---------------------------------------------------------------------------
// Randomness

/// splitmix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Between `lo` and `hi` distinct indices of `0..n`.
    fn some(&mut self, n: usize, lo: usize, hi: usize) -> Vec<usize> {
        let k = self.range(lo, hi);
        self.distinct(n, k)
    }

    /// `k` distinct indices of `0..n`, in the order drawn.
    fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::with_capacity(k);
        while out.len() < k.min(n) {
            let x = self.below(n);
            if !out.contains(&x) {
                out.push(x);
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Vocabulary

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Agreement,
    Programme,
    CommunicationPackage,
    Checklist,
    Guidance,
    Page,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Agreement => "agreement",
            Kind::Programme => "programme",
            Kind::CommunicationPackage => "communication-package",
            Kind::Checklist => "checklist",
            Kind::Guidance => "guidance",
            Kind::Page => "page",
        }
    }

    fn folder(self) -> &'static str {
        match self {
            Kind::Agreement => "aftaler",
            Kind::Programme => "forloebsprogrammer",
            Kind::CommunicationPackage => "kommunikationspakker",
            Kind::Checklist => "tjeklister",
            Kind::Guidance => "vejledninger",
            Kind::Page => "sider",
        }
    }

    fn folder_title(self) -> &'static str {
        match self {
            Kind::Agreement => "Aftaler",
            Kind::Programme => "Forløbsprogrammer",
            Kind::CommunicationPackage => "Kommunikationspakker",
            Kind::Checklist => "Tjeklister",
            Kind::Guidance => "Vejledninger",
            Kind::Page => "Sider",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Kind::Agreement => "sa",
            Kind::Programme => "fp",
            Kind::CommunicationPackage => "kp",
            Kind::Checklist => "tjek",
            Kind::Guidance => "vejl",
            Kind::Page => "side",
        }
    }

    const ALL: [Kind; 6] =
        [Kind::Agreement, Kind::Programme, Kind::CommunicationPackage, Kind::Checklist, Kind::Guidance, Kind::Page];
}

/// (topic as it reads after "om", abbreviation, tags it usually carries)
const TOPICS: &[(&str, &str, &[&str])] = &[
    ("udskrivelse af ældre medicinske patienter", "UÆMP", &["udskrivelse", "ældre"]),
    ("hjerterehabilitering", "HR", &["hjertesygdom", "rehabilitering"]),
    ("KOL", "KOL", &["KOL", "rehabilitering"]),
    ("type 2-diabetes", "T2D", &["diabetes", "forebyggelse"]),
    ("demens", "DEM", &["demens", "ældre"]),
    ("genoptræning efter sygehusophold", "GOP", &["genoptræning", "udskrivelse"]),
    ("palliation i eget hjem", "PAL", &["palliation", "hjemmesygepleje"]),
    ("borgere med psykisk lidelse og samtidigt misbrug", "PSM", &["psykiatri", "misbrug"]),
    ("børn og unge med overvægt", "BUO", &["børn og unge", "overvægt"]),
    ("gravide med særlige behov", "GRA", &["gravide", "ulighed i sundhed"]),
    ("medicinhåndtering på tværs af sektorer", "MED", &["medicin", "kommunikation"]),
    ("IV-behandling i eget hjem", "IV", &["IV-behandling", "hjemmesygepleje"]),
    ("sårbehandling", "SÅR", &["sårbehandling", "hjemmesygepleje"]),
    ("borgere i respiratorbehandling", "RESP", &["respirator", "hjælpemidler"]),
    ("rehabilitering efter kræft", "KRÆ", &["kræft", "rehabilitering"]),
    ("lænderygsmerter", "LRS", &["smerter", "genoptræning"]),
    ("apopleksi", "APO", &["apopleksi", "rehabilitering"]),
    ("erhvervet hjerneskade", "EHS", &["hjerneskade", "rehabilitering"]),
    ("tandpleje til udsatte borgere", "TAND", &["tandpleje", "ulighed i sundhed"]),
    ("vaccination af sårbare grupper", "VAC", &["vaccination", "forebyggelse"]),
    ("kommunale akutfunktioner", "AKUT", &["akutfunktion", "kommuner"]),
    ("telemedicinsk hjemmemonitorering", "TELE", &["telemedicin", "digitalisering"]),
    ("forebyggelse af tryksår", "TRY", &["sårbehandling", "forebyggelse"]),
    ("ernæringsindsatser", "ERN", &["ernæring", "ældre"]),
    ("faldforebyggelse", "FALD", &["faldforebyggelse", "ældre"]),
    ("urinvejsinfektioner hos ældre", "UVI", &["infektionshygiejne", "ældre"]),
    ("hjertesvigt", "HS", &["hjertesygdom", "telemedicin"]),
    ("kræft i tyk- og endetarm", "KTE", &["kræft", "sygehuse"]),
    ("fødsel og barsel", "FØD", &["gravide", "børn og unge"]),
    ("spiseforstyrrelser", "SPF", &["psykiatri", "børn og unge"]),
    ("selvmordsforebyggelse", "SMF", &["psykiatri", "forebyggelse"]),
    ("brug af tolk", "TOLK", &["tolkning", "kommunikation"]),
    ("hjælpemidler ved udskrivelse", "HJÆ", &["hjælpemidler", "udskrivelse"]),
    ("borgere med ADHD", "ADHD", &["psykiatri", "børn og unge"]),
    ("angst og depression", "AOD", &["psykiatri", "almen praksis"]),
    ("mennesker med udviklingshæmning", "UDV", &["ulighed i sundhed", "kommuner"]),
    ("rygestop", "RYG", &["rygestop", "forebyggelse"]),
    ("alkoholbehandling", "ALK", &["alkohol", "misbrug"]),
    ("søvnapnø", "SØVN", &["søvn", "hjælpemidler"]),
    ("osteoporose", "OST", &["faldforebyggelse", "almen praksis"]),
    ("artrose i hofte og knæ", "ART", &["smerter", "genoptræning"]),
    ("multisygdom", "MULTI", &["ældre", "almen praksis"]),
    ("infektionshygiejne", "HYG", &["infektionshygiejne", "kommuner"]),
    ("prøvesvar og laboratorieydelser", "LAB", &["digitalisering", "almen praksis"]),
    ("sundhedsfaglig rådgivning til kommuner", "SFR", &["kommuner", "sygehuse"]),
    ("social ulighed i sundhed", "ULI", &["ulighed i sundhed", "forebyggelse"]),
];

/// The fixed tag vocabulary (every tag a document gets is from here).
const TAGS: &[&str] = &[
    "udskrivelse",
    "indlæggelse",
    "genoptræning",
    "rehabilitering",
    "medicin",
    "kommunikation",
    "hjertesygdom",
    "KOL",
    "diabetes",
    "demens",
    "psykiatri",
    "misbrug",
    "børn og unge",
    "gravide",
    "ældre",
    "palliation",
    "kræft",
    "forebyggelse",
    "sundhedsfremme",
    "telemedicin",
    "digitalisering",
    "akutfunktion",
    "hjemmesygepleje",
    "almen praksis",
    "kommuner",
    "sygehuse",
    "pårørende",
    "patientinddragelse",
    "ulighed i sundhed",
    "tolkning",
    "hjælpemidler",
    "sårbehandling",
    "IV-behandling",
    "respirator",
    "ernæring",
    "faldforebyggelse",
    "vaccination",
    "tandpleje",
    "apopleksi",
    "hjerneskade",
    "overvægt",
    "rygestop",
    "alkohol",
    "søvn",
    "smerter",
    "infektionshygiejne",
];

/// (region, its municipalities as a party, short name for PLO)
const REGIONS: &[(&str, &str, &str)] = &[
    ("Region Syddanmark", "De 22 kommuner i Region Syddanmark", "PLO Syddanmark"),
    ("Region Hovedstaden", "De 29 kommuner i Region Hovedstaden", "PLO-Hovedstaden"),
    ("Region Sjælland", "De 17 kommuner i Region Sjælland", "PLO-Sjælland"),
    ("Region Midtjylland", "De 19 kommuner i Region Midtjylland", "PLO-Midtjylland"),
    ("Region Nordjylland", "De 11 kommuner i Region Nordjylland", "PLO-Nordjylland"),
];

const PERIODS: &[&str] = &["2011–2014", "2015–2018", "2019–2023", "2024–2027"];

const OWNERS: &[&str] = &[
    "SKU",
    "DAK",
    "Følgegruppen for Forebyggelse",
    "Følgegruppen for behandling og pleje",
    "Følgegruppen for Træning og Rehabilitering",
    "Følgegruppen for Psykiatri og Social",
    "Følgegruppen for Børn og Unge",
    "Følgegruppen for Data og Digitalisering",
    "Praksisplanudvalget",
    "Sundhedssamarbejdsudvalget",
];

const APPROVERS: &[&str] = &["SKU", "DAK", "Sundhedssamarbejdsudvalget", "Praksisplanudvalget", "KKR"];

const SECTORS: &[&str] = &["kommuner", "sygehuse", "almen praksis", "psykiatri", "tandpleje"];
const AUDIENCES: &[&str] = &["sundhedsprofessionelle", "ledere", "borgere", "pårørende", "sekretærer"];

const ASPECTS: &[&str] = &[
    "ansvarsfordeling",
    "kommunikation ved udskrivelse",
    "opfølgning i almen praksis",
    "tidlig opsporing",
    "rehabilitering i kommunen",
    "samarbejde med pårørende",
    "medicin og FMK",
    "borgere med særlige behov",
    "akutte forløb",
    "planlagte forløb",
    "digitale løsninger",
    "kvalitet og opfølgning",
    "overgange mellem sektorer",
    "børn og unge",
    "den sidste tid",
];

/// (subject at the start of a sentence, subject after the verb)
const SUBJECTS: &[(&str, &str)] = &[
    ("Kommunen", "kommunen"),
    ("Sygehuset", "sygehuset"),
    ("Den praktiserende læge", "den praktiserende læge"),
    ("Hjemmesygeplejen", "hjemmesygeplejen"),
    ("Det kommunale akutteam", "det kommunale akutteam"),
    ("Udskrivningskoordinatoren", "udskrivningskoordinatoren"),
    ("Den behandlingsansvarlige læge", "den behandlingsansvarlige læge"),
    ("Sundhedsplejersken", "sundhedsplejersken"),
    ("Træningsenheden", "træningsenheden"),
    ("Afdelingen", "afdelingen"),
    ("Visitationen", "visitationen"),
    ("Misbrugscentret", "misbrugscentret"),
    ("Lægevagten", "lægevagten"),
    ("Jordemoderen", "jordemoderen"),
    ("Kontaktpersonen", "kontaktpersonen"),
];

/// (present tense, infinitive, object)
const ACTIONS: &[(&str, &str, &str)] = &[
    ("sender", "sende", "en epikrise"),
    ("udarbejder", "udarbejde", "en genoptræningsplan"),
    ("opdaterer", "opdatere", "medicinlisten i FMK"),
    ("afholder", "afholde", "en udskrivningskonference"),
    ("vurderer", "vurdere", "borgerens funktionsevne"),
    ("dokumenterer", "dokumentere", "aftalen i journalen"),
    ("orienterer", "orientere", "de pårørende"),
    ("bestiller", "bestille", "de nødvendige hjælpemidler"),
    ("koordinerer", "koordinere", "forløbet med de øvrige aktører"),
    ("aftaler", "aftale", "tid til et opfølgende hjemmebesøg"),
    ("sender", "sende", "en korrespondancemeddelelse"),
    ("udfylder", "udfylde", "plejeforløbsplanen"),
    ("gennemgår", "gennemgå", "medicinen sammen med borgeren"),
    ("videregiver", "videregive", "relevante oplysninger om borgerens sociale forhold"),
    ("tilbyder", "tilbyde", "en opfølgende samtale"),
    ("henviser", "henvise", "borgeren til et kommunalt tilbud"),
    ("afklarer", "afklare", "behovet for pleje og praktisk hjælp"),
    ("sørger for", "sørge for", "at borgeren har medicin til de første tre døgn"),
    ("udleverer", "udlevere", "skriftlig information til borgeren"),
    ("registrerer", "registrere", "forløbet i det fælles datagrundlag"),
];

const TIMES: &[&str] = &[
    "senest 24 timer efter udskrivelsen",
    "inden for tre hverdage",
    "samme dag",
    "ved indlæggelsen",
    "før borgeren forlader sygehuset",
    "senest kl. 12 dagen før udskrivelsen",
    "så hurtigt som muligt",
    "inden for 30 dage",
    "i forbindelse med den første konsultation",
    "ved hver ændring i behandlingen",
    "inden for fem hverdage efter henvisningen",
    "når borgeren er kommet hjem",
];

const CONDITIONS: &[&str] = &[
    "borgeren har behov for hjælp efter udskrivelsen",
    "der er ændringer i medicinen",
    "borgeren ikke selv kan give samtykke",
    "forløbet ændrer sig undervejs",
    "der er tvivl om ansvaret",
    "borgeren er under 18 år",
    "borgeren har brug for tolk",
    "de pårørende ønsker det",
    "borgerens tilstand forværres",
    "borgeren bor på et plejecenter",
    "der er behov for specialiseret genoptræning",
    "borgeren ikke møder op",
];

const NOUNS: &[&str] = &[
    "ansvarsfordelingen",
    "medicineringen",
    "behandlingsplanen",
    "genoptræningsbehovet",
    "hjælpemidlerne",
    "den videre opfølgning",
    "samtykket",
    "tidsfristerne",
];

const TASKS: &[&str] = &[
    "Sende udskrivningsrapport",
    "Opdatere medicinkortet i FMK",
    "Udarbejde genoptræningsplan",
    "Bestille hjælpemidler",
    "Følge op efter udskrivelsen",
    "Orientere de pårørende",
    "Vurdere behov for hjemmesygepleje",
    "Afholde opfølgende hjemmebesøg",
    "Sende henvisning",
    "Give borgeren skriftlig information",
    "Vurdere funktionsevne",
    "Koordinere forløbet",
];

const ROLES: &[&str] = &["Ansvarlig", "Orienteres", "Medvirker", "Modtager", "–", "Godkender"];

const CHECK_ITEMS: &[&str] = &[
    "Medicinlisten er opdateret i FMK",
    "Borgeren har fået skriftlig information om forløbet",
    "De pårørende er orienteret",
    "Hjælpemidlerne er leveret i hjemmet",
    "Genoptræningsplanen er sendt til kommunen",
    "Epikrisen er sendt til den praktiserende læge",
    "Tid til opfølgning er aftalt",
    "Behov for tolk er afklaret",
    "Samtykke til videregivelse af oplysninger er indhentet",
    "Kontaktoplysninger på den ansvarlige er noteret",
    "Borgeren har medicin til de første tre døgn",
    "Plejeforløbsplanen er udfyldt",
    "Kommunen har bekræftet modtagelsen",
    "Der er taget stilling til genoplivning",
    "Borgerens egne mål er beskrevet",
    "Aftaler om transport er på plads",
];

const FOOTNOTES: &[&str] = &[
    "Sundhedsloven, jf. lovbekendtgørelse nr. 1011 af 17. juni 2024, § 205.",
    "Bekendtgørelse om sundhedskoordinationsudvalg og sundhedsaftaler.",
    "Sundhedsstyrelsens anbefalinger for forløbsprogrammer for kronisk sygdom, 2012.",
    "MedCom-standarderne for korrespondancemeddelelser og epikriser.",
    "Serviceloven, § 83 og § 86.",
    "Vejledning om genoptræningsplaner, Sundhedsstyrelsen 2018.",
];

/// ## headings per kind (the numbered kinds get "4 …" and "4.2 …").
fn sections(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Agreement => &[
            "Formål",
            "Baggrund",
            "Målgruppe",
            "Aftalens parter",
            "Ansvarsfordeling",
            "Indlæggelse",
            "Under indlæggelsen",
            "Udskrivelse",
            "Opfølgning efter udskrivelse",
            "Kommunikation",
            "Medicinhåndtering",
            "Genoptræning og rehabilitering",
            "Børn og unge (0–17 år)",
            "Pårørende",
            "Økonomi",
            "Implementering",
            "Uenighed og afvigelser",
            "Ikrafttræden og revision",
        ],
        Kind::Programme => &[
            "Indledning",
            "Målgruppe og diagnostik",
            "Tidlig opsporing",
            "Udredning",
            "Behandling",
            "Rehabilitering",
            "Palliation",
            "Patientinddragelse",
            "Pårørende",
            "Kompetencer",
            "Monitorering og datagrundlag",
            "Implementering",
        ],
        Kind::CommunicationPackage => &[
            "Om pakken",
            "Budskaber til borgeren",
            "Hvem siger hvad hvornår",
            "Materialer",
            "Samtalen",
            "Opfølgning",
            "Pårørende",
            "Særlige målgrupper",
        ],
        Kind::Checklist => &[
            "Stamdata",
            "Før indlæggelsen",
            "Ved indlæggelsen",
            "Før udskrivelsen",
            "Ved udskrivelsen",
            "Efter udskrivelsen",
            "Medicin",
            "Hjælpemidler",
            "Kommunikation med pårørende",
            "Henviser",
        ],
        Kind::Guidance => &[
            "Hvornår bruges vejledningen",
            "Fremgangsmåde",
            "Trin for trin",
            "Roller og ansvar",
            "Dokumentation",
            "Faglige anbefalinger",
            "Særlige hensyn",
            "Spørgsmål og svar",
            "Referencer",
        ],
        Kind::Page => &[
            "Indhold",
            "Om publikationen",
            "Dokumenttyper",
            "Status og versioner",
            "Forkortelser",
            "Kontakt",
            "Tilgængelighed",
            "Ændringslog",
        ],
    }
}

/// ### headings; they repeat under several ## on one page (→ `-2`, `-3`).
const SUBSECTIONS: &[&str] = &[
    "Kommunens opgaver",
    "Sygehusets opgaver",
    "Almen praksis' opgaver",
    "Ansvar",
    "Dokumentation",
    "Tidsfrister",
    "Eksempel",
    "Lovgrundlag",
];

// ---------------------------------------------------------------------------
// Slugs, as pactum makes heading ids

/// Lowercase; æ→ae, ø→oe, å→aa; accents dropped; other runs → one `-`; trimmed.
fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let mapped: Option<&str> = match c {
            'æ' => Some("ae"),
            'ø' => Some("oe"),
            'å' => Some("aa"),
            'ß' => Some("ss"),
            'á' | 'à' | 'â' | 'ä' | 'ã' => Some("a"),
            'é' | 'è' | 'ê' | 'ë' => Some("e"),
            'í' | 'ì' | 'î' | 'ï' => Some("i"),
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => Some("o"),
            'ú' | 'ù' | 'û' | 'ü' => Some("u"),
            'ç' => Some("c"),
            'ñ' => Some("n"),
            _ => None,
        };
        let mut buf = [0u8; 4];
        let piece = match mapped {
            Some(m) => m,
            None if c.is_ascii_alphanumeric() => c.encode_utf8(&mut buf),
            None => {
                dash = true;
                continue;
            }
        };
        if dash && !out.is_empty() {
            out.push('-');
        }
        dash = false;
        out.push_str(piece);
    }
    out
}

/// Ids the page templates use themselves; pactum never gives them to headings.
const RESERVED_IDS: &[&str] = &["main", "top", "toc", "indhold", "search", "footnotes"];

/// Gives heading ids the way pactum does: slug, or `afsnit`; then `-2`, `-3`.
#[derive(Default)]
struct Ids(Vec<String>);

impl Ids {
    fn unique(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "afsnit".to_string() } else { base.to_string() };
        let mut id = base.clone();
        let mut n = 1;
        while RESERVED_IDS.contains(&id.as_str()) || self.0.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.0.push(id.clone());
        id
    }
}

// ---------------------------------------------------------------------------
// Dates

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Date {
    y: usize,
    m: usize,
    d: usize,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

fn days_in_month(y: usize, m: usize) -> usize {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    fn random(rng: &mut Rng, from_year: usize, to_year: usize) -> Date {
        let y = rng.range(from_year, to_year);
        let m = rng.range(1, 12);
        let d = rng.range(1, days_in_month(y, m));
        Date { y, m, d }
    }

    fn plus_years(self, n: usize) -> Date {
        let y = self.y + n;
        Date { y, m: self.m, d: self.d.min(days_in_month(y, self.m)) }
    }

    /// A real day in the year before this date.
    fn some_day_before(self, rng: &mut Rng) -> Date {
        let y = self.y - 1;
        let m = rng.range(1, 12);
        Date { y, m, d: rng.range(1, days_in_month(y, m)) }
    }
}

// ---------------------------------------------------------------------------
// The corpus model

struct Heading {
    level: usize,
    text: String,
    /// `{#custom}` written in the pactum source.
    custom: Option<String>,
    /// The id pactum gives it (written explicitly for Zola and Hugo).
    id: String,
}

struct Doc {
    kind: Kind,
    topic: usize,
    stem: String,
    id: String,
    explicit_id: bool,
    title: String,
    summary: String,
    status: Option<&'static str>,
    version: String,
    live: bool,
    effective: Date,
    expires: Option<Date>,
    review_by: Date,
    owner: &'static str,
    region: usize,
    period: &'static str,
    tags: Vec<&'static str>,
    aliases: Vec<String>,
    parent: Option<usize>,
    related: Vec<usize>,
    supersedes: Option<usize>,
    programme: Option<usize>,
    headings: Vec<Heading>,
    /// Documents this body must link to (pages, so none is an orphan).
    must_link: Vec<usize>,
}

impl Doc {
    fn rel(&self) -> String {
        format!("{}/{}.md", self.kind.folder(), self.stem)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Pactum,
    Zola,
    Hugo,
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Every document's metadata and headings; bodies come later.
fn plan(n: usize, seed: u64) -> Vec<Doc> {
    let mut rng = Rng::new(seed);
    // Kinds: roughly the mix of a real regional publication.
    let kinds: Vec<Kind> = (0..n)
        .map(|i| match i {
            // The first documents cover every kind, so even tiny corpora have them all.
            0..=5 => Kind::ALL[i],
            _ => match rng.below(100) {
                0..=29 => Kind::Agreement,
                30..=35 => Kind::Programme,
                36..=47 => Kind::CommunicationPackage,
                48..=67 => Kind::Checklist,
                68..=92 => Kind::Guidance,
                _ => Kind::Page,
            },
        })
        .collect();
    // Supersession: a later document of the same kind replaces an earlier one.
    let mut supersedes: Vec<Option<usize>> = vec![None; n];
    let mut superseded = vec![false; n];
    let mut pool: Vec<Vec<usize>> = vec![Vec::new(); Kind::ALL.len()];
    for j in 0..n {
        let k = Kind::ALL.iter().position(|x| *x == kinds[j]).unwrap_or(0);
        if kinds[j] != Kind::Page && !pool[k].is_empty() && rng.chance(10) {
            let p = &mut pool[k];
            let i = p.swap_remove(rng.below(p.len()));
            supersedes[j] = Some(i);
            superseded[i] = true;
        }
        pool[k].push(j);
    }
    let mut docs: Vec<Doc> = Vec::with_capacity(n);
    for i in 0..n {
        let kind = kinds[i];
        let topic = rng.below(TOPICS.len());
        let (tname, abbr, ttags) = TOPICS[topic];
        let stem = format!("{}-{}-{:05}", kind.prefix(), slugify(abbr), i + 1);
        let explicit_id = kind != Kind::Page && rng.chance(10);
        let id = if explicit_id {
            let word = match kind {
                Kind::Agreement => "aftale",
                Kind::Programme => "forloebsprogram",
                Kind::CommunicationPackage => "kommunikationspakke",
                Kind::Checklist => "tjekliste",
                _ => "vejledning",
            };
            format!("{word}-{:05}", i + 1)
        } else {
            stem.clone()
        };
        let region = rng.below(REGIONS.len());
        let aspect = rng.pick(ASPECTS);
        let title = match kind {
            Kind::Agreement => {
                let head = *rng.pick(&["Samarbejdsaftale om", "Aftale om", "Delaftale om", "Tværsektoriel aftale om"]);
                format!("{head} {tname}: {aspect}")
            }
            Kind::Programme => format!("Forløbsprogram for {tname}"),
            Kind::CommunicationPackage => format!("Kommunikationspakke om {tname}: {aspect}"),
            Kind::Checklist => {
                let head =
                    *rng.pick(&["Tjekliste ved udskrivelse", "Tjekliste til henvisning", "Tjekliste til samtalen"]);
                format!("{head} – {tname}")
            }
            Kind::Guidance => format!("Vejledning om {tname}: {aspect}"),
            Kind::Page => {
                let head = *rng.pick(&["Om samarbejdet om", "Ordliste for", "Kontakt og organisering:", "Nyheder om"]);
                format!("{head} {tname}")
            }
        };
        let title =
            if kind != Kind::Page && rng.chance(40) { format!("{title} ({})", REGIONS[region].0) } else { title };
        let summary = format!(
            "{} beskriver, hvordan {} og {} samarbejder om {}, og hvem der har ansvaret for {}.",
            capitalise(match kind {
                Kind::Agreement => "aftalen",
                Kind::Programme => "forløbsprogrammet",
                Kind::CommunicationPackage => "pakken",
                Kind::Checklist => "tjeklisten",
                Kind::Guidance => "vejledningen",
                Kind::Page => "siden",
            }),
            SUBJECTS[rng.below(SUBJECTS.len())].1,
            SUBJECTS[rng.below(SUBJECTS.len())].1,
            tname,
            rng.pick(NOUNS)
        );
        let status = if kind == Kind::Page {
            None
        } else if superseded[i] {
            Some("superseded")
        } else {
            Some(match rng.below(100) {
                0..=1 => "withdrawn",
                2..=77 => "in-force",
                78..=85 => "approved",
                86..=92 => "consultation",
                _ => "draft",
            })
        };
        let live = !matches!(status, Some("superseded" | "withdrawn"));
        let mut effective = Date::random(&mut rng, 2008, 2022);
        let (mut major, minor) = (rng.range(1, 3), rng.range(0, 4));
        if let Some(old) = supersedes[i] {
            let o: &Doc = &docs[old];
            if effective <= o.effective {
                // Later than the old one, but not in the future (Hugo skips future pages).
                let cap = Date { y: 2026, m: 6, d: 30 };
                effective = o.effective.plus_years(rng.range(1, 3)).min(cap).max(o.effective);
            }
            major = o.version.split('.').next().and_then(|m| m.parse::<usize>().ok()).unwrap_or(1) + 1;
        }
        // Documents in force are due for review in the future (2028 or later, so
        // `review-due` stays quiet until late 2027); retired ones keep old dates.
        let review_by = if live {
            Date::random(&mut rng, 2028, 2031).max(effective.plus_years(2))
        } else {
            effective.plus_years(rng.range(2, 4))
        };
        let expires = rng.chance(20).then(|| effective.plus_years(rng.range(3, 6)));
        let mut tags: Vec<&'static str> = ttags.to_vec();
        for _ in 0..rng.range(0, 3) {
            let t = *rng.pick(TAGS);
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let mut aliases = Vec::new();
        if kind != Kind::Page {
            aliases.push(format!("{}-{}", kind.prefix().to_uppercase(), i + 1));
            if rng.chance(30) {
                aliases.push(format!("{} nr. {}", capitalise(tname), i + 1));
            }
        }
        docs.push(Doc {
            kind,
            topic,
            stem,
            id,
            explicit_id,
            title,
            summary,
            status,
            version: format!("{major}.{minor}"),
            live,
            effective,
            expires,
            review_by,
            owner: OWNERS[rng.below(OWNERS.len())],
            region,
            period: PERIODS[rng.below(PERIODS.len())],
            tags,
            aliases,
            parent: None,
            related: Vec::new(),
            supersedes: supersedes[i],
            programme: None,
            headings: Vec::new(),
            must_link: Vec::new(),
        });
    }
    // Relations point only at documents in force, and `parent` only backwards (no loops).
    let live_of = |docs: &[Doc], k: Kind, before: usize| -> Vec<usize> {
        (0..before).filter(|&t| docs[t].kind == k && docs[t].live).collect()
    };
    let programmes = live_of(&docs, Kind::Programme, n);
    let mut agreements_before: Vec<usize> = Vec::new();
    let live_all: Vec<usize> = (0..n).filter(|&t| docs[t].live).collect();
    for (i, d) in docs.iter_mut().enumerate() {
        let kind = d.kind;
        let parent_chance = match kind {
            Kind::Agreement => 25,
            Kind::Checklist => 30,
            Kind::Guidance => 10,
            _ => 0,
        };
        if !agreements_before.is_empty() && rng.chance(parent_chance) {
            d.parent = Some(*rng.pick(&agreements_before));
        }
        let programme_chance = match kind {
            Kind::CommunicationPackage => 90,
            Kind::Checklist => 40,
            _ => 0,
        };
        if !programmes.is_empty() && rng.chance(programme_chance) {
            d.programme = Some(*rng.pick(&programmes));
        }
        if kind != Kind::Page && live_all.len() > 1 {
            for _ in 0..rng.range(0, 3) {
                let t = *rng.pick(&live_all);
                if t != i && !d.related.contains(&t) && Some(t) != d.parent {
                    d.related.push(t);
                }
            }
        }
        if kind == Kind::Agreement && d.live {
            agreements_before.push(i);
        }
    }
    // Every page is linked from some other document in force.
    let linkers: Vec<usize> = (0..n).filter(|&t| docs[t].live && docs[t].kind != Kind::Page).collect();
    if !linkers.is_empty() {
        for p in 0..n {
            if docs[p].kind == Kind::Page {
                let from = *rng.pick(&linkers);
                docs[from].must_link.push(p);
            }
        }
    }
    // Headings (their ids are link targets, so they are fixed before any body).
    for d in &mut docs {
        let numbered = matches!(d.kind, Kind::Agreement | Kind::Programme);
        let all = sections(d.kind);
        let count = rng.range(6, all.len().min(11));
        let mut picked = rng.distinct(all.len(), count);
        picked.sort_unstable();
        let mut ids = Ids::default();
        for (n2, &s) in picked.iter().enumerate() {
            let text = if numbered { format!("{} {}", n2 + 1, all[s]) } else { all[s].to_string() };
            let custom = rng.chance(4).then(|| format!("afsnit-{}", slugify(all[s])));
            let id = ids.unique(&slugify(custom.as_deref().unwrap_or(&text)));
            d.headings.push(Heading { level: 2, text, custom, id });
            if d.kind != Kind::Checklist && rng.chance(35) {
                for n3 in 0..rng.range(1, 3) {
                    let sub = *rng.pick(SUBSECTIONS);
                    let text = if numbered { format!("{}.{} {sub}", n2 + 1, n3 + 1) } else { sub.to_string() };
                    let id = ids.unique(&slugify(&text));
                    d.headings.push(Heading { level: 3, text, custom: None, id });
                }
            }
        }
    }
    docs
}

// ---------------------------------------------------------------------------
// Writing

/// The text of one document under construction.
struct Body<'a> {
    fmt: Format,
    docs: &'a [Doc],
    me: usize,
    hubs: &'a [usize],
    live: &'a [usize],
    out: String,
    words: usize,
    links: usize,
}

enum LinkForm {
    Path,
    PathAnchor,
    Wiki,
    WikiAnchor,
    WikiAlias,
    WikiText,
}

impl Body<'_> {
    fn me(&self) -> &Doc {
        &self.docs[self.me]
    }

    fn push(&mut self, s: &str) {
        self.words += count_words(s);
        self.out.push_str(s);
    }

    /// A random document in force (often one of the hubs everybody cites), not this one.
    fn target(&self, rng: &mut Rng) -> Option<usize> {
        for _ in 0..8 {
            let t = if rng.chance(20) { *rng.pick(self.hubs) } else { *rng.pick(self.live) };
            if t != self.me {
                return Some(t);
            }
        }
        None
    }

    /// Markdown for a link to document `t` (optionally to heading `anchor`).
    fn link(&mut self, t: usize, anchor: Option<&str>, form: LinkForm, text: &str) -> String {
        self.links += 1;
        let d = &self.docs[t];
        let hash = anchor.map(|a| format!("#{a}")).unwrap_or_default();
        match self.fmt {
            Format::Pactum => {
                let me = self.me();
                let path = if me.kind == d.kind && (self.me + t).is_multiple_of(2) {
                    format!("{}.md", d.stem)
                } else {
                    format!("../{}", d.rel())
                };
                match form {
                    LinkForm::Path | LinkForm::PathAnchor => format!("[{text}]({path}{hash})"),
                    LinkForm::Wiki | LinkForm::WikiAnchor => format!("[[{}{hash}]]", d.id),
                    LinkForm::WikiAlias => format!("[[{}]]", d.aliases.first().unwrap_or(&d.id)),
                    LinkForm::WikiText => format!("[[{}{hash}|{text}]]", d.id),
                }
            }
            Format::Zola | Format::Hugo => {
                let shown = match form {
                    LinkForm::Wiki | LinkForm::WikiAnchor | LinkForm::WikiAlias => d.title.as_str(),
                    _ => text,
                };
                if self.fmt == Format::Zola {
                    format!("[{shown}](@/{}{hash})", d.rel())
                } else {
                    format!("[{shown}]({{{{< relref \"/{}{hash}\" >}}}})", d.rel())
                }
            }
        }
    }

    /// A sentence that links to another document, in one of the forms editors use.
    fn link_sentence(&mut self, rng: &mut Rng) -> String {
        let Some(t) = self.target(rng) else { return String::new() };
        let d = &self.docs[t];
        let h = rng.pick(&d.headings);
        let (anchor, htext) = (h.id.clone(), h.text.clone());
        let title = d.title.clone();
        match rng.below(8) {
            0 | 1 => {
                let l = self.link(t, Some(&anchor), LinkForm::PathAnchor, &format!("afsnittet {htext}"));
                format!("Reglerne er beskrevet nærmere i {l} i {title}.")
            }
            2 => {
                let l = self.link(t, None, LinkForm::Path, &title);
                format!("Se også {l}.")
            }
            3 => {
                let l = self.link(t, None, LinkForm::Wiki, "");
                format!("Arbejdsgangen følger {l}.")
            }
            4 => {
                let l = self.link(t, Some(&anchor), LinkForm::WikiAnchor, "");
                format!("Kravene til {} står i {l}.", rng.pick(NOUNS))
            }
            5 if !d.aliases.is_empty() => {
                let l = self.link(t, None, LinkForm::WikiAlias, "");
                format!("Samme frister gælder efter {l}.")
            }
            6 => {
                let l = self.link(t, Some(&anchor), LinkForm::WikiText, "den fælles aftale");
                format!("Ansvaret er fordelt som i {l}.")
            }
            _ => {
                let l = self.link(t, Some(&anchor), LinkForm::PathAnchor, "her");
                format!("Vejledningen til {} findes {l}.", rng.pick(NOUNS))
            }
        }
    }

    fn sentence(&mut self, rng: &mut Rng) -> String {
        let me = self.me();
        let topic = TOPICS[me.topic].0;
        let (s, s_low) = *rng.pick(SUBJECTS);
        let (_, s2) = *rng.pick(SUBJECTS);
        let (verb, inf, obj) = *rng.pick(ACTIONS);
        let time = *rng.pick(TIMES);
        match rng.below(14) {
            0..=2 => format!("{s} {verb} {obj} {time}."),
            3..=5 => format!("Hvis {}, {verb} {s_low} {obj} {time}.", rng.pick(CONDITIONS)),
            6 => format!("Aftalen gælder for borgere med behov for et forløb om {topic}, uanset hvor de bor."),
            7 => format!(
                "Formålet er at sikre et sammenhængende forløb om {topic}, så borgeren oplever, at {s_low} og {s2} arbejder sammen."
            ),
            8 => format!("Parterne forpligter sig til at {inf} {obj} efter de fælles retningslinjer."),
            9 => format!(
                "Kommunikationen foregår elektronisk efter MedCom-standarderne, og {s_low} {verb} {obj} {time}."
            ),
            10 => format!("Oplysningerne dokumenteres i journalen, så de kan deles med {s_low} og {s2}."),
            11 => format!(
                "Erfaringerne viser, at {} procent af forløbene følger aftalen, og målet er at nå {} procent inden {}.",
                rng.range(55, 85),
                rng.range(86, 98),
                rng.range(2025, 2030)
            ),
            12 => format!("{s} kan altid kontakte {s2} for sparring, hvis der er tvivl om {}.", rng.pick(NOUNS)),
            _ => format!("Ved uenighed om opgavefordelingen tages sagen op i {}.", me.owner),
        }
    }

    fn paragraph(&mut self, rng: &mut Rng, sentences: usize, with_link: bool, footnote: Option<usize>) {
        let mut parts: Vec<String> = (0..sentences).map(|_| self.sentence(rng)).collect();
        if rng.chance(8) {
            parts[0] = format!("**Bemærk:** {}", parts[0]);
        }
        if with_link {
            let l = self.link_sentence(rng);
            if !l.is_empty() {
                let at = rng.below(parts.len() + 1);
                parts.insert(at, l);
            }
        }
        let mut p = parts.join(" ");
        if let Some(n) = footnote {
            p.pop();
            let _ = write!(p, ".[^{n}]");
        }
        if rng.chance(4) {
            p = format!("> {p}");
        }
        self.push(&p);
        self.push("\n\n");
    }

    fn bullets(&mut self, rng: &mut Rng) {
        let ordered = rng.chance(30);
        for k in 0..rng.range(3, 6) {
            let item = if ordered {
                let (s, _) = *rng.pick(SUBJECTS);
                let (verb, _, obj) = *rng.pick(ACTIONS);
                format!("{}. {s} {verb} {obj}.\n", k + 1)
            } else {
                let (_, _, obj) = *rng.pick(ACTIONS);
                format!("- {} {}\n", capitalise(obj), rng.pick(TIMES))
            };
            self.push(&item);
        }
        self.push("\n");
    }

    fn table(&mut self, rng: &mut Rng) {
        self.push("| Opgave | Kommune | Sygehus | Almen praksis |\n|---|:---:|:---:|:---:|\n");
        for k in rng.some(TASKS.len(), 3, 6) {
            let row = format!("| {} | {} | {} | {} |\n", TASKS[k], rng.pick(ROLES), rng.pick(ROLES), rng.pick(ROLES));
            self.push(&row);
        }
        self.push("\n");
    }

    fn tasks(&mut self, rng: &mut Rng) {
        for k in rng.some(CHECK_ITEMS.len(), 4, 8) {
            let mark = if rng.chance(5) { "x" } else { " " };
            let item = format!("- [{mark}] {}.\n", CHECK_ITEMS[k]);
            self.push(&item);
        }
        self.push("\n");
    }

    fn heading(&mut self, h: &Heading) {
        let hashes = "#".repeat(h.level);
        let line = match (self.fmt, &h.custom) {
            (Format::Pactum, Some(c)) => format!("{hashes} {} {{#{c}}}\n\n", h.text),
            (Format::Pactum, None) => format!("{hashes} {}\n\n", h.text),
            _ => format!("{hashes} {} {{#{}}}\n\n", h.text, h.id),
        };
        self.push(&line);
    }
}

/// The markdown body of document `i`, about `words` words long.
fn body(docs: &[Doc], i: usize, ctx: (&[usize], &[usize]), words: usize, fmt: Format, seed: u64) -> String {
    let mut rng = Rng::new(seed.wrapping_mul(0x1000_0000_01B3) ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let (hubs, live) = ctx;
    let mut b = Body { fmt, docs, me: i, hubs, live, out: String::with_capacity(words * 8), words: 0, links: 0 };
    let d = &docs[i];
    let footnotes: Vec<&str> = if rng.chance(30) {
        rng.some(FOOTNOTES.len(), 1, 2).iter().map(|&k| FOOTNOTES[k]).collect()
    } else {
        Vec::new()
    };
    let per_heading = words.saturating_sub(80) / d.headings.len().max(1);
    // Intro, with the links this document must carry.
    b.paragraph(&mut rng, 3, true, None);
    for &p in &d.must_link {
        let l = b.link(p, None, LinkForm::Path, &docs[p].title);
        b.push(&format!("Baggrundsviden findes på siden {l}.\n\n"));
    }
    let mut footnote = 0;
    for h in &d.headings {
        b.heading(h);
        let target = b.words + per_heading;
        let mut blocks = 0;
        while blocks == 0 || b.words + 35 < target {
            match (d.kind, rng.below(10)) {
                (Kind::Checklist, 0..=4) if blocks == 0 || rng.chance(50) => b.tasks(&mut rng),
                (_, 0) if h.level == 2 && rng.chance(50) => b.table(&mut rng),
                (_, 1) => b.bullets(&mut rng),
                (_, 2) if rng.chance(30) && d.headings.len() > 1 => {
                    let own = rng.pick(&d.headings);
                    let l = format!("[afsnittet {}](#{})", own.text, own.id);
                    b.push(&format!("Se også {l} i dette dokument.\n\n"));
                }
                _ => {
                    let note = (footnote < footnotes.len() && rng.chance(20)).then(|| {
                        footnote += 1;
                        footnote
                    });
                    let with_link = rng.chance(30);
                    let n = rng.range(3, 6);
                    b.paragraph(&mut rng, n, with_link, note);
                }
            }
            blocks += 1;
        }
    }
    for (k, text) in footnotes.iter().take(footnote).enumerate() {
        b.push(&format!("[^{}]: {text}\n\n", k + 1));
    }
    b.out
}

/// Words of running text: tokens with a letter in them (not `|`, `-`, `##`).
fn count_words(s: &str) -> usize {
    s.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count()
}

fn quote_list(items: &[impl AsRef<str>]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("\"{}\"", s.as_ref())).collect();
    format!("[{}]", quoted.join(", "))
}

/// YAML front matter for pactum.
fn pactum_front_matter(docs: &[Doc], d: &Doc, rng: &mut Rng) -> String {
    let mut y = String::with_capacity(1024);
    let _ = writeln!(y, "---\ntitle: \"{}\"", d.title);
    if d.explicit_id {
        let _ = writeln!(y, "id: {}", d.id);
    }
    let _ = writeln!(y, "summary: \"{}\"", d.summary);
    let _ = writeln!(y, "tags: {}", quote_list(&d.tags));
    if !d.aliases.is_empty() {
        let _ = writeln!(y, "aliases: {}", quote_list(&d.aliases));
    }
    if d.kind != Kind::Page {
        let _ = writeln!(y, "version: \"{}\"", d.version);
        let _ = writeln!(y, "status: {}", d.status.unwrap_or("in-force"));
        let _ = writeln!(y, "effective: {}", d.effective);
        if let Some(e) = d.expires {
            let _ = writeln!(y, "expires: {e}");
        }
        let _ = writeln!(y, "review_by: {}", d.review_by);
        let _ = writeln!(y, "owner: \"{}\"", d.owner);
        y.push_str("approvals:\n");
        for _ in 0..rng.range(1, 2) {
            let date = d.effective.some_day_before(rng);
            let _ = writeln!(y, "  - {{ body: \"{}\", date: {date}, note: \"Godkendt\" }}", rng.pick(APPROVERS));
        }
        let _ = writeln!(y, "change_note: \"Opdateret efter evaluering af {}.\"", rng.pick(NOUNS));
        let major: usize = d.version.split('.').next().and_then(|m| m.parse().ok()).unwrap_or(1);
        if major > 1 {
            y.push_str("history:\n");
            for v in 1..major {
                let date = Date { y: d.effective.y - (major - v), m: d.effective.m, d: 1 };
                let _ = writeln!(
                    y,
                    "  - {{ version: \"{v}.0\", date: {date}, change_note: \"Udgave {v}\", approved_by: SKU }}"
                );
            }
        }
        let (region, kommuner, plo) = REGIONS[d.region];
        let parties = if rng.chance(30) { vec![region, kommuner, plo] } else { vec![region, kommuner] };
        let _ = writeln!(y, "parties: {}", quote_list(&parties));
        let _ = writeln!(y, "region: \"{region}\"");
        let _ = writeln!(y, "period: \"{}\"", d.period);
        let sectors: Vec<&str> = rng.some(SECTORS.len(), 2, 3).iter().map(|&k| SECTORS[k]).collect();
        let _ = writeln!(y, "sectors: {}", quote_list(&sectors));
        let audience: Vec<&str> = rng.some(AUDIENCES.len(), 1, 2).iter().map(|&k| AUDIENCES[k]).collect();
        let _ = writeln!(y, "audience: {}", quote_list(&audience));
    }
    if let Some(p) = d.parent {
        let _ = writeln!(y, "parent: {}", docs[p].id);
    }
    if !d.related.is_empty() {
        let ids: Vec<&str> = d.related.iter().map(|&t| docs[t].id.as_str()).collect();
        let _ = writeln!(y, "related: [{}]", ids.join(", "));
    }
    if let Some(s) = d.supersedes {
        let _ = writeln!(y, "supersedes: {}", docs[s].id);
    }
    if let Some(p) = d.programme {
        let _ = writeln!(y, "programme: {}", docs[p].id);
    }
    y.push_str("---\n\n");
    y
}

/// The fields pactum has and Zola/Hugo do not, as `key = value` / `key: value` lines.
fn extra_fields(docs: &[Doc], d: &Doc, toml: bool) -> Vec<(String, String)> {
    let s = |v: &str| format!("\"{v}\"");
    let mut f = vec![("kind".to_string(), s(d.kind.name())), ("doc_id".to_string(), s(&d.id))];
    if d.kind != Kind::Page {
        f.push(("version".into(), s(&d.version)));
        f.push(("status".into(), s(d.status.unwrap_or("in-force"))));
        let date = |x: Date| if toml { x.to_string() } else { s(&x.to_string()) };
        f.push(("effective".into(), date(d.effective)));
        f.push(("review_by".into(), date(d.review_by)));
        f.push(("owner".into(), s(d.owner)));
        let (region, kommuner, _) = REGIONS[d.region];
        f.push(("parties".into(), quote_list(&[region, kommuner])));
        f.push(("region".into(), s(region)));
        f.push(("period".into(), s(d.period)));
    }
    f.push(("doc_aliases".into(), quote_list(&d.aliases)));
    if let Some(p) = d.parent {
        f.push(("parent".into(), s(&docs[p].id)));
    }
    let related: Vec<&str> = d.related.iter().map(|&t| docs[t].id.as_str()).collect();
    f.push(("related".into(), quote_list(&related)));
    if let Some(p) = d.supersedes {
        f.push(("supersedes".into(), s(&docs[p].id)));
    }
    if let Some(p) = d.programme {
        f.push(("programme".into(), s(&docs[p].id)));
    }
    f
}

fn zola_front_matter(docs: &[Doc], d: &Doc) -> String {
    let mut t = String::with_capacity(1024);
    let _ = writeln!(t, "+++\ntitle = \"{}\"\ndescription = \"{}\"\ndate = {}", d.title, d.summary, d.effective);
    let _ = writeln!(t, "\n[taxonomies]\ntags = {}\n\n[extra]", quote_list(&d.tags));
    for (k, v) in extra_fields(docs, d, true) {
        let _ = writeln!(t, "{k} = {v}");
    }
    t.push_str("+++\n\n");
    t
}

fn hugo_front_matter(docs: &[Doc], d: &Doc) -> String {
    let mut y = String::with_capacity(1024);
    let _ = writeln!(y, "---\ntitle: \"{}\"\ndescription: \"{}\"\ndate: {}", d.title, d.summary, d.effective);
    let _ = writeln!(y, "tags: {}", quote_list(&d.tags));
    for (k, v) in extra_fields(docs, d, false) {
        let _ = writeln!(y, "{k}: {v}");
    }
    y.push_str("---\n\n");
    y
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

const SITE_TITLE: &str = "Sundhedsaftaler – syntetisk testkorpus";

/// The front page: title, intro, a few links.
fn front_page(docs: &[Doc], fmt: Format) -> String {
    let mut s = String::from(
        "Denne publikation er genereret til ydelsesmålinger. Den samler aftaler, forløbsprogrammer, \
         kommunikationspakker, tjeklister og vejledninger om samarbejdet mellem sygehuse, kommuner og almen praksis.\n\n",
    );
    let first: Vec<usize> = (0..docs.len()).filter(|&i| docs[i].live).take(6).collect();
    for &i in &first {
        let d = &docs[i];
        let target = match fmt {
            Format::Pactum => d.rel(),
            Format::Zola => format!("@/{}", d.rel()),
            Format::Hugo => format!("{{{{< relref \"/{}\" >}}}}", d.rel()),
        };
        let _ = writeln!(s, "- [{}]({target})", d.title);
    }
    s.push('\n');
    s
}

fn generate(docs: &[Doc], out: &Path, fmt: Format, words: usize, seed: u64) -> Result<(usize, usize), String> {
    let live: Vec<usize> = (0..docs.len()).filter(|&i| docs[i].live).collect();
    let mut hubs: Vec<usize> =
        live.iter().copied().filter(|&i| docs[i].kind == Kind::Agreement).take((docs.len() / 200).max(5)).collect();
    if hubs.is_empty() {
        hubs = live.clone();
    }
    let content = out.join("content");
    let mut total_words = 0;
    let mut total_links = 0;
    let mut rng = Rng::new(seed ^ 0xF00D);
    for (i, d) in docs.iter().enumerate() {
        let text = body(docs, i, (&hubs, &live), words, fmt, seed);
        total_words += count_words(&text);
        total_links += text.matches("](").count() + text.matches("[[").count();
        let fm = match fmt {
            Format::Pactum => pactum_front_matter(docs, d, &mut rng),
            Format::Zola => zola_front_matter(docs, d),
            Format::Hugo => hugo_front_matter(docs, d),
        };
        write_file(&content.join(d.rel()), &format!("{fm}{text}"))?;
    }
    let intro = front_page(docs, fmt);
    match fmt {
        Format::Pactum => {
            write_file(
                &out.join("pactum.yaml"),
                &format!(
                    "title: \"{SITE_TITLE}\"\ndescription: \"Syntetiske dokumenter til ydelsesmålinger.\"\nbase_url: https://example.org/aftaler/\n"
                ),
            )?;
            write_file(&content.join("index.md"), &format!("---\ntitle: \"{SITE_TITLE}\"\n---\n\n{intro}"))?;
        }
        Format::Zola => write_zola_site(out, &intro)?,
        Format::Hugo => write_hugo_site(out, &intro)?,
    }
    Ok((total_words, total_links))
}

fn write_zola_site(out: &Path, intro: &str) -> Result<(), String> {
    write_file(
        &out.join("config.toml"),
        &format!(
            "base_url = \"https://example.org/aftaler\"\ntitle = \"{SITE_TITLE}\"\ndefault_language = \"da\"\n\
             compile_sass = false\nminify_html = true\n# Set to false to measure Zola without its search index.\n\
             build_search_index = true\ntaxonomies = [{{ name = \"tags\" }}]\n"
        ),
    )?;
    write_file(
        &out.join("content/_index.md"),
        &format!("+++\ntitle = \"{SITE_TITLE}\"\nsort_by = \"none\"\n+++\n\n{intro}"),
    )?;
    for k in Kind::ALL {
        write_file(
            &out.join("content").join(k.folder()).join("_index.md"),
            &format!("+++\ntitle = \"{}\"\nsort_by = \"date\"\n+++\n", k.folder_title()),
        )?;
    }
    let head = "<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>";
    let templates = [
        (
            "index.html",
            format!(
                "{head}{{{{ section.title }}}}</title></head><body><main><h1>{{{{ section.title }}}}</h1>\
                 {{{{ section.content | safe }}}}<ul>{{% for s in section.subsections %}}{{% set sub = get_section(path=s, metadata_only=true) %}}\
                 <li><a href=\"{{{{ sub.permalink }}}}\">{{{{ sub.title }}}}</a></li>{{% endfor %}}</ul></main></body></html>\n"
            ),
        ),
        (
            "section.html",
            format!(
                "{head}{{{{ section.title }}}}</title></head><body><main><h1>{{{{ section.title }}}}</h1><ul>\
                 {{% for p in section.pages %}}<li><a href=\"{{{{ p.permalink }}}}\">{{{{ p.title }}}}</a> \
                 {{{{ p.extra.version | default(value=\"\") }}}} {{{{ p.extra.status | default(value=\"\") }}}}</li>{{% endfor %}}\
                 </ul></main></body></html>\n"
            ),
        ),
        (
            "page.html",
            format!(
                "{head}{{{{ page.title }}}}</title></head><body><main><h1>{{{{ page.title }}}}</h1>\
                 <p>{{{{ page.extra.version | default(value=\"\") }}}} {{{{ page.extra.status | default(value=\"\") }}}}</p>\
                 <nav><ol>{{% for h in page.toc %}}<li><a href=\"#{{{{ h.id }}}}\">{{{{ h.title }}}}</a></li>{{% endfor %}}</ol></nav>\
                 {{{{ page.content | safe }}}}<ul>{{% for t in page.taxonomies.tags | default(value=[]) %}}<li>{{{{ t }}}}</li>{{% endfor %}}</ul>\
                 </main></body></html>\n"
            ),
        ),
        (
            "tags/list.html",
            format!(
                "{head}Emner</title></head><body><main><h1>Emner</h1><ul>{{% for t in terms %}}\
                 <li><a href=\"{{{{ t.permalink }}}}\">{{{{ t.name }}}}</a> ({{{{ t.pages | length }}}})</li>{{% endfor %}}</ul></main></body></html>\n"
            ),
        ),
        (
            "tags/single.html",
            format!(
                "{head}{{{{ term.name }}}}</title></head><body><main><h1>{{{{ term.name }}}}</h1><ul>{{% for p in term.pages %}}\
                 <li><a href=\"{{{{ p.permalink }}}}\">{{{{ p.title }}}}</a></li>{{% endfor %}}</ul></main></body></html>\n"
            ),
        ),
    ];
    for (name, text) in templates {
        write_file(&out.join("templates").join(name), &text)?;
    }
    Ok(())
}

fn write_hugo_site(out: &Path, intro: &str) -> Result<(), String> {
    write_file(
        &out.join("config.toml"),
        &format!(
            "baseURL = \"https://example.org/aftaler/\"\ntitle = \"{SITE_TITLE}\"\nlanguageCode = \"da\"\n\
             defaultContentLanguage = \"da\"\ndisableKinds = [\"RSS\"]\nbuildFuture = true\n\n[taxonomies]\ntag = \"tags\"\n\n\
             [markup.goldmark.parser.attribute]\ntitle = true\n"
        ),
    )?;
    write_file(&out.join("content/_index.md"), &format!("---\ntitle: \"{SITE_TITLE}\"\n---\n\n{intro}"))?;
    for k in Kind::ALL {
        write_file(
            &out.join("content").join(k.folder()).join("_index.md"),
            &format!("---\ntitle: \"{}\"\n---\n", k.folder_title()),
        )?;
    }
    let head = "<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body><main><h1>{{ .Title }}</h1>";
    let templates = [
        (
            "_default/single.html",
            format!(
                "{head}<p>{{{{ .Params.version }}}} {{{{ .Params.status }}}}</p>{{{{ .TableOfContents }}}}{{{{ .Content }}}}\
                 <ul>{{{{ range .Params.tags }}}}<li>{{{{ . }}}}</li>{{{{ end }}}}</ul></main></body></html>\n"
            ),
        ),
        (
            "_default/list.html",
            format!(
                "{head}{{{{ .Content }}}}<ul>{{{{ range .Pages }}}}<li><a href=\"{{{{ .RelPermalink }}}}\">{{{{ .Title }}}}</a> \
                 {{{{ .Params.version }}}} {{{{ .Params.status }}}}</li>{{{{ end }}}}</ul></main></body></html>\n"
            ),
        ),
    ];
    for (name, text) in templates {
        write_file(&out.join("layouts").join(name), &text)?;
    }
    Ok(())
}

struct Args {
    docs: usize,
    out: PathBuf,
    seed: u64,
    format: Format,
    words: usize,
}

const USAGE: &str = "usage: corpus --docs N --out DIR [--seed N] [--format pactum|zola|hugo] [--words N]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args { docs: 1000, out: PathBuf::new(), seed: 1, format: Format::Pactum, words: 1000 };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value\n{USAGE}"));
        match a.as_str() {
            "--docs" => args.docs = value()?.parse().map_err(|e| format!("--docs: {e}"))?,
            "--out" => args.out = PathBuf::from(value()?),
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--words" => args.words = value()?.parse().map_err(|e| format!("--words: {e}"))?,
            "--format" => {
                args.format = match value()?.as_str() {
                    "pactum" => Format::Pactum,
                    "zola" => Format::Zola,
                    "hugo" => Format::Hugo,
                    other => return Err(format!("unknown format `{other}`\n{USAGE}")),
                }
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if args.out.as_os_str().is_empty() {
        return Err(format!("--out is required\n{USAGE}"));
    }
    if args.docs == 0 {
        return Err("--docs must be at least 1".into());
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if std::fs::read_dir(&args.out).is_ok_and(|mut d| d.next().is_some()) {
        eprintln!("error: {} is not empty; remove it or choose another --out", args.out.display());
        return ExitCode::FAILURE;
    }
    let start = Instant::now();
    let docs = plan(args.docs, args.seed);
    match generate(&docs, &args.out, args.format, args.words, args.seed) {
        Ok((words, links)) => {
            eprintln!(
                "wrote {} documents ({} words, {} links) to {} in {:.1} s",
                docs.len(),
                words,
                links,
                args.out.display(),
                start.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
