//! The places of the synthetic patients: the countries they live in (how
//! their phone numbers are written, their cities, streets, postcodes,
//! insurers and national ids), and the landmarks, e-mail domains and notes
//! of a registration. Data only, kept apart so that the generator in
//! `synthetic` reads on its own.

#[derive(Clone, Copy)]
pub(super) enum AddressStyle {
    /// "Plot 12, Ngong Road", "P.O. Box 4521".
    Plot,
    /// "12 High Street".
    NumberFirst,
    /// "Hauptstraße 12".
    NumberLast,
}

pub(super) struct City {
    pub(super) name: &'static str,
    pub(super) region: &'static str,
    /// A postal code template (see [`super::Generator::fill`]); empty where none are used.
    pub(super) postal: &'static str,
    pub(super) weight: u32,
}

const fn city(name: &'static str, region: &'static str, postal: &'static str, weight: u32) -> City {
    City {
        name,
        region,
        postal,
        weight,
    }
}

pub(super) struct Country {
    pub(super) name: &'static str,
    /// How mobile numbers start (the national number, without trunk prefix).
    pub(super) mobile: &'static [&'static str],
    /// Digits in the national number.
    pub(super) nsn_len: usize,
    /// Ways people write a number: `n` is the next digit of the national number.
    pub(super) phone_styles: &'static [(&'static str, u32)],
    pub(super) cities: &'static [City],
    pub(super) streets: &'static [&'static str],
    pub(super) address: AddressStyle,
    pub(super) postal_share: f64,
    /// Provider, policy number template, weight.
    pub(super) insurers: &'static [(&'static str, &'static str, u32)],
    pub(super) national_id: &'static str,
}

/// The clinic's own country, where most patients live.
pub(super) const CLINIC_COUNTRY: usize = KENYA;
pub(super) const KENYA: usize = 0;
pub(super) const UGANDA: usize = 1;
pub(super) const TANZANIA: usize = 2;
pub(super) const NIGERIA: usize = 3;
pub(super) const INDIA: usize = 4;
pub(super) const UK: usize = 5;
pub(super) const USA: usize = 6;
pub(super) const MEXICO: usize = 7;
pub(super) const GERMANY: usize = 8;
pub(super) const VIETNAM: usize = 9;

