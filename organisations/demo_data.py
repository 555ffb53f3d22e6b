"""Demo data for `manage.py seed_demo`, as plain Python structures.

Everything here is fictitious: the names of hospitals and health centres are real-sounding
(most exist), but the people, HSA-ids and personnummer are invented. The builder in
`organisations.demo` turns these structures into a deterministic plan and writes it.

Unit references in SUPERVISORS, LOGINS and CAPACITY_EXCEPTIONS are either "Parent/Child" or a
leaf name that is unique within the region (e.g. "Vårdcentralen Majorna").
"""

DEMO_PASSWORD = "demo-bt-2026"
RANDOM_SEED = 2026
# The demo is written as of this date: statuses fit it and no licence or degree lies after it.
AS_OF = "2026-11-02"

# Region slug → organisation-number prefix used for the invented HSA-ids.
SEED_REGIONS = {
    "vgr": "SE2321000131",
    "gavleborg": "SE2321000198",
    "orebro": "SE2321000164",
    "jonkoping": "SE2321000057",
    "ostergotland": "SE2321000040",
    "dalarna": "SE2321000180",
    "varmland": "SE2321000156",
    "sormland": "SE2321000032",
}

# Klinik name → placement category (ids of organisations.models.PlacementCategory).
KLINIK_CATEGORY = {
    "Akutkliniken": "akut",
    "Medicinkliniken": "akut",
    "Kirurgkliniken": "akut",
    "Ortopedkliniken": "akut",
    "Barn- och ungdomskliniken": "akut",
    "Infektionskliniken": "akut",
    "Psykiatriska kliniken": "psykiatri",
    "Vuxenpsykiatri": "psykiatri",
    "Anestesikliniken": "annan",
    "Geriatriska kliniken": "annan",
}

# Per region: hospitals (kind sjukhus) with kliniker and their monthly BT capacity, then the
# primary-care förvaltning with its vårdcentraler (category primarvard) and their capacity.
UNIT_TREES = {
    "vgr": {
        "hospitals": [
            ("Sahlgrenska Universitetssjukhuset", {
                "Akutkliniken": 4, "Medicinkliniken": 3, "Kirurgkliniken": 2, "Ortopedkliniken": 2,
                "Barn- och ungdomskliniken": 2, "Vuxenpsykiatri": 3, "Infektionskliniken": 1,
                "Anestesikliniken": 1,
            }),
            ("Södra Älvsborgs Sjukhus", {
                "Akutkliniken": 2, "Medicinkliniken": 3, "Kirurgkliniken": 2, "Psykiatriska kliniken": 2,
                "Geriatriska kliniken": 1,
            }),
            ("Skaraborgs Sjukhus", {
                "Medicinkliniken": 2, "Ortopedkliniken": 1, "Psykiatriska kliniken": 2, "Anestesikliniken": 1,
            }),
        ],
        "primary_care": ("Primärvård Västra Götaland", {
            "Vårdcentralen Majorna": 2, "Vårdcentralen Linnéstaden": 2, "Vårdcentralen Hisings Backa": 3,
            "Vårdcentralen Norrmalm": 2, "Vårdcentralen Mariestad": 1,
        }),
    },
    "gavleborg": {
        "hospitals": [
            ("Gävle sjukhus", {
                "Akutkliniken": 3, "Medicinkliniken": 3, "Kirurgkliniken": 2, "Ortopedkliniken": 1,
                "Barn- och ungdomskliniken": 1, "Psykiatriska kliniken": 2, "Infektionskliniken": 1,
                "Anestesikliniken": 1,
            }),
            ("Hudiksvalls sjukhus", {"Medicinkliniken": 2, "Kirurgkliniken": 1, "Vuxenpsykiatri": 1}),
        ],
        "primary_care": ("Primärvård Gävleborg", {
            "Hälsocentralen Brynäs": 2, "Hälsocentralen Sätra": 2, "Hälsocentralen Sandviken": 1,
            "Hälsocentralen Bollnäs": 2, "Hälsocentralen Iggesund": 1,
        }),
    },
    "orebro": {
        "hospitals": [
            ("Universitetssjukhuset Örebro", {
                "Akutkliniken": 3, "Medicinkliniken": 3, "Kirurgkliniken": 2, "Ortopedkliniken": 2,
                "Barn- och ungdomskliniken": 1, "Psykiatriska kliniken": 2, "Infektionskliniken": 1,
                "Anestesikliniken": 1,
            }),
            ("Karlskoga lasarett", {"Medicinkliniken": 2, "Kirurgkliniken": 1}),
        ],
        "primary_care": ("Primärvård Örebro län", {
            "Vårdcentralen Tullen": 2, "Vårdcentralen Varberga": 2, "Vårdcentralen Brickebacken": 1,
            "Vårdcentralen Lindesberg": 1,
        }),
    },
    "jonkoping": {
        "hospitals": [
            ("Länssjukhuset Ryhov", {
                "Akutkliniken": 2, "Medicinkliniken": 3, "Kirurgkliniken": 2, "Ortopedkliniken": 1,
                "Barn- och ungdomskliniken": 1, "Psykiatriska kliniken": 2, "Infektionskliniken": 1,
                "Anestesikliniken": 1,
            }),
            ("Höglandssjukhuset Eksjö", {"Medicinkliniken": 2, "Psykiatriska kliniken": 1}),
        ],
        "primary_care": ("Primärvård Jönköpings län", {
            "Vårdcentralen Tenhult": 1, "Vårdcentralen Öxnehaga": 2, "Vårdcentralen Råslätt": 2,
            "Vårdcentralen Norrahammar": 1,
        }),
    },
    "ostergotland": {
        "hospitals": [
            ("Universitetssjukhuset i Linköping", {
                "Akutkliniken": 3, "Medicinkliniken": 3, "Kirurgkliniken": 2, "Ortopedkliniken": 2,
                "Barn- och ungdomskliniken": 2, "Psykiatriska kliniken": 3, "Infektionskliniken": 1,
                "Anestesikliniken": 1,
            }),
            ("Vrinnevisjukhuset", {
                "Akutkliniken": 2, "Medicinkliniken": 2, "Kirurgkliniken": 1, "Psykiatriska kliniken": 2,
            }),
        ],
        "primary_care": ("Primärvård Östergötland", {
            "Vårdcentralen Ekholmen": 2, "Vårdcentralen Skäggetorp": 2, "Vårdcentralen Kneippen": 2,
            "Vårdcentralen Ljura": 1, "Vårdcentralen Motala": 1,
        }),
    },
    "dalarna": {
        "hospitals": [
            ("Falu lasarett", {
                "Akutkliniken": 2, "Medicinkliniken": 3, "Kirurgkliniken": 2, "Ortopedkliniken": 1,
                "Barn- och ungdomskliniken": 1, "Psykiatriska kliniken": 2, "Geriatriska kliniken": 1,
            }),
            ("Mora lasarett", {"Medicinkliniken": 1, "Kirurgkliniken": 1}),
        ],
        "primary_care": ("Primärvård Dalarna", {
            "Vårdcentralen Britsarvet": 2, "Vårdcentralen Kvarnsveden": 2, "Vårdcentralen Ludvika": 1,
            "Vårdcentralen Mora": 1,
        }),
    },
    "varmland": {
        "hospitals": [
            ("Centralsjukhuset Karlstad", {
                "Akutkliniken": 3, "Medicinkliniken": 3, "Kirurgkliniken": 2, "Ortopedkliniken": 1,
                "Barn- och ungdomskliniken": 1, "Psykiatriska kliniken": 2, "Infektionskliniken": 1,
                "Anestesikliniken": 1,
            }),
        ],
        "primary_care": ("Primärvård Värmland", {
            "Vårdcentralen Gripen": 2, "Vårdcentralen Herrhagen": 1, "Vårdcentralen Kronoparken": 2,
            "Vårdcentralen Skoghall": 1, "Vårdcentralen Arvika": 1,
        }),
    },
    "sormland": {
        "hospitals": [
            ("Mälarsjukhuset", {
                "Akutkliniken": 3, "Medicinkliniken": 3, "Kirurgkliniken": 2, "Ortopedkliniken": 2,
                "Barn- och ungdomskliniken": 1, "Vuxenpsykiatri": 2,
            }),
            ("Nyköpings lasarett", {
                "Medicinkliniken": 2, "Kirurgkliniken": 1, "Psykiatriska kliniken": 2, "Anestesikliniken": 1,
            }),
        ],
        "primary_care": ("Primärvård Sörmland", {
            "Vårdcentralen Skiftinge": 2, "Vårdcentralen Fröslunda": 2, "Vårdcentralen Oxelösund": 1,
            "Vårdcentralen Strängnäs": 1,
        }),
    },
}