pub(super) static COUNTRIES: [Country; 10] = [
    Country {
        name: "Kenya",
        mobile: &["70", "71", "72", "74", "75", "76", "79", "11", "10"],
        nsn_len: 9,
        phone_styles: &[
            ("0nnn nnn nnn", 30),
            ("+254 nnn nnn nnn", 25),
            ("0nnnnnnnnn", 20),
            ("+254nnnnnnnnn", 10),
            ("0nnn-nnn-nnn", 8),
            ("254 nnn nnnnnn", 4),
            ("+254 (0) nnn nnn nnn", 3),
        ],
        cities: &[
            city("Nairobi", "Nairobi County", "00###", 500),
            city("Mombasa", "Mombasa County", "80100", 60),
            city("Kisumu", "Kisumu County", "40100", 50),
            city("Nakuru", "Nakuru County", "20100", 45),
            city("Eldoret", "Uasin Gishu County", "30100", 35),
            city("Thika", "Kiambu County", "01000", 40),
            city("Ruiru", "Kiambu County", "00232", 35),
            city("Kitengela", "Kajiado County", "00241", 30),
            city("Machakos", "Machakos County", "90100", 25),
            city("Nyeri", "Nyeri County", "10100", 20),
            city("Kisii", "Kisii County", "40200", 15),
            city("Kakamega", "Kakamega County", "50100", 15),
            city("Meru", "Meru County", "60200", 15),
            city("Embu", "Embu County", "60100", 10),
            city("Kitale", "Trans-Nzoia County", "30200", 10),
            city("Malindi", "Kilifi County", "80200", 8),
            city("Garissa", "Garissa County", "70100", 8),
            city("Kericho", "Kericho County", "20200", 8),
            city("Murang'a", "Murang'a County", "10200", 8),
        ],
        streets: &[
            "Ngong Road",
            "Jogoo Road",
            "Thika Road",
            "Mombasa Road",
            "Waiyaki Way",
            "Langata Road",
            "Juja Road",
            "Outering Road",
            "Kangundo Road",
            "Moi Avenue",
            "Kenyatta Avenue",
            "Kimathi Street",
            "Tom Mboya Street",
            "Haile Selassie Avenue",
            "Argwings Kodhek Road",
            "Umoja Estate",
            "Buruburu Phase 2",
            "Kayole",
            "Eastleigh 1st Avenue",
            "Kawangware",
            "Kibera Olympic",
            "South B",
            "Donholm",
            "Kasarani",
            "Githurai 45",
            "Zimmerman",
            "Pipeline Estate",
            "Mathare North",
            "Kahawa West",
            "Embakasi",
        ],
        address: AddressStyle::Plot,
        postal_share: 0.35,
        insurers: &[
            ("SHA", "CR#########-#", 400),
            ("NHIF", "########", 120),
            ("AAR Insurance", "AAR/####/#####", 80),
            ("Jubilee Health", "JH-#######", 80),
            ("Britam", "BRT/HL/######", 60),
            ("CIC Insurance", "CIC-MED-######", 50),
            ("Madison Insurance", "MIC######", 30),
            ("Old Mutual", "OM-######-##", 30),
            ("APA Insurance", "APA/H/#####", 25),
        ],
        national_id: "########",
    },
    Country {
        name: "Uganda",
        mobile: &["70", "71", "74", "75", "77", "78"],
        nsn_len: 9,
        phone_styles: &[
            ("+256 nnn nnn nnn", 40),
            ("0nnn nnnnnn", 30),
            ("0nnn-nnn-nnn", 15),
            ("+256nnnnnnnnn", 15),
        ],
        cities: &[
            city("Kampala", "Central Region", "", 60),
            city("Entebbe", "Wakiso District", "", 15),
            city("Jinja", "Eastern Region", "", 10),
            city("Mbarara", "Western Region", "", 8),
            city("Gulu", "Northern Region", "", 7),
        ],
        streets: &[
            "Kampala Road",
            "Jinja Road",
            "Bombo Road",
            "Entebbe Road",
            "Gayaza Road",
            "Ntinda",
            "Kira Road",
        ],
        address: AddressStyle::Plot,
        postal_share: 0.0,
        insurers: &[
            ("AAR Uganda", "AARU-######", 40),
            ("Jubilee Uganda", "JHU/######", 30),
            ("Prudential Uganda", "PRU-#######", 20),
            ("UAP Old Mutual", "UAP######", 20),
        ],
        national_id: "C@##########@@",
    },
    Country {
        name: "Tanzania",
        mobile: &["65", "67", "68", "71", "74", "75", "76", "78"],
        nsn_len: 9,
        phone_styles: &[
            ("+255 nnn nnn nnn", 40),
            ("0nnn nnn nnn", 35),
            ("0nnnnnnnnn", 25),
        ],
        cities: &[
            city("Dar es Salaam", "Dar es Salaam Region", "1####", 50),
            city("Arusha", "Arusha Region", "231##", 20),
            city("Mwanza", "Mwanza Region", "331##", 15),
            city("Moshi", "Kilimanjaro Region", "251##", 10),
            city("Dodoma", "Dodoma Region", "411##", 8),
            city("Zanzibar", "Mjini Magharibi", "711##", 7),
        ],
        streets: &[
            "Samora Avenue",
            "Morogoro Road",
            "Bibi Titi Mohamed Street",
            "Uhuru Street",
            "Kinondoni",
            "Sokoine Road",
        ],
        address: AddressStyle::Plot,
        postal_share: 0.4,
        insurers: &[
            ("NHIF Tanzania", "##########", 50),
            ("Jubilee Tanzania", "JHT-######", 20),
            ("Strategis", "STR/#####", 15),
            ("AAR Tanzania", "AART-#####", 15),
        ],
        national_id: "%-#####-#####-##",
    },
    Country {
        name: "Nigeria",
        mobile: &[
            "803", "806", "813", "816", "703", "706", "802", "808", "812", "701", "902", "905",
        ],
        nsn_len: 10,
        phone_styles: &[
            ("+234 nnn nnn nnnn", 35),
            ("0nnn nnn nnnn", 35),
            ("0nnnnnnnnnn", 20),
            ("+234-nnn-nnn-nnnn", 10),
        ],
        cities: &[
            city("Lagos", "Lagos State", "1#####", 50),
            city("Abuja", "Federal Capital Territory", "9#####", 20),
            city("Ibadan", "Oyo State", "2#####", 12),
            city("Kano", "Kano State", "7#####", 10),
            city("Enugu", "Enugu State", "4#####", 8),
            city("Port Harcourt", "Rivers State", "5#####", 8),
        ],
        streets: &[
            "Adeola Odeku Street",
            "Allen Avenue",
            "Awolowo Road",
            "Ogui Road",
            "Ahmadu Bello Way",
            "Herbert Macaulay Way",
            "Bode Thomas Street",
        ],
        address: AddressStyle::NumberFirst,
        postal_share: 0.3,
        insurers: &[
            ("NHIA", "NHIA/##/#######", 40),
            ("Hygeia HMO", "HYG-#######", 20),
            ("AXA Mansard", "AXM/######", 15),
            ("Reliance HMO", "RH-######", 15),
            ("Leadway Health", "LWH#######", 10),
        ],
        national_id: "###########",
    },
    Country {
        name: "India",
        mobile: &[
            "98", "99", "97", "96", "95", "94", "93", "91", "90", "88", "87", "70", "63",
        ],
        nsn_len: 10,
        phone_styles: &[
            ("+91 nnnnn nnnnn", 40),
            ("nnnnnnnnnn", 25),
            ("0nnnnn nnnnn", 15),
            ("+91-nnnnn-nnnnn", 20),
        ],
        cities: &[
            city("Mumbai", "Maharashtra", "4000##", 30),
            city("Delhi", "Delhi", "1100##", 25),
            city("Bengaluru", "Karnataka", "5600##", 20),
            city("Chennai", "Tamil Nadu", "6000##", 15),
            city("Ahmedabad", "Gujarat", "3800##", 15),
            city("Kolkata", "West Bengal", "7000##", 15),
        ],
        streets: &[
            "MG Road",
            "Station Road",
            "Nehru Nagar",
            "Gandhi Marg",
            "Link Road",
            "Park Street",
        ],
        address: AddressStyle::NumberFirst,
        postal_share: 0.8,
        insurers: &[
            ("Ayushman Bharat (PM-JAY)", "PMJAY-@@#########", 30),
            ("Star Health", "P/######/##/####/######", 25),
            ("HDFC ERGO", "2###-####-####-####-###", 20),
            ("ICICI Lombard", "4###/#########/##/###", 15),
            ("Niva Bupa", "3#########", 10),
        ],
        national_id: "#### #### ####",
    },
    Country {
        name: "United Kingdom",
        mobile: &["74", "75", "77", "78", "79"],
        nsn_len: 10,
        phone_styles: &[
            ("0nnnn nnnnnn", 50),
            ("+44 nnnn nnnnnn", 30),
            ("+44 (0)nnnn nnnnnn", 10),
            ("0nnnnnnnnnn", 10),
        ],
        cities: &[
            city("London", "Greater London", "E# #@@", 50),
            city("Manchester", "Greater Manchester", "M# #@@", 15),
            city("Birmingham", "West Midlands", "B# #@@", 15),
            city("Leicester", "Leicestershire", "LE# #@@", 10),
            city("Leeds", "West Yorkshire", "LS# #@@", 10),
        ],
        streets: &[
            "High Street",
            "Station Road",
            "Church Lane",
            "Victoria Road",
            "Green Lane",
            "Park Avenue",
            "Queen's Road",
        ],
        address: AddressStyle::NumberFirst,
        postal_share: 0.9,
        insurers: &[
            ("Bupa", "BUP#######", 40),
            ("AXA Health", "AXA-########", 25),
            ("Vitality", "VH#######", 20),
            ("Aviva", "AV########", 15),
        ],
        national_id: "@@ ## ## ## C",
    },
    Country {
        name: "United States",
        mobile: &[
            "5552", "5553", "5554", "5555", "5556", "5557", "5558", "5559",
        ],
        nsn_len: 10,
        phone_styles: &[
            ("(nnn) nnn-nnnn", 45),
            ("nnn-nnn-nnnn", 25),
            ("+1 nnn nnn nnnn", 15),
            ("nnn.nnn.nnnn", 10),
            ("1-nnn-nnn-nnnn", 5),
        ],
        cities: &[
            city("Minneapolis", "Minnesota", "554##", 20),
            city("Columbus", "Ohio", "432##", 15),
            city("Houston", "Texas", "770##", 20),
            city("Atlanta", "Georgia", "303##", 15),
            city("Seattle", "Washington", "981##", 15),
            city("Chicago", "Illinois", "606##", 15),
        ],
        streets: &[
            "Main Street",
            "Maple Avenue",
            "Oak Street",
            "Lincoln Boulevard",
            "Elm Drive",
            "Washington Avenue",
            "Cedar Lane",
        ],
        address: AddressStyle::NumberFirst,
        postal_share: 0.9,
        insurers: &[
            ("Blue Cross Blue Shield", "XYZ#########", 30),
            ("UnitedHealthcare", "9########", 25),
            ("Aetna", "W#########", 20),
            ("Cigna", "U#######-##", 15),
            ("Medicaid", "@@#####@", 10),
        ],
        national_id: "9##-##-####",
    },
    Country {
        name: "México",
        mobile: &["55", "33", "81", "22"],
        nsn_len: 10,
        phone_styles: &[
            ("+52 nn nnnn nnnn", 45),
            ("nn nnnn nnnn", 35),
            ("nnnnnnnnnn", 20),
        ],
        cities: &[
            city("Ciudad de México", "CDMX", "0####", 40),
            city("Guadalajara", "Jalisco", "44###", 20),
            city("Monterrey", "Nuevo León", "64###", 20),
            city("Puebla", "Puebla", "72###", 10),
        ],
        streets: &[
            "Avenida Insurgentes Sur",
            "Calle Hidalgo",
            "Calle Morelos",
            "Avenida Juárez",
            "Paseo de la Reforma",
            "Calle 5 de Mayo",
        ],
        address: AddressStyle::NumberLast,
        postal_share: 0.7,
        insurers: &[
            ("IMSS", "##########-#", 50),
            ("ISSSTE", "@@@@######", 20),
            ("GNP Seguros", "GNP#######", 15),
            ("AXA México", "AXM-#######", 15),
        ],
        national_id: "@@@@######H@@@@@##",
    },
    Country {
        name: "Deutschland",
        mobile: &["151", "152", "157", "160", "170", "171", "172", "176"],
        nsn_len: 11,
        phone_styles: &[
            ("+49 nnn nnnnnnnn", 45),
            ("0nnn nnnnnnnn", 35),
            ("0nnn-nnnnnnnn", 20),
        ],
        cities: &[
            city("Berlin", "Berlin", "10###", 35),
            city("Hamburg", "Hamburg", "20###", 20),
            city("München", "Bayern", "80###", 25),
            city("Köln", "Nordrhein-Westfalen", "50###", 20),
        ],
        streets: &[
            "Hauptstraße",
            "Bahnhofstraße",
            "Schulstraße",
            "Gartenweg",
            "Lindenallee",
            "Goethestraße",
        ],
        address: AddressStyle::NumberLast,
        postal_share: 0.9,
        insurers: &[
            ("AOK", "@#########", 35),
            ("Techniker Krankenkasse", "@#########", 30),
            ("Barmer", "@#########", 20),
            ("DAK-Gesundheit", "@#########", 15),
        ],
        national_id: "L@#@##@##",
    },
    Country {
        name: "Việt Nam",
        mobile: &[
            "90", "91", "93", "94", "96", "97", "98", "32", "35", "70", "77",
        ],
        nsn_len: 9,
        phone_styles: &[
            ("0nnn nnn nnn", 45),
            ("+84 nn nnn nnnn", 35),
            ("0nnnnnnnnn", 20),
        ],
        cities: &[
            city("Hà Nội", "Hà Nội", "100000", 40),
            city("Thành phố Hồ Chí Minh", "Hồ Chí Minh", "700000", 45),
            city("Đà Nẵng", "Đà Nẵng", "550000", 15),
        ],
        streets: &[
            "Đường Lê Lợi",
            "Phố Hàng Bạc",
            "Đường Nguyễn Huệ",
            "Đường Trần Hưng Đạo",
            "Phố Huế",
        ],
        address: AddressStyle::NumberFirst,
        postal_share: 0.3,
        insurers: &[
            ("BHYT", "@@#############", 60),
            ("Bảo Việt", "BV-#######", 25),
            ("PVI", "PVI######", 15),
        ],
        national_id: "0###########",
    },
];