# Exceptions to the monthly capacity: (region, unit, month "YYYY-MM", capacity).
CAPACITY_EXCEPTIONS = [
    ("vgr", "Sahlgrenska Universitetssjukhuset/Akutkliniken", "2027-07", 1),
    ("vgr", "Sahlgrenska Universitetssjukhuset/Medicinkliniken", "2027-04", 4),
    ("vgr", "Vårdcentralen Majorna", "2027-07", 0),
    ("gavleborg", "Gävle sjukhus/Medicinkliniken", "2027-07", 1),
    ("gavleborg", "Hälsocentralen Brynäs", "2027-07", 0),
    ("jonkoping", "Länssjukhuset Ryhov/Psykiatriska kliniken", "2026-12", 1),
    ("ostergotland", "Vårdcentralen Ekholmen", "2027-07", 0),
    ("varmland", "Centralsjukhuset Karlstad/Akutkliniken", "2027-07", 1),
]

# The role logins that are not supervisors or trainees: (email, first, last, sex, role,
# scope_region, scope_unit). Sex ("F"/"M") only steers the personnummer's gender digit.
STAFF_LOGINS = [
    ("studierektor@example.se", "Maria", "Westerberg", "F", "studierektor", "vgr",
     "Sahlgrenska Universitetssjukhuset"),
    ("verksamhetschef@example.se", "Anders", "Nyström", "M", "verksamhetschef", "vgr", "Vårdcentralen Majorna"),
    ("kansli@example.se", "Helena", "Åberg", "F", "kansli", "vgr", None),
    ("granskare@example.se", "Ingrid", "Sjöberg", "F", "granskare", "gavleborg", None),
    ("admin@example.se", "Johan", "Berglund", "M", "admin", None, None),
]

# Supervisors: (region, first, last, sex, specialty, workplace, role, specialist_since,
# handledarutbildning, BT-handledarutbildning, email or None for first.last@<region>.example.se).
# Some qualifications are deliberately missing so the rules have something to warn about:
# Gävleborg requires BT-handledarutbildning, Jönköping recommends it.
SUPERVISORS = [
    # Västra Götaland
    ("vgr", "Karin", "Holmberg", "F", "Allmänmedicin", "Vårdcentralen Majorna", "huvudhandledare",
     "2009-03-01", "2011-10-12", "2022-05-18", "huvudhandledare@example.se"),
    ("vgr", "Erik", "Sandberg", "M", "Internmedicin", "Sahlgrenska Universitetssjukhuset/Medicinkliniken",
     "handledare", "2014-09-01", "2016-02-03", None, "handledare@example.se"),
    ("vgr", "Anna", "Bergström", "F", "Allmänmedicin", "Vårdcentralen Hisings Backa", "huvudhandledare",
     "2012-06-01", "2014-04-09", "2022-11-16", None),
    ("vgr", "Fredrik", "Olsson", "M", "Allmänmedicin", "Vårdcentralen Norrmalm", "huvudhandledare",
     "2010-01-15", "2011-03-23", "2023-03-15", None),
    ("vgr", "Mikael", "Johansson", "M", "Akutsjukvård", "Sahlgrenska Universitetssjukhuset/Akutkliniken",
     "handledare", "2015-11-01", "2016-09-14", None, None),
    ("vgr", "Sara", "Lind", "F", "Psykiatri", "Södra Älvsborgs Sjukhus/Psykiatriska kliniken", "handledare",
     "2017-04-01", None, None, None),
    # Gävleborg (BT starts and ends in primärvård with the huvudhandledare there)
    ("gavleborg", "Lena", "Engström", "F", "Allmänmedicin", "Hälsocentralen Brynäs", "huvudhandledare",
     "2009-09-01", "2010-05-19", "2022-02-09", None),
    ("gavleborg", "Magnus", "Hedlund", "M", "Allmänmedicin", "Hälsocentralen Bollnäs", "huvudhandledare",
     "2014-02-01", "2015-10-07", "2023-09-20", None),
    ("gavleborg", "Cecilia", "Wikström", "F", "Internmedicin", "Gävle sjukhus/Medicinkliniken", "handledare",
     "2016-05-01", "2018-01-24", None, None),
    ("gavleborg", "Tomas", "Sundberg", "M", "Psykiatri", "Gävle sjukhus/Psykiatriska kliniken", "handledare",
     "2013-08-15", "2014-11-05", "2022-10-12", None),
    # Örebro
    ("orebro", "Eva", "Larsson", "F", "Allmänmedicin", "Vårdcentralen Varberga", "huvudhandledare",
     "2011-03-01", "2012-09-26", "2022-04-06", None),
    ("orebro", "Henrik", "Strand", "M", "Allmänmedicin", "Vårdcentralen Brickebacken", "huvudhandledare",
     "2016-10-01", "2017-05-17", None, None),
    ("orebro", "Niklas", "Forsberg", "M", "Internmedicin", "Universitetssjukhuset Örebro/Medicinkliniken",
     "handledare", "2012-01-01", "2013-02-20", None, None),
    ("orebro", "Malin", "Dahl", "F", "Psykiatri", "Universitetssjukhuset Örebro/Psykiatriska kliniken",
     "handledare", "2018-06-01", "2019-03-13", None, None),
    # Jönköping (integrated BT: the ST huvudhandledare follows the BT too)
    ("jonkoping", "Ulrika", "Johnsson", "F", "Allmänmedicin", "Vårdcentralen Tenhult", "huvudhandledare",
     "2008-11-01", "2010-02-10", "2021-11-24", None),
    ("jonkoping", "Daniel", "Axelsson", "M", "Internmedicin", "Länssjukhuset Ryhov/Medicinkliniken",
     "huvudhandledare", "2013-04-01", "2014-10-15", "2022-09-07", None),
    ("jonkoping", "Sofia", "Gustafsson", "F", "Psykiatri", "Länssjukhuset Ryhov/Psykiatriska kliniken",
     "huvudhandledare", "2015-02-01", "2016-04-20", None, None),
    ("jonkoping", "Patrik", "Holm", "M", "Kirurgi", "Länssjukhuset Ryhov/Kirurgkliniken", "handledare",
     "2011-09-01", "2013-01-16", None, None),
    # Östergötland
    ("ostergotland", "Åsa", "Lindgren", "F", "Allmänmedicin", "Vårdcentralen Ekholmen", "huvudhandledare",
     "2010-05-01", "2011-11-09", "2022-03-16", None),
    ("ostergotland", "Jakob", "Söderberg", "M", "Allmänmedicin", "Vårdcentralen Kneippen", "huvudhandledare",
     "2015-09-01", "2016-11-30", "2023-05-24", None),
    ("ostergotland", "Emma", "Blom", "F", "Akutsjukvård", "Universitetssjukhuset i Linköping/Akutkliniken",
     "handledare", "2017-03-01", "2018-09-19", None, None),
    ("ostergotland", "Hassan", "Nasser", "M", "Psykiatri", "Vrinnevisjukhuset/Psykiatriska kliniken",
     "handledare", "2012-12-01", "2014-05-28", "2022-12-07", None),
    # Dalarna
    ("dalarna", "Kristina", "Borg", "F", "Allmänmedicin", "Vårdcentralen Britsarvet", "huvudhandledare",
     "2007-10-01", "2009-04-22", "2022-06-15", None),
    ("dalarna", "Lars", "Hellström", "M", "Internmedicin", "Falu lasarett/Medicinkliniken", "handledare",
     "2014-06-01", "2015-09-09", None, None),
    ("dalarna", "Jenny", "Mattsson", "F", "Psykiatri", "Falu lasarett/Psykiatriska kliniken", "handledare",
     None, None, None, None),  # an ST-läkare acting as handledare: not yet a specialist
    # Värmland
    ("varmland", "Gunilla", "Eriksson", "F", "Allmänmedicin", "Vårdcentralen Gripen", "huvudhandledare",
     "2006-04-01", "2008-03-12", "2021-10-20", None),
    ("varmland", "Björn", "Carlsson", "M", "Allmänmedicin", "Vårdcentralen Skoghall", "huvudhandledare",
     "2013-11-01", "2015-01-21", "2023-02-08", None),
    ("varmland", "Martin", "Wallin", "M", "Akutsjukvård", "Centralsjukhuset Karlstad/Akutkliniken", "handledare",
     "2016-08-01", "2017-10-25", None, None),
    ("varmland", "Ida", "Persson", "F", "Psykiatri", "Centralsjukhuset Karlstad/Psykiatriska kliniken",
     "handledare", "2019-01-01", "2020-02-12", None, None),
    # Sörmland
    ("sormland", "Annika", "Falk", "F", "Allmänmedicin", "Vårdcentralen Skiftinge", "huvudhandledare",
     "2011-08-01", "2012-11-14", "2022-08-31", None),
    ("sormland", "Ahmed", "Saleh", "M", "Allmänmedicin", "Vårdcentralen Fröslunda", "huvudhandledare",
     "2017-02-01", "2018-04-18", "2023-10-11", None),
    ("sormland", "Stefan", "Lundberg", "M", "Internmedicin", "Mälarsjukhuset/Medicinkliniken", "handledare",
     "2009-05-01", "2010-10-06", None, None),
    ("sormland", "Camilla", "Öberg", "F", "Psykiatri", "Nyköpings lasarett/Psykiatriska kliniken", "handledare",
     "2018-10-01", None, None, None),
    # The external assessor login: a GP in another region than bt@example.se.
    ("orebro", "Per", "Lundgren", "M", "Allmänmedicin", "Vårdcentralen Tullen", "extern_bedomare",
     "2005-09-01", "2007-03-21", "2021-09-29", "extern@example.se"),
]