pub(super) const LANDMARKS: &[&str] = &[
    "the market",
    "St. Mary's Church",
    "the mosque",
    "the bus stage",
    "the petrol station",
    "the chief's office",
    "the primary school",
    "the water tower",
];

pub(super) const EMAIL_DOMAINS: &[(&str, u32)] = &[
    ("gmail.com", 55),
    ("yahoo.com", 15),
    ("outlook.com", 8),
    ("hotmail.com", 7),
    ("icloud.com", 4),
    ("yahoo.co.uk", 2),
    ("live.com", 2),
    ("protonmail.com", 2),
];

pub(super) const NOTES: &[&str] = &[
    "Allergic to penicillin",
    "Allergy: sulfa drugs",
    "Known hypertensive, on amlodipine",
    "Type 2 diabetes",
    "Asthmatic: carries an inhaler",
    "Sickle cell disease",
    "Epilepsy",
    "Prefers Kiswahili",
    "Needs an interpreter (Somali)",
    "Hearing impaired: face the patient when speaking",
    "Visually impaired",
    "Wheelchair user",
    "Guardian must be present for consultations",
    "Referred from Kenyatta National Hospital",
    "Do not call after 8 pm",
    "Prefers a female clinician",
    "Lives with grandmother",
    "Pays cash",
    "Allergic to penicillin.\nPrefers Kiswahili.",
];