# BT-läkare: (region, first, last, sex, degree country, status, start "YYYY-MM", bt type,
# ST specialty for integrated BT, huvudhandledare email or None = chosen by the builder,
# email or None for first.last@<region>.example.se).
TRAINEES = [
    # Västra Götaland
    ("vgr", "Leila", "Karimi", "F", "Iran", "active", "2026-04", "fristaende", "",
     "huvudhandledare@example.se", "bt@example.se"),
    ("vgr", "Tomasz", "Kowalski", "M", "Polen", "active", "2025-11", "fristaende", "",
     "huvudhandledare@example.se", None),
    ("vgr", "Elin", "Ramberg", "F", "Polen", "active", "2026-09", "fristaende", "",
     "huvudhandledare@example.se", None),
    ("vgr", "Yousef", "Al-Khatib", "M", "Syrien", "planned", "2027-04", "fristaende", "",
     "anna.bergstrom@vgr.example.se", None),
    ("vgr", "Maja", "Sundqvist", "F", "Sverige", "planned", "2027-04", "integrerad", "Allmänmedicin",
     "huvudhandledare@example.se", None),
    ("vgr", "Andreas", "Schmidt", "M", "Tyskland", "completed", "2025-04", "integrerad", "Allmänmedicin",
     None, None),
    ("vgr", "Olena", "Bondarenko", "F", "Ukraina", "paused", "2026-04", "fristaende", "",
     "huvudhandledare@example.se", None),
    ("vgr", "Nadia", "Ibrahim", "F", "Egypten", "active", "2026-11", "integrerad", "Psykiatri", None, None),
    # Gävleborg (mainly fristående)
    ("gavleborg", "Mohammed", "Al-Jaberi", "M", "Irak", "active", "2026-04", "fristaende", "", None, None),
    ("gavleborg", "Ioana", "Popescu", "F", "Rumänien", "active", "2025-11", "fristaende", "", None, None),
    ("gavleborg", "Viktor", "Holmqvist", "M", "Rumänien", "planned", "2027-04", "fristaende", "", None, None),
    ("gavleborg", "Dimitris", "Georgiou", "M", "Grekland", "completed", "2025-09", "fristaende", "", None, None),
    ("gavleborg", "Hanna", "Lundin", "F", "Sverige", "active", "2026-09", "integrerad", "Allmänmedicin",
     None, None),
    # Örebro
    ("orebro", "Reza", "Hosseini", "M", "Iran", "active", "2026-04", "fristaende", "", None, None),
    ("orebro", "Katarzyna", "Nowak", "F", "Polen", "planned", "2027-04", "integrerad", "Internmedicin",
     None, None),
    ("orebro", "Amal", "Mansour", "F", "Syrien", "active", "2025-11", "fristaende", "", None, None),
    ("orebro", "Linnea", "Forsgren", "F", "Lettland", "discontinued", "2025-09", "fristaende", "", None, None),
    ("orebro", "Oleksandr", "Tkachenko", "M", "Ukraina", "active", "2026-09", "integrerad", "Akutsjukvård",
     None, None),
    # Jönköping (integrated BT only)
    ("jonkoping", "Sara", "Abdullah", "F", "Irak", "active", "2026-04", "integrerad", "Allmänmedicin", None, None),
    ("jonkoping", "Jan", "Nowicki", "M", "Polen", "active", "2025-11", "integrerad", "Internmedicin", None, None),
    ("jonkoping", "Emilia", "Svensson", "F", "Ungern", "planned", "2027-04", "integrerad", "Psykiatri", None, None),
    ("jonkoping", "Khaled", "Mahmoud", "M", "Egypten", "completed", "2025-04", "integrerad", "Allmänmedicin",
     None, None),
    ("jonkoping", "Julia", "Weber", "F", "Tyskland", "planned", "2027-04", "integrerad",
     "Barn- och ungdomsmedicin", None, None),
    # Östergötland (intake in April and November)
    ("ostergotland", "Ali", "Rahimi", "M", "Iran", "active", "2025-11", "integrerad", "Allmänmedicin", None, None),
    ("ostergotland", "Maria", "Papadopoulou", "F", "Grekland", "active", "2026-04", "fristaende", "", None, None),
    ("ostergotland", "Rasmus", "Vik", "M", "Danmark", "planned", "2027-04", "integrerad", "Allmänmedicin",
     None, None),
    ("ostergotland", "Layla", "Hassan", "F", "Syrien", "active", "2026-11", "fristaende", "", None, None),
    ("ostergotland", "Andrei", "Ionescu", "M", "Rumänien", "paused", "2025-11", "fristaende", "", None, None),
    # Dalarna
    ("dalarna", "Zainab", "Al-Saadi", "F", "Irak", "active", "2026-09", "fristaende", "", None, None),
    ("dalarna", "Markus", "Hoffmann", "M", "Tyskland", "completed", "2025-09", "fristaende", "", None, None),
    ("dalarna", "Alma", "Nordgren", "F", "Polen", "planned", "2027-04", "fristaende", "", None, None),
    ("dalarna", "Kateryna", "Melnyk", "F", "Ukraina", "paused", "2026-04", "fristaende", "", None, None),
    # Värmland
    ("varmland", "Samir", "Haddad", "M", "Syrien", "active", "2026-04", "fristaende", "", None, None),
    ("varmland", "Agnieszka", "Zielińska", "F", "Polen", "planned", "2027-04", "integrerad", "Akutsjukvård",
     None, None),
    ("varmland", "Nikolaos", "Dimitriou", "M", "Grekland", "completed", "2025-09", "fristaende", "", None, None),
    ("varmland", "Ebba", "Lindahl", "F", "Sverige", "active", "2026-09", "integrerad", "Allmänmedicin",
     None, None),
    # Sörmland
    ("sormland", "Omar", "Youssef", "M", "Egypten", "active", "2025-11", "fristaende", "", None, None),
    ("sormland", "Parisa", "Moradi", "F", "Iran", "planned", "2027-04", "fristaende", "", None, None),
    ("sormland", "Radu", "Stan", "M", "Rumänien", "discontinued", "2026-04", "fristaende", "", None, None),
    ("sormland", "Klara", "Hedin", "F", "Sverige", "planned", "2027-04", "integrerad", "Psykiatri", None, None),
]

# ST specialty → klinik names where an integrated BT-läkare's ST (and so the home unit) sits.
SPECIALTY_HOME = {
    "Internmedicin": ["Medicinkliniken"],
    "Psykiatri": ["Psykiatriska kliniken", "Vuxenpsykiatri"],
    "Akutsjukvård": ["Akutkliniken"],
    "Barn- och ungdomsmedicin": ["Barn- och ungdomskliniken"],
}
